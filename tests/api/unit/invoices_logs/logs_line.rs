//! Unit tests of `logs::line`.

use chrono::DateTime;
use tracing::Level;

use cashdrawer::domain::LogFormat;
use cashdrawer::logs::line::*;

#[test]
fn a_line_has_every_column_and_ends_once() {
    let time = DateTime::parse_from_rfc3339("2026-11-26T14:32:05.118+01:00").unwrap();
    let entry = Entry {
        op: Some("drawer.open".into()),
        outcome: Some("ok".into()),
        ms: Some(41),
        peer: Some("192.168.1.20".into()),
        message: "ouvert\n2026-11-26T00:00:00.000+01:00 INFO  faux".into(),
        extra: vec![("error", "a\r\u{2028}b".into())],
        suffix: String::new(),
        always: false,
    };
    let line = format_line(time, Level::INFO, &entry);
    assert_eq!(
        line,
        "2026-11-26T14:32:05.118+01:00 INFO  drawer.open ok 41ms 192.168.1.20 \
         ouvert\\n2026-11-26T00:00:00.000+01:00 INFO  faux error=a\\r\\u{2028}b\n"
    );
    let bare = format_line(time, Level::WARN, &Entry::default());
    assert_eq!(bare, "2026-11-26T14:32:05.118+01:00 WARN  - - - - \n");
}

#[test]
fn bidirectional_controls_are_escaped_not_written() {
    let time = DateTime::parse_from_rfc3339("2026-11-26T14:32:05+00:00").unwrap();
    let hostile = "facture\u{202e}fdp.exe \u{2066}a\u{2069} \u{200e}\u{200f}\u{61c}\u{202a}";
    let line = format_line(
        time,
        Level::INFO,
        &Entry {
            message: hostile.into(),
            ..Entry::default()
        },
    );
    assert!(
        line.ends_with(
            "facture\\u{202e}fdp.exe \\u{2066}a\\u{2069} \\u{200e}\\u{200f}\\u{61c}\\u{202a}\n"
        ),
        "{line}"
    );
    assert_eq!(
        cashdrawer::logs::escape("a\u{202d}b\u{2067}"),
        "a\\u{202d}b\\u{2067}"
    );
    assert_eq!(escape_controls("é ü €"), "é ü €", "ordinary text untouched");
}

/// An extra field named like a column cannot replace the column.
#[test]
fn a_json_field_named_like_a_column_is_renamed() {
    let time = DateTime::parse_from_rfc3339("2026-11-26T14:32:05.118+01:00").unwrap();
    let entry = Entry {
        extra: vec![("op", "forged".into()), ("printer", "k".into())],
        ..Entry::own("drawer.open", "ok", "ouvert".into())
    };
    let v: serde_json::Value =
        serde_json::from_str(&format_json(time, Level::INFO, &entry)).unwrap();
    assert_eq!(
        (&v["op"], &v["field_op"], &v["printer"]),
        (&"drawer.open".into(), &"forged".into(), &"k".into())
    );
}

#[test]
fn a_json_line_has_the_same_fields_and_ends_once() {
    let time = DateTime::parse_from_rfc3339("2026-11-26T14:32:05.118+01:00").unwrap();
    let entry = Entry {
        op: Some("drawer.open".into()),
        outcome: Some("ok".into()),
        ms: Some(41),
        peer: Some("192.168.1.20".into()),
        message: "ouvert\n{\"faux\":1}\u{2028}".into(),
        extra: vec![("bytes", "12".into()), ("time", "x".into())],
        suffix: String::new(),
        always: false,
    };
    let line = LogFormat::Json.line(time, Level::INFO, &entry);
    assert!(
        line.ends_with("}\n") && line.matches('\n').count() == 1,
        "{line}"
    );
    assert!(!line.contains('\u{2028}'), "{line}");
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["time"], "2026-11-26T14:32:05.118+01:00");
    assert_eq!(v["level"], "INFO");
    assert_eq!(v["op"], "drawer.open");
    assert_eq!(v["outcome"], "ok");
    assert_eq!(v["peer"], "192.168.1.20");
    assert_eq!(v["ms"], 41);
    assert_eq!(v["message"], "ouvert\n{\"faux\":1}\u{2028}");
    assert_eq!(v["bytes"], "12");
    assert_eq!(v["field_time"], "x");
    let bare: serde_json::Value =
        serde_json::from_str(&format_json(time, Level::WARN, &Entry::default())).unwrap();
    assert!(bare["op"].is_null() && bare["ms"].is_null() && bare["peer"].is_null());
    assert_eq!("JSON".parse::<LogFormat>(), Ok(LogFormat::Json));
    assert!("xml"
        .parse::<LogFormat>()
        .unwrap_err()
        .to_string()
        .contains("text, json"));
    // The default is the text line, unchanged.
    assert_eq!(
        LogFormat::default().line(time, Level::INFO, &entry),
        format_line(time, Level::INFO, &entry)
    );
}

#[test]
fn columns_cannot_be_shifted_by_a_value() {
    let time = DateTime::parse_from_rfc3339("2026-11-26T14:32:05+00:00").unwrap();
    let entry = Entry {
        op: Some("a b".into()),
        peer: Some(String::new()),
        ..Entry::default()
    };
    let line = format_line(time, Level::INFO, &entry);
    assert_eq!(line.split_whitespace().nth(2), Some("a_b"));
    assert_eq!(line.split_whitespace().nth(5), Some("-"));
}
