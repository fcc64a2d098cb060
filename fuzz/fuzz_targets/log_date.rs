//! The query of `GET /logs?date=...`: never panics, and an accepted day names a file
//! inside the logs folder (the name is built from the date, never from the text).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    let Ok(uri) = format!("/logs?{query}").parse::<axum::http::Uri>() else {
        return;
    };
    if let Ok(Some(day)) = cashdrawer::http::logs::requested_day(&uri) {
        let dir = std::path::Path::new("/var/lib/cashdrawer/logs");
        let files = cashdrawer::logs::rotate::LogFiles::new(dir, "operations");
        let path = files.dated(day);
        assert_eq!(path.parent(), Some(dir), "{path:?}");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.contains(".."), "{name}");
        assert!(name.contains(&day.to_string()), "{name}");
    }
});
