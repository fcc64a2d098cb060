//! Request bodies: every route has an explicit limit, checked before any handler or
//! authentication, answered 413 with the usual JSON error; a body that trickles in is
//! cut at `[server] header_timeout_s` (408), so it cannot hold a task either.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use cashdrawer::http::limits::{FORM_LIMIT, ODOO_LIMIT};

use crate::helpers::admin::{browser, logged_in, PYTHON_HASH};
use crate::helpers::{ini, TestApp};

async fn app() -> TestApp {
    TestApp::spawn(&ini(&[
        ("auth", "password_hash", PYTHON_HASH),
        ("printer", "name", "virtual"),
        ("server", "header_timeout_s", "2"),
    ]))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_large_bodies_get_413_json_on_every_post_route() {
    let app = app().await;
    for path in [
        "/config/save",
        "/config/password",
        "/config/test-drawer",
        "/config/test-print",
        "/config/odoo-check",
        "/config/restart",
        "/config/login",
        "/config/logout",
        "/logs/purge",
        "/open-cash-drawer",
    ] {
        // Announced by Content-Length: refused before the body is read (and before
        // authentication: no session is needed to be told the body is too large).
        let answer = announced_post(&app, path, FORM_LIMIT + 1);
        assert_413_json_text(&answer, path);
    }
    // Chunked, no Content-Length: counted while read, on a route that reads its body
    // without a session (the login form). Since 1.1.0 an admin action without a session
    // is refused on its head, its body never read (issue 13 §4).
    let answer = chunked_post(&app, "/config/login", FORM_LIMIT + 4096);
    assert_413_json_text(&answer, "chunked /config/login");
    let answer = chunked_post(&app, "/config/save", FORM_LIMIT + 4096);
    assert!(
        answer.starts_with("HTTP/1.1 401"),
        "chunked /config/save: {answer}"
    );
    // The Odoo routes carry pictures: up to their own limit.
    let answer = announced_post(&app, "/hw_proxy/default_printer_action", ODOO_LIMIT + 1);
    assert_413_json_text(&answer, "hw_proxy");
    // Just under the limit is read, not refused (the form is then judged on its content).
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let filler = "x".repeat(FORM_LIMIT - 200);
    let res = client
        .post(app.url("/config/save"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("logs.retention_days", "31"),
            ("filler", filler.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 413);
    // A normal form still works, and the service is healthy.
    let res = client
        .post(app.url("/config/save"))
        .form(&[("csrf", csrf.as_str()), ("logs.retention_days", "31")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(app.get("/status").await.status(), 200);
}

fn assert_413_json_text(answer: &str, what: &str) {
    assert!(answer.starts_with("HTTP/1.1 413"), "{what}: {answer}");
    assert!(answer.contains("\"status\":\"error\""), "{what}: {answer}");
    assert!(answer.contains("trop gros"), "{what}: {answer}");
}

/// Sends only the head of a POST announcing `length` bytes, then reads the answer.
/// A client streaming a body the server has already refused races the server's close
/// (EPIPE or a reset that eats the answer), so the head alone is what makes this
/// deterministic, and it is exactly the case under test: the refusal comes from the
/// announced length, before any body byte.
fn announced_post(app: &TestApp, path: &str, length: usize) -> String {
    let mut s = TcpStream::connect(app.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!("POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// POSTs `size` bytes in 4 KiB chunks over a raw socket; returns the answer.
fn chunked_post(app: &TestApp, path: &str, size: usize) -> String {
    let mut s = TcpStream::connect(app.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = s.try_clone().unwrap();
    let head = format!("POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n");
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(head.as_bytes());
        for _ in 0..size / 4096 {
            if w.write_all(format!("1000\r\n{}\r\n", "a".repeat(4096)).as_bytes())
                .is_err()
            {
                return;
            }
        }
        let _ = w.write_all(b"0\r\n\r\n");
    });
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.windows(4).any(|w| w == b"\r\n\r\n") && out.ends_with(b"}") {
            break;
        }
    }
    let _ = writer.join();
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn slow_body_is_cut_at_the_header_timeout() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(app());
    let mut s = TcpStream::connect(app.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        b"POST /config/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\npassword=",
    )
    .unwrap();
    let started = Instant::now();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let answer = String::from_utf8_lossy(&out);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("trop lent"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(8));
    let status = rt.block_on(app.get("/status")).status();
    assert_eq!(status, 200);
}

/// Found by the `epos_envelope` fuzz target: a `<command>` with a multi-byte character
/// panicked, and release builds abort on panic, so one request from the shop network
/// stopped the service. Now a SchemaError answer, and the service goes on.
#[tokio::test]
async fn epos_command_with_a_multibyte_character_is_a_schema_error_not_a_crash() {
    let app = app().await;
    let body = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><epos-print xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\"><command>1b\u{20ac}1</command></epos-print></s:Body></s:Envelope>";
    let res = app
        .client
        .post(app.url("/cgi-bin/epos/service.cgi?devid=local_printer&timeout=10000"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await
        .expect("an answer, not a closed connection");
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("SchemaError"), "{text}");
    assert_eq!(app.get("/status").await.status(), 200);
}

/// Found by the `iot_payload` fuzz target: this JPEG makes zune-jpeg 0.4 panic on an
/// assertion. Posted as a receipt by any caller the IoT routes accept, it stopped the
/// release service (panic = abort). Now a refused ticket, and the service goes on.
#[tokio::test]
async fn iot_receipt_that_panics_the_jpeg_decoder_is_refused_not_a_crash() {
    use base64::Engine as _;
    let app = app().await;
    let jpeg = include_bytes!("../../fixtures/zune_jpeg_panic.jpg");
    let receipt = base64::engine::general_purpose::STANDARD.encode(jpeg);
    let res = app
        .client
        .post(app.url("/hw_proxy/default_printer_action"))
        .json(
            &serde_json::json!({"jsonrpc": "2.0", "method": "call", "id": 7,
            "params": {"data": {"action": "print_receipt", "receipt": receipt}}}),
        )
        .send()
        .await
        .expect("an answer, not a closed connection");
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["id"], 7);
    assert_eq!(body["result"], false, "{body}");
    assert_eq!(app.get("/status").await.status(), 200);
}
