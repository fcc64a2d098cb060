//! The page's layout (shop set-up first, the rest folded under "Advanced") and the Odoo
//! card: what to type in Odoo, and its test button, whose every failure message appears
//! for its cause in a real headless Chromium (untrusted certificate, origin not allowed,
//! printer offline) and whose success message appears when all is right.

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::helpers::admin::*;
use crate::helpers::browser::{chromium_with, set_permission, Driver};
use crate::helpers::peer::{Behaviour, Offline, PrinterPeer};
use crate::helpers::TestApp;

const ODOO: &str = "https://maboutique.odoo.com";

#[tokio::test(flavor = "multi_thread")]
async fn the_shop_set_up_comes_first_and_the_rest_is_folded() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    logged_in(&client, &app.url("")).await;
    let page = get_html(&client, &app.url("/config")).await;
    let body = &page.body;
    let at = |needle: &str| {
        body.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing from the page"))
    };
    // Drawer printer (with its test button), the Odoo card, the invoice printer, then
    // the folded Advanced section with the timeouts, IPP, retries, TLS files, networks.
    let order = [
        "id=\"group-drawer\"",
        "id=\"test-drawer\"",
        "id=\"group-odoo\"",
        "id=\"group-invoice\"",
        "name=\"invoice_printer.download_folder\"",
        "<details class=\"spaced\" id=\"advanced\">",
        "name=\"printer.connect_timeout_ms\"",
        "name=\"invoice_printer.ipp_uri\"",
        "name=\"invoice_printer.pjl\"",
        "name=\"invoice_printer.retries\"",
        "name=\"server.allowed_networks\"",
        "name=\"server.cert_file\"",
        "name=\"logs.retention_days\"",
        "</details>",
        "id=\"save\"",
    ];
    let places: Vec<usize> = order.iter().map(|n| at(n)).collect();
    assert!(
        places.windows(2).all(|w| w[0] < w[1]),
        "out of order: {order:?} at {places:?}"
    );
    // What to type in Odoo: this machine's loopback address with the port the browser
    // used, and why not localhost.
    let typed = format!("127.0.0.1:{}", app.addr.port());
    assert!(
        body.contains(&format!("id=\"odoo-epos-address\">{typed}<")),
        "{body}"
    );
    assert!(body.contains(&format!("id=\"odoo-iot-address\">{typed}<")));
    assert!(body.contains("omnilinkcert.epson.biz"));

    // A refused field under Advanced: the page comes back with the section open.
    let csrf = csrf_of(body);
    let refused = post_form(
        &client,
        &app.url("/config/save"),
        &[("csrf", &csrf), ("logs.retention_days", "0")],
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(refused
        .body
        .contains("<details class=\"spaced\" id=\"advanced\" open>"));
}

