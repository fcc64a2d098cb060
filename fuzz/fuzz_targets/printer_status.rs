//! Printer status answers (DLE EOT): garbage is refused, valid answers round-trip.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(status) = cashdrawer::escpos::PrinterStatus::parse(data) {
        let again = cashdrawer::escpos::PrinterStatus::parse(&status.encode()).expect("encoded status parses");
        assert_eq!(again, status);
    }
});
