//! A real headless Chromium, driven through chromedriver (Debian packages `chromium`
//! and `chromium-driver`): log in, change the drawer command (with the preset list) and
//! the log retention, see them after a reload, see a wrong value refused with its
//! message and nothing saved, open the drawer from the test button, check the page fits
//! a phone screen, log out. Screenshots go to `target/tmp/` (test artifacts).

use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::helpers::admin::*;
use crate::helpers::browser::{artifact, chromium_with, Driver};
use crate::helpers::TestApp;

async fn chromium(driver: &Driver, profile: &Path) -> Client {
    // The service's self-signed certificate (the HTTPS test); plain HTTP ignores it.
    chromium_with(driver, profile, true, &[]).await
}

async fn value_of(c: &Client, name: &str) -> String {
    c.find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_logs_in_changes_settings_sees_errors_and_logs_out() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let profile = tempfile::tempdir().unwrap();
    let c = chromium(&driver, profile.path()).await;
    c.set_window_size(1280, 1800).await.unwrap();

    // Not logged in: the page sends the browser to the login form.
    c.goto(&app.url("/config")).await.unwrap();
    let password = login_form(&c).await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/config/login"));
    submit_login(&c, password).await;
    assert_eq!(value_of(&c, "cashdrawer.command").await, "1b70001afa");

    // Drawer command from the preset list (the script copies it into the field),
    // and the log retention typed in.
    let preset = c
        .find(Locator::Css("[id='preset-cashdrawer.command']"))
        .await
        .unwrap();
    preset.select_by_value("1b70011afa").await.unwrap();
    assert_eq!(value_of(&c, "cashdrawer.command").await, "1b70011afa");
    // The log retention is under "Advanced", folded: opened first.
    open_advanced(&c).await;
    type_into(&c, "logs.retention_days", "21").await;
    c.find(Locator::Id("save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c.wait().for_element(Locator::Id("notice")).await.unwrap();
    assert!(notice
        .text()
        .await
        .unwrap()
        .contains("Configuration enregistrée"));
    c.refresh().await.unwrap();
    c.wait()
        .for_element(Locator::Id("config-form"))
        .await
        .unwrap();
    assert_eq!(value_of(&c, "cashdrawer.command").await, "1b70011afa");
    assert_eq!(value_of(&c, "logs.retention_days").await, "21");
    assert_eq!(app.state.config().logs.retention_days, 21);
    let shot = c.screenshot().await.unwrap();
    std::fs::write(artifact("admin-page.png"), &shot).unwrap();

    // A wrong value: its message next to the field, and nothing saved.
    let before = std::fs::read(app.config_path()).unwrap();
    open_advanced(&c).await;
    type_into(&c, "logs.retention_days", "0").await;
    type_into(&c, "cashdrawer.command", "1b70001afa").await;
    c.find(Locator::Id("save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = c
        .wait()
        .for_element(Locator::Css("[id='error-logs.retention_days']"))
        .await
        .unwrap();
    assert!(error.text().await.unwrap().contains("entre 1 et 3650"));
    // The refused field is under "Advanced": the page comes back with it unfolded.
    let open = c
        .execute("return document.getElementById('advanced').open;", vec![])
        .await
        .unwrap();
    assert_eq!(open, json!(true), "the refused field is hidden");
    assert_eq!(
        std::fs::read(app.config_path()).unwrap(),
        before,
        "nothing saved"
    );
    assert_eq!(app.state.config().cashdrawer.command.to_hex(), "1b70011afa");
    std::fs::write(
        artifact("admin-page-error.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // The test button opens the drawer (virtual printer) through the page's script.
    c.goto(&app.url("/config")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("test-drawer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let result = c
        .wait()
        .for_element(Locator::Css("#drawer-result.notice"))
        .await
        .unwrap();
    assert!(result
        .text()
        .await
        .unwrap()
        .contains("Tiroir-caisse ouvert"));

    // The last log lines, shown in the page by its script (the session opens /logs/tail).
    c.find(Locator::Css("#logs-tail button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = c
        .wait()
        .for_element(Locator::Css("#logs-lines:not([hidden])"))
        .await
        .unwrap();
    assert!(!shown
        .text()
        .await
        .unwrap()
        .contains("Authentification requise"));

    // On a phone-sized screen nothing sticks out sideways.
    c.set_window_size(390, 844).await.unwrap();
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, json!(true), "the page is wider than a phone screen");
    std::fs::write(
        artifact("admin-page-phone.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // Log out: back to the login form, and the page is closed again.
    c.find(Locator::Id("logout"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let bye = c.wait().for_element(Locator::Id("notice")).await.unwrap();
    assert!(bye.text().await.unwrap().contains("déconnecté"));
    c.goto(&app.url("/config")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("login-form"))
        .await
        .unwrap();
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_follows_https_only_to_tls_on_the_same_port_and_logs_in() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(&ini_with_password(&[("server", "https_only", "true")])).await;
    let profile = tempfile::tempdir().unwrap();
    let c = chromium(&driver, profile.path()).await;
    let port = app.addr.port();
    c.goto(&format!("http://127.0.0.1:{port}/config"))
        .await
        .unwrap();
    let password = login_form(&c).await;
    let url = c.current_url().await.unwrap();
    assert_eq!((url.scheme(), url.port()), ("https", Some(port)), "{url}");
    submit_login(&c, password).await;
    // The Secure session cookie came back over TLS: the page is open, still in HTTPS.
    assert_eq!(c.current_url().await.unwrap().scheme(), "https");
    // The drawer route still answers plain HTTP (the Odoo module's call).
    assert_eq!(app.odoo_open_drawer().await.0, 200);

    // https_only turned off: the same browser can log in over plain HTTP too (its HTTPS
    // session cookie, being Secure, must not share a name with the HTTP one).
    let mut config = (*app.state.config()).clone();
    config.server.https_only = false;
    app.state.replace_config(config);
    c.goto(&format!("http://127.0.0.1:{port}/config"))
        .await
        .unwrap();
    let password = login_form(&c).await;
    assert_eq!(c.current_url().await.unwrap().scheme(), "http");
    submit_login(&c, password).await;
    assert_eq!(c.current_url().await.unwrap().scheme(), "http");
    c.close().await.unwrap();
}
