//! Tests of `src/domain/printer_name.rs`.
use cashdrawer::domain::*;

#[test]
fn names_are_strict_lower_case_words() {
    for ok in [
        "kitchen",
        "bar",
        "k2",
        "hot-line",
        "bar_1",
        "9",
        &"a".repeat(32),
    ] {
        assert!(PrinterName::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "Kitchen",
        "-bar",
        "_x",
        "a b",
        "a/b",
        "..",
        "a.b",
        "cuisine\n",
        "é",
        "a\"b",
        "default",
        &"a".repeat(33),
    ] {
        let e = PrinterName::parse(bad).unwrap_err().to_string();
        assert!(e.contains("a-z"), "{bad}: {e}");
    }
}

#[test]
fn entries_are_unique_bounded_and_parsed() {
    let p = NamedPrinters::parse([("kitchen", "tcp://10.0.0.5:9100"), ("bar", "virtual")]).unwrap();
    assert_eq!(p.names_text(), "kitchen, bar");
    assert_eq!(p.get("bar"), Some(&PrinterTarget::Virtual));
    assert_eq!(p.get("nope"), None);

    let dup = NamedPrinters::parse([("bar", "virtual"), ("bar", "virtual")]).unwrap_err();
    assert_eq!(dup.key, "bar");
    assert!(
        dup.reason.to_string().contains("déjà utilisé"),
        "{}",
        dup.reason
    );

    let bad = NamedPrinters::parse([("kitchen", "ftp://x")]).unwrap_err();
    assert!(bad.reason.to_string().contains("tcp://"), "{}", bad.reason);

    let names: Vec<String> = (0..=MAX_NAMED).map(|i| format!("p{i}")).collect();
    let many = NamedPrinters::parse(names.iter().map(|n| (n.as_str(), "virtual")));
    assert_eq!(many.unwrap_err().key, format!("p{MAX_NAMED}"));
    let max = NamedPrinters::parse(names[..MAX_NAMED].iter().map(|n| (n.as_str(), "virtual")));
    assert!(max.is_ok());
}
