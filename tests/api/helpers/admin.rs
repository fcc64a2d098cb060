//! Helpers of the admin tests: a browser-like client (cookies, no redirects followed)
//! and the forms of the page.

use std::path::Path;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::json;

use super::TestApp;

/// A hash made by Python's bcrypt (`bcrypt.hashpw(b"motdepasse-python",
/// bcrypt.gensalt(rounds=12))`, bcrypt 5.0), as the original service stored it.
pub const PYTHON_HASH: &str = "$2b$12$NSQqshq9D.sbHM.8dfvJ5eFCI6o8C9td9YhsoLBlQANpLMJ2F0QS.";
pub const PYTHON_PASSWORD: &str = "motdepasse-python";

/// A config.ini with the admin password already set (the Python fixture).
pub fn ini_with_password(extra: &[(&str, &str, &str)]) -> String {
    let mut settings = vec![
        ("auth", "password_hash", PYTHON_HASH),
        ("printer", "name", "virtual"),
    ];
    settings.extend_from_slice(extra);
    super::ini(&settings)
}

/// A client that keeps cookies like a browser and shows redirects instead of following.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first `name="csrf" value="..."` (or the meta tag) in a page.
pub fn csrf_of(html: &str) -> String {
    for marker in ["name=\"csrf\" value=\"", "name=\"csrf-token\" content=\""] {
        if let Some(start) = html.find(marker) {
            let rest = &html[start + marker.len()..];
            let token = &rest[..rest.find('"').unwrap()];
            if !token.is_empty() {
                return token.to_string();
            }
        }
    }
    panic!("no CSRF token in page:\n{html}")
}

pub struct Page {
    pub status: u16,
    pub location: String,
    pub set_cookies: Vec<String>,
    pub body: String,
}

pub async fn page(res: reqwest::Response) -> Page {
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    let set_cookies = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_string())
        .collect();
    Page {
        status,
        location,
        set_cookies,
        body: res.text().await.unwrap(),
    }
}

/// GET asking for HTML, as a browser does.
pub async fn get_html(client: &reqwest::Client, url: &str) -> Page {
    page(
        client
            .get(url)
            .header("Accept", "text/html")
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn post_form(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> Page {
    page(
        client
            .post(url)
            .header("Accept", "text/html")
            .form(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Opens the login page and submits `password`; returns the answer to the POST.
pub async fn login(client: &reqwest::Client, base: &str, password: &str) -> Page {
    let form = get_html(client, &format!("{base}/config/login")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = csrf_of(&form.body);
    post_form(
        client,
        &format!("{base}/config/login"),
        &[("csrf", &csrf), ("password", password)],
    )
    .await
}

/// Logs in and returns the session's CSRF token, read from the page.
pub async fn logged_in(client: &reqwest::Client, base: &str) -> String {
    let res = login(client, base, PYTHON_PASSWORD).await;
    assert_eq!(
        (res.status, res.location.as_str()),
        (303, "/config"),
        "{}",
        res.body
    );
    let page = get_html(client, &format!("{base}/config")).await;
    assert_eq!(page.status, 200);
    csrf_of(&page.body)
}

/// The service on a data folder the test owns (to restart it on the same folder),
/// serving HTTPS beside HTTP as the admin page wants.
pub async fn https_app(data_dir: &Path) -> TestApp {
    let app = TestApp::start_in(data_dir).await;
    assert!(app.https_enabled());
    app
}

pub async fn type_into(c: &Client, name: &str, text: &str) {
    let input = c
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Logs in on the admin page at `base` (`http://host:port`) as a person does: the login
/// form, the shop's password, then the configuration page.
pub async fn log_in_with_chromium(c: &Client, base: &str) {
    c.goto(&format!("{base}/config")).await.unwrap();
    let password = login_form(c).await;
    submit_login(c, password).await;
}

/// The login form's password field, once the page shows it.
pub async fn login_form(c: &Client) -> Element {
    c.wait()
        .for_element(Locator::Css("#login-form #password"))
        .await
        .unwrap()
}

/// Types the shop's password into the login form, submits it, and waits for the
/// configuration page.
pub async fn submit_login(c: &Client, password: Element) {
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
pub async fn open_advanced(c: &Client) {
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
