//! The English admin page never shows French: every refusal of every key, page rule,
//! certificate pair and `[printers]` text, told with `message(Lang::En)`.

use std::collections::BTreeSet;
use std::path::Path;

use ini::Ini;

use cashdrawer::config::{self, KEYS};
use cashdrawer::domain::{check_ini_text, Lang, Message, ParseError, PrinterTarget, Text};
use cashdrawer::http::admin::{fields::validate, printers_field};

/// Words and letters that only French text has here (user values in the tests have none).
const FRENCH: &str = "attendu|accepté|valeur|invalide|entre| et | ou |chiffres|nom d'|chemin|\
    fichier|manquant|inconnu|vide|octets|caractère|largeur|adresse|liste|schéma|hôte|empreinte|\
    paramètre|nombre|clé|certificat |illisible|aucun|é|è|à|«";

/// Keys whose parser takes any text: no bad value exists for them.
const ACCEPT_ANYTHING: &[&str] = &[
    "auth.salt",
    "invoice_printer.command",
    "server.allowed_hosts",
];

/// Bad values meant to reach every error branch of every parser (the last one a valid
/// fingerprint, refused without ipps://).
const BAD_VALUES: &str = "|zz?|\u{1}|a\0b|-1|0|99999|99999999999999999999999|1b7|a/b|x@y:z|tcp://|\
    tcp://h:0|tcp://h:1?x=1|tcp://h?status=maybe|tcp://a b|serial:|serial:COM1?baud=1|file:|ftp://x|\
    x|ipp://|ipp://[::1|ipp://[::1]x|ipp://h:zz|x/y|10.0.0.0/99|http://a/b|\
    3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f";

fn ini_with(pairs: &[(&str, &str, &str)]) -> Ini {
    let mut ini = Ini::new();
    for (section, key, value) in pairs {
        ini.with_section(Some(*section)).set(*key, *value);
    }
    ini
}

/// The admin page's own rules, beyond the parsers: one config.ini line per value, the
/// log inside the data folder, a `file:` printer that is a device, not this service.
fn page_rule_messages(dir: &Path) -> Vec<Text> {
    let mut m: Vec<Text> = ["a\nb", "\u{2028}", "x\"y", "'x"]
        .iter()
        .map(|bad| Text::of(&check_ini_text(bad).unwrap_err()))
        .collect();
    let ca = dir.join("tls").join("ca.pem").display().to_string();
    let page = [
        config::check_page_log_file(dir, ".", "config.ini"),
        config::check_page_download_folder(dir, "/etc", "/home/x/Downloads"),
        config::check_page_tls_file(dir, "/etc/shadow"),
        config::check_page_tls_file(dir, &ca),
        config::check_page_extensions(&[".dll".to_string()]),
        config::check_page_host_names(&["*.example.com".to_string()]),
        config::check_page_log_folder(dir, "/etc"),
        config::check_page_log_folder(dir, "../x"),
    ];
    m.extend(page.iter().map(|r| Text::of(r.as_ref().unwrap_err())));
    let itself = PrinterTarget::Tcp {
        host: "127.0.0.1".into(),
        port: 22548,
        status: true,
    };
    m.push(Text::of(
        &itself.check_not_this_service(&[22548]).unwrap_err(),
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.join("out")).unwrap();
        m.push(Text::of(
            &config::check_page_log_folder(dir, "out").unwrap_err(),
        ));
        std::fs::write(dir.join("plain"), "x").unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(dir.join("fifo"))
            .status();
        assert!(fifo.unwrap().success());
        let block = std::fs::read_dir("/dev")
            .unwrap()
            .flatten()
            .find(|e| e.file_type().is_ok_and(|t| t.is_block_device()));
        let paths = ["plain", "fifo", "absent", ""].map(|p| dir.join(p));
        for path in paths.into_iter().chain(block.map(|b| b.path())) {
            let target = PrinterTarget::File {
                path,
                status: false,
            };
            m.push(Text::of(&target.check_device().unwrap_err()));
        }
    }
    m
}

