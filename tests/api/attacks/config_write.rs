//! §1: config writes are typed. Against the real binary over real sockets: a logged-in
//! admin (the password is assumed stolen) posts hostile values to `/config/save`.
//! 1.0.0 copied the trimmed text into config.ini, so a newline wrote a new key (the
//! invoice `command`, run at the next PDF) and one `"` left a file that no longer parsed.

use std::path::Path;

use crate::helpers::admin::{browser, get_html, logged_in, post_form, Page, PYTHON_HASH};
use crate::helpers::binary::Binary;

/// A data folder whose config.ini has the admin password (and `extra`), and the real
/// binary serving it on 127.0.0.1.
pub(crate) fn start_with(extra: &[(&str, &str, &str)]) -> (tempfile::TempDir, Binary) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = vec![("auth", "password_hash", PYTHON_HASH)];
    if !extra
        .iter()
        .any(|(s, k, _)| (*s, *k) == ("printer", "name"))
    {
        settings.push(("printer", "name", "virtual"));
    }
    settings.extend_from_slice(extra);
    std::fs::write(
        dir.path().join("config.ini"),
        crate::helpers::ini(&settings),
    )
    .unwrap();
    let bin = Binary::start(dir.path(), &[]);
    (dir, bin)
}

pub(crate) fn config_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("config.ini")).unwrap()
}

/// A logged-in admin's client and the session's CSRF token.
pub(crate) async fn admin(bin: &Binary) -> (reqwest::Client, String) {
    let client = browser();
    let csrf = logged_in(&client, &bin.url("")).await;
    (client, csrf)
}

pub(crate) async fn save(
    client: &reqwest::Client,
    bin: &Binary,
    csrf: &str,
    fields: &[(&str, &str)],
) -> Page {
    let mut form = vec![("csrf", csrf)];
    form.extend_from_slice(fields);
    post_form(client, &bin.url("/config/save"), &form).await
}

/// The keys of one section of config.ini, as the service's own reader sees them.
fn keys_of(dir: &Path, section: &str) -> Vec<String> {
    let ini = cashdrawer::config::ConfigStore::new(dir.join("config.ini"))
        .read_ini()
        .expect("config.ini still parses");
    ini.section(Some(section))
        .map(|s| s.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default()
}

/// Line breaks of every kind, NUL and other controls, in every text-like field: the save
/// is refused with an error on that field, and config.ini is byte for byte unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn a_line_break_in_any_field_never_writes_a_line() {
    let (dir, bin) = start_with(&[]);
    let (client, csrf) = admin(&bin).await;
    let before = config_text(dir.path());
    let breaks = [
        "\n", "\r", "\r\n", "\u{0}", "\u{85}", "\u{2028}", "\u{2029}", "\u{b}", "\u{1b}",
    ];
    let fields = [
        "invoice_printer.name",
        "server.allowed_hosts",
        "invoice_printer.download_folder",
        "printer.name",
        "logs.folder",
        "server.cert_file",
    ];
    for field in fields {
        for br in breaks {
            let value = format!("FACTURE{br}command = sh -c id{br}[auth]{br}salt = x");
            let res = save(&client, &bin, &csrf, &[(field, &value)]).await;
            assert_eq!(
                res.status, 400,
                "{field} with {br:?} must be refused, got {} {}",
                res.status, res.location
            );
            assert!(
                res.body.contains(&format!("name=\"{field}\"")),
                "the page comes back with the field"
            );
            assert!(
                res.body.contains("caractère") || res.body.contains("character"),
                "{field} {br:?}: the error says which character is refused:\n{}",
                res.body
            );
            assert_eq!(
                config_text(dir.path()),
                before,
                "{field} {br:?}: nothing written"
            );
        }
    }
    let ini = cashdrawer::config::ConfigStore::new(dir.path().join("config.ini"))
        .read_ini()
        .unwrap();
    assert_eq!(
        ini.get_from(Some("invoice_printer"), "command")
            .unwrap_or(""),
        "",
        "no invoice command"
    );
    let log = bin.wait_log("configuration refusée");
    assert!(
        log.contains("invoice_printer.name"),
        "the refusal names the field"
    );
}

