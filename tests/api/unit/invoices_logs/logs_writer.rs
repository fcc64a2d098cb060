//! Unit tests of `logs::writer`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use tracing::Level;

use cashdrawer::domain::LogFormat;
use cashdrawer::logs::clock::Clock;
use cashdrawer::logs::line::Entry;
use cashdrawer::logs::rotate::{parse_day, LogFiles, RotatingFile};
use cashdrawer::logs::writer::*;

/// A clock that only moves when told to.
struct ManualClock(Mutex<DateTime<FixedOffset>>);

impl ManualClock {
    fn at(rfc3339: &str) -> Arc<ManualClock> {
        Arc::new(ManualClock(Mutex::new(
            DateTime::parse_from_rfc3339(rfc3339).unwrap(),
        )))
    }

    fn set(&self, rfc3339: &str) {
        *self.0.lock().unwrap() = DateTime::parse_from_rfc3339(rfc3339).unwrap();
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<FixedOffset> {
        *self.0.lock().unwrap()
    }
}

fn line(clock: &ManualClock, text: &str) -> (DateTime<FixedOffset>, String) {
    let now = clock.now();
    let entry = Entry {
        message: text.to_string(),
        ..Entry::default()
    };
    (now, LogFormat::Text.line(now, Level::INFO, &entry))
}

#[test]
fn the_thread_rotates_at_local_midnight_and_applies_retention() {
    let dir = tempfile::tempdir().unwrap();
    let files = LogFiles::new(dir.path(), "cashdrawer.log");
    std::fs::write(files.dated(parse_day("2026-10-25").unwrap()), "old\n").unwrap();
    std::fs::write(files.dated(parse_day("2026-10-26").unwrap()), "kept\n").unwrap();
    let clock = ManualClock::at("2026-11-25T23:59:59.500+01:00");
    let (file, _) = RotatingFile::open(files.clone(), clock.today()).unwrap();
    let retention = Arc::new(AtomicU32::new(30));
    let (sink, guard) = spawn(
        file,
        clock.clone(),
        retention.clone(),
        false,
        LogFormat::Text,
    )
    .unwrap();
    let (t, l) = line(&clock, "avant minuit");
    sink.send(t, l);
    assert!(sink.flush(Duration::from_secs(5)));
    // 2026-10-26 is 30 days before 2026-11-25: kept; 2026-10-25 is 31: deleted.
    assert!(!files.dated(parse_day("2026-10-25").unwrap()).exists());
    assert!(files.dated(parse_day("2026-10-26").unwrap()).exists());

    // Midnight passes with no traffic: the thread rotates on its own.
    clock.set("2026-11-26T00:00:00.200+01:00");
    assert!(sink.flush(Duration::from_secs(5)));
    let archived = std::fs::read_to_string(files.dated(parse_day("2026-11-25").unwrap())).unwrap();
    assert!(archived.contains("avant minuit"), "{archived}");
    assert!(!archived.contains("logs.rotate"));
    let (t, l) = line(&clock, "après minuit");
    sink.send(t, l);
    drop(guard);
    let current = std::fs::read_to_string(files.current()).unwrap();
    let lines: Vec<_> = current.lines().collect();
    assert!(lines[0].starts_with("2026-11-26T00:00:00.200+01:00 INFO  logs.rotate ok"));
    assert!(
        lines[1].contains("logs.retention ok") && lines[1].contains("cashdrawer.log.2026-10-26"),
        "{current}"
    );
    assert!(lines[2].ends_with("après minuit"));
}

#[test]
fn a_full_channel_counts_lines_instead_of_blocking() {
    let (tx, rx) = mpsc::sync_channel(2);
    let sink = Sink {
        tx,
        dropped: Arc::default(),
        failures: Arc::default(),
        format: LogFormat::Text,
    };
    let clock = ManualClock::at("2026-11-26T10:00:00+01:00");
    for i in 0..5 {
        let (t, l) = line(&clock, &format!("l{i}"));
        sink.send(t, l);
    }
    assert_eq!(sink.dropped.load(Ordering::Relaxed), 3);
    assert_eq!(sink.failures(), 3, "counted for the metrics too");
    while rx.try_recv().is_ok() {}
    let (t, l) = line(&clock, "l5");
    sink.send(t, l);
    let texts: Vec<String> = rx
        .try_iter()
        .map(|m| match m {
            Msg::Line { text, .. } => text,
            _ => String::new(),
        })
        .collect();
    assert!(texts[0].contains("logs.write error") && texts[0].contains("3 ligne(s)"));
    assert!(texts[1].ends_with("l5\n"));
}
