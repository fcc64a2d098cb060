//! `set-password` from the command line, and the log lines of refusals (the real binary,
//! whose log file is the one the shop reads).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::admin::*;
use crate::helpers::binary::{Binary, BIN};
use crate::helpers::TestApp;

fn set_password(data_dir: &std::path::Path, input: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("set-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn set_password_from_stdin_resets_it_for_the_running_service() {
    let app = TestApp::spawn(&ini_with_password(&[])).await;
    let short = tokio::task::spawn_blocking({
        let dir = app.data_dir().to_path_buf();
        move || set_password(&dir, "court\n")
    })
    .await
    .unwrap();
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("8 caractères"));
    assert!(std::fs::read_to_string(app.config_path())
        .unwrap()
        .contains(PYTHON_HASH));

    let ok = tokio::task::spawn_blocking({
        let dir = app.data_dir().to_path_buf();
        move || set_password(&dir, "oublié-puis-changé\n")
    })
    .await
    .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let base = app.url("");
    assert_eq!(login(&browser(), &base, PYTHON_PASSWORD).await.status, 401);
    assert_eq!(
        login(&browser(), &base, "oublié-puis-changé").await.status,
        303
    );
}

#[tokio::test]
async fn failed_logins_and_refusals_are_logged_with_the_address() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.ini"), ini_with_password(&[])).unwrap();
    let mut svc = Binary::start(dir.path(), &[]);
    let base = svc.url("");
    let client = browser();
    assert_eq!(login(&client, &base, "mauvais-mdp").await.status, 401);
    let res = client
        .post(format!("{base}/config/login"))
        .form(&[("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = client
        .get(format!("{base}/config/login"))
        .header("Host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    svc.kill();
    let log = std::fs::read_to_string(dir.path().join("logs/cashdrawer.log")).unwrap();
    for expected in [
        "échec de connexion depuis 127.0.0.1 (1 échec(s) de suite)",
        "requête refusée sur /config/login depuis 127.0.0.1: jeton",
        "nom d'hôte refusé \"evil.example\"",
    ] {
        assert!(log.contains(expected), "missing {expected:?} in\n{log}");
    }
    assert!(!log.contains("mauvais-mdp"), "passwords never logged");
}
