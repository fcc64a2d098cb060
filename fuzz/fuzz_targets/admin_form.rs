//! The admin page's configuration form (urlencoded, decoded as axum's `Form` does):
//! never panics, and a form it accepts gives a config.ini that reads back to exactly the
//! submitted values, every other key unchanged, and the same configuration (what is
//! saved is what is checked). The write itself re-reads the file before renaming it.
#![no_main]
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(data) else {
        return;
    };
    let data_dir = std::env::temp_dir().join(format!("fuzz-admin-form-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&data_dir);
    let mut ini = ini::Ini::new();
    ini.with_section(Some("invoice_printer")).set("command", "");
    ini.with_section(Some("auth")).set("salt", "");
    let before = ini.clone();
    if let Ok(config) = cashdrawer::http::admin::check_config_form(&mut ini, &form, &data_dir) {
        // Saved and read back exactly as the admin page and the next start do.
        let store = cashdrawer::config::ConfigStore::new(data_dir.join("config.ini"));
        store.save(&ini).expect("a checked form saves");
        let again = store.read_ini().expect("a saved config.ini reads back");
        for (section, props) in ini.iter() {
            for (key, value) in props.iter() {
                assert_eq!(again.get_from(section, key), Some(value), "[{section:?}] {key}");
            }
        }
        assert_eq!(again.get_from(Some("invoice_printer"), "command"), before.get_from(Some("invoice_printer"), "command"));
        assert_eq!(again.get_from(Some("auth"), "salt"), Some(""));
        let reloaded = cashdrawer::config::Config::from_ini(&again, "config.ini")
            .expect("a saved config.ini loads");
        assert_eq!(format!("{reloaded:?}"), format!("{config:?}"));
    }
});
