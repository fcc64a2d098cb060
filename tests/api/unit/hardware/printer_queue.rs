//! Moved from `src/printer/mod.rs`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cashdrawer::domain::{PrinterTarget, Timeouts};
use cashdrawer::escpos::PrinterStatus;
use cashdrawer::printer::*;

/// A transport whose every call blocks for `hold`, far past the printer's bound (a
/// device write that cannot time out), and notes any call that overlaps another.
struct Sticky {
    hold: Duration,
    busy: AtomicBool,
    overlapped: AtomicBool,
    calls: AtomicUsize,
}

impl Transport for Sticky {
    fn run(
        &self,
        _job: &[u8],
        _query: bool,
        _t: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError> {
        if self.busy.swap(true, Ordering::SeqCst) {
            self.overlapped.store(true, Ordering::SeqCst);
        }
        self.calls.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(self.hold);
        self.busy.store(false, Ordering::SeqCst);
        Ok(None)
    }
}

fn sticky_printer(hold: Duration) -> (Arc<Printer>, Arc<Sticky>) {
    let sticky = Arc::new(Sticky {
        hold,
        busy: AtomicBool::new(false),
        overlapped: AtomicBool::new(false),
        calls: AtomicUsize::new(0),
    });
    let timeouts = Timeouts {
        connect: Duration::from_millis(50),
        write: Duration::from_millis(50),
    };
    let printer = Printer::new(PrinterTarget::Virtual, sticky.clone(), timeouts);
    (Arc::new(printer), sticky)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_its_bound_keeps_the_printer_and_waiters_are_answered_in_time() {
    // Bound: 50 + 4 x 50 + 250 = 500 ms; each call holds the device for 1.2 s.
    let (printer, sticky) = sticky_printer(Duration::from_millis(1200));
    let bound = printer.bound();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let p = printer.clone();
        tasks.push(tokio::spawn(async move {
            let r = p.send(vec![1], false).await;
            (r, Instant::now())
        }));
    }
    for t in tasks {
        let (r, at) = t.await.unwrap();
        let e = r.expect_err("every caller times out");
        assert_eq!(e.kind, PrinterErrorKind::Timeout, "{e}");
        let took = at - started;
        assert!(took < bound + Duration::from_millis(300), "{took:?}");
    }
    // The first call still runs: the next job waits for it instead of joining it.
    let r = printer.send(vec![2], false).await;
    assert!(r.is_err());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        !sticky.overlapped.load(Ordering::SeqCst),
        "two calls overlapped"
    );
    assert!(sticky.calls.load(Ordering::SeqCst) <= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_is_refused_at_once() {
    let (printer, _) = sticky_printer(Duration::from_millis(400));
    let mut tasks = Vec::new();
    for _ in 0..MAX_WAITING + 6 {
        let p = printer.clone();
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            (p.send(vec![1], false).await, started.elapsed())
        }));
    }
    let mut busy = 0;
    for t in tasks {
        let (r, took) = t.await.unwrap();
        if let Err(e) = r {
            if e.kind == PrinterErrorKind::Busy {
                busy += 1;
                assert!(took < Duration::from_millis(100), "{took:?}");
                assert!(e.message.contains("occupée"), "{e}");
            }
        }
    }
    assert_eq!(
        busy,
        5,
        "{} admitted: one running and {MAX_WAITING} waiting",
        MAX_WAITING + 1
    );
    // Places are given back: the next request is admitted again.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let r = printer.send(vec![1], false).await;
    assert!(!matches!(r, Err(e) if e.kind == PrinterErrorKind::Busy));
}
