//! First run, login, the Python hash, throttling, session expiry, redirects and 401s.

use std::time::Duration;

use crate::helpers::admin::*;
use crate::helpers::{ini, TestApp};

#[tokio::test]
async fn first_run_local_caller_creates_the_password_with_rules() {
    let app = TestApp::spawn(&ini(&[("printer", "name", "virtual")])).await;
    let client = browser();
    let base = app.url("");
    let form = get_html(&client, &app.url("/config/login")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("id=\"setup-form\""), "{}", form.body);
    let csrf = csrf_of(&form.body);
    let url = app.url("/config/login");

    let short = post_form(
        &client,
        &url,
        &[("csrf", &csrf), ("password", "court"), ("confirm", "court")],
    )
    .await;
    assert_eq!(short.status, 400);
    assert!(
        short.body.contains("Au moins 8 caractères"),
        "{}",
        short.body
    );
    let mismatch = post_form(
        &client,
        &url,
        &[
            ("csrf", &csrf),
            ("password", "bon-mot-de-passe"),
            ("confirm", "autre-mot-de-passe"),
        ],
    )
    .await;
    assert_eq!(mismatch.status, 400);
    assert!(mismatch.body.contains("La confirmation ne correspond pas"));
    assert!(
        !std::fs::read_to_string(app.config_path())
            .unwrap()
            .contains("$2"),
        "nothing stored yet"
    );

    let ok = post_form(
        &client,
        &url,
        &[
            ("csrf", &csrf),
            ("password", "bon-mot-de-passe"),
            ("confirm", "bon-mot-de-passe"),
        ],
    )
    .await;
    assert_eq!(
        (ok.status, ok.location.as_str()),
        (303, "/config"),
        "{}",
        ok.body
    );
    let file = std::fs::read_to_string(app.config_path()).unwrap();
    let hash = file
        .lines()
        .find_map(|l| l.strip_prefix("password_hash = "))
        .unwrap();
    assert!(hash.starts_with("$2b$12$") && hash.len() == 60, "{hash}");
    let page = get_html(&client, &format!("{base}/config")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"config-form\""));

    // Once set, the setup form is gone: the login form asks for the password.
    let other = browser();
    let form = get_html(&other, &app.url("/config/login")).await;
    assert!(form.body.contains("id=\"login-form\""), "{}", form.body);
    assert!(login(&other, &base, "bon-mot-de-passe").await.status == 303);
}

#[tokio::test]
async fn first_run_form_needs_its_login_token() {
    let app = TestApp::spawn(&ini(&[("printer", "name", "virtual")])).await;
    let client = browser();
    let url = app.url("/config/login");
    let res = post_form(
        &client,
        &url,
        &[
            ("password", "bon-mot-de-passe"),
            ("confirm", "bon-mot-de-passe"),
        ],
    )
    .await;
    assert_eq!(res.status, 403, "{}", res.body);
    let res = post_form(
        &client,
        &url,
        &[
            ("csrf", "00ff"),
            ("password", "bon-mot-de-passe"),
            ("confirm", "bon-mot-de-passe"),
        ],
    )
    .await;
    assert_eq!(res.status, 403);
    assert!(!std::fs::read_to_string(app.config_path())
        .unwrap()
        .contains("$2"));
}

#[tokio::test]
async fn login_succeeds_with_a_python_bcrypt_hash_and_fails_with_a_wrong_password() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let base = app.url("");
    let wrong = login(&client, &base, "pas-le-bon").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Mot de passe incorrect"));
    assert!(wrong
        .set_cookies
        .iter()
        .all(|c| !c.starts_with("cashdrawer_session=")));

    let ok = login(&client, &base, PYTHON_PASSWORD).await;
    assert_eq!((ok.status, ok.location.as_str()), (303, "/config"));
    let cookie = ok
        .set_cookies
        .iter()
        .find(|c| c.starts_with("cashdrawer_session="))
        .expect("session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/;", "Max-Age=3600"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP: no Secure flag ({cookie})"
    );
    assert_eq!(get_html(&client, &app.url("/config")).await.status, 200);
}

#[tokio::test]
async fn unauthenticated_browsers_are_redirected_and_api_calls_get_401() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let page = get_html(&client, &app.url("/config")).await;
    assert_eq!(
        (page.status, page.location.as_str()),
        (303, "/config/login")
    );
    let (status, body) = app.get_json("/config").await;
    assert_eq!(status, 401);
    assert_eq!(body["status"], "error");
    let res = client
        .post(app.url("/config/save"))
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let res = client
        .post(app.url("/config/test-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn after_five_failures_waits_grow_even_for_the_right_password() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let base = app.url("");
    for _ in 0..5 {
        assert_eq!(login(&client, &base, "mauvais-mdp").await.status, 401);
    }
    let blocked = login(&client, &base, PYTHON_PASSWORD).await;
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert!(blocked.body.contains("Réessayez dans"));
    // The first wait is 1 s; after it the right password works again.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let ok = login(&client, &base, PYTHON_PASSWORD).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
}

#[tokio::test]
async fn sessions_expire_after_the_configured_lifetime() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let mut config = (*app.state.config()).clone();
    config.auth.session_lifetime = Duration::from_secs(2);
    app.state.replace_config(config);
    let client = browser();
    logged_in(&client, &app.url("")).await;
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let page = get_html(&client, &app.url("/config")).await;
    assert_eq!(
        (page.status, page.location.as_str()),
        (303, "/config/login")
    );
}

#[tokio::test]
async fn english_when_the_browser_asks() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let res = browser()
        .get(app.url("/config/login"))
        .header("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Administrator login") && body.contains("lang=\"en\""),
        "{body}"
    );
    let fr = get_html(&browser(), &app.url("/config/login")).await;
    assert!(fr.body.contains("Connexion administrateur") && fr.body.contains("lang=\"fr\""));
}
