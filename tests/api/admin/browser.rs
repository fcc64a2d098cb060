//! A real headless Chromium, driven through chromedriver (Debian packages `chromium`
//! and `chromium-driver`): log in, change the drawer command (with the preset list) and
//! the log retention, see them after a reload, see a wrong value refused with its
//! message and nothing saved, open the drawer from the test button, check the page fits
//! a phone screen, log out. Screenshots go to `target/tmp/` (test artifacts).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::admin::*;
use crate::helpers::TestApp;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub(crate) fn start() -> Option<Driver> {
        for exe in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(exe).exists() {
                eprintln!("SKIPPED: {exe} is missing (apt-get install chromium chromium-driver)");
                return None;
            }
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sets a permission (`local-network-access`...) for `c`'s current page origin, through
/// the W3C Permissions automation endpoint fantoccini has no method for; chromedriver's
/// answer (`{"value": null}` when it took it).
pub(crate) async fn set_permission(
    driver: &Driver,
    c: &Client,
    name: &str,
    state: &str,
) -> serde_json::Value {
    let session = c.session_id().await.unwrap().expect("a session");
    let url = format!(
        "http://127.0.0.1:{}/session/{session}/permissions",
        driver.port
    );
    let res = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(url)
        .json(&json!({"descriptor": {"name": name}, "state": state}))
        .send()
        .await
        .expect("chromedriver answers");
    res.json().await.unwrap_or_default()
}

async fn chromium(driver: &Driver, profile: &Path) -> Client {
    // The service's self-signed certificate (the HTTPS test); plain HTTP ignores it.
    chromium_with(driver, profile, true, &[]).await
}

/// A French Chromium (see [`chromium_in`]).
pub(crate) async fn chromium_with(
    driver: &Driver,
    profile: &Path,
    accept_insecure: bool,
    extra: &[&str],
) -> Client {
    chromium_in("fr-FR", driver, profile, accept_insecure, extra).await
}

/// Chromium in `lang` (`fr-FR`, `en-US`); `accept_insecure`: WebDriver's
/// `acceptInsecureCerts` (every certificate error ignored, page and fetches alike);
/// `extra`: more switches.
pub(crate) async fn chromium_in(
    lang: &str,
    driver: &Driver,
    profile: &Path,
    accept_insecure: bool,
    extra: &[&str],
) -> Client {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--lang={lang}"));
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra.iter().map(|s| s.to_string()));
    let caps = json!({
        "acceptInsecureCerts": accept_insecure,
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": args,
            "prefs": {"intl.accept_languages": format!("{lang},{}", &lang[..2])}
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
}

pub(crate) fn artifact(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(dir).unwrap();
    dir.join(name)
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

pub(crate) async fn type_into(c: &Client, name: &str, text: &str) {
    let input = c
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Logs in on the admin page at `base` (`http://host:port`) as a person does: the login
/// form, the shop's password, then the configuration page.
pub(crate) async fn log_in_with_chromium(c: &Client, base: &str) {
    c.goto(&format!("{base}/config")).await.unwrap();
    let password = c
        .wait()
        .for_element(Locator::Css("#login-form #password"))
        .await
        .unwrap();
    password.send_keys(PYTHON_PASSWORD).await.unwrap();
    c.find(Locator::Css("#login-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("config-form"))
        .await
        .unwrap();
}

/// Unfolds the "Advanced" section (a click on its summary, as a person does).
pub(crate) async fn open_advanced(c: &Client) {
    let open = c
        .execute("return document.getElementById('advanced').open;", vec![])
        .await
        .unwrap();
    if open != json!(true) {
        // Scrolled to the middle first, as a person scrolls to it: at the bottom edge of
        // the window the sticky save bar covers it.
        c.execute(
            "document.querySelector('#advanced > summary').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
        c.find(Locator::Css("#advanced > summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
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
    let password = c
        .wait()
        .for_element(Locator::Css("#login-form #password"))
        .await
        .unwrap();
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/config/login"));
    password.send_keys(PYTHON_PASSWORD).await.unwrap();
    c.find(Locator::Css("#login-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("config-form"))
        .await
        .unwrap();
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
    let password = c
        .wait()
        .for_element(Locator::Css("#login-form #password"))
        .await
        .unwrap();
    let url = c.current_url().await.unwrap();
    assert_eq!((url.scheme(), url.port()), ("https", Some(port)), "{url}");
    password.send_keys(PYTHON_PASSWORD).await.unwrap();
    c.find(Locator::Css("#login-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("config-form"))
        .await
        .unwrap();
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
    let password = c
        .wait()
        .for_element(Locator::Css("#login-form #password"))
        .await
        .unwrap();
    assert_eq!(c.current_url().await.unwrap().scheme(), "http");
    password.send_keys(PYTHON_PASSWORD).await.unwrap();
    c.find(Locator::Css("#login-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("config-form"))
        .await
        .unwrap();
    assert_eq!(c.current_url().await.unwrap().scheme(), "http");
    c.close().await.unwrap();
}
