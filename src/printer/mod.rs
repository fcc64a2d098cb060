//! Printers: where they are ([`PrinterTarget`]), how bytes reach them (one
//! [`Transport`] per kind), and the per-printer queue that keeps jobs from interleaving.
//!
//! Transports are blocking code run on tokio's blocking pool, bounded by [`Timeouts`]:
//! a dead printer gives an error within the timeout, never a hung request. Operations on
//! one printer are serialized by its [`Printer`]; different printers never wait for each
//! other. The wait for the printer's turn counts inside each request's bound, and at
//! most [`MAX_WAITING`] requests wait behind the one running: a stalled printer answers
//! every caller in time instead of piling them up. This module knows nothing of drawers,
//! receipts or invoices: it sends bytes.
//!
//! Layer 4: imports only `domain`, `escpos`, `config` and `platform`; never `drawer`,
//! `odoo`, `http`, `state`, `app` or `cli`.

mod device;
mod exchange;
mod pool;
mod serial;
mod system;
pub mod target;
mod tcp;
pub mod virtual_printer;

pub use pool::PrinterPool;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::domain::{PrinterTarget, Timeouts};
use crate::escpos::PrinterStatus;

/// Why a printer operation failed; decides the answer codes of every protocol we speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterErrorKind {
    /// Nothing answers at that address, or the device cannot be opened.
    Unreachable,
    /// The system knows no printer of that name.
    UnknownPrinter,
    /// The printer accepted but did not take the bytes or answer in time.
    Timeout,
    /// The connection broke during the job.
    Io,
    /// The printer answered that it cannot print (offline, cover open, no paper).
    Offline,
    /// The printer answered bytes that are not a status.
    BadAnswer,
    /// [`MAX_WAITING`] requests already wait for this printer: refused at once, nothing
    /// sent. The printer itself may be fine (a burst) or stalled.
    Busy,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PrinterError {
    pub kind: PrinterErrorKind,
    /// French, names the printer and what failed; shown to the caller and logged.
    pub message: String,
    /// The status that made the printer refuse, when it said so.
    pub status: Option<PrinterStatus>,
}

impl PrinterError {
    pub fn new(kind: PrinterErrorKind, message: impl Into<String>) -> Self {
        PrinterError {
            kind,
            message: message.into(),
            status: None,
        }
    }

    /// Classifies an I/O error of `what` on `target`.
    pub fn io(target: &PrinterTarget, what: &str, err: &std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let kind = match err.kind() {
            K::TimedOut | K::WouldBlock => PrinterErrorKind::Timeout,
            K::ConnectionRefused | K::NotFound | K::PermissionDenied | K::AddrNotAvailable => {
                PrinterErrorKind::Unreachable
            }
            _ => PrinterErrorKind::Io,
        };
        let detail = match kind {
            PrinterErrorKind::Timeout => "délai dépassé".to_string(),
            _ => err.to_string(),
        };
        PrinterError::new(kind, format!("imprimante {target}: {what}: {detail}"))
    }

    /// A status that forbids printing becomes an error naming the cause.
    pub fn from_status(target: &PrinterTarget, status: PrinterStatus) -> Option<Self> {
        let cause = status.problem()?;
        Some(PrinterError {
            kind: PrinterErrorKind::Offline,
            message: format!("imprimante {target}: {cause}"),
            status: Some(status),
        })
    }
}

