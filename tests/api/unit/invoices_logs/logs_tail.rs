//! Unit tests of `logs::tail`.

use tracing::Level;

use cashdrawer::logs::tail::*;

#[test]
fn last_lines_by_level_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cashdrawer.log");
    let mut text = String::new();
    for i in 0..5000 {
        let level = if i % 10 == 0 { "ERROR" } else { "INFO " };
        text.push_str(&format!(
            "2026-11-26T10:00:00.000+01:00 {level} http.request ok 1ms 127.0.0.1 ligne {i:04} {}\n",
            "x".repeat(40)
        ));
    }
    std::fs::write(&path, &text).unwrap();
    let last = tail(&path, 3, Level::INFO).unwrap();
    assert_eq!(last.len(), 3);
    assert!(last[0].contains("ligne 4997") && last[2].contains("ligne 4999"));
    let errors = tail(&path, 1000, Level::ERROR).unwrap();
    assert_eq!(errors.len(), 500);
    assert!(errors[0].contains("ligne 0000") && errors[499].contains("ligne 4990"));
    assert!(tail(&dir.path().join("absent"), 5, Level::INFO)
        .unwrap()
        .is_empty());
}
