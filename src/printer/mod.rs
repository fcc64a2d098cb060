//! Printers: where they are ([`PrinterTarget`]), how bytes reach them (one [`Transport`]
//! per kind), and the per-printer queue that keeps jobs from interleaving. Each request
//! is bounded (its wait for the printer's turn included) and at most [`MAX_WAITING`] wait
//! behind the one running, so a stalled printer answers every caller in time.
//!
//! Layer 4: imports only `domain`, `escpos`, `config` and `platform`; never `drawer`,
//! `odoo`, `http`, `state`, `app` or `cli`. It sends bytes, knows no drawer or receipt.

pub mod device;
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
    UnknownPrinter,
    /// Accepted, but did not take the bytes or answer in time.
    Timeout,
    /// The connection broke during the job.
    Io,
    /// The printer answered that it cannot print (offline, cover open, no paper).
    Offline,
    /// The printer answered bytes that are not a status.
    BadAnswer,
    /// [`MAX_WAITING`] requests already wait for this printer: refused, nothing sent.
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

/// What a transport call gives: the status, when asked and the transport can tell.
pub type StatusResult = Result<Option<PrinterStatus>, PrinterError>;

/// What [`Transport::run_after_status`] sends for a status (`None`: unknown).
pub type Choose<'a> = dyn Fn(Option<&PrinterStatus>) -> Vec<u8> + Sync + 'a;

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
        let (kind, detail) = match err.kind() {
            K::TimedOut | K::WouldBlock => (PrinterErrorKind::Timeout, "délai dépassé".into()),
            K::ConnectionRefused | K::NotFound | K::PermissionDenied | K::AddrNotAvailable => {
                (PrinterErrorKind::Unreachable, err.to_string())
            }
            _ => (PrinterErrorKind::Io, err.to_string()),
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

    fn timeout(message: String) -> Self {
        PrinterError::new(PrinterErrorKind::Timeout, message)
    }
}

