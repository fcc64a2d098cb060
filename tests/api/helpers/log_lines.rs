//! The operations log's lines, split into their documented columns (time, level,
//! operation, outcome, duration, caller, message), for the tests that read the real
//! binary's log files.

use chrono::{DateTime, FixedOffset};

/// One line of the log, split into its columns; panics when the line is not in the
/// documented format.
#[derive(Debug)]
pub struct Line {
    pub time: DateTime<FixedOffset>,
    pub level: String,
    pub op: String,
    pub outcome: String,
    pub ms: Option<u64>,
    pub peer: String,
    pub message: String,
}

pub fn parse(line: &str) -> Line {
    let mut cols = line.splitn(7, ' ').filter(|c| !c.is_empty());
    let mut next = || {
        cols.next()
            .unwrap_or_else(|| panic!("short line: {line:?}"))
    };
    let time = DateTime::parse_from_rfc3339(next()).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let level = next().to_string();
    assert!(
        ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&level.as_str()),
        "{line:?}"
    );
    // The level is padded to five characters: re-split the rest.
    let rest = line[line.find(&level).unwrap() + level.len()..].trim_start();
    let mut cols = rest.splitn(5, ' ');
    let op = cols.next().unwrap().to_string();
    let outcome = cols.next().unwrap().to_string();
    let ms = cols.next().unwrap();
    let ms = (ms != "-").then(|| ms.trim_end_matches("ms").parse().expect("ms column"));
    let peer = cols
        .next()
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    let message = cols.next().unwrap_or_default().to_string();
    assert!(
        ["ok", "error", "denied", "-"].contains(&outcome.as_str()),
        "{line:?}"
    );
    Line {
        time,
        level,
        op,
        outcome,
        ms,
        peer,
        message,
    }
}

pub fn lines(text: &str) -> Vec<Line> {
    text.lines().map(parse).collect()
}