/// The keys the page never sets, by name: posted directly they are ignored; smuggled
/// through a line break in a field of the page they are refused. Either way the file
/// keeps them as they were.
#[tokio::test(flavor = "multi_thread")]
async fn keys_off_the_page_are_never_written() {
    let (dir, bin) = start_with(&[("invoice_printer", "command", "")]);
    let (client, csrf) = admin(&bin).await;
    let hash = "$2b$12$AAAAshq9D.sbHM.8dfvJ5eFCI6o8C9td9YhsoLBlQANpLMJ2F0QS.";
    let direct = save(
        &client,
        &bin,
        &csrf,
        &[
            ("invoice_printer.command", "sh -c id"),
            ("auth.password_hash", hash),
            ("auth.salt", "sel"),
            ("evil.key", "1"),
            ("printer.evil", "1"),
            ("logs.retention_days", "31"),
        ],
    )
    .await;
    assert_eq!(direct.status, 303, "{}", direct.body);
    let text = config_text(dir.path());
    assert!(text.contains("retention_days = 31"), "{text}");
    for absent in ["sh -c id", hash, "sel", "[evil]", "evil ="] {
        assert!(!text.contains(absent), "{absent:?} written:\n{text}");
    }
    let before = config_text(dir.path());
    for (smuggled, key) in [
        ("command = sh -c id", "command"),
        (&*format!("[auth]\npassword_hash = {hash}"), "password_hash"),
        ("[auth]\nsalt = sel", "salt"),
        ("[evil]\nkey = 1", "key"),
    ] {
        let value = format!("x\n{smuggled}");
        let res = save(&client, &bin, &csrf, &[("server.allowed_hosts", &value)]).await;
        assert_eq!(res.status, 400, "{key}: {}", res.location);
        assert_eq!(config_text(dir.path()), before, "{key} smuggled in");
    }
    assert!(keys_of(dir.path(), "evil").is_empty());
}

/// One `"`, `'` or `[section]` in a value: refused with a field error, or saved so that
/// the file reads back the same. The page keeps answering and the service restarts.
/// 1.0.0 answered 503 on every admin page, and did not start again, after
/// `allowed_hosts = x">y`.
#[tokio::test(flavor = "multi_thread")]
async fn a_quote_or_a_section_never_bricks_the_service() {
    let (dir, bin) = start_with(&[]);
    let (client, csrf) = admin(&bin).await;
    for (field, value) in [
        ("server.allowed_hosts", "x\">y"),
        ("server.allowed_hosts", "\"caisse"),
        ("server.allowed_hosts", "'caisse"),
        ("invoice_printer.name", "\"FACTURE"),
        ("invoice_printer.name", "FACTURE\"x"),
        ("invoice_printer.download_folder", "'C:\\Users"),
        ("invoice_printer.download_folder", "[printer]"),
        ("server.allowed_hosts", "[auth]"),
        ("invoice_printer.name", "a=b;c#d"),
    ] {
        let res = save(&client, &bin, &csrf, &[(field, value)]).await;
        assert!(
            res.status == 303 || res.status == 400,
            "{field}={value:?}: {} {}",
            res.status,
            res.body
        );
        let page = get_html(&client, &bin.url("/config")).await;
        assert_eq!(
            page.status, 200,
            "{field}={value:?} bricked the page: {}",
            page.body
        );
        if res.status == 303 {
            let ini = cashdrawer::config::ConfigStore::new(dir.path().join("config.ini"))
                .read_ini()
                .unwrap();
            let (section, key) = field.split_once('.').unwrap();
            assert_eq!(
                ini.get_from(Some(section), key),
                Some(value),
                "saved as typed"
            );
        } else {
            assert!(page.body.contains("name=\"csrf\""));
        }
    }
    bin.stop();
    let again = Binary::start(dir.path(), &[]);
    let (client, _) = admin(&again).await;
    let page = get_html(&client, &again.url("/config")).await;
    assert_eq!(page.status, 200, "{}", page.body);
}
