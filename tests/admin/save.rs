//! Saving the configuration: every field checked, errors next to their field, nothing
//! written when anything is wrong.

use crate::common::TestApp;
use crate::support::*;

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
