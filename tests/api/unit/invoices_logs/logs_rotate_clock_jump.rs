//! The wall clock set back an hour across midnight while the writer runs: no rotation
//! backwards, no dated file overwritten, every line kept, and the next real midnight
//! rotates once.

use std::path::PathBuf;

use chrono::NaiveDate;

use cashdrawer::logs::rotate::*;

fn day(s: &str) -> NaiveDate {
    parse_day(s).unwrap()
}

#[test]
fn clock_set_back_over_midnight_keeps_every_line_and_rotates_forward_only() {
    let dir = tempfile::tempdir().unwrap();
    let files = LogFiles::new(dir.path(), "cashdrawer.log");
    let (mut file, _) = RotatingFile::open(files.clone(), day("2026-11-25")).unwrap();
    file.write_line(day("2026-11-25"), b"a 23:50\n").unwrap();
    let rotated = file.write_line(day("2026-11-26"), b"b 00:10\n").unwrap();
    assert!(rotated.is_some_and(|r| r.archived.is_some()));
    // An hour back: the 25th again.
    assert_eq!(
        file.write_line(day("2026-11-25"), b"c 23:10\n").unwrap(),
        None
    );
    assert_eq!(file.roll_to(day("2026-11-25")).unwrap(), None);
    // Forward again past midnight: the same day as the current file, no rotation.
    assert_eq!(
        file.write_line(day("2026-11-26"), b"d 00:20\n").unwrap(),
        None
    );
    file.flush().unwrap();
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    assert_eq!(read(files.dated(day("2026-11-25"))), "a 23:50\n");
    assert_eq!(read(files.current()), "b 00:10\nc 23:10\nd 00:20\n");
    // The next midnight archives the current file under its own day.
    assert!(file.roll_to(day("2026-11-27")).unwrap().is_some());
    assert_eq!(
        read(files.dated(day("2026-11-26"))),
        "b 00:10\nc 23:10\nd 00:20\n"
    );
    assert_eq!(read(files.dated(day("2026-11-25"))), "a 23:50\n");
}
