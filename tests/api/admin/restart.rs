//! Restarting the listener from the page: a new port applies at once, the old one
//! closes, the session survives; the same address restarts without closing.

use std::time::{Duration, Instant};

use crate::helpers::admin::*;
use crate::helpers::TestApp;

/// A fresh connection each time, so the probe asks the address given, not a connection
/// pooled before the service moved to another port.
async fn status_ok(_client: &reqwest::Client, base: &str) -> bool {
    let fresh = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    // When the service moves to another port, a connection still in the old socket's
    // backlog is reset with it; a client retries, so does this probe.
    for _ in 0..10 {
        if matches!(fresh.get(format!("{base}/status")).send().await, Ok(r) if r.status().as_u16() == 200)
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn restart_moves_to_the_new_port_and_keeps_the_session() {
    let app = TestApp::spawn(&ini_with_password(&[
        ("server", "host", "127.0.0.1"),
        ("server", "port", "0"),
    ]))
    .await;
    let client = browser();
    let old = app.url("");
    let csrf = logged_in(&client, &old).await;
    let res = post_form(&client, &app.url("/config/restart"), &[("csrf", &csrf)]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let new_base = res
        .location
        .strip_suffix("/config?restarted=1")
        .expect(&res.location)
        .to_string();
    assert_ne!(new_base, old);
    assert!(new_base.starts_with("http://127.0.0.1:"), "{new_base}");

    let page = get_html(&client, &format!("{new_base}/config?restarted=1")).await;
    assert_eq!(page.status, 200, "the session survives the restart");
    assert!(page.body.contains("Écoute redémarrée"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_ok(&app.client, &old).await {
        assert!(Instant::now() < deadline, "the old port still answers");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Same address: the socket is kept, nothing is refused.
    let port = new_base.rsplit(':').next().unwrap().to_string();
    let csrf = csrf_of(&page.body);
    let saved = post_form(
        &client,
        &format!("{new_base}/config/save"),
        &[("csrf", &csrf), ("server.port", &port)],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let res = post_form(
        &client,
        &format!("{new_base}/config/restart"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.location, format!("{new_base}/config?restarted=1"));
    assert!(status_ok(&app.client, &new_base).await);
}

/// A restart on the same address (a new certificate, say) keeps the socket and the open
/// connections: a till polling `/status` on fresh connections, and another on one
/// keep-alive connection, see no failed request while the admin restarts five times.
/// (Before, the old accept loop's graceful shutdown closed a connection accepted in the
/// instant it stopped, and every idle keep-alive connection.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn same_address_restarts_lose_no_request_on_new_or_kept_connections() {
    let app = TestApp::spawn(&ini_with_password(&[
        ("server", "host", "127.0.0.1"),
        ("server", "port", "0"),
    ]))
    .await;
    let client = browser();
    let base = app.url("");
    let csrf = logged_in(&client, &base).await;
    let port = app.addr.port().to_string();
    let saved = post_form(
        &client,
        &app.url("/config/save"),
        &[("csrf", &csrf), ("server.port", &port)],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poll = |fresh: bool| {
        let stop = stop.clone();
        let url = format!("{base}/status");
        tokio::spawn(async move {
            let mut builder = reqwest::Client::builder().no_proxy();
            if fresh {
                builder = builder.pool_max_idle_per_host(0);
            }
            let client = builder.build().unwrap();
            let (mut ok, mut failed) = (0u32, Vec::new());
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match client.get(&url).send().await {
                    Ok(r) if r.status() == 200 => ok += 1,
                    other => failed.push(format!("{other:?}")),
                }
            }
            (ok, failed)
        })
    };
    let fresh = poll(true);
    let kept = poll(false);
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let res = post_form(&client, &app.url("/config/restart"), &[("csrf", &csrf)]).await;
        assert_eq!(res.location, format!("{base}/config?restarted=1"));
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for (name, task) in [("fresh connections", fresh), ("keep-alive", kept)] {
        let (ok, failed) = task.await.unwrap();
        assert!(ok > 0, "{name}: no request answered");
        assert!(
            failed.is_empty(),
            "{name}: {} failed of {}: {:?}",
            failed.len(),
            ok as usize + failed.len(),
            &failed[..failed.len().min(3)]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_port_is_reported_and_the_old_address_stays() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port().to_string();
    let app = TestApp::spawn(&ini_with_password(&[
        ("server", "host", "127.0.0.1"),
        ("server", "port", &busy_port),
    ]))
    .await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let res = post_form(&client, &app.url("/config/restart"), &[("csrf", &csrf)]).await;
    assert_eq!(res.location, "/config?restart_failed=1");
    let page = get_html(&client, &app.url(&res.location)).await;
    assert!(page.body.contains("id=\"error\""), "{}", page.body);
    assert!(status_ok(&app.client, &app.url("")).await);
    drop(busy);
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_survive_a_service_restart_and_logouts_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.ini"), ini_with_password(&[])).unwrap();
    let kept = browser();
    let gone = browser();
    let (gone_cookie, gone_csrf) = {
        let first = https_app(dir.path()).await;
        let base = format!("http://{}", first.addr);
        logged_in(&kept, &base).await;
        let res = login(&gone, &base, PYTHON_PASSWORD).await;
        let cookie = res
            .set_cookies
            .iter()
            .find(|c| c.starts_with("cashdrawer_session="))
            .unwrap();
        let csrf = csrf_of(&get_html(&gone, &format!("{base}/config")).await.body);
        (cookie.split(';').next().unwrap().to_string(), csrf)
    };
    let second = https_app(dir.path()).await;
    let base = format!("http://{}", second.addr);
    let res = get_html(&gone, &format!("{base}/config/logout?csrf={gone_csrf}")).await;
    assert_eq!(res.location, "/config/login?m=bye");
    drop(second);

    let third = https_app(dir.path()).await;
    let base = format!("http://{}", third.addr);
    assert_eq!(
        get_html(&kept, &format!("{base}/config")).await.status,
        200,
        "session kept across restarts"
    );
    let copy = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = copy
        .get(format!("{base}/config"))
        .header("Cookie", &gone_cookie)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        303,
        "a logged-out cookie stays dead after a restart"
    );
}