/// The server half over plain HTTP: admin session and CSRF token required, a bad
/// address refused with its reason, and each check's answer.
#[tokio::test(flavor = "multi_thread")]
async fn odoo_check_needs_the_session_and_reports_each_cause() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &peer.target(),
        &[
            ("auth", "password_hash", PYTHON_HASH),
            ("server", "allowed_origins", ODOO),
        ],
    )
    .await;
    let client = browser();
    let check = |csrf: Option<String>, origin: &str| {
        let mut req = client
            .post(app.url("/config/odoo-check"))
            .header("Accept", "application/json")
            .form(&[("origin", origin)]);
        if let Some(token) = csrf {
            req = req.header("X-CSRF-Token", token);
        }
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap_or_default())
        }
    };
    assert_eq!(check(None, ODOO).await.0, 401);
    let csrf = logged_in(&client, &app.url("")).await;
    assert_eq!(check(None, ODOO).await.0, 403, "no CSRF token");

    let level = |body: &Value, name: &str| -> (String, String) {
        let c = body["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == name)
            .unwrap_or_else(|| panic!("no {name} check in {body}"));
        (
            c["level"].as_str().unwrap().to_string(),
            c["message"].as_str().unwrap().to_string(),
        )
    };
    let (status, body) = check(Some(csrf.clone()), &format!("{ODOO}/pos/ui?config_id=1")).await;
    assert_eq!((status, &body["ready"]), (200, &json!(true)), "{body}");
    assert_eq!(level(&body, "origin").0, "ok");
    let (printer_level, message) = level(&body, "printer");
    assert_eq!(printer_level, "ok");
    assert!(message.contains(&peer.target()), "{message}");
    assert!(peer.executed_kicks().is_empty(), "the check never kicks");

    let (_, body) = check(Some(csrf.clone()), "https://autre.odoo.com").await;
    assert_eq!(body["ready"], json!(false));
    let (origin_level, message) = level(&body, "origin");
    assert_eq!(origin_level, "error");
    assert!(message.contains("Origine non autorisée"), "{message}");

    // The page's English variant.
    let res = client
        .post(app.url("/config/odoo-check"))
        .header("Accept", "application/json")
        .header("Accept-Language", "en-US,en;q=0.9")
        .header("X-CSRF-Token", &csrf)
        .form(&[("origin", "https://autre.odoo.com")])
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert!(
        level(&body, "origin").1.contains("Origin not allowed"),
        "{body}"
    );

    peer.go_offline(Offline::PaperOut);
    let (_, body) = check(Some(csrf.clone()), ODOO).await;
    let (printer_level, message) = level(&body, "printer");
    assert_eq!(printer_level, "error", "{message} {body}");
    assert!(message.contains("plus de papier"), "{message}");

    for bad in ["maboutique.odoo.com", "javascript:alert(1)", "https://a\nb"] {
        let (status, body) = check(Some(csrf.clone()), bad).await;
        assert_eq!(status, 400, "{bad:?}: {body}");
        assert_eq!(body["status"], "error");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("https://maboutique.odoo.com"), "{message}");
    }
    let (status, _) = check(Some(csrf), &"x".repeat(5000)).await;
    assert_eq!(status, 400);
}

async fn log_in(c: &Client, app: &TestApp) {
    log_in_at(c, &app.url("")).await;
}

/// Logs in on the admin page at `base` (`http://host:port`).
async fn log_in_at(c: &Client, base: &str) {
    crate::helpers::admin::log_in_with_chromium(c, base).await;
}

/// Clicks the card's test with `origin` typed; returns the summary and the lines.
async fn run_test(c: &Client, origin: &str) -> (String, Vec<(String, String, String)>) {
    let input = c.find(Locator::Id("odoo-check-origin")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(origin).await.unwrap();
    c.execute(
        "document.getElementById('odoo-result').textContent = '';",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Id("odoo-test"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let summary = c
        .wait()
        .for_element(Locator::Css("#odoo-result .summary"))
        .await
        .unwrap();
    let summary = summary.text().await.unwrap();
    let lines = c
        .execute(
            "return Array.from(document.querySelectorAll('#odoo-result [data-check]'))
               .map(p => [p.getAttribute('data-check'), p.className, p.textContent]);",
            vec![],
        )
        .await
        .unwrap();
    let lines = serde_json::from_value(lines).unwrap();
    (summary, lines)
}

fn line<'a>(lines: &'a [(String, String, String)], check: &str) -> &'a (String, String, String) {
    lines
        .iter()
        .find(|l| l.0 == check)
        .unwrap_or_else(|| panic!("no {check} line in {lines:?}"))
}

/// Chromium as a till's browser that never trusted the service's certificate: the
/// HTTPS address Odoo on https calls fails, and the card says the certificate is not
/// trusted (while origin and printer are fine).
#[tokio::test(flavor = "multi_thread")]
async fn chromium_without_the_certificate_is_told_it_is_not_trusted() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(&ini_with_password(&[("server", "allowed_origins", ODOO)])).await;
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_with(&driver, profile.path(), false, &[]).await;
    log_in(&c, &app).await;
    let (summary, lines) = run_test(&c, ODOO).await;
    let cert = line(&lines, "cert");
    assert_eq!(cert.1, "error", "{lines:?}");
    assert!(cert.2.contains("Certificat non reconnu"), "{lines:?}");
    assert!(cert
        .2
        .contains(&format!("https://127.0.0.1:{}", app.addr.port())));
    assert_eq!(line(&lines, "origin").1, "ok", "{lines:?}");
    assert!(summary.contains("Odoo ne pourra pas imprimer"), "{summary}");
    // An Odoo on plain http needs no certificate.
    let (summary, lines) = run_test(&c, "http://odoo.local:8069").await;
    assert!(line(&lines, "cert").2.contains("HTTPS non nécessaire"));
    assert_eq!(line(&lines, "origin").1, "error", "not in allowed_origins");
    assert!(summary.contains("Odoo ne pourra pas imprimer"));
    c.close().await.unwrap();
}

