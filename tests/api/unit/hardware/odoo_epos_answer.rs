//! Moved from `src/odoo/epos_answer.rs`.

use cashdrawer::escpos::{PaperState, PrinterStatus};
use cashdrawer::odoo::epos_answer::*;
use cashdrawer::printer::{PrinterError, PrinterErrorKind};

fn status(paper: PaperState, cover_open: bool, online: bool) -> PrinterStatus {
    PrinterStatus {
        online,
        cover_open,
        paper,
        drawer_pin3_high: false,
        error: false,
    }
}

#[test]
fn codes_follow_the_printer_status_then_the_transport() {
    let refusal = |s| PrinterError {
        kind: PrinterErrorKind::Offline,
        message: String::new(),
        status: Some(s),
    };
    let cases = [
        (status(PaperState::Empty, true, false), EposCode::RecEmpty),
        (status(PaperState::Ok, true, false), EposCode::CoverOpen),
        (status(PaperState::Ok, false, false), EposCode::Automatical),
    ];
    for (s, code) in cases {
        assert_eq!(EposCode::for_error(&refusal(s)), code);
    }
    let kinds = [
        (PrinterErrorKind::Timeout, "EX_TIMEOUT"),
        (PrinterErrorKind::Busy, "EX_TIMEOUT"),
        (PrinterErrorKind::Unreachable, "EX_BADPORT"),
        (PrinterErrorKind::UnknownPrinter, "EX_BADPORT"),
        (PrinterErrorKind::BadAnswer, "PrintSystemError"),
    ];
    for (kind, code) in kinds {
        assert_eq!(
            EposCode::for_error(&PrinterError::new(kind, "x")).as_str(),
            code
        );
    }
}

#[test]
fn asb_bits_and_envelope() {
    let s = status(PaperState::NearEnd, false, true);
    assert_eq!(asb(Some(&s), true, true), 0x0002_0002);
    let empty = status(PaperState::Empty, true, false);
    assert_eq!(asb(Some(&empty), false, true), 0x000a_0028);
    assert_eq!(asb(None, false, false), ASB_NO_RESPONSE);
    let ok = envelope(None, 2);
    assert!(ok.contains("<response success=\"true\" code=\"\" status=\"2\""));
    let ko = envelope(Some(EposCode::DeviceNotFound), 0);
    assert!(ko.contains("success=\"false\" code=\"DeviceNotFound\""));
}
