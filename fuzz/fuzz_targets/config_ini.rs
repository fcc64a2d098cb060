//! config.ini text → typed Config: never panics, and a parsed config is stable.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Ok(ini) = ini::Ini::load_from_str_noescape(text) {
        let _ = cashdrawer::config::Config::from_ini(&ini, "fuzz.ini");
        let _ = cashdrawer::domain::parse_cidr_list(text);
    }
});