/// Chromium trusting the certificate (`--ignore-certificate-errors`, with WebDriver's
/// `acceptInsecureCerts` off): success when all is right, then the origin-not-allowed
/// and printer-offline messages for their causes, from a real printer peer.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_sees_success_then_each_cause_of_failure() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &peer.target(),
        &[
            ("auth", "password_hash", PYTHON_HASH),
            ("server", "allowed_origins", ODOO),
        ],
    )
    .await;
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_with(
        &driver,
        profile.path(),
        false,
        &["--ignore-certificate-errors"],
    )
    .await;
    log_in(&c, &app).await;
    let (summary, lines) = run_test(&c, ODOO).await;
    assert!(summary.contains("Tout est prêt"), "{summary} {lines:?}");
    assert!(line(&lines, "cert").2.contains("accepte le certificat"));
    assert_eq!(line(&lines, "printer").1, "ok");

    let (summary, lines) = run_test(&c, "https://autre.odoo.com").await;
    let origin = line(&lines, "origin");
    assert_eq!(origin.1, "error", "{lines:?}");
    assert!(origin
        .2
        .contains("Origine non autorisée : https://autre.odoo.com"));
    assert!(summary.contains("Odoo ne pourra pas imprimer"));

    peer.go_offline(Offline::CoverOpen);
    let (summary, lines) = run_test(&c, ODOO).await;
    let printer = line(&lines, "printer");
    assert_eq!(printer.1, "error", "{lines:?}");
    assert!(printer.2.contains("capot ouvert"), "{lines:?}");
    assert_eq!(line(&lines, "origin").1, "ok");
    assert!(summary.contains("Odoo ne pourra pas imprimer"));
    assert!(peer.executed_kicks().is_empty(), "the test never kicks");
    c.close().await.unwrap();
}

