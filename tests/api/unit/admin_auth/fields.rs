use std::collections::HashMap;

use cashdrawer::config::{Config, KEYS};

use cashdrawer::http::admin::fields::*;
use ini::Ini;

/// Issue 14: what a shop sets up comes first and open; timeouts, IPP, PJL, retries,
/// TLS files and networks are folded under "Advanced".
#[test]
fn the_shop_set_up_is_basic_and_the_rest_advanced() {
    let basic: Vec<String> = GROUPS
        .iter()
        .filter(|g| g.place == Place::Basic)
        .flat_map(|g| g.fields.iter().map(form_name))
        .collect();
    assert_eq!(
        basic,
        [
            "printer.name",
            "cashdrawer.command",
            "cashdrawer.sensor_open_level",
            "cashdrawer.offline_kick",
            "server.allowed_origins",
            "invoice_printer.autoprint",
            "invoice_printer.name",
            "invoice_printer.printer_ip",
            "invoice_printer.printer_port",
            "invoice_printer.download_folder",
        ]
    );
    let ids: Vec<&str> = GROUPS.iter().map(|g| g.id).collect();
    assert!(ids.contains(&ODOO_CARD_GROUP));
    let mut names: Vec<String> = all_fields().map(form_name).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "a field is listed twice");
}

#[test]
fn every_field_is_a_known_key() {
    for field in all_fields() {
        assert!(
            KEYS.iter()
                .any(|k| k.section == field.section && k.key == field.key),
            "{}",
            form_name(field)
        );
    }
}

