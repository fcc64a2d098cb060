//! The byte exchange shared by every bidirectional transport: write the job, then ask
//! `DLE EOT 1/2/4` and read one answer byte each.

use std::io::{Read, Write};

use super::{PrinterError, PrinterErrorKind, PrinterTarget};
use crate::escpos::{PrinterStatus, DLE_EOT, QUERIES};

pub(super) fn write_job(
    io: &mut impl Write,
    job: &[u8],
    target: &PrinterTarget,
) -> Result<(), PrinterError> {
    if job.is_empty() {
        return Ok(());
    }
    io.write_all(job)
        .and_then(|_| io.flush())
        .map_err(|e| PrinterError::io(target, "écriture", &e))
}

/// Asks the three real-time statuses in one write (printers answer them in order) and
/// reads one answer byte each. We never enable ASB: any other byte is an error.
pub(super) fn query_status(
    io: &mut (impl Read + Write),
    target: &PrinterTarget,
) -> Result<PrinterStatus, PrinterError> {
    let mut queries = [0u8; 9];
    for (chunk, n) in queries.chunks_mut(3).zip(QUERIES) {
        chunk.copy_from_slice(&[DLE_EOT[0], DLE_EOT[1], n]);
    }
    io.write_all(&queries)
        .and_then(|_| io.flush())
        .map_err(|e| PrinterError::io(target, "demande d'état", &e))?;
    let mut answers = [0u8; 3];
    let mut got = 0;
    while got < answers.len() {
        match io.read(&mut answers[got..]) {
            Ok(0) => {
                return Err(PrinterError::new(
                    PrinterErrorKind::Io,
                    format!("imprimante {target}: connexion fermée pendant la demande d'état"),
                ))
            }
            Ok(n) => got += n,
            Err(e) => return Err(PrinterError::io(target, "lecture de l'état", &e)),
        }
    }
    PrinterStatus::parse(&answers).map_err(|e| {
        PrinterError::new(
            PrinterErrorKind::BadAnswer,
            format!("imprimante {target}: {e}"),
        )
    })
}
