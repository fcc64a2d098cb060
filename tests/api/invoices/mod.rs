//! Automatic invoice printing with the real service, a real watched folder and real
//! raw TCP printers.

mod cups;
mod ipps;
mod restart;

use std::time::{Duration, SystemTime};

use crate::helpers::invoices::*;
use crate::helpers::TestApp;

const LONG: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raw_socket_printer_receives_the_pdf_byte_exact_and_the_folder_is_cleaned() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), Some(printer.addr), &[]),
    )
    .await;
    let doc = pdf("FAC-001", 200_000);
    drop_file(folder.path(), "FAC-001.pdf", &doc);

    assert!(
        wait_async(LONG, || printer.copies_of(&doc) == 1).await,
        "printed"
    );
    assert!(
        wait_async(LONG, || files_in(folder.path()).is_empty()).await,
        "removed after open_delay"
    );
    assert!(
        wait_async(LONG, || journal_state(data.path(), "FAC-001.pdf")
            .as_deref()
            == Some("done"))
        .await
    );
    let (code, status) = svc.get_json("/invoice-printer/status").await;
    assert_eq!(code, 200);
    for key in [
        "status",
        "autoprint",
        "printer_name",
        "download_folder",
        "scan_frequency",
        "remote_addr",
        "scheme",
    ] {
        assert!(status.get(key).is_some(), "original key {key}: {status}");
    }
    assert_eq!(status["autoprint"], "enabled");
    assert_eq!(status["scan_frequency"], "1");
    assert_eq!(status["last_printed"]["file"], "FAC-001.pdf");
    assert_eq!(status["last_printed"]["bytes"], 200_000);
    assert_eq!(status["printer"]["reachable"], true);
    assert_eq!(
        (
            status["queue_length"].as_u64(),
            status["in_progress"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert_eq!(printer.jobs().len(), 1, "one connection, one job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pjl_wraps_the_pdf_when_asked_and_keep_printed_moves_it_to_printed() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let ini = invoice_ini(
        folder.path(),
        Some(printer.addr),
        &[("pjl", "true"), ("keep_printed", "true")],
    );
    let _svc = TestApp::spawn_in(data.path(), &ini).await;
    let doc = pdf("pjl", 5000);
    drop_file(folder.path(), "pjl.pdf", &doc);
    assert!(wait_async(LONG, || !printer.jobs().is_empty()).await);
    assert!(
        wait_async(LONG, || sub(folder.path(), "printed")
            .join("pjl.pdf")
            .exists())
        .await
    );
    let job = &printer.jobs()[0];
    let mut expected =
        b"\x1b%-12345X@PJL\r\n@PJL JOB NAME=\"pjl.pdf\"\r\n@PJL ENTER LANGUAGE=PDF\r\n".to_vec();
    expected.extend_from_slice(&doc);
    expected.extend_from_slice(b"\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X");
    assert_eq!(job, &expected);
    assert_eq!(
        std::fs::read(sub(folder.path(), "printed").join("pjl.pdf")).unwrap(),
        doc
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_download_renamed_to_pdf_prints_once_and_complete() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let _svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), Some(printer.addr), &[]),
    )
    .await;
    let doc = pdf("partial", 300_000);
    let partial = folder.path().join("FAC-002.pdf.crdownload");
    std::fs::write(&partial, &doc[..100_000]).unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(printer.jobs().is_empty(), "a .crdownload is never printed");
    std::fs::write(&partial, &doc).unwrap();
    std::fs::rename(&partial, folder.path().join("FAC-002.pdf")).unwrap();
    assert!(wait_async(LONG, || printer.copies_of(&doc) == 1).await);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        printer.jobs(),
        vec![doc],
        "printed once, complete, nothing else"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_written_slowly_under_its_final_name_prints_once_complete() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let _svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), Some(printer.addr), &[("stable_ms", "400")]),
    )
    .await;
    let doc = pdf("slow", 120_000);
    let path = folder.path().join("slow.pdf");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&path).unwrap();
        for chunk in doc.chunks(20_000) {
            f.write_all(chunk).unwrap();
            f.flush().unwrap();
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
    assert!(wait_async(LONG, || printer.copies_of(&doc) == 1).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(printer.jobs(), vec![doc]);
    assert!(
        !sub(folder.path(), "rejected").exists(),
        "a file still growing is not set aside"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_pdfs_dropped_at_once_print_exactly_once() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let _svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), Some(printer.addr), &[]),
    )
    .await;
    let docs: Vec<Vec<u8>> = (0..50)
        .map(|i| pdf(&format!("bulk-{i}"), 20_000 + i * 100))
        .collect();
    for (i, d) in docs.iter().enumerate() {
        drop_file(folder.path(), &format!("FAC-{i:03}.pdf"), d);
    }
    assert!(
        wait_async(Duration::from_secs(60), || printer.jobs().len() >= 50).await,
        "got {}",
        printer.jobs().len()
    );
    assert!(wait_async(LONG, || files_in(folder.path()).is_empty()).await);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(printer.jobs().len(), 50, "no extra job");
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(
            printer.copies_of(d),
            1,
            "FAC-{i:03}.pdf printed exactly once"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printer_down_then_up_loses_nothing_and_prints_once() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), Some(addr), &[("retries", "20")]),
    )
    .await;
    let docs: Vec<Vec<u8>> = (0..3).map(|i| pdf(&format!("down-{i}"), 30_000)).collect();
    for (i, d) in docs.iter().enumerate() {
        drop_file(folder.path(), &format!("down-{i}.pdf"), d);
    }
    let failed = wait_async(LONG, || {
        svc.state.invoices().status().failures.failed_attempts >= 2
    })
    .await;
    assert!(failed, "attempts fail while the printer is off");
    let (_, status) = svc.get_json("/invoice-printer/status").await;
    assert_eq!(status["printer"]["reachable"], false, "{status}");
    assert_eq!(
        files_in(folder.path()).len(),
        3,
        "nothing removed while unprinted"
    );
    let printer = RawPrinter::start_on(addr);
    assert!(wait_async(Duration::from_secs(40), || printer.jobs().len() >= 3).await);
    assert!(wait_async(LONG, || files_in(folder.path()).is_empty()).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for d in &docs {
        assert_eq!(printer.copies_of(d), 1);
    }
    assert_eq!(printer.jobs().len(), 3);
    assert!(!sub(folder.path(), "failed").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_all_retries_the_file_goes_to_failed_and_is_never_deleted() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), Some(addr), &[("retries", "2")]),
    )
    .await;
    let doc = pdf("lost-printer", 10_000);
    drop_file(folder.path(), "FAC-404.pdf", &doc);
    let failed = sub(folder.path(), "failed").join("FAC-404.pdf");
    assert!(
        wait_async(LONG, || journal_state(data.path(), "FAC-404.pdf")
            .as_deref()
            == Some("failed"))
        .await
    );
    assert_eq!(std::fs::read(&failed).unwrap(), doc, "moved, intact");
    let (_, status) = svc.get_json("/invoice-printer/status").await;
    assert_eq!(status["failures"]["failed_files"], 1);
    assert_eq!(status["failures"]["failed_attempts"], 2);
    assert!(status["failures"]["last_error"]
        .as_str()
        .unwrap()
        .contains("FAC-404.pdf"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_pdf_and_truncated_files_are_set_aside_and_recorded_not_printed() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), Some(printer.addr), &[]),
    )
    .await;
    let good = pdf("good", 8000);
    let truncated = pdf("cut", 8000)[..6000].to_vec();
    drop_file(
        folder.path(),
        "error-page.pdf",
        b"<html><body>Session expired</body></html>",
    );
    drop_file(folder.path(), "cut.pdf", &truncated);
    drop_file(folder.path(), "good.pdf", &good);
    std::fs::write(folder.path().join("notes.txt"), b"not watched").unwrap();
    let rejected = sub(folder.path(), "rejected");
    assert!(
        wait_async(LONG, || rejected.join("cut.pdf").exists()
            && rejected.join("error-page.pdf").exists())
        .await
    );
    assert!(wait_async(LONG, || printer.copies_of(&good) == 1).await);
    assert_eq!(
        std::fs::read(rejected.join("cut.pdf")).unwrap(),
        truncated,
        "set aside unchanged"
    );
    assert_eq!(printer.jobs().len(), 1, "only the good PDF printed");
    assert_eq!(files_in(folder.path()), vec!["notes.txt"]);
    let entries = journal(data.path());
    let reason = |name: &str| {
        entries.iter().find(|e| e["name"] == name).map(|e| {
            (
                e["state"].clone(),
                e["error"].as_str().unwrap_or("").to_string(),
            )
        })
    };
    let (state, why) = reason("cut.pdf").unwrap();
    assert_eq!(state, "rejected");
    assert!(why.contains("tronqué"), "{why}");
    let (state, why) = reason("error-page.pdf").unwrap();
    assert_eq!(state, "rejected");
    assert!(why.contains("pas un PDF"), "{why}");
    assert_eq!(svc.state.invoices().status().failures.rejected_files, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_removes_only_printed_files_and_never_a_queued_or_unprinted_one() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let ini = invoice_ini(folder.path(), Some(printer.addr), &[("open_delay", "3600")]);
    let svc = TestApp::spawn_in(data.path(), &ini).await;
    let a = pdf("a", 3000);
    drop_file(folder.path(), "a.pdf", &a);
    assert!(
        wait_async(LONG, || journal_state(data.path(), "a.pdf").as_deref()
            == Some("printed"))
        .await
    );
    // A slow printer: b.pdf is printing while c.pdf and d.pdf wait.
    printer.set_throttle(Some((4096, Duration::from_millis(50))));
    let b = pdf("b", 3_000_000);
    drop_file(folder.path(), "b.pdf", &b);
    assert!(wait_async(LONG, || printer.in_progress().is_some()).await);
    let (c, d) = (pdf("c", 3000), pdf("d", 3000));
    drop_file(folder.path(), "c.pdf", &c);
    drop_file(folder.path(), "d.pdf", &d);
    assert!(wait_async(LONG, || svc.state.invoices().status().queue_length == 2).await);
    // Not yet complete: a download in progress under its final name.
    std::fs::write(folder.path().join("e.pdf"), &pdf("e", 3000)[..1000]).unwrap();

    let (code, body) = svc.get_json("/invoice-printer/purge").await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["status"], "success");
    let names = |k: &str| -> Vec<String> {
        body[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["file"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("removed"), vec!["a.pdf"]);
    assert_eq!(names("kept"), vec!["b.pdf", "c.pdf", "d.pdf", "e.pdf"]);
    let kept = body["kept"].as_array().unwrap();
    assert_eq!(kept[0]["reason"], "en cours d'impression");
    assert_eq!(kept[1]["reason"], "en file d'attente d'impression");
    assert_eq!(kept[3]["reason"], "pas encore imprimé");
    assert_eq!(
        files_in(folder.path()),
        vec!["b.pdf", "c.pdf", "d.pdf", "e.pdf"]
    );

    printer.set_throttle(None);
    assert!(wait_async(Duration::from_secs(60), || printer.copies_of(&d) == 1).await);
    for doc in [&a, &b, &c, &d] {
        assert_eq!(printer.copies_of(doc), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_refuses_network_callers_and_status_answers_them() {
    use axum::body::Body;
    use axum::http::Request;
    use cashdrawer::http::access::{Peer, Scheme};
    use tower::ServiceExt;

    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printed = pdf("keep", 3000);
    std::fs::write(folder.path().join("keep.pdf"), &printed).unwrap();
    let ini = invoice_ini(folder.path(), None, &[("autoprint", "false")]);
    let svc = TestApp::spawn_in(data.path(), &ini).await;
    let call = |path: &str| {
        let mut req = Request::get(path).body(Body::empty()).unwrap();
        req.extensions_mut().insert(Peer {
            addr: "192.168.1.10:50000".parse().unwrap(),
            local: "192.168.1.2:22548".parse().unwrap(),
            scheme: Scheme::Http,
        });
        cashdrawer::http::router(svc.state.clone()).oneshot(req)
    };
    let res = call("/invoice-printer/purge").await.unwrap();
    assert_eq!(res.status(), 403);
    let res = call("/invoice-printer/status").await.unwrap();
    assert_eq!(res.status(), 200);
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status["remote_addr"], "192.168.1.10");
    assert_eq!(status["autoprint"], "disabled");
    assert_eq!(status["watching"], false);

    let (code, body) = svc.get_json("/invoice-printer/purge").await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["kept"][0]["file"], "keep.pdf");
    assert_eq!(body["kept"][0]["reason"], "pas encore imprimé");
    assert!(folder.path().join("keep.pdf").exists());
}

fn set_age(path: &std::path::Path, age: Duration) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - age).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_first_start_a_stale_backlog_is_left_alone_and_later_files_print() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let old = pdf("old", 4000);
    let recent = pdf("recent", 4000);
    std::fs::write(folder.path().join("old.pdf"), &old).unwrap();
    set_age(
        &folder.path().join("old.pdf"),
        Duration::from_secs(3 * 3600),
    );
    std::fs::write(folder.path().join("recent.pdf"), &recent).unwrap();
    let ini = invoice_ini(folder.path(), Some(printer.addr), &[("stale_age", "60")]);

    let svc = TestApp::spawn_in(data.path(), &ini).await;
    assert!(wait_async(LONG, || printer.copies_of(&recent) == 1).await);
    assert!(
        wait_async(LONG, || journal_state(data.path(), "old.pdf").as_deref()
            == Some("stale"))
        .await
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(printer.copies_of(&old), 0, "stale backlog never printed");
    assert!(
        folder.path().join("old.pdf").exists(),
        "left alone (purge_on_start = false)"
    );
    svc.stop();
    drop(svc);
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Second start: not a first start any more. The stale file stays unprinted; an old
    // file that arrived while the service was off is printed.
    let late = pdf("late", 4000);
    std::fs::write(folder.path().join("late.pdf"), &late).unwrap();
    set_age(
        &folder.path().join("late.pdf"),
        Duration::from_secs(3 * 3600),
    );
    let _svc = TestApp::spawn_in(data.path(), &ini).await;
    assert!(wait_async(LONG, || printer.copies_of(&late) == 1).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(printer.copies_of(&old), 0);
    assert_eq!(printer.jobs().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_on_start_removes_the_stale_backlog_and_printed_leftovers_only() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let old = pdf("old2", 4000);
    std::fs::write(folder.path().join("old.pdf"), &old).unwrap();
    set_age(
        &folder.path().join("old.pdf"),
        Duration::from_secs(3 * 3600),
    );
    let ini = invoice_ini(
        folder.path(),
        Some(printer.addr),
        &[("purge_on_start", "true"), ("stale_age", "60")],
    );
    let _svc = TestApp::spawn_in(data.path(), &ini).await;
    assert!(wait_async(LONG, || !folder.path().join("old.pdf").exists()).await);
    assert_eq!(
        journal_state(data.path(), "old.pdf").as_deref(),
        Some("stale")
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        printer.jobs().is_empty(),
        "the stale file was removed, not printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_folder_is_not_created_and_is_watched_once_it_appears() {
    let data = tempfile::tempdir().unwrap();
    let parent = tempfile::tempdir().unwrap();
    let folder = parent.path().join("Téléchargements");
    let printer = RawPrinter::start();
    let _svc = TestApp::spawn_in(data.path(), &invoice_ini(&folder, Some(printer.addr), &[])).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!folder.exists(), "a wrong path leaves no stray folder");
    std::fs::create_dir(&folder).unwrap();
    let doc = pdf("later", 5000);
    drop_file(&folder, "later.pdf", &doc);
    assert!(wait_async(LONG, || printer.copies_of(&doc) == 1).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_replaced_before_its_removal_is_printed_not_deleted_unprinted() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    let ini = invoice_ini(folder.path(), Some(printer.addr), &[("open_delay", "2")]);
    let _svc = TestApp::spawn_in(data.path(), &ini).await;
    let (first, second) = (pdf("v1", 6000), pdf("v2", 7000));
    drop_file(folder.path(), "FAC.pdf", &first);
    assert!(wait_async(LONG, || printer.copies_of(&first) == 1).await);
    drop_file(folder.path(), "FAC.pdf", &second);
    assert!(wait_async(LONG, || printer.copies_of(&second) == 1).await);
    assert!(wait_async(LONG, || files_in(folder.path()).is_empty()).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(printer.jobs(), vec![first, second]);
}
