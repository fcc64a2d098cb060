use std::collections::HashMap;

use cashdrawer::config::PRINTERS_SECTION;
use cashdrawer::http::admin::printers_field::*;
use ini::Ini;

fn form(text: &str) -> HashMap<String, String> {
    [(form_name(), text.to_string())].into_iter().collect()
}

#[test]
fn valid_lines_replace_the_section_and_nothing_else() {
    let mut ini = Ini::new();
    ini.with_section(Some("printer")).set("name", "virtual");
    ini.with_section(Some(PRINTERS_SECTION))
        .set("old", "virtual");
    let text = "kitchen = tcp://192.168.1.60:9100\r\n\n  bar=virtual  \n";
    assert_eq!(apply(&mut ini, &form(text), &[]), Some(Ok(true)));
    assert_eq!(
        text_of(&ini),
        "kitchen = tcp://192.168.1.60:9100\nbar = virtual\n"
    );
    assert_eq!(ini.get_from(Some("printer"), "name"), Some("virtual"));
    let same = form(&text_of(&ini));
    assert_eq!(apply(&mut ini, &same, &[]), Some(Ok(false)));
    assert_eq!(apply(&mut ini, &HashMap::new(), &[]), None);
    assert_eq!(apply(&mut ini, &form(""), &[]), Some(Ok(true)));
    assert!(ini.section(Some(PRINTERS_SECTION)).is_none());
}

#[test]
fn a_bad_line_is_refused_by_its_number_and_nothing_changes() {
    let long = "x".repeat(MAX_TEXT + 1);
    let cases: &[(&str, &str)] = &[
        ("kitchen = virtual\nbar", "ligne 2"),
        ("Kitchen = virtual", "a-z"),
        ("kitchen = virtual\nkitchen = virtual", "déjà utilisé"),
        ("kitchen = ftp://x", "tcp://"),
        ("kitchen = \"virtual", "guillemet"),
        ("kitchen = vir\u{2028}tual", "U+2028"),
        ("[auth]\npassword_hash = x", "ligne 1"),
        ("default = virtual", "[printer] name"),
        ("kitchen = file:/nonexistent/lp0", "kitchen"),
        (&long, "trop long"),
    ];
    for (text, want) in cases {
        let mut ini = Ini::new();
        ini.with_section(Some(PRINTERS_SECTION))
            .set("bar", "virtual");
        let e = apply(&mut ini, &form(text), &[]).unwrap().unwrap_err();
        assert!(e.contains(want), "{text:?}: {e}");
        assert_eq!(text_of(&ini), "bar = virtual\n", "{text:?}");
    }
}
