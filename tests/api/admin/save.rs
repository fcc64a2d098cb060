//! Saving the configuration: every field checked, errors next to their field, nothing
//! written when anything is wrong.

use crate::helpers::admin::*;
use crate::helpers::TestApp;

#[tokio::test]
async fn invalid_fields_show_their_message_and_nothing_is_saved() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let before = std::fs::read(app.config_path()).unwrap();
    let res = post_form(
        &client,
        &app.url("/config/save"),
        &[
            ("csrf", &csrf),
            ("cashdrawer.command", "1b7"),
            ("logs.retention_days", "0"),
            ("server.allowed_networks", "192.168.1.0/33"),
            ("printer.write_timeout_ms", "900"),
        ],
    )
    .await;
    assert_eq!(res.status, 400);
    for field in [
        "cashdrawer.command",
        "logs.retention_days",
        "server.allowed_networks",
    ] {
        assert!(
            res.body.contains(&format!("id=\"error-{field}\"")),
            "no message for {field}"
        );
    }
    assert!(!res.body.contains("id=\"error-printer.write_timeout_ms\""));
    assert!(res
        .body
        .contains("été enregistré: corrigez les champs signalés"));
    assert!(
        res.body.contains("value=\"1b7\""),
        "the typed value is shown back"
    );
    assert_eq!(std::fs::read(app.config_path()).unwrap(), before);
    assert_eq!(app.state.config().printer.timeouts.write.as_millis(), 2000);
}

#[tokio::test]
async fn valid_values_are_saved_applied_and_restart_is_announced() {
    let app = TestApp::spawn(&format!("{}[custom]\nkept = yes\n", ini_with_password(&[]))).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let res = post_form(
        &client,
        &app.url("/config/save"),
        &[
            ("csrf", &csrf),
            ("cashdrawer.command", "1b70011afa"),
            ("logs.retention_days", "45"),
        ],
    )
    .await;
    assert_eq!(res.location, "/config?saved=1");
    let config = app.state.config();
    assert_eq!(config.cashdrawer.command.to_hex(), "1b70011afa");
    assert_eq!(config.logs.retention_days, 45);
    let file = std::fs::read_to_string(app.config_path()).unwrap();
    assert!(file.contains("kept = yes"), "unknown keys survive: {file}");
    assert!(file.contains(PYTHON_HASH), "the password is untouched");
    let page = get_html(&client, &app.url(&res.location)).await;
    assert!(page.body.contains("value=\"1b70011afa\"") && page.body.contains("value=\"45\""));
    assert!(page.body.contains("id=\"notice\""));

    let res = post_form(
        &client,
        &app.url("/config/save"),
        &[("csrf", &csrf), ("server.port", "22549")],
    )
    .await;
    assert_eq!(res.location, "/config?saved=1&restart=1");
    let page = get_html(&client, &app.url(&res.location)).await;
    assert!(page.body.contains("id=\"restart-needed\""));
}

/// The parsers answer in French; the English page shows their messages (and the drawer
/// presets) in English, the French page (same post, no Accept-Language) keeps the French.
#[tokio::test]
async fn field_errors_follow_the_page_language() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let english = reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(
                reqwest::header::ACCEPT_LANGUAGE,
                reqwest::header::HeaderValue::from_static("en-US,en;q=0.9"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let french = browser();
    let bad = [("logs.retention_days", "0"), ("printer.name", "tcp://h:0")];
    for (client, expected, not_expected) in [
        (
            &english,
            [
                "id=\"error-logs.retention_days\">whole number between 1 and 3650 expected</p>",
                "invalid port &#34;0&#34; in tcp://; expected tcp://192.168.1.50:9100</p>",
                "Nothing was saved",
                "ESC p 0 — pin 2 (drawer 1), 52 ms / 500 ms (1b70001afa)",
            ],
            "attendu",
        ),
        (
            &french,
            [
                "id=\"error-logs.retention_days\">nombre entier entre 1 et 3650 attendu</p>",
                "port &#34;0&#34; invalide dans tcp://; attendu tcp://192.168.1.50:9100</p>",
                "Rien n&#39;a été enregistré",
                "ESC p 0 — broche 2 (tiroir 1), 52 ms / 500 ms (1b70001afa)",
            ],
            "expected",
        ),
    ] {
        let csrf = logged_in(client, &app.url("")).await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(bad);
        let res = post_form(client, &app.url("/config/save"), &form).await;
        assert_eq!(res.status, 400);
        for text in expected {
            assert!(res.body.contains(text), "{text} not in:\n{}", res.body);
        }
        assert!(!res.body.contains(not_expected), "{}", res.body);
    }
}
