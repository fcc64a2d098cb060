//! Unit tests of `logs`.

use ini::Ini;

use cashdrawer::logs::*;

#[test]
fn changed_keys_names_keys_never_secrets() {
    let old = Ini::load_from_str(
        "[auth]\npassword_hash = $2b$12$old\nsalt = x\n[printer]\nname = TICKET\n[server]\nport = 22548\n",
    )
    .unwrap();
    let new = Ini::load_from_str(
        "[auth]\npassword_hash = $2b$12$new\nsalt = y\n[printer]\nname = tcp://10.0.0.5:9100\n[server]\nport = 22548\nhost = 0.0.0.0\n",
    )
    .unwrap();
    let changed = changed_keys(&old, &new);
    assert_eq!(
        changed,
        ["auth.password", "printer.name", "server.host"],
        "port unchanged is not listed"
    );
    assert!(!changed.concat().contains("$2b$"));
}

#[test]
fn escape_keeps_caller_text_on_one_line() {
    assert_eq!(
        escape("/a\nb\r\\c\u{1b}[2J\u{2028}"),
        "/a\\nb\\r\\\\c\\u{1b}[2J\\u{2028}"
    );
}
