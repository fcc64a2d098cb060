//! `[printers]` on the admin page (issue 14 §3): one textarea of `name = target` lines,
//! saved only when every line passes; each printer listed with its ePOS address.

use crate::helpers::admin::*;
use crate::helpers::odoo::{odoo_envelope, EPOS};
use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::TestApp;

#[tokio::test]
async fn saved_printers_print_at_once_and_are_listed_with_their_odoo_address() {
    let kitchen = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::spawn(&format!("{}[custom]\nkept = yes\n", ini_with_password(&[]))).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let text = format!("kitchen = {}\r\nbar = virtual\r\n", kitchen.target());
    let res = post_form(
        &client,
        &app.url("/config/save"),
        &[("csrf", &csrf), ("printers.entries", &text)],
    )
    .await;
    assert_eq!(
        (res.status, res.location.as_str()),
        (303, "/config?saved=1"),
        "{}",
        res.body
    );
    let saved = std::fs::read_to_string(app.config_path()).unwrap();
    assert!(saved.contains("[printers]"), "{saved}");
    assert!(
        saved.contains(&format!("kitchen = {}", kitchen.target())),
        "{saved}"
    );
    assert!(saved.contains("kept = yes"), "{saved}");
    let names: Vec<String> = app
        .state
        .config()
        .printers
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(names, ["kitchen", "bar"]);

    // In force without a restart: a kitchen ticket reaches the kitchen peer.
    let res = app
        .client
        .post(app.url(&format!("/kitchen{EPOS}")))
        .body(odoo_envelope("<text>CUISINE&#10;</text><cut/>"))
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("success=\"true\""));
    assert_eq!(
        kitchen
            .wait_jobs(1, std::time::Duration::from_secs(5))
            .len(),
        1
    );

    let page = get_html(&client, &app.url("/config")).await;
    let address = format!("127.0.0.1:{}/kitchen", app.addr.port());
    assert!(
        page.body
            .contains(&format!("<code class=\"epos-address\">{address}</code>")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("bar = virtual"),
        "the textarea holds the section"
    );
    let kitchen_state = format!("({}, OK)", kitchen.target());
    assert!(page.body.contains(&kitchen_state), "kitchen state");
    assert!(
        page.body.contains("(virtual, pas encore utilisée)"),
        "bar state"
    );
}

#[tokio::test]
async fn a_bad_line_is_refused_next_to_the_field_and_nothing_is_saved() {
    let app = TestApp::spawn(&ini_with_password(&[("printers", "bar", "virtual")])).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let before = std::fs::read(app.config_path()).unwrap();
    for (text, message) in [
        (
            "kitchen = virtual\nKitchen2 = virtual",
            "ligne 2 (Kitchen2)",
        ),
        (
            "kitchen = virtual\nkitchen = tcp://10.0.0.9",
            "déjà utilisé",
        ),
        ("kitchen = ftp://10.0.0.9", "tcp://"),
        ("kitchen", "nom = imprimante attendu"),
        ("kitchen = virtual\n[auth]\npassword_hash = x", "ligne 2"),
        ("kitchen = file:/etc/passwd", "kitchen:"),
        ("default = virtual", "[printer] name"),
    ] {
        let res = post_form(
            &client,
            &app.url("/config/save"),
            &[
                ("csrf", &csrf),
                ("printers.entries", text),
                ("logs.retention_days", "40"),
            ],
        )
        .await;
        assert_eq!(res.status, 400, "{text:?}");
        assert!(
            res.body.contains("id=\"error-printers.entries\""),
            "{text:?}"
        );
        assert!(res.body.contains(message), "{text:?}: no {message:?}");
        assert_eq!(
            std::fs::read(app.config_path()).unwrap(),
            before,
            "{text:?}"
        );
    }
    assert_eq!(app.state.config().printers.names_text(), "bar");
    assert_eq!(app.state.config().logs.retention_days, 30);

    // The English page gives the reason in English.
    let res = client
        .post(app.url("/config/save"))
        .header("Accept", "text/html")
        .header("Accept-Language", "en")
        .form(&[
            ("csrf", csrf.as_str()),
            ("printers.entries", "Kitchen = virtual"),
        ])
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    let error = body.split("id=\"error-printers.entries\">").nth(1).unwrap();
    let error = &error[..error.find('<').unwrap()];
    assert!(
        error.contains("line 1") && error.contains("lower-case"),
        "{error}"
    );
}

