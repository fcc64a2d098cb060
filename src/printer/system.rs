//! System printer queues: the Windows spooler (RAW datatype) on Windows, CUPS elsewhere.
//! Neither can report the printer's real-time status, so status is always unknown.

use super::{PrinterError, Timeouts, Transport};
use crate::escpos::PrinterStatus;

pub struct SystemTransport {
    name: String,
}

impl SystemTransport {
    pub fn new(name: String) -> Self {
        SystemTransport { name }
    }
}

impl Transport for SystemTransport {
    fn run(
        &self,
        job: &[u8],
        _query: bool,
        timeouts: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError> {
        if job.is_empty() {
            return Ok(None);
        }
        #[cfg(windows)]
        crate::platform::windows::spooler::print_raw(
            &self.name,
            job,
            "odoo-pos-cashdrawer",
            timeouts,
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

pub fn list() -> anyhow::Result<Vec<String>> {
    #[cfg(windows)]
    return crate::platform::windows::spooler::list();
    #[cfg(unix)]
    return crate::platform::cups::list();
}
