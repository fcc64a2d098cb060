//! Tests of `src/config`.
use cashdrawer::config::*;
use cashdrawer::domain::*;
use std::path::PathBuf;
use std::time::Duration;

use crate::helpers::ORIGINAL_INI;

fn load(text: &str) -> Result<Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.ini");
    std::fs::write(&path, text).unwrap();
    ConfigStore::new(&path)
        .load_or_create()
        .map(|(c, _)| c)
        .map_err(|e| format!("{e:#}"))
}

#[test]
fn original_file_with_bom_and_crlf_loads() {
    let c = load(ORIGINAL_INI).unwrap();
    assert_eq!(c.printer.target, PrinterTarget::System("TICKET".into()));
    assert_eq!(
        c.cashdrawer.command.bytes(),
        &[0x1b, 0x70, 0x00, 0x1a, 0xfa]
    );
    assert_eq!(c.server.port, 22548);
    assert_eq!(
        c.invoice_printer.download_folder,
        PathBuf::from("C:\\Users\\Public\\Downloads")
    );
    assert_eq!(c.invoice_printer.scan_frequency, Duration::from_secs(5));
    assert_eq!(c.logs.retention_days, 30);
    assert!(c.auth.password_hash.is_empty());
}

#[test]
fn bad_value_names_file_section_key_and_what_is_accepted() {
    let text = ORIGINAL_INI.replace("command = 1b70001afa", "command = 1b70zz");
    let err = load(&text).unwrap_err();
    assert!(err.contains("config.ini"), "{err}");
    assert!(err.contains("[cashdrawer] command = \"1b70zz\""), "{err}");
    assert!(err.contains("hexadécimal"), "{err}");

    let err = load(&ORIGINAL_INI.replace("port = 22548", "port = 99999")).unwrap_err();
    assert!(err.contains("[server] port = \"99999\""), "{err}");
    assert!(err.contains("0 et 65535"), "{err}");

    let err = load(&ORIGINAL_INI.replace("autoprint = true", "autoprint = peut-être")).unwrap_err();
    assert!(err.contains("[invoice_printer] autoprint"), "{err}");
}

#[test]
fn missing_file_is_created_with_defaults_and_missing_section_added() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("config.ini");
    let store = ConfigStore::new(&path);
    let (c, outcome) = store.load_or_create().unwrap();
    assert_eq!(outcome, LoadOutcome::Created);
    assert_eq!(c, Config::defaults());
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("[cashdrawer]"));
    assert!(written.contains("command=1b70001afa") || written.contains("command = 1b70001afa"));

    // Drop [logs]: it comes back, the rest is untouched.
    let without_logs = ORIGINAL_INI.split("[logs]").next().unwrap().to_string();
    std::fs::write(&path, without_logs).unwrap();
    let (c, outcome) = store.load_or_create().unwrap();
    // Sections added after the original (such as [odoo]) are completed too.
    assert!(
        matches!(&outcome, LoadOutcome::Completed(s) if s.contains(&"logs".to_string())),
        "{outcome:?}"
    );
    assert_eq!(c.printer.target, PrinterTarget::System("TICKET".into()));
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("[logs]"));
    assert!(
        written.contains("C:\\Users\\Public\\Downloads"),
        "backslashes kept: {written}"
    );
}

/// Found by the `admin_form` fuzz target: a value ending with a backslash (a Windows
/// folder typed as `C:\Downloads\`) swallowed the next line when the file used LF.
#[test]
fn trailing_backslashes_round_trip_with_lf_and_crlf() {
    for newline in ["\n", "\r\n"] {
        let text = ORIGINAL_INI
            .replace("\r\n", newline)
            .replace("Downloads", "Downloads\\")
            .replace("name = TICKET", "name = \\\\srv\\TICKET;x\\");
        let c = load(&text).unwrap();
        assert_eq!(
            c.invoice_printer.download_folder,
            PathBuf::from("C:\\Users\\Public\\Downloads\\")
        );
        // The key after it is still read as a key.
        assert_eq!(c.invoice_printer.scan_frequency, Duration::from_secs(5));
        assert_eq!(
            c.printer.target,
            PrinterTarget::System("\\\\srv\\TICKET;x\\".into())
        );
        // And what the admin page saves reads back the same.
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path().join("config.ini"));
        std::fs::write(store.path(), &text).unwrap();
        let ini = store.read_ini().unwrap();
        let saved = store.save(&ini).unwrap();
        let again = Config::from_ini(&store.read_ini().unwrap(), "config.ini").unwrap();
        assert_eq!(saved, again);
        assert_eq!(again, c);
    }
}

