//! Callers that are not on loopback, from a network namespace (`helpers::netns`).
//! Skipped, with the reason printed, where namespaces cannot be created (not root, no
//! `ip`, a restricted container).

use std::io::{Read, Write};
use std::net::SocketAddr;

use crate::helpers::admin::*;
use crate::helpers::netns::Namespace;
use crate::helpers::{ini, TestApp};

/// Sends a raw HTTP/1.1 request from inside the namespace; returns (status, body).
fn request(ns: &Namespace, to: SocketAddr, method: &str, path: &str, form: &str) -> (u16, String) {
    let (status, _, body) = exchange(ns, to, method, path, form, "");
    (status, body)
}

/// The same with extra header lines; returns (status, head, body).
fn exchange(
    ns: &Namespace,
    to: SocketAddr,
    method: &str,
    path: &str,
    form: &str,
    headers: &str,
) -> (u16, String, String) {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {to}\r\nAccept: text/html\r\nConnection: close\r\n{headers}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    );
    ns.run(move || {
        let mut stream =
            std::net::TcpStream::connect_timeout(&to, std::time::Duration::from_secs(5))
                .expect("connect from the namespace");
        stream.write_all(req.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer[9..12].parse().unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        (status, head.to_string(), body.to_string())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn network_callers_first_run_refused_and_allowed_networks_enforced() {
    let Some(ns) = Namespace::create(1) else {
        return;
    };
    let app = TestApp::spawn_on(
        &ini(&[("printer", "name", "virtual")]),
        "0.0.0.0:0".parse().unwrap(),
    )
    .await;
    let to = SocketAddr::new(ns.host_ip.into(), app.addr.port());

    // First run: a network caller is told to create the password on the till.
    let (status, body) =
        tokio::task::block_in_place(|| request(&ns, to, "GET", "/config/login", ""));
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("id=\"setup-remote\""), "{body}");
    let form = "password=piratepirate&confirm=piratepirate";
    let (status, _) =
        tokio::task::block_in_place(|| request(&ns, to, "POST", "/config/login", form));
    assert_eq!(status, 403);
    assert!(
        !std::fs::read_to_string(app.config_path())
            .unwrap()
            .contains("$2"),
        "no password set from the network"
    );
    let (status, _) =
        tokio::task::block_in_place(|| request(&ns, to, "GET", "/open-cash-drawer", ""));
    assert_eq!(status, 403, "local only");

    // allowed_networks: the namespace's network is let in, another one is not.
    let (status, _) = tokio::task::block_in_place(|| request(&ns, to, "GET", "/status", ""));
    assert_eq!(status, 200);
    let mut config = (*app.state.config()).clone();
    config.server.allowed_networks =
        vec![cashdrawer::domain::IpNet::parse("192.168.77.0/24").unwrap()];
    app.state.replace_config(config.clone());
    for path in ["/status", "/config/login", "/drawer"] {
        let (status, body) = tokio::task::block_in_place(|| request(&ns, to, "GET", path, ""));
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains("allowed_networks"), "{body}");
    }
    assert_eq!(
        app.get("/status").await.status().as_u16(),
        200,
        "loopback always allowed"
    );
    config.server.allowed_networks =
        vec![cashdrawer::domain::IpNet::parse(&format!("{}/30", ns.host_ip)).unwrap()];
    app.state.replace_config(config);
    let (status, _) = tokio::task::block_in_place(|| request(&ns, to, "GET", "/status", ""));
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn network_admin_logs_in_when_the_password_exists() {
    let Some(ns) = Namespace::create(2) else {
        return;
    };
    let app = TestApp::spawn_on(&ini_with_password(&[]), "0.0.0.0:0".parse().unwrap()).await;
    let to = SocketAddr::new(ns.host_ip.into(), app.addr.port());
    let (status, head, body) =
        tokio::task::block_in_place(|| exchange(&ns, to, "GET", "/config/login", "", ""));
    assert_eq!(status, 200);
    assert!(body.contains("id=\"login-form\""), "{body}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("login cookie")
        .to_string();
    let csrf = csrf_of(&body);
    let (status, head, _) = tokio::task::block_in_place(|| {
        exchange(
            &ns,
            to,
            "POST",
            "/config/login",
            &format!("csrf={csrf}&password={PYTHON_PASSWORD}"),
            &format!("Cookie: {cookie}\r\n"),
        )
    });
    assert_eq!(status, 303, "{head}");

    // Back to first run (the admin emptied password_hash): even with a valid login
    // token, a network caller cannot create the password.
    let text = std::fs::read_to_string(app.config_path())
        .unwrap()
        .replace(PYTHON_HASH, "");
    std::fs::write(app.config_path(), text).unwrap();
    let (status, body) = tokio::task::block_in_place(|| {
        let form = format!("csrf={csrf}&password=piratepirate&confirm=piratepirate");
        let (s, _, b) = exchange(
            &ns,
            to,
            "POST",
            "/config/login",
            &form,
            &format!("Cookie: {cookie}\r\n"),
        );
        (s, b)
    });
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("id=\"setup-remote\""),
        "refused by the local-only rule: {body}"
    );
    assert!(!std::fs::read_to_string(app.config_path())
        .unwrap()
        .contains("$2"));
}
