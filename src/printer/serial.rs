//! Serial printers (RS-232 and USB-serial adapters): `serial:COM3?baud=9600`.

use std::time::Instant;

use super::exchange::{query_status, write_job};
use super::{PrinterError, PrinterErrorKind, PrinterTarget, Timeouts, Transport};
use crate::escpos::PrinterStatus;

pub struct SerialTransport {
    target: PrinterTarget,
    path: String,
    baud: u32,
}

impl SerialTransport {
    pub fn new(target: PrinterTarget, path: String, baud: u32) -> Self {
        SerialTransport { target, path, baud }
    }
}

impl Transport for SerialTransport {
    fn run(
        &self,
        job: &[u8],
        query: bool,
        timeouts: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError> {
        let started = Instant::now();
        let mut port = serialport::new(&self.path, self.baud)
            .timeout(timeouts.write)
            .open()
            .map_err(|e| {
                let kind = match e.kind() {
                    serialport::ErrorKind::NoDevice => PrinterErrorKind::Unreachable,
                    serialport::ErrorKind::Io(k) => {
                        PrinterError::io(&self.target, "", &std::io::Error::from(k)).kind
                    }
                    _ => PrinterErrorKind::Unreachable,
                };
                PrinterError::new(
                    kind,
                    format!("imprimante {}: ouverture du port série: {e}", self.target),
                )
            })?;
        if started.elapsed() > timeouts.connect {
            return Err(PrinterError::new(
                PrinterErrorKind::Timeout,
                format!(
                    "imprimante {}: ouverture du port série: délai dépassé",
                    self.target
                ),
            ));
        }
        write_job(&mut port, job, &self.target)?;
        if query {
            // Drop anything the printer sent before our query (ASB, echoes).
            let _ = port.clear(serialport::ClearBuffer::Input);
            return Ok(Some(query_status(&mut port, &self.target)?));
        }
        Ok(None)
    }
}
