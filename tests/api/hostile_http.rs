//! Hostile or odd HTTP over real sockets: every case is answered or closed cleanly, and
//! the service is healthy afterwards.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::helpers::{ini, TestApp};

/// Sends raw bytes, returns what the server answered before closing (or timing out).
fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).to_string()
}

fn status_line(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

async fn app() -> TestApp {
    TestApp::spawn(&ini(&[
        ("printer", "name", "virtual"),
        ("server", "header_timeout_s", "1"),
    ]))
    .await
}

fn assert_healthy(addr: SocketAddr) {
    let answer = raw(
        addr,
        b"GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "service healthy afterwards: {answer}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_requests_are_answered_or_closed_cleanly() {
    let app = app().await;
    let addr = app.addr;
    tokio::task::spawn_blocking(move || {
        // Huge header: refused (431) or closed, never a crash.
        let big = format!("GET /status HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n", "a".repeat(200_000));
        let answer = raw(addr, big.as_bytes());
        assert!(answer.is_empty() || status_line(&answer).contains("431"), "{}", status_line(&answer));
        assert_healthy(addr);

        // Invalid UTF-8 and NUL in the path.
        let answer = raw(addr, b"GET /st\xffatus%00\x00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assert!(answer.is_empty() || status_line(&answer).contains(" 400"), "{}", status_line(&answer));
        let answer = raw(addr, b"GET /logs%00/../../config.ini HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assert!(!answer.contains("password_hash"), "{answer}");
        assert_healthy(addr);

        // Absurd Content-Length: rejected, no allocation of that size.
        let answer = raw(addr, b"POST /status HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999999\r\n\r\n");
        assert!(answer.is_empty() || status_line(&answer).contains(" 400"), "{}", status_line(&answer));
        let answer = raw(addr, b"POST /status HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000000000\r\nConnection: close\r\n\r\nabc");
        // The body limit (src/http/limits.rs) answers before the router's 405.
        assert!(status_line(&answer).contains(" 413"), "{}", status_line(&answer));
        assert_healthy(addr);

        // HTTP/1.0 without Host.
        let answer = raw(addr, b"GET /status HTTP/1.0\r\n\r\n");
        assert!(answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"), "{answer}");

        // Pipelining: two requests in one write, two answers in order.
        let answer = raw(addr, b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let first = answer.find("HTTP/1.1 200").expect("first answer");
        let second = answer.find("HTTP/1.1 404").expect("second answer");
        assert!(first < second);

        // Binary garbage, and a TLS-looking start when TLS is not what the peer speaks.
        let answer = raw(addr, b"\x00\x01\x02\x03garbage\r\n\r\n");
        assert!(answer.is_empty() || status_line(&answer).contains(" 400"), "{}", status_line(&answer));
        let _ = raw(addr, b"\x16\x03\x01\x00\x05hello");
        assert_healthy(addr);
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_clients_are_cut_off_and_do_not_starve_others() {
    let app = app().await;
    let addr = app.addr;
    tokio::task::spawn_blocking(move || {
        // 200 slow-loris connections: each sends half a request head and stalls.
        let mut slow: Vec<TcpStream> = (0..200)
            .map(|_| {
                let mut s = TcpStream::connect(addr).unwrap();
                s.write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\n")
                    .unwrap();
                s
            })
            .collect();
        // Others are still served meanwhile.
        assert_healthy(addr);
        // And the slow ones are closed by the server once header_timeout_s (1 s) passes.
        let started = Instant::now();
        for s in &mut slow {
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "all slow clients were cut off"
        );
        // A silent connection (nothing sent at all) is closed too.
        let mut silent = TcpStream::connect(addr).unwrap();
        silent
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 1];
        assert_eq!(silent.read(&mut buf).unwrap_or(0), 0);
        assert_healthy(addr);
    })
    .await
    .unwrap();
}
