//! The English admin page never shows French: every refusal of every key, page rule,
//! certificate pair and `[printers]` text, told with `message(Lang::En)`.

use std::collections::BTreeSet;
use std::path::Path;

use ini::Ini;

use crate::config::KEYS;
use crate::domain::{Lang, Message, ParseError, Text};
use crate::http::admin::fields::validate;

/// Words and letters that only French text has here (user values in the tests have none).
const FRENCH: &[&str] = &[
    "attendu",
    "accepté",
    "valeur",
    "invalide",
    "entre",
    " et ",
    " ou ",
    "chiffres",
    "nom d'",
    "chemin",
    "fichier",
    "manquant",
    "inconnu",
    "vide",
    "octets",
    "caractère",
    "largeur",
    "adresse",
    "liste",
    "schéma",
    "hôte",
    "empreinte",
    "paramètre",
    "nombre",
    "clé",
    "certificat ",
    "illisible",
    "aucun",
    "é",
    "è",
    "à",
    "«",
];

/// Keys whose parser takes any text: no bad value exists for them.
const ACCEPT_ANYTHING: &[&str] = &[
    "auth.salt",
    "invoice_printer.command",
    "server.allowed_hosts",
];

/// The admin page's own rules, beyond the parsers: one config.ini line per value, the
/// log inside the data folder, a `file:` printer that is a device.
fn page_rule_messages(dir: &Path) -> Vec<Text> {
    let mut messages = Vec::new();
    for bad in ["a\nb", "\u{2028}", "x\"y", "'x"] {
        messages.push(Text::of(&crate::domain::check_ini_text(bad).unwrap_err()));
    }
    messages.push(Text::of(&crate::config::check_page_log_file(dir, ".", "config.ini").unwrap_err()));
    messages.push(Text::of(&crate::config::check_page_download_folder(dir, "/etc", "/home/x/Downloads").unwrap_err()));
    messages.push(Text::of(&crate::config::check_page_tls_file(dir, "/etc/shadow").unwrap_err()));
    messages.push(Text::of(&crate::config::check_page_extensions(&[".dll".to_string()]).unwrap_err()));
    messages.push(Text::of(&crate::config::check_page_host_names(&["*.example.com".to_string()]).unwrap_err()));
    messages.push(Text::of(&crate::config::check_page_tls_file(
            dir,
            &dir.join("tls").join("ca.pem").display().to_string(),
        )
        .unwrap_err()));
    let itself = crate::domain::PrinterTarget::Tcp {
        host: "127.0.0.1".into(),
        port: 22548,
        status: true,
    };
    messages.push(Text::of(&itself.check_not_this_service(&[22548]).unwrap_err()));
    for bad in ["/etc", "../x"] {
        messages.push(Text::of(&crate::config::check_page_log_folder(dir, bad).unwrap_err()));
    }
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.join("out")).unwrap();
        messages.push(Text::of(&crate::config::check_page_log_folder(dir, "out").unwrap_err()));
        std::fs::write(dir.join("plain"), "x").unwrap();
        assert!(std::process::Command::new("mkfifo")
            .arg(dir.join("fifo"))
            .status()
            .unwrap()
            .success());
        for (path, _) in [("plain", ()), ("fifo", ()), ("absent", ()), ("", ())] {
            let target = crate::domain::PrinterTarget::File {
                path: dir.join(path),
                status: false,
            };
            messages.push(Text::of(&target.check_device().unwrap_err()));
        }
        let block = std::fs::read_dir("/dev").unwrap().flatten().find(|e| {
            use std::os::unix::fs::FileTypeExt;
            e.file_type().is_ok_and(|t| t.is_block_device())
        });
        match block {
            Some(b) => {
                let target = crate::domain::PrinterTarget::File {
                    path: b.path(),
                    status: false,
                };
                messages.push(Text::of(&target.check_device().unwrap_err()));
            }
            None => {}
        }
    }
    messages
}

/// Bad values meant to reach every error branch of every parser.
fn bad_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        "zz?",
        "\u{1}",
        "a\0b",
        "-1",
        "0",
        "99999",
        "99999999999999999999999",
        "1b7",
        "a/b",
        "x@y:z",
        "tcp://",
        "tcp://h:0",
        "tcp://h:1?x=1",
        "tcp://h?status=maybe",
        "tcp://a b",
        "serial:",
        "serial:COM1?baud=1",
        "file:",
        "ftp://x",
        "x",
        "ipp://",
        "ipp://[::1",
        "ipp://[::1]x",
        "ipp://h:zz",
        "x/y",
        "10.0.0.0/99",
        "http://a/b",
    ]
    .map(String::from)
    .to_vec();
    values.push("3f".repeat(32)); // a valid fingerprint, refused without ipps://
    values
}

fn set(ini: &mut Ini, section: &str, key: &str, value: &str) {
    ini.with_section(Some(section)).set(key, value);
}

