//! Printer target URIs and drawer commands from config or the admin page.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(target) = cashdrawer::domain::PrinterTarget::parse(&text) {
        let shown = target.to_string();
        let again = cashdrawer::domain::PrinterTarget::parse(&shown).expect("displayed target parses");
        assert_eq!(again, target, "{shown}");
    }
    if let Ok(cmd) = cashdrawer::domain::DrawerCommand::parse_hex(&text) {
        assert_eq!(cashdrawer::domain::DrawerCommand::parse_hex(&cmd.to_hex()).unwrap(), cmd);
    }
});