/// One way of reaching a printer. Blocking; called on the blocking pool, one call at a
/// time per printer.
pub trait Transport: Send + Sync + 'static {
    /// Writes `job` completely (may be empty), then, when `query_status` is set and the
    /// transport can, asks the printer's real-time status on the same connection.
    /// `Ok(None)` means the transport cannot tell (spooler queues).
    fn run(
        &self,
        job: &[u8],
        query_status: bool,
        timeouts: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError>;

    /// Asks the status first, then writes the bytes `choose` picks from it (none when it
    /// returns an empty job), and returns that status. `None` is given to `choose` when
    /// the transport cannot tell. The printer's queue is held across both steps, so the
    /// choice is made on the state the bytes meet.
    ///
    /// This default makes two calls of [`Transport::run`] (two connections where the
    /// transport has them): device files and the virtual printer. TCP and serial override
    /// it with one connection, so asking first costs no round trip over "job, then status".
    fn run_after_status(
        &self,
        choose: &(dyn Fn(Option<&PrinterStatus>) -> Vec<u8> + Sync),
        timeouts: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError> {
        let status = self.run(&[], true, timeouts)?;
        let job = choose(status.as_ref());
        if !job.is_empty() {
            self.run(&job, false, timeouts)?;
        }
        Ok(status)
    }
}

/// What we last learned about a printer, for `/status` and the admin page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PrinterHealth {
    /// `None` until the first operation.
    pub reachable: Option<bool>,
    pub status: Option<PrinterStatus>,
    pub last_error: Option<String>,
    #[serde(serialize_with = "serialize_time")]
    pub last_ok_at: Option<SystemTime>,
    #[serde(serialize_with = "serialize_time")]
    pub last_error_at: Option<SystemTime>,
    /// How many times in a row `last_error` happened.
    pub error_repeats: u32,
}

fn serialize_time<S: serde::Serializer>(t: &Option<SystemTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        None => s.serialize_none(),
        Some(t) => s.serialize_str(&chrono::DateTime::<chrono::Local>::from(*t).to_rfc3339()),
    }
}

/// How many requests may wait for one printer behind the one it is running. Drawer
/// kicks and receipts share the queue; a till sends one or two at a time, and a healthy
/// printer serves a kick in about a millisecond, so 32 absorbs any real burst (and the
/// bench's 10- and 100-client rows mostly); more means the printer is stalled or the
/// caller is flooding it. Every waiting request is still answered within its own bound.
pub const MAX_WAITING: usize = 32;

/// A job chosen from the status is sent only if this much of the caller's bound is
/// left: its answer must reach the caller before the bound, never after it was told
/// "délai dépassé".
const SEND_MARGIN: Duration = Duration::from_millis(100);

/// One physical printer: its transport behind a queue so jobs never interleave.
pub struct Printer {
    target: PrinterTarget,
    transport: Arc<dyn Transport>,
    timeouts: Timeouts,
    /// Held by the blocking transport call itself (an owned guard moved into it), not by
    /// the request: a call that outlives its request's bound keeps the device until it
    /// really ends, so the next job never interleaves bytes with it.
    queue: Arc<tokio::sync::Mutex<()>>,
    /// Requests inside [`Printer::execute`]: waiting for their turn, or running.
    in_flight: AtomicUsize,
    health: Mutex<PrinterHealth>,
}

/// A place among a printer's requests, given back when the request ends (answered,
/// timed out or cancelled).
struct Place<'a>(&'a AtomicUsize);

