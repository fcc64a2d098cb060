//! Unit tests of `logs::repeats`.

use chrono::{DateTime, FixedOffset};

use cashdrawer::logs::repeats::*;

fn at(t: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-11-26T{t}+01:00")).unwrap()
}

#[test]
fn repeats_are_counted_then_summarized_never_lost() {
    let mut r = Repeats::default();
    let e = "imprimante injoignable";
    assert_eq!(
        r.error("drawer.open", e, &[], at("14:02:00"))
            .write
            .as_deref(),
        Some(e)
    );
    for s in 1..=35 {
        let v = r.error("drawer.open", e, &[], at(&format!("14:02:{s:02}")));
        assert_eq!(v, Verdict::default(), "repeat {s} is counted, not written");
    }
    let v = r.error("drawer.open", e, &[], at("14:03:05"));
    assert_eq!(
        v.write.as_deref(),
        Some("imprimante injoignable, 37 fois depuis 14:02")
    );
    r.error("drawer.open", e, &[], at("14:03:06"));
    assert_eq!(
        r.success("drawer.open").map(|s| s.text()).as_deref(),
        Some("imprimante injoignable, 38 fois depuis 14:02")
    );
    assert_eq!(r.success("drawer.open"), None, "streak ended");
    r.error("drawer.open", e, &[], at("15:00:00"));
    r.error("drawer.open", e, &[], at("15:00:01"));
    r.error("status", e, &[], at("15:00:02"));
    assert_eq!(
        r.drain()
            .into_iter()
            .map(|(op, s)| (op, s.text()))
            .collect::<Vec<_>>(),
        [(
            "drawer.open".to_string(),
            format!("{e}, 2 fois depuis 15:00")
        )]
    );
    assert!(r.drain().is_empty());
}

#[test]
fn a_different_error_or_operation_is_written_at_once() {
    let mut r = Repeats::default();
    r.error("drawer.open", "A", &[], at("10:00:00"));
    r.error("drawer.open", "A", &[], at("10:00:01"));
    let v = r.error("drawer.open", "B", &[], at("10:00:02"));
    assert_eq!(
        v.summary_before.map(|s| s.text()).as_deref(),
        Some("A, 2 fois depuis 10:00")
    );
    assert_eq!(v.write.as_deref(), Some("B"));
    assert_eq!(
        r.error("status", "B", &[], at("10:00:03")).write.as_deref(),
        Some("B")
    );
    assert_eq!(
        r.success("status"),
        None,
        "single error: nothing to summarize"
    );
}

/// The summary of a named printer's errors names that printer, as its first line did;
/// the same text from another printer is another error.
#[test]
fn a_summary_keeps_the_fields_of_the_errors_it_counts() {
    let mut r = Repeats::default();
    let kitchen = vec![("printer", "kitchen".to_string())];
    let bar = vec![("printer", "bar".to_string())];
    r.error("print", "injoignable", &kitchen, at("10:00:00"));
    r.error("print", "injoignable", &kitchen, at("10:00:01"));
    let v = r.error("print", "injoignable", &bar, at("10:00:02"));
    assert_eq!(v.write.as_deref(), Some("injoignable"));
    let before = v.summary_before.expect("the kitchen streak ends");
    assert_eq!(before.fields, kitchen);
    assert_eq!(before.text(), "injoignable, 2 fois depuis 10:00");
}
