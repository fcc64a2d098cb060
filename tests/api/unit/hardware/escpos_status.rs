//! Moved from `src/escpos/status.rs`.

use cashdrawer::escpos::*;

#[test]
fn roundtrip_and_garbage() {
    let s = PrinterStatus {
        online: false,
        cover_open: true,
        paper: PaperState::NearEnd,
        drawer_pin3_high: true,
        error: false,
    };
    assert_eq!(PrinterStatus::parse(&s.encode()).unwrap(), s);
    let ok = PrinterStatus::parse(&[0x12, 0x12, 0x12]).unwrap();
    assert!(ok.online && ok.paper == PaperState::Ok && !ok.cover_open);
    assert!(PrinterStatus::parse(&[0xff, 0x12, 0x12]).is_err());
    assert!(PrinterStatus::parse(&[0x12, 0x12]).is_err());
    let empty = PrinterStatus::parse(&[0x12, 0x12, 0x72]).unwrap();
    assert_eq!(empty.paper, PaperState::Empty);
}