impl<'a> Place<'a> {
    /// `None` when [`MAX_WAITING`] requests already wait behind a running one.
    fn take(counter: &'a AtomicUsize) -> Option<Place<'a>> {
        let before = counter.fetch_add(1, Ordering::SeqCst);
        let place = Place(counter);
        (before <= MAX_WAITING).then_some(place)
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a finished operation reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Option<PrinterStatus>,
    pub elapsed: Duration,
}

impl Printer {
    pub fn new(
        target: PrinterTarget,
        transport: Arc<dyn Transport>,
        timeouts: Timeouts,
    ) -> Printer {
        Printer {
            target,
            transport,
            timeouts,
            queue: Arc::new(tokio::sync::Mutex::new(())),
            in_flight: AtomicUsize::new(0),
            health: Mutex::new(PrinterHealth::default()),
        }
    }

    pub fn target(&self) -> &PrinterTarget {
        &self.target
    }

    pub fn health(&self) -> PrinterHealth {
        self.health.lock().expect("health lock").clone()
    }

    /// Sends one job, waiting for the printer's turn. When `confirm` is set and the
    /// transport is bidirectional, the printer must answer a status query after the job:
    /// a printer that accepted the connection but is dead, stalled or offline gives an
    /// error instead of a false success.
    pub async fn send(&self, job: Vec<u8>, confirm: bool) -> Result<Outcome, PrinterError> {
        let query = confirm && self.target.can_report_status();
        self.execute_job(job, query).await
    }

    /// Asks the real-time status; `Ok(None)` when this printer cannot tell.
    pub async fn query_status(&self) -> Result<Option<PrinterStatus>, PrinterError> {
        if !self.target.can_report_status() {
            return Ok(None);
        }
        Ok(self.execute_job(Vec::new(), true).await?.status)
    }

    /// Kicks and other jobs that must see the printer's state first: asks the status,
    /// then sends what `choose` picks from it, in one turn (see
    /// [`Transport::run_after_status`]). Unlike [`Printer::send`], an offline status is
    /// not turned into an error: the caller chose what to send for it, and decides what
    /// to answer. It is recorded in the health like any refusal.
    pub async fn send_after_status(
        &self,
        choose: impl Fn(Option<&PrinterStatus>) -> Vec<u8> + Send + Sync + 'static,
    ) -> Result<Outcome, PrinterError> {
        let started = Instant::now();
        let target = self.target.clone();
        let result = self
            .execute(move |t, timeouts, deadline| {
                // The status may come back after the caller was already told "délai
                // dépassé": then nothing is sent, or a kick answered as failed would
                // still open the drawer (1.1.0 adversarial review).
                let late = AtomicBool::new(false);
                let in_time = |status: Option<&PrinterStatus>| {
                    if Instant::now() + SEND_MARGIN >= deadline {
                        late.store(true, Ordering::SeqCst);
                        Vec::new()
                    } else {
                        choose(status)
                    }
                };
                let status = t.run_after_status(&in_time, timeouts)?;
                if late.load(Ordering::SeqCst) {
                    return Err(PrinterError::new(
                        PrinterErrorKind::Timeout,
                        format!(
                            "imprimante {target}: délai dépassé avant l'envoi, rien n'a été envoyé"
                        ),
                    ));
                }
                Ok(status)
            })
            .await;
        if let Ok(Some(status)) = &result {
            if let Some(refusal) = PrinterError::from_status(&self.target, *status) {
                self.record(&Err(refusal));
                return Ok(Outcome {
                    status: Some(*status),
                    elapsed: started.elapsed(),
                });
            }
        }
        self.finish(result, started)
    }

    async fn execute_job(&self, job: Vec<u8>, query: bool) -> Result<Outcome, PrinterError> {
        let started = Instant::now();
        let result = self
            .execute(move |t, timeouts, _| t.run(&job, query, timeouts))
            .await;
        let result = result.and_then(|status| {
            match status.and_then(|s| PrinterError::from_status(&self.target, s)) {
                Some(refusal) => Err(refusal),
                None => Ok(status),
            }
        });
        self.finish(result, started)
    }

    fn finish(
        &self,
        result: Result<Option<PrinterStatus>, PrinterError>,
        started: Instant,
    ) -> Result<Outcome, PrinterError> {
        // A refused place says nothing about the printer: its health stays as the
        // running job leaves it.
        if !matches!(&result, Err(e) if e.kind == PrinterErrorKind::Busy) {
            self.record(&result);
        }
        result.map(|status| Outcome {
            status,
            elapsed: started.elapsed(),
        })
    }

    /// The bound of one request, from its arrival: its wait for the printer's turn, then
    /// connect, write, three status reads, and a margin. The blocking call has its own
    /// socket timeouts; this one also covers devices whose writes cannot time out
    /// (device files, spoolers) and a turn that does not come.
    fn bound(&self) -> Duration {
        self.timeouts.connect + self.timeouts.write * 4 + Duration::from_millis(250)
    }

    /// Runs `op` on the transport in this printer's turn, within [`Printer::bound`] of
    /// the call. A full queue is refused at once ([`PrinterErrorKind::Busy`]). The queue
    /// guard moves into the blocking task, so a call that outlives the bound keeps the
    /// printer until it ends while its caller is already answered.
    async fn execute<T: Send + 'static>(
        &self,
        op: impl FnOnce(&dyn Transport, &Timeouts, Instant) -> Result<T, PrinterError> + Send + 'static,
    ) -> Result<T, PrinterError> {
        let bound = self.bound();
        let deadline = tokio::time::Instant::now() + bound;
        let deadline_std = deadline.into_std();
        let Some(_place) = Place::take(&self.in_flight) else {
            return Err(PrinterError::new(
                PrinterErrorKind::Busy,
                format!(
                    "imprimante {} occupée: {MAX_WAITING} demandes attendent déjà leur tour, réessayez dans quelques secondes",
                    self.target
                ),
            ));
        };
        let Ok(turn) = tokio::time::timeout_at(deadline, self.queue.clone().lock_owned()).await
        else {
            return Err(PrinterError::new(
                PrinterErrorKind::Timeout,
                format!(
                    "imprimante {}: délai dépassé ({} ms) en attendant la fin des travaux précédents",
                    self.target,
                    bound.as_millis()
                ),
            ));
        };
        let transport = self.transport.clone();
        let timeouts = self.timeouts;
        let task = tokio::task::spawn_blocking(move || {
            let result = op(transport.as_ref(), &timeouts, deadline_std);
            drop(turn);
            result
        });
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(PrinterError::new(
                PrinterErrorKind::Io,
                format!("imprimante {}: opération interrompue: {join}", self.target),
            )),
            Err(_) => Err(PrinterError::new(
                PrinterErrorKind::Timeout,
                format!(
                    "imprimante {}: délai dépassé ({} ms)",
                    self.target,
                    bound.as_millis()
                ),
            )),
        }
    }

