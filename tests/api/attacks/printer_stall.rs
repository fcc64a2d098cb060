//! §4, third bullet: a stalled printer answers every waiting request within its bound,
//! and a busy printer gets a 503 that says so, not a pile-up. The real binary, a real TCP
//! printer peer that accepts and never reads nor answers.
//!
//! 1.0.0 waited for the printer's lock outside the timeout: 8 concurrent opens were
//! answered one after the other, the last after 8 single-op timeouts.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::binary::Binary;
use crate::helpers::odoo::{odoo_envelope, EPOS};
use crate::helpers::peer::{Behaviour, PrinterPeer};

/// `connect_timeout_ms = 500`, `write_timeout_ms = 500`: a request's bound is
/// connect + 4 x write + 250 ms (see `Printer::bound`).
const BOUND: Duration = Duration::from_millis(500 + 4 * 500 + 250);
/// Slack for the HTTP round trip on a loaded 2-core machine.
const SLACK: Duration = Duration::from_millis(750);

fn start_with_stalled_printer() -> (Binary, PrinterPeer, tempfile::TempDir) {
    let peer = PrinterPeer::start(Behaviour::Stall);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.ini"),
        crate::helpers::ini(&[
            ("printer", "name", &peer.target()),
            ("printer", "connect_timeout_ms", "500"),
            ("printer", "write_timeout_ms", "500"),
            ("invoice_printer", "autoprint", "false"),
        ]),
    )
    .unwrap();
    let svc = Binary::start(dir.path(), &[]);
    (svc, peer, dir)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// `n` concurrent `/open-cash-drawer`: each answer's status, JSON body and time taken.
async fn concurrent_opens(svc: &Binary, n: usize) -> Vec<(u16, Value, Duration)> {
    let client = client();
    let started = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let req = client
                .get(svc.url("/open-cash-drawer"))
                .header("Origin", "https://shop.odoo.com");
            tokio::spawn(async move {
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap();
                (status, body, started.elapsed())
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_opens_on_a_stalled_printer_all_answer_within_the_bound() {
    let (svc, _peer, _dir) = start_with_stalled_printer();
    let answers = concurrent_opens(&svc, 8).await;
    for (status, body, took) in &answers {
        assert_eq!(*status, 503, "{body}");
        assert_eq!(body["status"], "error", "{body}");
        let msg = body["message"].as_str().unwrap();
        assert!(msg.contains("délai dépassé"), "{msg}");
        assert!(
            *took < BOUND + SLACK,
            "answered after {took:?}, bound {BOUND:?}: {msg}"
        );
    }
    svc.wait_log("délai dépassé");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_concurrent_requests_on_a_stalled_printer_get_busy_at_once() {
    let (svc, _peer, _dir) = start_with_stalled_printer();
    let answers = concurrent_opens(&svc, 60).await;
    let busy: Vec<_> = answers
        .iter()
        .filter(|(_, body, _)| body["message"].as_str().unwrap().contains("occupée"))
        .collect();
    // One runs and 32 wait; with 60 at once, at least 60 - 33 are refused.
    assert!(busy.len() >= 27, "{} busy answers: {answers:?}", busy.len());
    for (status, body, took) in &busy {
        assert_eq!(*status, 503, "{body}");
        assert_eq!(body["status"], "error");
        assert!(*took < Duration::from_millis(1000), "busy after {took:?}");
    }
    for (status, body, took) in &answers {
        assert_eq!(*status, 503, "{body}");
        assert!(*took < BOUND + SLACK, "answered after {took:?}: {body}");
    }
    svc.wait_log("occupée");

    // ePOS callers get Epson's EX_TIMEOUT for a full queue, as fast.
    let client = client();
    let started = Instant::now();
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let req = client
                .post(svc.url(EPOS))
                .header("Origin", "https://shop.odoo.com")
                .body(odoo_envelope("<pulse/>"));
            tokio::spawn(async move {
                let text = req.send().await.unwrap().text().await.unwrap();
                (text, started.elapsed())
            })
        })
        .collect();
    let mut quick_timeouts = 0;
    for t in tasks {
        let (text, took) = t.await.unwrap();
        assert!(text.contains("success=\"false\""), "{text}");
        assert!(took < BOUND + SLACK, "ePOS answered after {took:?}");
        if text.contains("code=\"EX_TIMEOUT\"") && took < Duration::from_millis(1000) {
            quick_timeouts += 1;
        }
    }
    assert!(quick_timeouts >= 27, "{quick_timeouts} quick EX_TIMEOUT");
}

/// A slow printer (each status answered after 400 ms) and eight kicks at once: the ones
/// whose turn comes too late are answered "délai dépassé" and must send nothing, ever.
/// 1.0.0-pre (the adversarial review of this release) wrote the kick once the late
/// status came back, after the caller had been told it failed: the drawer opened anyway.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kick_answered_too_late_is_never_sent() {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let kicks = Arc::new(Mutex::new(0usize));
    let seen = kicks.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 256];
                let mut got = Vec::new();
                let mut answered = 0;
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                    let queries = got.windows(2).filter(|w| w == &[0x10, 0x04]).count();
                    if queries >= 3 && answered == 0 {
                        answered = 3;
                        std::thread::sleep(Duration::from_millis(400));
                        let _ = stream.write_all(&[0x16, 0x12, 0x12]);
                    }
                }
                let n = got.windows(2).filter(|w| w == &[0x1b, b'p']).count();
                *seen.lock().unwrap() += n;
            });
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.ini"),
        crate::helpers::ini(&[
            ("printer", "name", &format!("tcp://{addr}")),
            ("printer", "connect_timeout_ms", "500"),
            ("printer", "write_timeout_ms", "500"),
            ("invoice_printer", "autoprint", "false"),
        ]),
    )
    .unwrap();
    let svc = Binary::start(dir.path(), &[]);
    let answers = concurrent_opens(&svc, 8).await;
    let opened = answers.iter().filter(|(s, _, _)| *s == 200).count();
    let late = answers.iter().filter(|(s, _, _)| *s == 503).count();
    assert!(late > 0, "no kick came too late: {answers:?}");
    // Let every connection end, then count the kicks the printer got.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        *kicks.lock().unwrap(),
        opened,
        "kicks at the printer vs 200 answers: {answers:?}"
    );
}
