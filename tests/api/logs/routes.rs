//! What `/logs` refuses: any name or path in a parameter, and purge/tail without an
//! admin session.

use std::fs;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::binary::Binary;
use crate::helpers::client;
use crate::helpers::TestApp;

#[tokio::test]
async fn traversal_and_foreign_parameters_are_refused() {
    let app = TestApp::spawn("").await;
    let logs = app.data_dir().join("logs");
    fs::create_dir_all(&logs).unwrap();
    fs::write(logs.join("cashdrawer.log.2026-11-25"), "jour\n").unwrap();
    let secret = fs::read_to_string(app.config_path()).unwrap();
    for query in [
        "date=../../config",
        "date=..%2F..%2Fconfig.ini",
        "date=%2e%2e%2f%2e%2e%2fconfig.ini",
        "date=%252e%252e%252fconfig.ini",
        "date=..%5C..%5Cconfig.ini",
        "date=/etc/passwd",
        "date=%2Fetc%2Fpasswd",
        "date=C:%5CProgramData%5COdooPOS%5Cconfig.ini",
        "date=C:/ProgramData/OdooPOS/config.ini",
        "date=%5C%5Cserveur%5Cpartage%5Cx",
        "date=2026-11-25/../../config.ini",
        "date=2026-11-25%00",
        "date=2026-11-25.gz",
        "date=2026-11-31",
        "date=",
        "date=2026-11-25&date=2026-11-24",
        "file=config.ini",
        "name=../config.ini",
        "path=%2Fetc%2Fpasswd",
        "date=2026-11-25&file=../config.ini",
    ] {
        let (status, body) = app.get_json(&format!("/logs?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["status"], "error");
        assert!(!body.to_string().contains("[auth]"), "{query}");
    }
    let (status, _) = app.get_json("/logs/list?dir=..").await;
    assert_eq!(status, 400);
    let res = app.get("/logs?date=2026-11-25").await;
    assert_eq!(res.status(), 200, "a real day is served");
    assert_eq!(res.text().await.unwrap(), "jour\n");
    // Paths, raw (clients would normalize them): never a file outside the folder.
    for path in [
        "/logs/../config.ini",
        "/logs/%2e%2e/config.ini",
        "/logs/..%2Fconfig.ini",
        "/logs/cashdrawer.log.2026-11-25",
        "/logs//etc/passwd",
    ] {
        // Async socket: the service runs on this test's runtime.
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out).await;
        assert!(!out.starts_with("HTTP/1.1 200"), "{path}: {out}");
        assert!(!out.contains("[auth]") && !out.contains(&secret), "{path}");
    }
}

#[tokio::test]
async fn purge_and_tail_are_refused_without_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    fs::create_dir_all(&logs).unwrap();
    fs::write(logs.join("cashdrawer.log.2026-11-25"), "hier\n").unwrap();
    let svc = Binary::start_with_config(dir.path(), None, &[]);
    let http = client();
    let refused = [
        http.get(svc.url("/logs/purge")),
        http.get(svc.url("/logs/purge?csrf_token=devine")),
        http.get(svc.url("/logs/purge?csrf=devine")),
        http.post(svc.url("/logs/purge")),
        http.post(svc.url("/logs/purge"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-csrf-token", "devine")
            .body("csrf=devine"),
        http.get(svc.url("/logs/tail?lines=10&level=error")),
        http.get(svc.url("/logs/tail?lines=../../config")),
    ];
    for req in refused {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            body,
            serde_json::json!({"status": "error", "message": "Authentification requise"})
        );
    }
    let res = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(svc.url("/logs/purge"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "a browser is sent to the login page");
    assert_eq!(res.headers()["location"], "/config/login");
    // The last request's line: every earlier line is in the file by then.
    let text = svc.wait_log_line("browser refusal", |l| l.contains("GET /logs/purge -> 303"));
    assert_eq!(
        text.lines()
            .filter(|l| l.contains(" logs.tail denied "))
            .count(),
        2
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.contains(" logs.purge denied "))
            .count(),
        6
    );
    assert!(
        !text.contains("devine"),
        "a CSRF token never reaches the log:\n{text}"
    );
    assert!(text.contains("GET /logs/purge?csrf_token=*** -> 401"));
    assert!(text.contains("GET /logs/purge?csrf=*** -> 401"));
    assert!(
        text.lines().take(10).any(|l| l.contains("service.start")),
        "not truncated"
    );
    assert_eq!(
        fs::read_to_string(logs.join("cashdrawer.log.2026-11-25")).unwrap(),
        "hier\n"
    );
}