/// One way of reaching a printer. Blocking, run on the blocking pool, one call at a time.
pub trait Transport: Send + Sync + 'static {
    /// Writes `job` (may be empty), then, if `query_status` and it can, asks the status.
    fn run(&self, job: &[u8], query_status: bool, timeouts: &Timeouts) -> StatusResult;

    /// Asks the status, then writes what `choose` picks from it (if anything). TCP and
    /// serial override these two [`Transport::run`] calls with one connection.
    fn run_after_status(&self, choose: &Choose<'_>, timeouts: &Timeouts) -> StatusResult {
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

/// How many requests may wait for one printer behind the one running: a till sends one
/// or two at a time, so more than 32 means a stalled printer or a flood.
pub const MAX_WAITING: usize = 32;

/// A job chosen from the status is sent only if this much of the bound is left, so its
/// answer never comes after the caller was told "délai dépassé".
const SEND_MARGIN: Duration = Duration::from_millis(100);

/// One physical printer: its transport behind a queue so jobs never interleave.
pub struct Printer {
    target: PrinterTarget,
    transport: Arc<dyn Transport>,
    timeouts: Timeouts,
    /// Held by the blocking call itself (an owned guard moved into it): a call that
    /// outlives its request's bound keeps the device until it really ends.
    queue: Arc<tokio::sync::Mutex<()>>,
    /// Requests inside [`Printer::execute`]: waiting for their turn, or running.
    in_flight: AtomicUsize,
    health: Mutex<PrinterHealth>,
}

/// A place among a printer's requests, given back when the request ends.
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
    pub fn new(target: PrinterTarget, transport: Arc<dyn Transport>, timeouts: Timeouts) -> Self {
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

    /// Sends one job in the printer's turn. With `confirm`, a printer that can must answer
    /// a status query after it: a dead or offline one is an error, not a false success.
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

    /// Asks the status, then sends what `choose` picks from it, in one turn. An offline
    /// status is recorded in the health but is no error: the caller chose for it.
    pub async fn send_after_status(
        &self,
        choose: impl Fn(Option<&PrinterStatus>) -> Vec<u8> + Send + Sync + 'static,
    ) -> Result<Outcome, PrinterError> {
        let started = Instant::now();
        let target = self.target.clone();
        let result = self
            .execute(move |t, timeouts, deadline| {
                // A status back after the caller was told "délai dépassé" sends nothing:
                // a kick answered as failed must not open the drawer.
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
                    return Err(PrinterError::timeout(format!(
                        "imprimante {target}: délai dépassé avant l'envoi, rien n'a été envoyé"
                    )));
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

    fn finish(&self, result: StatusResult, started: Instant) -> Result<Outcome, PrinterError> {
        // A refused place says nothing about the printer.
        if !matches!(&result, Err(e) if e.kind == PrinterErrorKind::Busy) {
            self.record(&result);
        }
        result.map(|status| Outcome {
            status,
            elapsed: started.elapsed(),
        })
    }

    /// The bound of one request from its arrival: its turn, connect, write, three status
    /// reads, and a margin; it also bounds writes that cannot time out (device files).
    pub fn bound(&self) -> Duration {
        self.timeouts.connect + self.timeouts.write * 4 + Duration::from_millis(250)
    }

    /// Runs `op` on the transport in this printer's turn, within [`Printer::bound`]; a
    /// full queue is refused at once. The queue guard moves into the blocking task.
    async fn execute<T: Send + 'static>(
        &self,
        op: impl FnOnce(&dyn Transport, &Timeouts, Instant) -> Result<T, PrinterError> + Send + 'static,
    ) -> Result<T, PrinterError> {
        let bound = self.bound();
        let deadline = tokio::time::Instant::now() + bound;
        let deadline_std = deadline.into_std();
        let (target, ms) = (&self.target, bound.as_millis());
        let Some(_place) = Place::take(&self.in_flight) else {
            return Err(PrinterError::new(
                PrinterErrorKind::Busy,
                format!(
                    "imprimante {target} occupée: {MAX_WAITING} demandes attendent déjà leur tour, réessayez dans quelques secondes"
                ),
            ));
        };
        let Ok(turn) = tokio::time::timeout_at(deadline, self.queue.clone().lock_owned()).await
        else {
            return Err(PrinterError::timeout(format!(
                "imprimante {target}: délai dépassé ({ms} ms) en attendant la fin des travaux précédents"
            )));
        };
        let (transport, timeouts) = (self.transport.clone(), self.timeouts);
        let task = tokio::task::spawn_blocking(move || {
            let result = op(transport.as_ref(), &timeouts, deadline_std);
            drop(turn);
            result
        });
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(PrinterError::new(
                PrinterErrorKind::Io,
                format!("imprimante {target}: opération interrompue: {join}"),
            )),
            Err(_) => Err(PrinterError::timeout(format!(
                "imprimante {target}: délai dépassé ({ms} ms)"
            ))),
        }
    }

    fn record(&self, result: &StatusResult) {
        let mut h = self.health.lock().expect("health lock");
        let now = SystemTime::now();
        match result {
            Ok(status) => {
                h.reachable = Some(true);
                h.status = status.or(h.status);
                h.last_ok_at = Some(now);
                h.last_error = None;
                h.error_repeats = 0;
            }
            Err(e) => {
                h.reachable = Some(e.kind == PrinterErrorKind::Offline);
                h.status = e.status.or(h.status);
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
    let t = target.clone();
    match target {
        PrinterTarget::System(name) => Arc::new(system::SystemTransport::new(name.clone())),
        PrinterTarget::Tcp { host, port, .. } => {
            Arc::new(tcp::TcpTransport::new(t, host.clone(), *port))
        }
        PrinterTarget::Serial { path, baud, .. } => {
            Arc::new(serial::SerialTransport::new(t, path.clone(), *baud))
        }
        PrinterTarget::File { path, .. } => Arc::new(device::DeviceTransport::new(t, path.clone())),
        PrinterTarget::Virtual => Arc::new(virtual_printer::VirtualPrinter::default()),
    }
}

/// Lists the printer queues the system knows (Windows spooler, CUPS).
pub fn system_printers() -> anyhow::Result<Vec<String>> {
    system::list()
}