/// Every way a certificate/key pair can be refused, with files in `dir`.
fn tls_pair_messages(dir: &Path) -> Vec<Text> {
    let pair = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let other = rcgen::KeyPair::generate().unwrap();
    let files = [
        ("cert.pem", pair.cert.pem()),
        ("other-key.pem", other.serialize_pem()),
        ("garbage.pem", "not a PEM file\n".to_string()),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let path = |name: &str| dir.join(name).display().to_string();
    let cases = [
        (Some(path("cert.pem")), None),
        (None, Some(path("other-key.pem"))),
        (Some(path("missing.pem")), Some(path("other-key.pem"))),
        (Some(path("garbage.pem")), Some(path("other-key.pem"))),
        (Some(path("cert.pem")), Some(path("garbage.pem"))),
        (Some(path("cert.pem")), Some(path("other-key.pem"))),
    ];
    let mut messages = Vec::new();
    for (cert, key) in cases {
        let mut ini = Ini::new();
        if let Some(cert) = &cert {
            set(&mut ini, "server", "cert_file", cert);
        }
        if let Some(key) = &key {
            set(&mut ini, "server", "key_file", key);
        }
        let errors = validate(&ini, "config.ini").expect_err(&format!("{cert:?} {key:?}"));
        messages.extend(errors.into_values());
    }
    messages
}

/// Every way the page's `[printers]` textarea is refused.
fn printers_messages() -> Vec<Text> {
    let many: String = (0..17).map(|i| format!("p{i} = virtual\n")).collect();
    let long = "x".repeat(crate::http::admin::printers_field::MAX_TEXT + 1);
    let texts = [
        "Kitchen = virtual",
        "default = virtual",
        "a = virtual\na = virtual",
        many.as_str(),
        "kitchen",
        "a = \"b",
        long.as_str(),
        "a = ftp://x",
        "a = file:/etc/passwd",
    ];
    texts
        .iter()
        .map(|text| {
            let mut ini = Ini::new();
            let form = [(
                crate::http::admin::printers_field::form_name(),
                text.to_string(),
            )]
            .into_iter()
            .collect();
            crate::http::admin::printers_field::apply(&mut ini, &form, &[])
                .expect("the field is in the form")
                .expect_err(text)
        })
        .collect()
}

#[test]
fn every_parser_error_of_every_key_reads_in_english() {
    let mut refused = BTreeSet::new();
    let mut messages = Vec::new();
    for spec in KEYS {
        let field = format!("{}.{}", spec.section, spec.key);
        for bad in bad_values() {
            let mut ini = Ini::new();
            set(&mut ini, spec.section, spec.key, &bad);
            if let Err(errors) = validate(&ini, "config.ini") {
                if errors.contains_key(&field) {
                    refused.insert(field.clone());
                }
                messages.extend(errors.into_values());
            }
        }
    }
    let all: BTreeSet<String> = KEYS
        .iter()
        .map(|k| format!("{}.{}", k.section, k.key))
        .collect();
    let never_refused: Vec<&String> = all.difference(&refused).collect();
    assert_eq!(
        never_refused, ACCEPT_ANYTHING,
        "a key without an error: add a bad value for it, or list it as accepting anything"
    );

    let dir = tempfile::tempdir().unwrap();
    messages.extend(tls_pair_messages(dir.path()));
    let rules = tempfile::tempdir().unwrap();
    messages.extend(page_rule_messages(rules.path()));
    messages.extend(printers_messages());
    let dir_shown = dir.path().display().to_string();
    let rules_shown = rules.path().display().to_string();
    let mut distinct = BTreeSet::new();
    for text in &messages {
        // The temporary folder's random name is the admin's text, not ours.
        let checked = text.en.replace(&dir_shown, "DIR").replace(&rules_shown, "DIR");
        for word in FRENCH {
            assert!(
                !checked.contains(word),
                "{word:?} left in {:?} (from {:?})",
                text.en,
                text.fr
            );
        }
        distinct.insert(text.en.clone());
    }
    assert!(distinct.len() > 40, "{distinct:#?}");
}

#[test]
fn values_and_paths_pass_through() {
    let origin = ParseError::Origin {
        origin: "http://vide et liste/".into(),
    };
    assert_eq!(
        origin.message(Lang::En),
        "invalid origin \"http://vide et liste/\": * or a list of origins such as \
         https://myshop.odoo.com (scheme and host, no path)"
    );
    let address = ParseError::NetAddress {
        text: "a \" : adresse invalide".into(),
    };
    assert_eq!(
        address.message(Lang::En),
        "\"a \\\" : adresse invalide\": invalid address"
    );
    let pair = crate::http::tls::PemError::Mismatch {
        cert: "C:\\certs\\a.pem".into(),
        key: "C:\\certs\\b.pem".into(),
        detail: "x".into(),
    };
    assert_eq!(
        pair.message(Lang::En),
        "C:\\certs\\a.pem and C:\\certs\\b.pem do not match: certificate or key refused: x"
    );
}

/// What a message carries (quoted values, numbers) is in both of its languages.
#[test]
fn table_is_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let mut messages = tls_pair_messages(dir.path());
    messages.extend(page_rule_messages(dir.path()));
    messages.extend(printers_messages());
    for spec in KEYS {
        for bad in bad_values() {
            let mut ini = Ini::new();
            set(&mut ini, spec.section, spec.key, &bad);
            messages.extend(validate(&ini, "config.ini").err().into_iter().flat_map(|e| e.into_values()));
        }
    }
    for text in &messages {
        for part in carried(&text.fr) {
            assert!(text.en.contains(&part), "{part:?} of {:?} not in {:?}", text.fr, text.en);
        }
    }
}

/// The quoted values (when the quotes pair up) and the numbers of a message.
fn carried(message: &str) -> Vec<String> {
    let paired = message.matches('"').count() % 2 == 0;
    let quoted = message
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|_| paired)
        .map(str::to_string);
    let numbers = message
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    quoted.chain(numbers).collect()
}
