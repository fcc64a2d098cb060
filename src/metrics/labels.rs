//! The label sets: closed enums and configured printer names only, so the number of
//! series stays bounded whatever callers send.

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};

use crate::domain::PrinterTarget;
use crate::printer::{PrinterError, PrinterErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `/open-cash-drawer`, the Odoo module's call.
    Module,
    /// ePOS-Print (`/cgi-bin/epos/service.cgi`).
    Epos,
    /// IoT box emulation (`/hw_proxy/*`).
    HwProxy,
    /// The admin page's test button.
    Admin,
}

/// `ok`, or why the printer failed (the [`PrinterErrorKind`], snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Outcome(Option<PrinterErrorKind>);

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        let text = match self {
            Route::Module => "module",
            Route::Epos => "epos",
            Route::HwProxy => "hw_proxy",
            Route::Admin => "admin",
        };
        std::fmt::Write::write_str(encoder, text)
    }
}

impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        use PrinterErrorKind as K;
        let text = match self.0 {
            None => "ok",
            Some(K::Unreachable) => "unreachable",
            Some(K::UnknownPrinter) => "unknown_printer",
            Some(K::Timeout) => "timeout",
            Some(K::Io) => "io",
            Some(K::Offline) => "offline",
            Some(K::BadAnswer) => "bad_answer",
            Some(K::Busy) => "busy",
        };
        std::fmt::Write::write_str(encoder, text)
    }
}

pub fn outcome<T>(result: &Result<T, PrinterError>) -> Outcome {
    Outcome(result.as_ref().err().map(|e| e.kind))
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct KickLabels {
    pub route: Route,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: Route,
}

/// A print job: the printer is the configured target, never what a caller chose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct JobLabels {
    pub printer: String,
    pub outcome: Outcome,
}

impl JobLabels {
    pub fn new(printer: &PrinterTarget, outcome: Outcome) -> Self {
        JobLabels {
            printer: printer.to_string(),
            outcome,
        }
    }
}

/// A printer's state gauges: `role` is `drawer` (`[printer] name`) or `invoice`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct PrinterLabels {
    pub role: &'static str,
    pub printer: String,
}

/// One condition of a printer's last status (`paper_out`, `cover_open`...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct ConditionLabels {
    pub role: &'static str,
    pub printer: String,
    pub condition: &'static str,
}
