//! The real binary killed (SIGKILL) in the middle of a print queue, then restarted:
//! every invoice comes out exactly once, and the log tells what happened.
#![cfg(unix)]

use std::time::Duration;

use crate::helpers::binary::Binary;
use crate::helpers::invoices::*;

#[test]
fn sigkill_mid_queue_then_restart_prints_each_file_exactly_once() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    // A slow printer with a small receive buffer: a job takes about half a second and
    // little of it can sit in kernel buffers.
    let printer = RawPrinter::start_with("127.0.0.1:0".parse().unwrap(), Some(16 * 1024));
    printer.set_throttle(Some((16 * 1024, Duration::from_millis(10))));
    std::fs::write(
        data.path().join("config.ini"),
        invoice_ini(folder.path(), Some(printer.addr), &[]),
    )
    .unwrap();
    let size = 1_000_000;
    let docs: Vec<Vec<u8>> = (0..6).map(|i| pdf(&format!("kill-{i}"), size)).collect();
    for (i, d) in docs.iter().enumerate() {
        drop_file(folder.path(), &format!("FAC-{i}.pdf"), d);
    }
    drop_file(folder.path(), "bad.pdf", b"<html>not a pdf</html>");

    let mut first = Binary::start(data.path(), &[]);
    let mid_job = wait_until(Duration::from_secs(60), || {
        let done = docs.iter().filter(|d| printer.copies_of(d) == 1).count();
        done >= 2 && printer.in_progress().is_some_and(|n| n > 0 && n < size / 2)
    });
    first.kill(); // SIGKILL
    assert!(mid_job, "killed while a job was half sent");
    let printed_before = docs.iter().filter(|d| printer.copies_of(d) == 1).count();
    assert!(
        printed_before < docs.len(),
        "the queue was not finished at the kill"
    );

    printer.set_throttle(None);
    let mut second = Binary::start(data.path(), &[]);
    let all = wait_until(Duration::from_secs(60), || {
        docs.iter().all(|d| printer.copies_of(d) >= 1) && files_in(folder.path()).is_empty()
    });
    // The journal says "done" once the file is gone and the journal saved: wait for it
    // before the kill. Each save is an fsync; with a build writing gigabytes beside the
    // tests (a cold `scripts/test.sh`), one took over 20 s here.
    wait_until(Duration::from_secs(90), || {
        (0..docs.len())
            .all(|i| journal_state(data.path(), &format!("FAC-{i}.pdf")).as_deref() == Some("done"))
    });
    std::thread::sleep(Duration::from_millis(500));
    second.kill();
    assert!(
        all,
        "every invoice printed after the restart; folder: {:?}",
        files_in(folder.path())
    );
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(printer.copies_of(d), 1, "FAC-{i}.pdf printed exactly once");
    }
    // The only other job is the one cut by the kill: a strict beginning of an invoice,
    // which a printer discards as incomplete.
    let others: Vec<Vec<u8>> = printer
        .jobs()
        .into_iter()
        .filter(|j| !docs.contains(j))
        .collect();
    assert_eq!(others.len(), 1, "one interrupted job");
    assert!(docs
        .iter()
        .any(|d| d.starts_with(&others[0]) && others[0].len() < d.len()));
    for i in 0..docs.len() {
        assert_eq!(
            journal_state(data.path(), &format!("FAC-{i}.pdf")).as_deref(),
            Some("done")
        );
    }
    let log = log_text(data.path());
    assert!(
        log.contains("non confirmée"),
        "the restart says it reprints the unconfirmed job"
    );
    assert!(
        log.contains("bad.pdf") && log.contains("mis de côté"),
        "the non-PDF is logged"
    );
    assert!(log.contains("imprimé via socket"), "prints are logged");
    assert!(sub(folder.path(), "rejected").join("bad.pdf").exists());
}

/// A kill between removing a printed invoice and saving "done" leaves a "printed"
/// entry with no file. The next start finishes it, and leaves a file still there alone.
#[test]
fn a_printed_entry_whose_file_is_gone_is_done_after_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    std::fs::write(
        data.path().join("config.ini"),
        invoice_ini(folder.path(), Some(printer.addr), &[]),
    )
    .unwrap();
    let journal = serde_json::json!([
        {"name": "FAC-gone.pdf", "size": 10, "sha256": "00", "state": "printed", "time_ms": 1},
    ]);
    std::fs::write(
        data.path().join("invoices-journal.json"),
        serde_json::to_vec(&journal).unwrap(),
    )
    .unwrap();
    let mut service = Binary::start(data.path(), &[]);
    let done = wait_until(Duration::from_secs(20), || {
        journal_state(data.path(), "FAC-gone.pdf").as_deref() == Some("done")
    });
    service.kill();
    assert!(
        done,
        "journal: {:?}",
        journal_state(data.path(), "FAC-gone.pdf")
    );
    assert!(printer.jobs().is_empty(), "nothing printed");
}

/// The start-up clean-up asks whether the file is in the folder, not whether today's
/// `file_extensions` lists it: a printed file it leaves out keeps its "printed" entry.
#[test]
fn a_printed_entry_whose_file_is_there_but_not_listed_stays_printed() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = RawPrinter::start();
    std::fs::write(
        data.path().join("config.ini"),
        invoice_ini(folder.path(), Some(printer.addr), &[]),
    )
    .unwrap();
    drop_file(
        folder.path(),
        "FAC-kept.txt",
        b"printed before a change of extensions",
    );
    let journal = serde_json::json!([
        {"name": "FAC-kept.txt", "size": 37, "sha256": "00", "state": "printed", "time_ms": 1},
        {"name": "FAC-gone.pdf", "size": 10, "sha256": "00", "state": "printed", "time_ms": 1},
    ]);
    std::fs::write(
        data.path().join("invoices-journal.json"),
        serde_json::to_vec(&journal).unwrap(),
    )
    .unwrap();
    let mut service = Binary::start(data.path(), &[]);
    let settled = wait_until(Duration::from_secs(20), || {
        journal_state(data.path(), "FAC-gone.pdf").as_deref() == Some("done")
    });
    service.kill();
    assert!(settled, "the start-up clean-up ran");
    assert_eq!(
        journal_state(data.path(), "FAC-kept.txt").as_deref(),
        Some("printed")
    );
}
