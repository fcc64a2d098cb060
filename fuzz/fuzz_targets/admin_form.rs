//! The admin page's configuration form (urlencoded, decoded as axum's `Form` does):
//! never panics, and a form it accepts gives a config.ini that loads again to the same
//! configuration (what is saved is what is checked).
#![no_main]
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(data) else {
        return;
    };
    let mut ini = ini::Ini::new();
    if let Ok(config) = cashdrawer::http::admin::check_config_form(&mut ini, &form) {
        // Saved and read back exactly as the admin page and the next start do.
        let path = std::env::temp_dir().join(format!("fuzz-admin-form-{}.ini", std::process::id()));
        let store = cashdrawer::config::ConfigStore::new(&path);
        store.save(&ini).expect("a checked form saves");
        let again = store.read_ini().expect("a saved config.ini reads back");
        let reloaded = cashdrawer::config::Config::from_ini(&again, "config.ini")
            .expect("a saved config.ini loads");
        assert_eq!(format!("{reloaded:?}"), format!("{config:?}"));
    }
});
