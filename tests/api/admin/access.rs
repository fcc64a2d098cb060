//! The Host-header check (DNS rebinding) and `[server] allowed_networks` for loopback
//! callers. Non-loopback callers are in `netns.rs`.

use crate::helpers::admin::*;
use crate::helpers::TestApp;

async fn status_with_host(app: &TestApp, path: &str, host: &str) -> u16 {
    app.client
        .get(app.url(path))
        .header("Host", host)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn unknown_host_names_are_refused_on_admin_and_local_routes() {
    let app = TestApp::spawn(&ini_with_password(&[(
        "server",
        "allowed_hosts",
        "caisse.boutique.lan",
    )]))
    .await;
    let port = app.addr.port();
    for path in ["/config/login", "/open-cash-drawer"] {
        assert_eq!(
            status_with_host(&app, path, "evil.example").await,
            403,
            "{path}"
        );
        assert_eq!(
            status_with_host(&app, path, &format!("evil.example:{port}")).await,
            403,
            "{path}"
        );
        assert_eq!(
            status_with_host(&app, path, &format!("localhost.evil.example:{port}")).await,
            403
        );
        for ok in [
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
            format!("caisse.boutique.lan:{port}"),
        ] {
            assert_eq!(status_with_host(&app, path, &ok).await, 200, "{path} {ok}");
        }
    }
    if let Some(machine) = cashdrawer::platform::machine_name() {
        assert_eq!(
            status_with_host(&app, "/config/login", &format!("{machine}:{port}")).await,
            200
        );
    }
    // A rebinding page cannot post either.
    let res = app
        .client
        .post(app.url("/config/login"))
        .header("Host", "evil.example")
        .form(&[("password", PYTHON_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // Since 1.1 every route checks the Host, read-only ones included: a rebinding page
    // is same-origin to the browser, so CORS would not hide /status from it.
    assert_eq!(status_with_host(&app, "/status", "evil.example").await, 403);
}

#[tokio::test]
async fn loopback_is_always_allowed_whatever_allowed_networks_says() {
    let app = TestApp::spawn(&ini_with_password(&[(
        "server",
        "allowed_networks",
        "10.9.9.0/24",
    )]))
    .await;
    assert_eq!(app.get("/status").await.status().as_u16(), 200);
    assert_eq!(
        get_html(&browser(), &app.url("/config/login")).await.status,
        200
    );
    assert_eq!(app.odoo_open_drawer().await.0, 200);
}
