//! Unit tests of `logs::flood`.

use chrono::{DateTime, FixedOffset};

use cashdrawer::logs::flood::*;

fn at(t: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-12-02T{t}+01:00")).unwrap()
}

#[test]
fn a_caller_gets_its_lines_a_minute_then_one_summary() {
    let mut r = Refusals::default();
    for i in 0..PER_CALLER {
        assert_eq!(
            r.refusal("10.0.0.9", at("10:00:00")),
            Decision::Write(None),
            "{i}"
        );
    }
    for _ in 0..1000 {
        assert_eq!(r.refusal("10.0.0.9", at("10:00:30")), Decision::Skip);
    }
    assert_eq!(
        r.refusal("10.0.0.8", at("10:00:30")),
        Decision::Write(None),
        "another caller has its own lines"
    );
    match r.refusal("10.0.0.9", at("10:01:00")) {
        Decision::Write(Some(summary)) => {
            assert!(summary.starts_with("1000 refus de 10.0.0.9 non écrits depuis 10:00:00"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.refusal("10.0.0.9", at("10:01:01")), Decision::Write(None));
}

#[test]
fn all_callers_together_are_bounded_and_memory_too() {
    let mut r = Refusals::default();
    let written = (0..5000)
        .filter(|i| {
            r.refusal(&format!("10.1.{}.{}", i / 250, i % 250), at("10:00:00")) != Decision::Skip
        })
        .count();
    assert_eq!(written as u32, TOTAL);
    assert!(r.callers.len() <= CALLERS + 1);
}
