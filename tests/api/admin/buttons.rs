//! The status card: the invoice "test print" button goes through the whole automatic
//! printing pipeline to a real printer peer, and the last operations are listed.

use std::time::Duration;

use crate::helpers::admin::*;
use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn test_print_button_prints_a_test_invoice_through_the_watched_folder() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let folder = tempfile::tempdir().unwrap();
    let port = peer.addr.port().to_string();
    let app = TestApp::spawn(&ini_with_password(&[
        ("invoice_printer", "autoprint", "true"),
        ("invoice_printer", "name", ""),
        ("invoice_printer", "printer_ip", "127.0.0.1"),
        ("invoice_printer", "printer_port", &port),
        (
            "invoice_printer",
            "download_folder",
            folder.path().to_str().unwrap(),
        ),
        ("invoice_printer", "open_delay", "0"),
        ("invoice_printer", "stable_ms", "100"),
    ]))
    .await;
    let client = browser();
    // Without a session: refused, nothing dropped.
    let res = client
        .post(app.url("/config/test-print"))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(res.status().as_u16(), 401 | 403),
        "{}",
        res.status()
    );
    let csrf = logged_in(&client, &app.url("")).await;
    // Without the CSRF token: refused.
    let res = client
        .post(app.url("/config/test-print"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = client
        .post(app.url("/config/test-print"))
        .header("X-CSRF-Token", &csrf)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "success", "{body}");
    let jobs = peer.wait_jobs(1, Duration::from_secs(15));
    assert_eq!(jobs.len(), 1, "the test invoice was printed once");
    let job = String::from_utf8_lossy(&jobs[0]);
    assert!(job.starts_with("%PDF-1.4"), "a PDF");
    assert!(
        job.contains("Test d'impression des factures"),
        "the test page"
    );
    assert!(job.trim_end().ends_with("%%EOF"));
}

#[tokio::test]
async fn test_print_explains_why_it_cannot_print() {
    let app = TestApp::spawn(&ini_with_password(&[(
        "invoice_printer",
        "autoprint",
        "false",
    )]))
    .await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let res = client
        .post(app.url("/config/test-print"))
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("autoprint = false"),
        "{body}"
    );
}

#[tokio::test]
async fn the_status_card_lists_the_last_operations_not_every_request() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let logs = app.data_dir().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join("cashdrawer.log"),
        "2026-11-26T14:30:00.000+01:00 INFO  service.start ok - - démarrage\n\
         2026-11-26T14:31:00.000+01:00 INFO  drawer.open ok 3ms 127.0.0.1 tiroir-caisse ouvert via TICKET\n\
         2026-11-26T14:31:00.001+01:00 INFO  http.request ok 3ms 127.0.0.1 GET /open-cash-drawer -> 200\n\
         2026-11-26T14:32:00.000+01:00 ERROR invoice.print error 12ms - facture FAC-9.pdf: imprimante injoignable\n",
    )
    .unwrap();
    let client = browser();
    logged_in(&client, &app.url("")).await;
    let page = get_html(&client, &app.url("/config")).await;
    let body = page.body;
    let ops = body
        .split("class=\"ops\"")
        .nth(1)
        .expect("last operations list");
    let ops = ops.split("</ul>").next().unwrap();
    assert!(ops.contains("tiroir-caisse ouvert via TICKET"), "{ops}");
    assert!(ops.contains("FAC-9.pdf"), "{ops}");
    assert!(
        !ops.contains("GET /open-cash-drawer"),
        "request lines are not operations"
    );
    assert!(
        !ops.contains("démarrage"),
        "service start is not an operation"
    );
    assert!(
        ops.find("FAC-9").unwrap() < ops.find("TICKET").unwrap(),
        "newest first"
    );
}
