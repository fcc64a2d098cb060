//! config.ini deleted or corrupted under the running service: it goes on with the last
//! configuration it loaded, the admin page says what is wrong (naming the file) instead
//! of saving a form built from nothing, and saving stays atomic.

use std::time::Duration;

use cashdrawer::config::{Config, ConfigStore};

use crate::helpers::admin::{
    browser, get_html, logged_in, post_form, PYTHON_HASH, PYTHON_PASSWORD,
};
use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::{ini, TestApp};

/// Not the default command: a service back on the defaults would send other bytes.
const COMMAND: &str = "1b70011afa";

async fn app_with_peer() -> (TestApp, PrinterPeer) {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::spawn(&ini(&[
        ("auth", "password_hash", PYTHON_HASH),
        ("printer", "name", &peer.target()),
        ("cashdrawer", "command", COMMAND),
    ]))
    .await;
    (app, peer)
}

/// The drawer still opens with the configured printer and command.
async fn still_on_last_good_config(app: &TestApp, peer: &PrinterPeer, jobs: usize) {
    assert_eq!(app.odoo_open_drawer().await.0, 200);
    let got = peer.wait_jobs(jobs, Duration::from_secs(5));
    assert_eq!(got.last().unwrap(), &vec![0x1b, 0x70, 0x01, 0x1a, 0xfa]);
    assert_eq!(app.get("/status").await.status(), 200);
}

async fn page_names_the_file(app: &TestApp, client: &reqwest::Client) {
    let page = get_html(client, &app.url("/config")).await;
    assert_eq!(page.status, 503, "{}", page.body);
    let path = app.config_path().display().to_string();
    assert!(
        page.body.contains(&path.replace('\\', "\\\\")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("dernière configuration valide"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn config_file_deleted_while_running_keeps_the_last_good_config() {
    let (app, peer) = app_with_peer().await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    std::fs::remove_file(app.config_path()).unwrap();

    still_on_last_good_config(&app, &peer, 1).await;
    page_names_the_file(&app, &client).await;
    let save = post_form(
        &client,
        &app.url("/config/save"),
        &[("csrf", &csrf), ("logs.retention_days", "40")],
    )
    .await;
    assert_eq!(save.status, 503, "{}", save.body);
    // Changing the password must not write a config.ini holding only [auth], which
    // would have put the running service back on the defaults.
    let change = post_form(
        &client,
        &app.url("/config/password"),
        &[
            ("csrf", &csrf),
            ("current", PYTHON_PASSWORD),
            ("new", "un-nouveau-mot-de-passe"),
            ("confirm", "un-nouveau-mot-de-passe"),
        ],
    )
    .await;
    assert!(change.status >= 400, "{} {}", change.status, change.body);
    assert!(!app.config_path().exists(), "nothing half-made was written");
    still_on_last_good_config(&app, &peer, 2).await;
    // A fresh login still works with the password in force.
    let other = browser();
    let res = crate::helpers::admin::login(&other, &app.url(""), PYTHON_PASSWORD).await;
    assert_eq!(
        (res.status, res.location.as_str()),
        (303, "/config"),
        "{}",
        res.body
    );
}

#[tokio::test]
async fn config_file_corrupted_while_running_keeps_the_last_good_config() {
    let (app, peer) = app_with_peer().await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let garbage = b"\x00\x00[printer\nname = \xff\xfe\n[[[\n".to_vec();
    std::fs::write(app.config_path(), &garbage).unwrap();

    still_on_last_good_config(&app, &peer, 1).await;
    page_names_the_file(&app, &client).await;
    let save = post_form(
        &client,
        &app.url("/config/save"),
        &[("csrf", &csrf), ("logs.retention_days", "40")],
    )
    .await;
    assert_eq!(save.status, 503, "{}", save.body);
    assert_eq!(
        std::fs::read(app.config_path()).unwrap(),
        garbage,
        "left for the admin to see"
    );
    still_on_last_good_config(&app, &peer, 2).await;
}

#[tokio::test]
async fn config_file_with_a_bad_value_written_while_running_is_not_applied() {
    let (app, peer) = app_with_peer().await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let text = std::fs::read_to_string(app.config_path()).unwrap();
    let bad = text.replace(COMMAND, "zz");
    std::fs::write(app.config_path(), &bad).unwrap();

    still_on_last_good_config(&app, &peer, 1).await;
    let page = get_html(&client, &app.url("/config")).await;
    assert_eq!(page.status, 200, "the page shows the file to fix it");
    let save = post_form(&client, &app.url("/config/save"), &[("csrf", &csrf)]).await;
    assert_eq!(save.status, 400, "{}", save.body);
    assert!(
        save.body.contains("id=\"error-cashdrawer.command\""),
        "{}",
        save.body
    );
    assert_eq!(std::fs::read_to_string(app.config_path()).unwrap(), bad);
    still_on_last_good_config(&app, &peer, 2).await;
}

/// Readers of config.ini (another process, an editor, the service at its next start)
/// only ever see a whole file, one of the versions saved, while saves follow each other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_from_the_admin_page_are_atomic_for_readers() {
    let (app, _peer) = app_with_peer().await;
    let client = browser();
    let csrf = logged_in(&client, &app.url("")).await;
    let store = ConfigStore::new(app.config_path());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        let path = app.config_path().display().to_string();
        std::thread::spawn(move || {
            let mut reads = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let ini = store
                    .read_ini()
                    .expect("config.ini always there and readable");
                let config = Config::from_ini(&ini, &path).expect("config.ini always whole");
                assert!(
                    [30, 40, 41].contains(&config.logs.retention_days),
                    "{:?}",
                    config.logs
                );
                reads += 1;
            }
            reads
        })
    };
    for i in 0..30 {
        let days = if i % 2 == 0 { "40" } else { "41" };
        let res = post_form(
            &client,
            &app.url("/config/save"),
            &[("csrf", &csrf), ("logs.retention_days", days)],
        )
        .await;
        assert_eq!(res.status, 303, "{}", res.body);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads = reader.join().expect("no torn read");
    assert!(reads > 0);
    let leftovers: Vec<_> = std::fs::read_dir(app.data_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
