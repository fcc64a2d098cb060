//! A printer that goes away for a while (switched off, unplugged, out of the network)
//! and comes back: every request meanwhile fails fast with a JSON error, and the first
//! one after its return succeeds. No restart of the service, no stuck connection.
//!
//! `PRINTER_ABSENT_SECONDS` sets how long it is away (default 3; the 30 s case
//! is `PRINTER_ABSENT_SECONDS=30`). The other printer faults (refuses, stalls, resets
//! mid-write, garbage status, offline) are in the drawer module (tests/api/drawer.rs).

use std::time::{Duration, Instant};

use crate::helpers::peer::{refusing_addr, Behaviour, PrinterPeer};
use crate::helpers::TestApp;

#[tokio::test]
async fn printer_away_for_a_while_then_back_needs_no_restart() {
    let away = Duration::from_secs(
        std::env::var("PRINTER_ABSENT_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3),
    );
    let addr = refusing_addr();
    let app = TestApp::with_printer(&format!("tcp://{addr}"), &[]).await;
    let start = Instant::now();
    let mut failures = 0;
    while start.elapsed() < away {
        let asked = Instant::now();
        let (status, body) = app.odoo_open_drawer().await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["status"], "error");
        assert!(
            asked.elapsed() < Duration::from_secs(3),
            "fails fast, does not hang"
        );
        let (status, _) = app.get_json("/status").await;
        assert_eq!(status, 200);
        failures += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(failures > 0);
    let peer = PrinterPeer::start_on(addr, Behaviour::Normal);
    let (status, body) = app.odoo_open_drawer().await;
    assert_eq!(status, 200, "first request after the return: {body}");
    assert_eq!(peer.wait_jobs(1, Duration::from_secs(2)).len(), 1);
    let (status, body) = app.get_json("/status").await;
    assert_eq!(status, 200);
    assert_eq!(app.odoo_open_drawer().await.0, 200, "{body}");
}
