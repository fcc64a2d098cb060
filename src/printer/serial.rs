//! Serial printers (RS-232 and USB-serial adapters): `serial:COM3?baud=9600`.

use std::time::Instant;

use super::exchange::{query_status, write_job};
use super::Transport;
use super::{Choose, PrinterError, PrinterErrorKind, PrinterTarget, StatusResult, Timeouts};
use crate::escpos::PrinterStatus;

type Port = Box<dyn serialport::SerialPort>;

pub struct SerialTransport {
    target: PrinterTarget,
    path: String,
    baud: u32,
}

impl SerialTransport {
    pub fn new(target: PrinterTarget, path: String, baud: u32) -> Self {
        SerialTransport { target, path, baud }
    }

    /// The port, opened within the connect timeout, its reads and writes bounded by the
    /// write timeout.
    fn open(&self, timeouts: &Timeouts) -> Result<Port, PrinterError> {
        let started = Instant::now();
        let port = serialport::new(&self.path, self.baud)
            .timeout(timeouts.write)
            .open()
            .map_err(|e| {
                let kind = match e.kind() {
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
            let target = &self.target;
            return Err(PrinterError::timeout(format!(
                "imprimante {target}: ouverture du port série: délai dépassé"
            )));
        }
        Ok(port)
    }

    /// Asks the status, after dropping what the printer sent before (ASB, echoes).
    fn status(&self, port: &mut Port) -> Result<PrinterStatus, PrinterError> {
        let _ = port.clear(serialport::ClearBuffer::Input);
        query_status(port, &self.target)
    }
}

impl Transport for SerialTransport {
    fn run(&self, job: &[u8], query: bool, timeouts: &Timeouts) -> StatusResult {
        let mut port = self.open(timeouts)?;
        write_job(&mut port, job, &self.target)?;
        query.then(|| self.status(&mut port)).transpose()
    }

    /// One opening of the port: the status answer, then the chosen bytes.
    fn run_after_status(&self, choose: &Choose<'_>, timeouts: &Timeouts) -> StatusResult {
        let mut port = self.open(timeouts)?;
        let status = self.status(&mut port)?;
        write_job(&mut port, &choose(Some(&status)), &self.target)?;
        Ok(Some(status))
    }
}