#[test]
fn collects_every_error_and_accepts_valid_values() {
    let mut ini = Ini::new();
    let form: HashMap<String, String> = [
        ("server.port", "99999"),
        ("cashdrawer.command", "zz"),
        ("logs.retention_days", "0"),
        ("printer.name", "virtual"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    apply(&mut ini, &form);
    let errors = validate(&ini, "config.ini").unwrap_err();
    let keys: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["cashdrawer.command", "logs.retention_days", "server.port"]
    );
    let mut ok = Ini::new();
    let form: HashMap<String, String> = [
        ("cashdrawer.command", "1b70011afa"),
        ("printer.name", "virtual"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    apply(&mut ok, &form);
    let config = validate(&ok, "config.ini").unwrap();
    assert_eq!(config.cashdrawer.command.to_hex(), "1b70011afa");
}

#[test]
fn certificate_needs_its_key() {
    let mut ini = Ini::new();
    ini.with_section(Some("server"))
        .set("cert_file", "/nonexistent/cert.pem");
    let errors = validate(&ini, "config.ini").unwrap_err();
    assert!(errors.contains_key("server.key_file"));
}

#[test]
fn ipps_fingerprint_is_checked_next_to_its_field() {
    let form = |pin: &str| -> HashMap<String, String> {
        [
            ("invoice_printer.ipp_uri", "ipps://192.168.1.50/ipp/print"),
            ("invoice_printer.ipps_fingerprint", pin),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let mut ini = Ini::new();
    apply(&mut ini, &form("3F:A2"));
    let errors = validate(&ini, "config.ini").unwrap_err();
    assert!(errors["invoice_printer.ipps_fingerprint"].contains("64 chiffres"));
    let mut ini = Ini::new();
    apply(&mut ini, &form(&format!("{}A2", "3F:".repeat(31))));
    let config = validate(&ini, "config.ini").unwrap();
    assert!(config.invoice_printer.ipps_fingerprint.is_some());
}

/// A small deterministic generator (xorshift): the same strings at every run, so a
/// failure is reproducible, with no crate for it.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Hostile pieces: every line break, controls, quotes, INI syntax, paths, and pieces
/// of valid values so that many forms are accepted and written.
const PIECES: &[&str] = &[
    "\n",
    "\r",
    "\r\n",
    "\0",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{b}",
    "\u{c}",
    "\t",
    "\u{1b}",
    "\u{7f}",
    "\u{202e}",
    "\"",
    "'",
    "[",
    "]",
    "[auth]",
    "=",
    ";",
    "#",
    ":",
    "\\",
    "\\\n",
    " ",
    "/",
    "..",
    ".",
    "@",
    "é",
    "∑",
    "command = id",
    "a",
    "1",
    "0",
    "9100",
    "true",
    "virtual",
    "TICKET",
    "tcp://10.0.0.2:9100",
    "*",
    "/dev/null",
    "192.168.1.0/24",
    "logs",
    "C:\\x",
    "%",
    "&",
    "?",
    "$2b$",
];

fn hostile(rng: &mut Rng) -> String {
    (0..rng.below(6))
        .map(|_| PIECES[rng.below(PIECES.len())])
        .collect()
}

/// For any form: either the save is refused, or the written config.ini reads back to
/// exactly the submitted (trimmed) values, with every other key of the file as it was,
/// and the same configuration.
#[test]
fn any_form_is_refused_or_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.ini");
    let store = cashdrawer::config::ConfigStore::new(&path);
    let (_, _) = store.load_or_create().unwrap();
    let fields: Vec<&Field> = all_fields().collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut saved, mut refused) = (0, 0);
    for _ in 0..3000 {
        let before = store.read_ini().unwrap();
        let mut form = HashMap::new();
        for _ in 0..1 + rng.below(3) {
            let field = fields[rng.below(fields.len())];
            let value = if rng.below(4) == 0 {
                raw_value(&before, field.section, field.key)
            } else {
                hostile(&mut rng)
            };
            form.insert(form_name(field), value);
        }
        if rng.below(3) == 0 {
            form.insert("invoice_printer.command".into(), hostile(&mut rng));
            form.insert("auth.salt".into(), "sel".into());
        }
        let mut ini = before.clone();
        let Ok((config, _)) = check_form(&mut ini, &form, dir.path(), "config.ini", &[]) else {
            refused += 1;
            continue;
        };
        store
            .save_checked(&ini)
            .unwrap_or_else(|e| panic!("{form:?}: {e}"));
        saved += 1;
        let again = store.read_ini().unwrap();
        for field in all_fields() {
            let want = match form.get(&form_name(field)) {
                Some(v) => v.trim().to_string(),
                None => raw_value(&before, field.section, field.key),
            };
            assert_eq!(
                raw_value(&again, field.section, field.key),
                want,
                "{form:?}"
            );
        }
        for (section, props) in before.iter() {
            for (key, value) in props.iter() {
                let on_page = all_fields().any(|f| Some(f.section) == section && f.key == key);
                if !on_page {
                    assert_eq!(
                        again.get_from(section, key),
                        Some(value),
                        "{section:?} {key} {form:?}"
                    );
                }
            }
        }
        let sections = |i: &Ini| {
            i.sections()
                .map(|s| s.map(str::to_string))
                .collect::<Vec<_>>()
        };
        assert_eq!(sections(&again), sections(&before), "{form:?}");
        assert_eq!(
            Config::from_ini(&again, "config.ini").unwrap(),
            config,
            "{form:?}"
        );
    }
    assert!(
        saved > 100 && refused > 100,
        "saved {saved}, refused {refused}"
    );
}

/// Words of the help texts that are values to type, found by their shape; each one
/// must be accepted by its key's parser (issue 14: the page offered `usb:` and the
/// parser refused it). `NOT_EXAMPLES` lists the words that only look like values.
#[test]
fn every_example_in_the_help_texts_is_accepted() {
    const NOT_EXAMPLES: &[(&str, &str)] = &[
        ("invoice_printer.retries", "failed/"),
        ("invoice_printer.max_size_mb", "failed/"),
        ("invoice_printer.ipps_fingerprint", "SHA-256"),
        ("invoice_printer.ipps_fingerprint", "64"),
        ("odoo.paper_width", "80"),
        ("odoo.paper_width", "58"),
    ];
    // Upper-case words are queue names (TICKET, FACTURE) only in a printer's help.
    let looks_like_a_value = |w: &str, printer: bool| {
        w.contains("://")
            || w.contains('/')
            || w.contains('@')
            || w == "*"
            || w == "virtual"
            || (printer && w.len() >= 3 && w.bytes().all(|b| b.is_ascii_uppercase()))
            || (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    };
    let mut checked = 0;
    for field in all_fields() {
        let name = form_name(field);
        for help in field.help {
            for word in help.split([' ', ',', ';']) {
                let word = word.trim_matches(|c| matches!(c, '(' | ')' | '«' | '»' | '“' | '”'));
                let word = word.strip_suffix('.').unwrap_or(word);
                if !looks_like_a_value(word, field.kind == Kind::Printer)
                    || NOT_EXAMPLES.contains(&(name.as_str(), word))
                {
                    continue;
                }
                let mut ini = Ini::new();
                ini.with_section(Some(field.section)).set(field.key, word);
                if let Err(errors) = validate(&ini, "config.ini") {
                    assert!(
                        !errors.contains_key(&name),
                        "{name}: the help offers {word:?}, the parser says {:?}",
                        errors[&name]
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 30, "{checked}");
}
