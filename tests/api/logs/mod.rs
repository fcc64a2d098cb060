//! The operations log, end to end: the real binary writes the real files; the tests
//! read them, travel in time with `CASHDRAWER_TEST_CLOCK`, and call the `/logs` routes.

mod files;
mod routes;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::time::Duration;

use crate::helpers::binary::Binary;
use crate::helpers::client;
use crate::helpers::ini;
use crate::helpers::log_lines::{lines, parse};
use crate::helpers::peer::{refusing_addr, Behaviour, PrinterPeer};

#[tokio::test]
async fn each_operation_leaves_one_line_with_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let peer = PrinterPeer::start(Behaviour::Normal);
    let svc = Binary::start_with_config(
        dir.path(),
        Some(&ini(&[("printer", "name", &peer.target())])),
        &[],
    );
    let http = client();
    assert_eq!(
        http.get(svc.url("/open-cash-drawer"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.get(svc.url("/status")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        http.get(svc.url("/logs/purge"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let download = http.get(svc.url("/logs")).send().await.unwrap();
    assert_eq!(download.status(), 200);
    let text = svc.wait_log_line("logs.download", |l| l.contains(" logs.download ok "));
    let all = lines(&text);
    let start = all
        .iter()
        .find(|l| l.op == "service.start")
        .expect("start line");
    assert_eq!(start.outcome, "ok");
    let drawer = all
        .iter()
        .find(|l| l.op == "drawer.open")
        .expect("drawer line");
    assert_eq!(
        (drawer.level.as_str(), drawer.outcome.as_str()),
        ("INFO", "ok")
    );
    assert_eq!(drawer.peer, "127.0.0.1");
    assert!(drawer.ms.is_some(), "duration column: {drawer:?}");
    assert!(drawer.message.contains(&peer.target()), "{drawer:?}");
    let requests: Vec<_> = all.iter().filter(|l| l.op == "http.request").collect();
    for (path, outcome) in [
        ("GET /open-cash-drawer -> 200", "ok"),
        ("GET /status -> 200", "ok"),
        ("GET /logs/purge -> 401", "denied"),
    ] {
        let line = requests
            .iter()
            .find(|l| l.message == path)
            .unwrap_or_else(|| panic!("{path} in\n{text}"));
        assert_eq!(line.outcome, outcome);
        assert_eq!(line.peer, "127.0.0.1");
        assert!(line.ms.is_some());
    }
    let denied = all
        .iter()
        .find(|l| l.op == "logs.purge")
        .expect("purge refusal");
    assert_eq!(
        (denied.level.as_str(), denied.outcome.as_str()),
        ("WARN", "denied")
    );
    assert!(denied.message.contains("Authentification requise"));
    // The local offset is written: the time reads the same as the till's clock.
    let offset = chrono::Local::now().offset().local_minus_utc();
    assert_eq!(start.time.offset().local_minus_utc(), offset);
    svc.stop();
    let after = std::fs::read_to_string(dir.path().join("logs/cashdrawer.log")).unwrap();
    assert!(
        after.lines().last().unwrap().contains(" service.stop ok "),
        "flushed on stop"
    );
}

#[tokio::test]
async fn nothing_a_caller_sends_can_start_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let svc = Binary::start_with_config(dir.path(), None, &[]);
    let forged = "2020-01-01T00:00:00.000+00:00 INFO  drawer.open ok 1ms 6.6.6.6 faux";
    let enc = forged.replace(' ', "%20");
    let raw_requests = [
        format!("GET /x%0A{enc} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        format!("GET /x%0D%0A{enc}?q=%0A{enc} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        format!("GET /x\n{forged} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        format!("GET /x\r{forged} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        format!("GET /logs?date=%0A{enc} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        format!("GET /x\u{2028}{enc} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        format!("GET /drawer HTTP/1.1\r\nHost: localhost\r\nOrigin: https://x\r\n {forged}\r\nConnection: close\r\n\r\n"),
    ];
    for req in &raw_requests {
        let mut s = std::net::TcpStream::connect(svc.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
    }
    let http = client();
    http.get(svc.url("/end-marker")).send().await.unwrap();
    let text = svc.wait_log_line("end marker", |l| l.contains("/end-marker"));
    for line in text.lines() {
        let parsed = parse(line);
        assert!(
            parsed.time.format("%Y").to_string() != "2020",
            "forged line: {line}"
        );
    }
    assert!(
        text.contains("/x%0A2020-01-01"),
        "the request is logged, escaped:\n{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("2020")));
}

#[tokio::test]
async fn repeated_printer_errors_are_summarized_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let addr = refusing_addr();
    let target = format!("tcp://{addr}");
    let config = ini(&[
        ("printer", "name", &target),
        ("printer", "connect_timeout_ms", "500"),
    ]);
    let svc = Binary::start_with_config(dir.path(), Some(&config), &[]);
    let http = client();
    for _ in 0..5 {
        let res = http.get(svc.url("/open-cash-drawer")).send().await.unwrap();
        assert_eq!(res.status(), 503);
    }
    let _printer = PrinterPeer::start_on(addr, Behaviour::Normal);
    let res = http.get(svc.url("/open-cash-drawer")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = svc.wait_log_line("last request", |l| {
        l.contains("GET /open-cash-drawer -> 200")
    });
    let drawer: Vec<_> = lines(&text)
        .into_iter()
        .filter(|l| l.op == "drawer.open")
        .collect();
    assert_eq!(drawer.len(), 3, "first error, summary, success:\n{text}");
    assert_eq!(drawer[0].outcome, "error");
    assert!(drawer[0].message.contains("échec de l'ouverture du tiroir"));
    assert_eq!(drawer[1].outcome, "error");
    let since = drawer[0].time.format("%H:%M").to_string();
    assert!(
        drawer[1].message.starts_with(&drawer[0].message)
            && drawer[1]
                .message
                .ends_with(&format!(", 5 fois depuis {since}")),
        "{:?}",
        drawer[1]
    );
    assert_eq!(drawer[2].outcome, "ok");
    let requests = text
        .lines()
        .filter(|l| l.contains("GET /open-cash-drawer -> "))
        .count();
    assert_eq!(requests, 6, "every request keeps its own line");
}

#[tokio::test]
async fn a_thousand_concurrent_requests_give_a_thousand_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let svc = Binary::start_with_config(dir.path(), None, &[]);
    let http = client();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1000 {
        let url = svc.url(&format!("/concurrent/{i:04}/{}", "x".repeat(200)));
        let http = http.clone();
        tasks.spawn(async move { http.get(url).send().await.map(|r| r.status().as_u16()) });
    }
    while let Some(res) = tasks.join_next().await {
        assert_eq!(res.unwrap().expect("answered"), 404);
    }
    let count = |t: &str| t.lines().filter(|l| l.contains("GET /concurrent/")).count();
    let mut text = String::new();
    for _ in 0..1000 {
        text = svc.log();
        if count(&text) >= 1000 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut seen = HashSet::new();
    for line in text.lines().filter(|l| l.contains("/concurrent/")) {
        let parsed = parse(line);
        assert_eq!(
            (parsed.op.as_str(), parsed.outcome.as_str()),
            ("http.request", "error")
        );
        let rest = parsed.message.strip_prefix("GET /concurrent/").expect(line);
        let (n, tail) = rest.split_once('/').expect(line);
        assert_eq!(
            tail,
            format!("{} -> 404", "x".repeat(200)),
            "whole line: {line}"
        );
        assert!(seen.insert(n.to_string()), "{n} twice");
    }
    assert_eq!(seen.len(), 1000);
}
