//! Unit tests of `logs::rotate`.

use std::fs;
use std::path::Path;

use chrono::NaiveDate;

use cashdrawer::logs::rotate::*;

fn day(s: &str) -> NaiveDate {
    parse_day(s).unwrap()
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap()
}

fn files() -> (tempfile::TempDir, LogFiles) {
    let dir = tempfile::tempdir().unwrap();
    let files = LogFiles::new(dir.path().join("logs"), "cashdrawer.log");
    (dir, files)
}

#[test]
fn day_names_are_exact() {
    let (_d, f) = files();
    assert_eq!(
        f.date_of("cashdrawer.log.2026-11-25"),
        Some(day("2026-11-25"))
    );
    for bad in [
        "cashdrawer.log",
        "cashdrawer.log.2026-11-31",
        "cashdrawer.log.2026-1-25",
        "cashdrawer.log.2026-11-25.gz",
        "cashdrawer.log.+2026-11-25",
        "other.log.2026-11-25",
        "cashdrawer.log2026-11-25",
    ] {
        assert_eq!(f.date_of(bad), None, "{bad}");
    }
    for bad in [
        "../../config",
        "2026-11-2",
        "２０２６-11-25",
        "2026/11/25",
        " 2026-11-25",
    ] {
        assert_eq!(parse_day(bad), None, "{bad}");
    }
}

#[test]
fn rotates_when_a_line_belongs_to_the_next_day() {
    let (_d, f) = files();
    let (mut file, rotation) = RotatingFile::open(f.clone(), day("2026-11-25")).unwrap();
    assert_eq!(rotation, Rotation::default());
    file.write_line(day("2026-11-25"), b"2026-11-25T23:59:59.999+01:00 a\n")
        .unwrap();
    let r = file
        .write_line(day("2026-11-26"), b"2026-11-26T00:00:00.000+01:00 b\n")
        .unwrap()
        .expect("rotated");
    assert_eq!(r.archived.as_deref(), Some("cashdrawer.log.2026-11-25"));
    file.flush().unwrap();
    assert_eq!(
        read(&f.dated(day("2026-11-25"))),
        "2026-11-25T23:59:59.999+01:00 a\n"
    );
    assert_eq!(read(&f.current()), "2026-11-26T00:00:00.000+01:00 b\n");
    assert_eq!(
        file.roll_to(day("2026-11-26")).unwrap(),
        None,
        "same day: nothing"
    );
    // A quiet day (no line) leaves no empty dated file.
    let r = file.roll_to(day("2026-11-28")).unwrap().unwrap();
    assert_eq!(r.archived.as_deref(), Some("cashdrawer.log.2026-11-26"));
    let r = file.roll_to(day("2026-11-29")).unwrap().unwrap();
    assert_eq!(r.archived, None);
    assert!(!f.dated(day("2026-11-28")).exists());
}

#[test]
fn a_file_left_from_an_earlier_day_is_archived_at_start() {
    let (_d, f) = files();
    fs::create_dir_all(&f.dir).unwrap();
    fs::write(f.current(), "2026-11-20T18:00:00.000+01:00 old\n").unwrap();
    fs::write(
        f.dated(day("2026-11-20")),
        "2026-11-20T08:00:00.000+01:00 earlier\n",
    )
    .unwrap();
    let (_file, rotation) = RotatingFile::open(f.clone(), day("2026-11-26")).unwrap();
    assert_eq!(
        rotation.archived.as_deref(),
        Some("cashdrawer.log.2026-11-20")
    );
    assert_eq!(
        read(&f.dated(day("2026-11-20"))),
        "2026-11-20T08:00:00.000+01:00 earlier\n2026-11-20T18:00:00.000+01:00 old\n",
        "appended, nothing overwritten"
    );
    assert_eq!(read(&f.current()), "");
    // Same day: kept as the current file.
    fs::write(f.current(), "2026-11-26T01:00:00.000+01:00 today\n").unwrap();
    let (_file, rotation) = RotatingFile::open(f.clone(), day("2026-11-26")).unwrap();
    assert_eq!(rotation.archived, None);
    assert_eq!(read(&f.current()), "2026-11-26T01:00:00.000+01:00 today\n");
}

#[test]
fn retention_deletes_exactly_the_files_older_than_n_days() {
    let (_d, f) = files();
    fs::create_dir_all(&f.dir).unwrap();
    let today = day("2026-11-26");
    for back in 0..=40 {
        let d = today - chrono::Duration::days(back);
        fs::write(f.dated(d), "x\n").unwrap();
    }
    fs::write(f.dir.join("notes.txt"), "not ours").unwrap();
    fs::write(f.dir.join("cashdrawer.log.bak"), "not ours").unwrap();
    let deleted = f.apply_retention(today, 30).unwrap();
    assert_eq!(deleted.len(), 10, "{deleted:?}");
    assert_eq!(deleted[0], "cashdrawer.log.2026-10-17");
    assert_eq!(deleted[9], "cashdrawer.log.2026-10-26");
    assert!(
        f.dated(day("2026-10-27")).exists(),
        "exactly 30 days old: kept"
    );
    // Retention lowered to 7 days.
    let deleted = f.apply_retention(today, 7).unwrap();
    assert_eq!(deleted.len(), 23);
    let left: Vec<_> = f
        .rotated()
        .unwrap()
        .into_iter()
        .map(|x| x.date.unwrap())
        .collect();
    assert_eq!(left.first(), Some(&day("2026-11-19")));
    assert_eq!(left.len(), 8);
    assert!(f.dir.join("notes.txt").exists() && f.dir.join("cashdrawer.log.bak").exists());
}

#[test]
fn purge_deletes_rotated_and_empties_current_only() {
    let (_d, f) = files();
    fs::create_dir_all(&f.dir).unwrap();
    fs::write(f.dated(day("2026-11-24")), "a\n").unwrap();
    fs::write(f.dated(day("2026-11-25")), "b\n").unwrap();
    fs::write(f.current(), "c\n").unwrap();
    fs::write(f.dir.join("keep.txt"), "k").unwrap();
    let deleted = f.purge().unwrap();
    assert_eq!(
        deleted,
        ["cashdrawer.log.2026-11-24", "cashdrawer.log.2026-11-25"]
    );
    assert_eq!(read(&f.current()), "");
    assert!(f.dir.join("keep.txt").exists());
}