/// Local Network Access in Chromium: the service on 0.0.0.0, the admin page's origin made
/// public and the till's LAN addresses local (`--ip-address-space-overrides`: a page on
/// 127.0.0.1 is loopback, more private than the LAN, and Chromium would not ask), so
/// the test's `targetAddressSpace: "local"` call to the card's LAN address needs the
/// permission. Denied: the LNA warning; granted: the ok line.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_is_told_when_local_network_access_is_denied() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn_on(
        &ini_with_password(&[("server", "allowed_origins", ODOO)]),
        "0.0.0.0:0".parse().unwrap(),
    )
    .await;
    let port = app.addr.port();
    let lan: Vec<String> = cashdrawer::platform::machine_addresses()
        .into_iter()
        .filter(|ip| ip.is_ipv4())
        .map(|ip| format!("{ip}:{port}=local"))
        .collect();
    if lan.is_empty() {
        eprintln!("SKIPPED: this machine has no IPv4 LAN address");
        return;
    }
    let overrides = format!(
        "--ip-address-space-overrides=127.0.0.1:{port}=public,{}",
        lan.join(",")
    );
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_with(
        &driver,
        profile.path(),
        false,
        &["--ignore-certificate-errors", &overrides],
    )
    .await;
    log_in_at(&c, &format!("http://127.0.0.1:{port}")).await;

    for name in ["local-network-access", "local-network"] {
        let answer = set_permission(&driver, &c, name, "denied").await;
        println!("deny {name}: {answer}");
    }
    let (summary, lines) = run_test(&c, ODOO).await;
    let lna = line(&lines, "lna");
    assert_eq!(lna.1, "warn", "{lines:?}");
    assert!(
        lna.2
            .contains("Accès au réseau local refusé par le navigateur"),
        "{lines:?}"
    );
    assert_eq!(line(&lines, "origin").1, "ok", "{lines:?}");
    assert!(
        summary.contains("Tout est prêt"),
        "a warning only: {summary}"
    );

    for name in ["local-network-access", "local-network", "loopback-network"] {
        let answer = set_permission(&driver, &c, name, "granted").await;
        println!("grant {name}: {answer}");
    }
    let (_, lines) = run_test(&c, ODOO).await;
    let lna = line(&lines, "lna");
    assert_eq!(lna.1, "ok", "{lines:?}");
    assert!(lna.2.contains("joignable"), "{lines:?}");
    c.close().await.unwrap();
}

/// The docs pages about Odoo and the admin page: every value they show for a key
/// (`key = value`, an `ini` block), every Odoo origin and every address to type is
/// accepted by the parser it goes to (issue 14: an example must never be refused).
#[test]
fn every_example_of_the_odoo_and_admin_docs_is_accepted() {
    use cashdrawer::config::{Config, KEYS};
    use cashdrawer::domain::{parse_cidr_list, parse_origins};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (mut assignments, mut origins, mut addresses) = (0, 0, 0);
    for doc in ["docs/odoo.md", "docs/admin.md", "docs/troubleshooting.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        // `ini` blocks: the whole block is a config.ini the service starts with.
        for block in text.split("```ini\n").skip(1) {
            let block = &block[..block.find("```").unwrap()];
            let ini = ini::Ini::load_from_str(block).unwrap();
            Config::from_ini(&ini, doc).unwrap_or_else(|e| panic!("{doc}: {block}: {e}"));
            assignments += 1;
        }
        let text: String = text.split("```").step_by(2).collect();
        for span in text.split('`').skip(1).step_by(2) {
            if let Some((key, value)) = span.split_once(" = ") {
                let key = key.trim().rsplit(' ').next().unwrap();
                let specs: Vec<_> = KEYS.iter().filter(|k| k.key == key).collect();
                if let [spec] = specs[..] {
                    let mut ini = ini::Ini::new();
                    ini.with_section(Some(spec.section)).set(key, value);
                    Config::from_ini(&ini, doc).unwrap_or_else(|e| panic!("{doc}: `{span}`: {e}"));
                    assignments += 1;
                }
            } else if span.starts_with("https://") && span.ends_with(".odoo.com") {
                parse_origins(span).unwrap_or_else(|e| panic!("{doc}: `{span}`: {e}"));
                origins += 1;
            } else if let Some((ip, port)) = span.rsplit_once(':') {
                // `127.0.0.1:22548`, `192.168.1.20:22548`: what to type in Odoo.
                if ip.parse::<std::net::Ipv4Addr>().is_ok() && port.parse::<u16>().is_ok() {
                    assert!(span.contains('.'), "Odoo would rewrite {span}");
                    parse_cidr_list(ip).unwrap_or_else(|e| panic!("{doc}: `{span}`: {e}"));
                    addresses += 1;
                }
            }
        }
    }
    assert!(
        assignments >= 3 && origins >= 2 && addresses >= 3,
        "{assignments} {origins} {addresses}"
    );
}