/// Every way a certificate/key pair can be refused, with files in `dir`.
fn tls_pair_messages(dir: &Path) -> Vec<Text> {
    let pair = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let other = rcgen::KeyPair::generate().unwrap();
    std::fs::write(dir.join("cert.pem"), pair.cert.pem()).unwrap();
    std::fs::write(dir.join("other-key.pem"), other.serialize_pem()).unwrap();
    std::fs::write(dir.join("garbage.pem"), "not a PEM file\n").unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    let (cert, key, garbage) = (path("cert.pem"), path("other-key.pem"), path("garbage.pem"));
    let missing = path("missing.pem");
    let cases: [&[(&str, &str, &str)]; 6] = [
        &[("server", "cert_file", &cert)],
        &[("server", "key_file", &key)],
        &[
            ("server", "cert_file", &missing),
            ("server", "key_file", &key),
        ],
        &[
            ("server", "cert_file", &garbage),
            ("server", "key_file", &key),
        ],
        &[
            ("server", "cert_file", &cert),
            ("server", "key_file", &garbage),
        ],
        &[("server", "cert_file", &cert), ("server", "key_file", &key)],
    ];
    let refused = |case| validate(&ini_with(case), "config.ini").expect_err(&format!("{case:?}"));
    cases
        .iter()
        .flat_map(|case| refused(case).into_values())
        .collect()
}

/// Every way the page's `[printers]` textarea is refused.
fn printers_messages() -> Vec<Text> {
    let many: String = (0..17).map(|i| format!("p{i} = virtual\n")).collect();
    let long = "x".repeat(printers_field::MAX_TEXT + 1);
    let texts = [
        "Kitchen = virtual",
        "default = virtual",
        "a = virtual\na = virtual",
        &many,
        "kitchen",
        "a = \"b",
        &long,
        "a = ftp://x",
        "a = file:/etc/passwd",
    ];
    let refused = |text: &&str| {
        let form = [(printers_field::form_name(), text.to_string())].into();
        let applied = printers_field::apply(&mut Ini::new(), &form, &[]);
        applied.expect("the field is in the form").expect_err(text)
    };
    texts.iter().map(refused).collect()
}

/// Every key with every bad value: the fields refused, and every message.
fn key_messages() -> (BTreeSet<String>, Vec<Text>) {
    let (mut refused, mut messages) = (BTreeSet::new(), Vec::new());
    for spec in KEYS {
        for bad in BAD_VALUES.split('|') {
            let ini = ini_with(&[(spec.section, spec.key, bad)]);
            let Err(errors) = validate(&ini, "config.ini") else {
                continue;
            };
            refused.extend(
                errors
                    .keys()
                    .filter(|f| **f == format!("{}.{}", spec.section, spec.key))
                    .cloned(),
            );
            messages.extend(errors.into_values());
        }
    }
    (refused, messages)
}

/// Every message the admin page can show, and the temporary folders they may name.
fn all_messages() -> (Vec<Text>, [tempfile::TempDir; 2]) {
    let (_, mut messages) = key_messages();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    messages.extend(tls_pair_messages(dirs[0].path()));
    messages.extend(page_rule_messages(dirs[1].path()));
    messages.extend(printers_messages());
    (messages, dirs)
}

#[test]
fn every_parser_error_of_every_key_reads_in_english() {
    let (refused, _) = key_messages();
    let all: BTreeSet<String> = KEYS
        .iter()
        .map(|k| format!("{}.{}", k.section, k.key))
        .collect();
    let never_refused: Vec<&String> = all.difference(&refused).collect();
    assert_eq!(
        never_refused, ACCEPT_ANYTHING,
        "a key without an error: add a bad value for it, or list it as accepting anything"
    );
    let (messages, dirs) = all_messages();
    let mut distinct = BTreeSet::new();
    for text in &messages {
        // The temporary folder's random name is the admin's text, not ours.
        let mut checked = text.en.clone();
        for dir in &dirs {
            checked = checked.replace(&dir.path().display().to_string(), "DIR");
        }
        for word in FRENCH.split('|') {
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
    let pair = cashdrawer::http::tls::PemError::Mismatch {
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
    for text in &all_messages().0 {
        let paired = text.fr.matches('"').count() % 2 == 0;
        let quoted = text.fr.split('"').skip(1).step_by(2).filter(|_| paired);
        let numbers = text
            .fr
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty());
        for part in quoted.chain(numbers) {
            assert!(
                text.en.contains(part),
                "{part:?} of {:?} not in {:?}",
                text.fr,
                text.en
            );
        }
    }
}