/// A stolen password must not turn a printer into a way back into the service: the
/// ePOS `<command>` element sends raw bytes, so a `tcp://` printer at our own port would
/// let a LAN caller send `GET /invoice-printer/purge` from 127.0.0.1 (adversarial review
/// of 1.1.0). Refused for `[printer] name` and for every `[printers]` line, by address
/// or by name; another port of this machine (a printer bridge) is still accepted.
#[tokio::test]
async fn a_printer_cannot_be_this_service_itself() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let before = std::fs::read(app.config_path()).unwrap();
    let port = app.addr.port();
    for (field, value) in [
        ("printer.name", format!("tcp://127.0.0.1:{port}?status=off")),
        ("printer.name", format!("tcp://localhost:{port}")),
        (
            "printers.entries",
            format!("loop = tcp://127.0.0.1:{port}?status=off"),
        ),
        ("printers.entries", format!("loop = tcp://[::1]:{port}")),
        (
            "printers.entries",
            "loop = tcp://127.0.0.1:22548".to_string(),
        ),
    ] {
        let res = post_form(
            &client,
            &app.url("/config/save"),
            &[("csrf", &csrf), (field, &value)],
        )
        .await;
        assert_eq!(res.status, 400, "{value:?}");
        assert!(res.body.contains("ce service lui-même"), "{value:?}");
        assert_eq!(
            std::fs::read(app.config_path()).unwrap(),
            before,
            "{value:?}"
        );
    }
    let bridge = format!("tcp://127.0.0.1:{}", port.wrapping_add(1).max(1));
    let res = post_form(
        &client,
        &app.url("/config/save"),
        &[
            ("csrf", &csrf),
            ("printers.entries", &format!("kitchen = {bridge}")),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "another port of this machine is a printer");
}

/// The local CA signs `allowed_hosts`: from the page, no wildcard nor other forms, and
/// the CA's own files are never the certificate served (adversarial review of 1.1.0).
#[tokio::test]
async fn the_page_never_has_the_local_ca_vouch_for_other_sites() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let before = std::fs::read(app.config_path()).unwrap();
    let tls = app.data_dir().join("tls");
    let ca = tls.join("ca.pem").display().to_string();
    let ca_key = tls.join("ca-key.pem").display().to_string();
    for (field, value, message) in [
        (
            "server.allowed_hosts",
            "*.google.com",
            "par exemple caisse1.boutique.lan",
        ),
        (
            "server.allowed_hosts",
            "caisse1, www.bank.example/x",
            "par exemple caisse1.boutique.lan",
        ),
        (
            "server.cert_file",
            ca.as_str(),
            "autorité de certification locale",
        ),
        (
            "server.key_file",
            ca_key.as_str(),
            "autorité de certification locale",
        ),
    ] {
        let res = post_form(
            &client,
            &app.url("/config/save"),
            &[("csrf", &csrf), (field, value)],
        )
        .await;
        assert_eq!(res.status, 400, "{value:?}");
        assert!(res.body.contains(message), "{value:?}: no {message:?}");
        assert_eq!(
            std::fs::read(app.config_path()).unwrap(),
            before,
            "{value:?}"
        );
    }
    let res = post_form(
        &client,
        &app.url("/config/save"),
        &[
            ("csrf", &csrf),
            ("server.allowed_hosts", "caisse1.boutique.lan, 10.0.0.5"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "host names and addresses are accepted");
}

/// Third review: with the admin password, `server.host = <LAN address>` and the restart
/// button took the service off 127.0.0.1, where the POS on the till calls it. From the
/// page the listen address is 0.0.0.0 or 127.0.0.1.
#[tokio::test]
async fn the_page_cannot_take_the_service_off_the_tills_loopback() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let before = std::fs::read(app.config_path()).unwrap();
    for host in ["10.251.0.1", "192.168.1.20", "::1", "127.0.0.2"] {
        let res = post_form(
            &client,
            &app.url("/config/save"),
            &[("csrf", &csrf), ("server.host", host)],
        )
        .await;
        assert_eq!(res.status, 400, "{host}");
        assert!(res.body.contains("couperait la caisse"), "{host}");
        assert_eq!(std::fs::read(app.config_path()).unwrap(), before, "{host}");
    }
    for host in ["127.0.0.1", "0.0.0.0"] {
        let res = post_form(
            &client,
            &app.url("/config/save"),
            &[("csrf", &csrf), ("server.host", host)],
        )
        .await;
        assert_eq!(res.status, 303, "{host} is accepted");
    }
}