    fn record(&self, result: &Result<Option<PrinterStatus>, PrinterError>) {
        let mut h = self.health.lock().expect("health lock");
        let now = SystemTime::now();
        match result {
            Ok(status) => {
                h.reachable = Some(true);
                if status.is_some() {
                    h.status = *status;
                }
                h.last_ok_at = Some(now);
                h.last_error = None;
                h.error_repeats = 0;
            }
            Err(e) => {
                h.reachable = Some(e.kind == PrinterErrorKind::Offline);
                if e.status.is_some() {
                    h.status = e.status;
                }
                if h.last_error.as_deref() == Some(e.message.as_str()) {
                    h.error_repeats += 1;
                } else {
                    h.error_repeats = 1;
                    h.last_error = Some(e.message.clone());
                }
                h.last_error_at = Some(now);
            }
        }
    }
}

/// Builds the transport for a target.
pub fn transport_for(target: &PrinterTarget) -> Arc<dyn Transport> {
    match target {
        PrinterTarget::System(name) => Arc::new(system::SystemTransport::new(name.clone())),
        PrinterTarget::Tcp { host, port, .. } => {
            Arc::new(tcp::TcpTransport::new(target.clone(), host.clone(), *port))
        }
        PrinterTarget::Serial { path, baud, .. } => Arc::new(serial::SerialTransport::new(
            target.clone(),
            path.clone(),
            *baud,
        )),
        PrinterTarget::File { path, .. } => {
            Arc::new(device::DeviceTransport::new(target.clone(), path.clone()))
        }
        PrinterTarget::Virtual => Arc::new(virtual_printer::VirtualPrinter::default()),
    }
}

/// Lists the printer queues the system knows (Windows spooler, CUPS).
pub fn system_printers() -> anyhow::Result<Vec<String>> {
    system::list()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
