//! The answer envelope of an Epson ePOS-Print printer, which Odoo parses:
//! `<response success="..." code="..." status="..."/>`, `code` one of Epson's error codes
//! (Odoo shows it), `status` Epson's ASB bit field, from the printer's real status.
//!
//! Imports only `escpos` and `printer` (its errors), never `http`, `state`, `app` or `cli`.

use crate::escpos::{PaperState, PrinterStatus};
use crate::printer::{PrinterError, PrinterErrorKind};

pub const ASB_NO_RESPONSE: u32 = 0x0000_0001;
pub const ASB_PRINT_SUCCESS: u32 = 0x0000_0002;
pub const ASB_DRAWER_KICK: u32 = 0x0000_0004;
pub const ASB_OFF_LINE: u32 = 0x0000_0008;
pub const ASB_COVER_OPEN: u32 = 0x0000_0020;
pub const ASB_MECHANICAL_ERR: u32 = 0x0000_0400;
pub const ASB_RECEIPT_NEAR_END: u32 = 0x0002_0000;
pub const ASB_RECEIPT_END: u32 = 0x0008_0000;

/// Epson's error codes that we can honestly give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EposCode {
    /// The `devid` is not `local_printer`.
    DeviceNotFound,
    SchemaError,
    RecEmpty,
    CoverOpen,
    /// The printer reports an error (cutter, mechanism, overheating).
    Mechanical,
    /// Offline for another reason (paper being fed, waiting to come back online).
    Automatical,
    Timeout,
    /// The printer cannot be reached or opened (`[printer] name`).
    BadPort,
    /// The printer answered garbage or the connection broke.
    PrintSystemError,
}

impl EposCode {
    pub fn as_str(self) -> &'static str {
        match self {
            EposCode::DeviceNotFound => "DeviceNotFound",
            EposCode::SchemaError => "SchemaError",
            EposCode::RecEmpty => "EPTR_REC_EMPTY",
            EposCode::CoverOpen => "EPTR_COVER_OPEN",
            EposCode::Mechanical => "EPTR_MECHANICAL",
            EposCode::Automatical => "EPTR_AUTOMATICAL",
            EposCode::Timeout => "EX_TIMEOUT",
            EposCode::BadPort => "EX_BADPORT",
            EposCode::PrintSystemError => "PrintSystemError",
        }
    }

    /// The code for a failed operation: the printer's own refusal first (no paper wins
    /// over cover open, as on Epson printers), then the transport failure.
    pub fn for_error(err: &PrinterError) -> EposCode {
        if let Some(s) = err.status {
            return match (s.paper, s.cover_open, s.error) {
                (PaperState::Empty, ..) => EposCode::RecEmpty,
                (_, true, _) => EposCode::CoverOpen,
                (_, _, true) => EposCode::Mechanical,
                _ => EposCode::Automatical,
            };
        }
        match err.kind {
            // A full queue: EX_TIMEOUT, as Epson printers answer; the cashier retries.
            PrinterErrorKind::Timeout | PrinterErrorKind::Busy => EposCode::Timeout,
            PrinterErrorKind::Unreachable | PrinterErrorKind::UnknownPrinter => EposCode::BadPort,
            PrinterErrorKind::Offline => EposCode::Automatical,
            PrinterErrorKind::Io | PrinterErrorKind::BadAnswer => EposCode::PrintSystemError,
        }
    }
}

/// The ASB field for a printer status; `None` (unknown) sets only the bits we know.
pub fn asb(status: Option<&PrinterStatus>, printed: bool, answered: bool) -> u32 {
    let mut bits = if printed { ASB_PRINT_SUCCESS } else { 0 };
    if !answered {
        bits |= ASB_NO_RESPONSE;
    }
    if let Some(s) = status {
        let flags = [
            (s.drawer_pin3_high, ASB_DRAWER_KICK),
            (!s.online, ASB_OFF_LINE),
            (s.cover_open, ASB_COVER_OPEN),
            (s.error, ASB_MECHANICAL_ERR),
        ];
        for (set, bit) in flags {
            bits |= if set { bit } else { 0 };
        }
        bits |= match s.paper {
            PaperState::Ok => 0,
            PaperState::NearEnd => ASB_RECEIPT_NEAR_END,
            PaperState::Empty => ASB_RECEIPT_END | ASB_RECEIPT_NEAR_END,
        };
    }
    bits
}

/// The SOAP answer, as an Epson printer writes it.
pub fn envelope(code: Option<EposCode>, status: u32) -> String {
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>",
            "<response success=\"{}\" code=\"{}\" status=\"{}\" battery=\"0\" ",
            "xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\"></response>",
            "</s:Body></s:Envelope>"
        ),
        code.is_none(),
        code.map_or("", EposCode::as_str),
        status
    )
}
