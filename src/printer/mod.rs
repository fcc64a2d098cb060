//! Printers: where they are ([`PrinterTarget`]), how bytes reach them (one
//! [`Transport`] per kind), and the per-printer queue that keeps jobs from interleaving.
//!
//! Transports are blocking code run on tokio's blocking pool, bounded by [`Timeouts`]:
//! a dead printer gives an error within the timeout, never a hung request. Operations on
//! one printer are serialized by its [`Printer`]; different printers never wait for each
//! other. This module knows nothing of drawers, receipts or invoices: it sends bytes.

mod device;
mod exchange;
mod pool;
mod serial;
mod system;
mod target;
mod tcp;
pub mod virtual_printer;

pub use pool::PrinterPool;
pub use target::PrinterTarget;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::escpos::PrinterStatus;

/// Bounds for every printer operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting (TCP) or opening (serial, device, spooler).
    pub connect: Duration,
    /// Each write, and each status read.
    pub write: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(2),
            write: Duration::from_secs(2),
        }
    }
}

/// Why a printer operation failed; decides the answer codes of every protocol we speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        use crate::escpos::PaperState;
        let cause = if status.cover_open {
            "capot ouvert"
        } else if status.paper == PaperState::Empty {
            "plus de papier"
        } else if status.error {
            "erreur de l'imprimante (massicot, surchauffe...)"
        } else if !status.online {
            "hors ligne"
        } else {
            return None;
        };
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

/// One physical printer: its transport behind a queue so jobs never interleave.
pub struct Printer {
    target: PrinterTarget,
    transport: Arc<dyn Transport>,
    timeouts: Timeouts,
    queue: tokio::sync::Mutex<()>,
    health: Mutex<PrinterHealth>,
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
            queue: tokio::sync::Mutex::new(()),
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
        self.execute(job, query).await
    }

    /// Asks the real-time status; `Ok(None)` when this printer cannot tell.
    pub async fn query_status(&self) -> Result<Option<PrinterStatus>, PrinterError> {
        if !self.target.can_report_status() {
            return Ok(None);
        }
        Ok(self.execute(Vec::new(), true).await?.status)
    }

    async fn execute(&self, job: Vec<u8>, query: bool) -> Result<Outcome, PrinterError> {
        let _turn = self.queue.lock().await;
        let started = Instant::now();
        let transport = self.transport.clone();
        let timeouts = self.timeouts;
        // Upper bound over the whole operation: connect, write, three status reads, and
        // a margin. The blocking call has its own socket timeouts; this one also covers
        // devices whose writes cannot time out (device files, spoolers).
        let bound = timeouts.connect + timeouts.write * 4 + Duration::from_millis(250);
        let task = tokio::task::spawn_blocking(move || transport.run(&job, query, &timeouts));
        let result = match tokio::time::timeout(bound, task).await {
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
        };
        let result = result.and_then(|status| {
            match status.and_then(|s| PrinterError::from_status(&self.target, s)) {
                Some(refusal) => Err(refusal),
                None => Ok(status),
            }
        });
        self.record(&result);
        result.map(|status| Outcome {
            status,
            elapsed: started.elapsed(),
        })
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
        PrinterTarget::Virtual => Arc::new(virtual_printer::VirtualPrinter::new()),
    }
}

/// Lists the printer queues the system knows (Windows spooler, CUPS).
pub fn system_printers() -> anyhow::Result<Vec<String>> {
    system::list()
}
