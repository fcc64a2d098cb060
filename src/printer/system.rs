//! System printer queues: the Windows spooler (RAW datatype) on Windows, CUPS elsewhere.
//! Neither can report the printer's real-time status, so status is always unknown.

use super::{PrinterError, PrinterErrorKind, StatusResult, Timeouts, Transport};
use crate::platform::{QueueCause, QueueError};

pub struct SystemTransport {
    name: String,
}

impl SystemTransport {
    pub fn new(name: String) -> Self {
        SystemTransport { name }
    }
}

impl Transport for SystemTransport {
    fn run(&self, job: &[u8], _query: bool, timeouts: &Timeouts) -> StatusResult {
        if job.is_empty() {
            return Ok(None);
        }
        #[cfg(windows)]
        crate::platform::windows::spooler::print_raw(
            &self.name,
            job,
            "odoo-pos-cashdrawer",
            timeouts.write,
        )?;
        #[cfg(unix)]
        crate::platform::cups::print_raw(
            &self.name,
            job,
            "odoo-pos-cashdrawer",
            timeouts.connect + timeouts.write,
        )?;
        Ok(None)
    }
}

/// A queue's refusal as a printer error: its kind from the cause, its text as is.
impl From<QueueError> for PrinterError {
    fn from(e: QueueError) -> Self {
        let kind = match e.cause {
            QueueCause::UnknownQueue | QueueCause::CannotOpen(_) => {
                PrinterErrorKind::UnknownPrinter
            }
            QueueCause::NoLpCommand(_) | QueueCause::LpFailed(_) => PrinterErrorKind::Unreachable,
            QueueCause::Timeout | QueueCause::JobStillWaiting { .. } => PrinterErrorKind::Timeout,
            QueueCause::NotReady(_) | QueueCause::JobRefused { .. } => PrinterErrorKind::Offline,
            QueueCause::Call { .. } | QueueCause::PartlyWritten { .. } | QueueCause::Wait(_) => {
                PrinterErrorKind::Io
            }
        };
        PrinterError::new(kind, e.to_string())
    }
}

pub fn list() -> anyhow::Result<Vec<String>> {
    #[cfg(windows)]
    return crate::platform::windows::spooler::list();
    #[cfg(unix)]
    return crate::platform::cups::list();
}
