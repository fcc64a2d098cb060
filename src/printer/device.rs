//! Device files: `file:/dev/usb/lp0` (Linux USB printer class), or any file or FIFO.
//! Status queries are off by default (`?status=on` to enable): not every device file
//! reads back, and a read on one that does not would wait for the timeout every time.

use std::fs::OpenOptions;
use std::path::PathBuf;

use super::exchange::{query_status, write_job};
use super::{PrinterError, PrinterTarget, Timeouts, Transport};
use crate::escpos::PrinterStatus;

pub struct DeviceTransport {
    target: PrinterTarget,
    path: PathBuf,
}

impl DeviceTransport {
    pub fn new(target: PrinterTarget, path: PathBuf) -> Self {
        DeviceTransport { target, path }
    }
}

impl Transport for DeviceTransport {
    fn run(
        &self,
        job: &[u8],
        query: bool,
        _timeouts: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError> {
        // Appending keeps earlier bytes when the "device" is a plain file (tests, captures).
        let mut file = OpenOptions::new()
            .read(query)
            .append(true)
            .open(&self.path)
            .map_err(|e| PrinterError::io(&self.target, "ouverture du périphérique", &e))?;
        write_job(&mut file, job, &self.target)?;
        if query {
            return Ok(Some(query_status(&mut file, &self.target)?));
        }
        Ok(None)
    }
}
