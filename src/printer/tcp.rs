//! Raw TCP (JetDirect, port 9100): the common way to reach network receipt printers.

use std::net::{Shutdown, TcpStream, ToSocketAddrs};

use super::exchange::{query_status, write_job};
use super::Transport;
use super::{Choose, PrinterError, PrinterErrorKind, PrinterTarget, StatusResult, Timeouts};

pub struct TcpTransport {
    target: PrinterTarget,
    host: String,
    port: u16,
}

impl TcpTransport {
    pub fn new(target: PrinterTarget, host: String, port: u16) -> Self {
        TcpTransport { target, host, port }
    }

    fn connect(&self, timeouts: &Timeouts) -> Result<TcpStream, PrinterError> {
        let addrs = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| {
                PrinterError::new(
                    PrinterErrorKind::Unreachable,
                    format!("imprimante {}: adresse introuvable: {e}", self.target),
                )
            })?;
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeouts.connect) {
                Ok(stream) => return Ok(stream),
                Err(e) => last = Some(e),
            }
        }
        let err = last
            .unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "aucune adresse"));
        let mut e = PrinterError::io(&self.target, "connexion", &err);
        if e.kind != PrinterErrorKind::Timeout {
            e.kind = PrinterErrorKind::Unreachable;
        }
        e.message = format!("{} (injoignable)", e.message);
        Err(e)
    }

    /// Connected, with Nagle off and both socket timeouts set.
    fn open(&self, timeouts: &Timeouts) -> Result<TcpStream, PrinterError> {
        let stream = self.connect(timeouts)?;
        let setup = |s: &TcpStream| -> std::io::Result<()> {
            s.set_nodelay(true)?;
            s.set_write_timeout(Some(timeouts.write))?;
            s.set_read_timeout(Some(timeouts.write))
        };
        setup(&stream)
            .map_err(|e| PrinterError::io(&self.target, "réglage de la connexion", &e))?;
        Ok(stream)
    }
}

/// An orderly close: the printer sees the end of the job, not a reset.
fn close(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
}

impl Transport for TcpTransport {
    fn run(&self, job: &[u8], query: bool, timeouts: &Timeouts) -> StatusResult {
        let mut stream = self.open(timeouts)?;
        write_job(&mut stream, job, &self.target)?;
        let status = query
            .then(|| query_status(&mut stream, &self.target))
            .transpose()?;
        close(&stream);
        Ok(status)
    }

    /// One connection: the status answer, then the chosen bytes right behind it.
    fn run_after_status(&self, choose: &Choose<'_>, timeouts: &Timeouts) -> StatusResult {
        let mut stream = self.open(timeouts)?;
        let status = query_status(&mut stream, &self.target)?;
        write_job(&mut stream, &choose(Some(&status)), &self.target)?;
        close(&stream);
        Ok(Some(status))
    }
}
