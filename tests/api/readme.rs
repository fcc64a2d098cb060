//! The README and the docs say true things: every config key is in the reference table of
//! `docs/configuration.md` with the default the service writes, and the examples (the
//! README's quick-start log line, the config error message of `docs/configuration.md`, the
//! `/status` answer of `docs/http-api.md`) are what the real service produces.

use crate::helpers::binary::{run, Binary};
use std::collections::BTreeSet;

use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::{ini, TestApp};
use cashdrawer::config::KEYS;
use serde_json::Value;

const README: &str = include_str!("../../README.md");
const CONFIGURATION: &str = include_str!("../../docs/configuration.md");
const HTTP_API: &str = include_str!("../../docs/http-api.md");

/// The text of the section of `doc` starting at `heading` (up to the next heading of the
/// same or a higher level).
fn section(doc: &'static str, heading: &str) -> &'static str {
    let start = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading:?} in the docs"));
    let level = heading.split(' ').next().unwrap();
    let body = &doc[start + heading.len() + 2..];
    let end = body
        .lines()
        .scan(0, |pos, line| {
            let at = *pos;
            *pos += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, l)| {
            let hashes = l.split(' ').next().unwrap_or("");
            !hashes.is_empty() && hashes.chars().all(|c| c == '#') && hashes.len() <= level.len()
        })
        .map_or(body.len(), |(at, _)| at);
    &body[..end]
}

/// The first fenced block after `marker` in `text`.
fn block_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let from = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in the docs"));
    let rest = &text[from..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    &body[..body.find("```").unwrap()]
}

#[test]
fn every_config_key_is_in_the_reference_table_with_its_default() {
    let table = section(CONFIGURATION, "## Configuration reference");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with("| `["))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let mut missing = Vec::new();
    for spec in KEYS {
        let row = rows
            .iter()
            .find(|r| r[0] == format!("`[{}]`", spec.section) && r[1] == format!("`{}`", spec.key));
        let Some(row) = row else {
            missing.push(format!("[{}] {}", spec.section, spec.key));
            continue;
        };
        let default = (spec.default)();
        let platform_dependent = matches!(
            (spec.section, spec.key),
            ("printer", "name") | ("invoice_printer", "download_folder")
        );
        if platform_dependent {
            continue;
        }
        let expected = if default.is_empty() {
            "*(empty)*".to_string()
        } else {
            format!("`{default}`")
        };
        assert_eq!(
            row[2], expected,
            "[{}] {}: default in docs/configuration.md",
            spec.section, spec.key
        );
        assert!(
            !row[3].is_empty(),
            "[{}] {}: no meaning",
            spec.section,
            spec.key
        );
    }
    assert!(
        missing.is_empty(),
        "keys missing from the configuration reference (docs/configuration.md): {missing:?}"
    );
    assert_eq!(
        rows.len(),
        KEYS.len(),
        "the table has rows for keys the service does not know"
    );
}

#[test]
fn the_config_error_example_is_what_the_binary_prints() {
    let example = block_after(
        section(CONFIGURATION, "## Data folder and config.ini"),
        "for example:",
    )
    .trim()
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.ini"),
        "[logs]\nretention_days = trente\n",
    )
    .unwrap();
    let out = run(dir.path(), &["serve", "--host", "127.0.0.1", "--port", "0"]);
    assert!(!out.status.success());
    let printed = String::from_utf8_lossy(&out.stderr)
        .trim()
        .replace(dir.path().to_str().unwrap(), "/var/lib/odoo-pos-cashdrawer");
    assert_eq!(printed, example);
}

/// The keys of `a` and `b`, compared at every level where both are objects.
fn same_keys(path: &str, a: &Value, b: &Value) {
    if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
        let ka: BTreeSet<_> = a.keys().collect();
        let kb: BTreeSet<_> = b.keys().collect();
        assert_eq!(ka, kb, "keys at {path}");
        for k in ka {
            same_keys(&format!("{path}.{k}"), &a[k], &b[k]);
        }
    }
}

#[tokio::test]
async fn the_status_example_has_the_real_keys() {
    let example: Value = serde_json::from_str(block_after(HTTP_API, "`GET /status`:")).unwrap();
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    assert_eq!(
        app.get_json("/drawer").await.0,
        200,
        "reads the printer's status once"
    );
    let (status, real) = app.get_json("/status").await;
    assert_eq!(status, 200);
    assert!(
        real["printers"]["drawer"]["health"]["status"].is_object(),
        "{real}"
    );
    same_keys("status", &example, &real);
    assert_eq!(
        example["printers"]["drawer"]["kind"],
        real["printers"]["drawer"]["kind"]
    );
}

#[tokio::test]
async fn the_quick_start_log_line_is_what_the_virtual_printer_logs() {
    let quick = section(README, "## Quick start");
    let start = quick
        .find("the log shows\n`")
        .expect("quick start mentions the log")
        + "the log shows\n`".len();
    let line = &quick[start..start + quick[start..].find('`').unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let svc = Binary::start_with_config(
        dir.path(),
        Some(&ini(&[
            ("printer", "name", "virtual"),
            ("invoice_printer", "autoprint", "false"),
        ])),
        &[],
    );
    let res = crate::helpers::client()
        .get(svc.url("/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    svc.wait_log(line);
    svc.stop();
}
