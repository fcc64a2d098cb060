//! CSRF on every state-changing request, logout, and password change.

use crate::helpers::admin::*;
use crate::helpers::TestApp;

#[tokio::test]
async fn state_changes_need_the_session_csrf_token() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let before = std::fs::read(app.config_path()).unwrap();
    let save = app.url("/config/save");

    let missing = post_form(&client, &save, &[("logs.retention_days", "12")]).await;
    assert_eq!(missing.status, 403, "{}", missing.body);
    assert!(missing.body.contains("jeton CSRF manquant"));
    let wrong = post_form(
        &client,
        &save,
        &[("csrf", &"0".repeat(64)), ("logs.retention_days", "12")],
    )
    .await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("jeton CSRF invalide"));
    let foreign = client
        .post(&save)
        .header("Origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str()), ("logs.retention_days", "12")])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    assert_eq!(
        std::fs::read(app.config_path()).unwrap(),
        before,
        "nothing saved"
    );

    let right = post_form(
        &client,
        &save,
        &[("csrf", &csrf), ("logs.retention_days", "12")],
    )
    .await;
    assert_eq!(
        (right.status, right.location.as_str()),
        (303, "/config?saved=1"),
        "{}",
        right.body
    );
    assert!(std::fs::read_to_string(app.config_path())
        .unwrap()
        .contains("retention_days = 12"));
    assert_eq!(app.state.config().logs.retention_days, 12);

    // The JS button sends the token in a header.
    let no_header = client
        .post(app.url("/config/test-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_header.status().as_u16(), 403);
    let body: serde_json::Value = no_header.json().await.unwrap();
    assert_eq!(body["status"], "error", "API callers get the JSON error");
    let with_header = client
        .post(app.url("/config/test-drawer"))
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(with_header.status().as_u16(), 200);
    let body: serde_json::Value = with_header.json().await.unwrap();
    assert_eq!(body["status"], "success");
}

#[tokio::test]
async fn logout_needs_the_token_and_kills_copies_of_the_cookie() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    let base = app.url("");
    let res = login(&client, &base, PYTHON_PASSWORD).await;
    let cookie = res
        .set_cookies
        .iter()
        .find(|c| c.starts_with("cashdrawer_session="))
        .unwrap();
    let cookie_pair = cookie.split(';').next().unwrap().to_string();
    let page = get_html(&client, &app.url("/config")).await;
    let csrf = csrf_of(&page.body);

    // A link without the token (another site's <img src>) does nothing.
    let res = get_html(&client, &app.url("/config/logout")).await;
    assert_eq!(res.location, "/config");
    assert_eq!(get_html(&client, &app.url("/config")).await.status, 200);

    let res = get_html(&client, &app.url(&format!("/config/logout?csrf={csrf}"))).await;
    assert_eq!(
        (res.status, res.location.as_str()),
        (303, "/config/login?m=bye")
    );
    assert_eq!(get_html(&client, &app.url("/config")).await.status, 303);
    // A copy of the old cookie is refused too.
    let copy = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = copy
        .get(app.url("/config"))
        .header("Cookie", &cookie_pair)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
}

#[tokio::test]
async fn password_change_needs_the_current_one_and_ends_every_session() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let base = app.url("");
    let client = browser();
    let other = browser();
    let csrf = logged_in(&client, &base).await;
    logged_in(&other, &base).await;
    let url = app.url("/config/password");

    let wrong = post_form(
        &client,
        &url,
        &[
            ("csrf", &csrf),
            ("current", "pas-le-bon"),
            ("new", "nouveau-mdp-1"),
            ("confirm", "nouveau-mdp-1"),
        ],
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.body.contains("id=\"password-error\""),
        "{}",
        wrong.body
    );
    let short = post_form(
        &client,
        &url,
        &[
            ("csrf", &csrf),
            ("current", PYTHON_PASSWORD),
            ("new", "court"),
            ("confirm", "court"),
        ],
    )
    .await;
    assert_eq!(short.status, 400);
    assert!(short.body.contains("Au moins 8 caractères"));
    assert!(std::fs::read_to_string(app.config_path())
        .unwrap()
        .contains(PYTHON_HASH));

    let ok = post_form(
        &client,
        &url,
        &[
            ("csrf", &csrf),
            ("current", PYTHON_PASSWORD),
            ("new", "nouveau-mdp-1"),
            ("confirm", "nouveau-mdp-1"),
        ],
    )
    .await;
    assert_eq!(
        (ok.status, ok.location.as_str()),
        (303, "/config/login?m=changed"),
        "{}",
        ok.body
    );
    assert!(!std::fs::read_to_string(app.config_path())
        .unwrap()
        .contains(PYTHON_HASH));
    assert_eq!(
        get_html(&client, &app.url("/config")).await.status,
        303,
        "this session ended"
    );
    assert_eq!(
        get_html(&other, &app.url("/config")).await.status,
        303,
        "every session ended"
    );
    assert_eq!(login(&client, &base, PYTHON_PASSWORD).await.status, 401);
    assert_eq!(login(&client, &base, "nouveau-mdp-1").await.status, 303);
}