#[test]
fn save_refuses_invalid_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.ini");
    std::fs::write(&path, ORIGINAL_INI).unwrap();
    let store = ConfigStore::new(&path);
    let mut ini = store.read_ini().unwrap();
    ini.with_section(Some("server")).set("port", "http");
    assert!(store.save(&ini).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), ORIGINAL_INI);
    ini.with_section(Some("server")).set("port", "22549");
    ini.with_section(Some("custom")).set("kept", "yes");
    let c = store.save(&ini).unwrap();
    assert_eq!(c.server.port, 22549);
    let again = store.read_ini().unwrap();
    assert_eq!(again.get_from(Some("custom"), "kept"), Some("yes"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp file left behind");
}

#[test]
fn cidr_and_origin_lists() {
    let nets = parse_cidr_list("192.168.1.0/24, 10.0.0.5 fd00::/8").unwrap();
    assert!(nets[0].contains("192.168.1.77".parse().unwrap()));
    assert!(!nets[0].contains("192.168.2.1".parse().unwrap()));
    assert!(nets[0].contains("::ffff:192.168.1.9".parse().unwrap()));
    assert!(nets[1].contains("10.0.0.5".parse().unwrap()));
    assert!(!nets[1].contains("10.0.0.6".parse().unwrap()));
    assert!(nets[2].contains("fd12::1".parse().unwrap()));
    assert!(parse_cidr_list("192.168.1.0/33").is_err());
    assert!(parse_cidr_list("shop").is_err());
    assert_eq!(values::parse_origins("*").unwrap(), AllowedOrigins::Any);
    assert!(values::parse_origins("https://a.odoo.com,http://b:8069")
        .unwrap()
        .allows("http://b:8069"));
    assert!(values::parse_origins("a.odoo.com").is_err());
}

#[test]
fn python_booleans_and_extensions() {
    for t in ["1", "yes", "True", "on"] {
        assert_eq!(parse_bool(t), Ok(true));
    }
    for f in ["0", "no", "FALSE", "off"] {
        assert_eq!(parse_bool(f), Ok(false));
    }
    assert_eq!(
        values::parse_extensions("pdf, .PDF").unwrap(),
        vec![".pdf", ".pdf"]
    );
    assert!(values::parse_extensions("").is_err());
    assert!(values::parse_file_name("../x.log").is_err());
}

#[test]
fn odoo_section_defaults_and_paper_widths() {
    let c = Config::defaults();
    assert!(c.odoo.epos && c.odoo.iot);
    assert!(c.odoo.epos_allowed_networks.is_empty() && c.odoo.iot_allowed_networks.is_empty());
    assert_eq!(c.odoo.paper_width, 576);
    assert_eq!(values::parse_paper_width("58mm"), Ok(384));
    assert_eq!(values::parse_paper_width("80 MM"), Ok(576));
    assert_eq!(values::parse_paper_width("512"), Ok(512));
    for bad in ["", "0", "4", "wide", "9000"] {
        assert!(values::parse_paper_width(bad).is_err(), "{bad}");
    }
}

/// The write re-reads the temp file before the rename: a value that would not read back
/// as meant (here a line break smuggled past every page rule) names the key, and the old
/// file stays as it was, with no temp file left.
#[test]
fn a_write_that_does_not_read_back_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.ini");
    let store = ConfigStore::new(&path);
    store.load_or_create().unwrap();
    let before = std::fs::read(&path).unwrap();
    for (value, key) in [
        ("caisse\ncommand = sh -c id", ("server", "allowed_hosts")),
        ("\"caisse", ("server", "allowed_hosts")),
        // The first key that differs in file order: [auth] comes before [server].
        ("caisse\n[auth]\nsalt = x", ("auth", "salt")),
    ] {
        // `allowed_hosts` takes any text: only the read-back check stands in the way.
        let mut ini = store.read_ini().unwrap();
        ini.with_section(Some("server")).set("allowed_hosts", value);
        match store.save_checked(&ini) {
            Err(SaveError::Mismatch {
                section, key: k, ..
            }) => {
                assert_eq!((section.as_str(), k.as_str()), key, "{value:?}")
            }
            Err(SaveError::Unreadable(_)) => {}
            other => panic!("{value:?}: {other:?}"),
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "{value:?}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}
