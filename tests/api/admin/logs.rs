//! The admin session also opens the admin-only log routes (`/logs/tail`,
//! `/logs/purge`, issue 4), with the same CSRF token; and what the page never edits.

use crate::helpers::admin::*;
use crate::helpers::TestApp;

#[tokio::test]
async fn the_admin_session_opens_log_tail_and_purge_with_its_csrf_token() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let client = browser();
    assert_eq!(
        client
            .get(app.url("/logs/tail?lines=5"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let csrf = logged_in(&client, &app.url("")).await;

    let tail = client
        .get(app.url("/logs/tail?lines=5&level=info"))
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status().as_u16(), 200);
    let body: serde_json::Value = tail.json().await.unwrap();
    assert_eq!(body["status"], "success");

    let purge = app.url("/logs/purge");
    assert_eq!(
        client.post(&purge).send().await.unwrap().status().as_u16(),
        403
    );
    let wrong = client
        .post(&purge)
        .form(&[("csrf", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
    let foreign = client
        .post(&purge)
        .header("Origin", "https://evil.example")
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    let ok = client
        .post(&purge)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let ok = client
        .post(&purge)
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);

    // After logout the same cookie jar opens nothing.
    get_html(&client, &app.url(&format!("/config/logout?csrf={csrf}"))).await;
    assert_eq!(
        client
            .get(app.url("/logs/tail"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn the_page_never_writes_the_invoice_command_or_the_password_hash() {
    let app = TestApp::spawn(&ini_with_password(&[("invoice_printer", "command", "")])).await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let res = post_form(
        &client,
        &app.url("/config/save"),
        &[
            ("csrf", &csrf),
            ("invoice_printer.command", "calc.exe {file}"),
            (
                "auth.password_hash",
                "$2b$12$AAAAshq9D.sbHM.8dfvJ5eFCI6o8C9td9YhsoLBlQANpLMJ2F0QS.",
            ),
            ("logs.retention_days", "31"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let file = std::fs::read_to_string(app.config_path()).unwrap();
    assert!(file.contains("retention_days = 31"));
    assert!(!file.contains("calc.exe"), "{file}");
    assert!(file.contains(PYTHON_HASH));
    let page = get_html(&client, &app.url("/config")).await;
    assert!(!page.body.contains("name=\"invoice_printer.command\""));
    assert!(
        page.body.contains("name=\"odoo.paper_width\"")
            && page.body.contains("name=\"invoice_printer.retries\"")
    );
}
