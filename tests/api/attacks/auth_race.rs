//! §5: authentication holds under concurrency and faults, against the real binary.
//!
//! - A burst of concurrent guesses is checked no more than the same guesses one by one
//!   would be, and the right password inside the burst does not log in (1.0.0 checked
//!   all 40 and logged in).
//! - The same for the current-password check of `/config/password`.
//! - A logout survives a restart, and a logout that cannot be recorded says so.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::helpers::admin::*;
use crate::helpers::binary::Binary;

/// The free failures of the throttle (`cashdrawer::auth::throttle::FREE_FAILURES`).
const ALLOWANCE: usize = cashdrawer::auth::throttle::FREE_FAILURES as usize;
const GUESSES: usize = 40;

fn data_dir_with_password(dir: &Path) {
    std::fs::write(
        dir.join("config.ini"),
        ini_with_password(&[("invoice_printer", "autoprint", "false")]),
    )
    .unwrap();
}

/// `GUESSES` wrong passwords from one address, all at once, with the right one sent in
/// the middle of the burst. Returns the status of every answer, the right one's last.
async fn burst(
    send: impl Fn(reqwest::Client, String) -> tokio::task::JoinHandle<u16>,
    clients: Vec<reqwest::Client>,
) -> (Vec<u16>, u16) {
    let mut clients = clients.into_iter();
    let mut wrong = Vec::new();
    for i in 0..GUESSES / 2 {
        wrong.push(send(clients.next().unwrap(), format!("mauvais-{i}")));
    }
    // Let the first guesses reach the service, so the right one is inside the burst.
    tokio::time::sleep(Duration::from_millis(30)).await;
    let right = send(clients.next().unwrap(), PYTHON_PASSWORD.to_string());
    for i in GUESSES / 2..GUESSES {
        wrong.push(send(clients.next().unwrap(), format!("mauvais-{i}")));
    }
    let mut statuses = Vec::new();
    for w in wrong {
        statuses.push(w.await.unwrap());
    }
    (statuses, right.await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_login_guesses_are_checked_one_at_a_time_within_the_allowance() {
    let dir = tempfile::tempdir().unwrap();
    data_dir_with_password(dir.path());
    let bin = Binary::start(dir.path(), &[]);
    let base = bin.url("");
    // Each guesser holds its own login form, as a script would.
    let mut clients = Vec::new();
    let mut tokens = std::collections::HashMap::new();
    for i in 0..=GUESSES {
        let client = browser();
        let form = get_html(&client, &format!("{base}/config/login")).await;
        tokens.insert(i, csrf_of(&form.body));
        clients.push(client);
    }
    let tokens = std::sync::Arc::new(std::sync::Mutex::new(
        (0..=GUESSES)
            .map(|i| tokens[&i].clone())
            .collect::<Vec<_>>(),
    ));
    let url = format!("{base}/config/login");
    let send = |client: reqwest::Client, password: String| {
        let csrf = tokens.lock().unwrap().remove(0);
        let url = url.clone();
        tokio::spawn(async move {
            post_form(
                &client,
                &url,
                &[("csrf", csrf.as_str()), ("password", password.as_str())],
            )
            .await
            .status
        })
    };
    let (wrong, right) = burst(send, clients).await;

    assert_ne!(right, 303, "the right password inside the burst logged in");
    assert_eq!(right, 429, "refused as throttled");
    let checked = wrong.iter().filter(|s| **s == 401).count();
    assert!(
        checked <= ALLOWANCE,
        "{checked} guesses were checked, the allowance is {ALLOWANCE}: {wrong:?}"
    );
    assert_eq!(
        wrong.iter().filter(|s| **s == 429).count(),
        GUESSES - checked,
        "every other guess is refused as throttled: {wrong:?}"
    );
    let log = bin.wait_log("échec de connexion");
    let failures = log.matches("échec de connexion depuis").count();
    assert!(
        failures <= ALLOWANCE,
        "{failures} bcrypt checks failed:\n{log}"
    );
    assert!(
        log.contains("vérification du mot de passe est en cours"),
        "the concurrent refusals are logged with their reason:\n{log}"
    );
    bin.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_current_password_guesses_on_config_password_are_throttled_too() {
    let dir = tempfile::tempdir().unwrap();
    data_dir_with_password(dir.path());
    let bin = Binary::start(dir.path(), &[]);
    let base = bin.url("");
    // One stolen session cookie, many guesses of the current password through it.
    let client = browser();
    let csrf = logged_in(&client, &base).await;
    let url = format!("{base}/config/password");
    let send = |client: reqwest::Client, current: String| {
        let (url, csrf) = (url.clone(), csrf.clone());
        tokio::spawn(async move {
            post_form(
                &client,
                &url,
                &[
                    ("csrf", csrf.as_str()),
                    ("current", current.as_str()),
                    ("new", "nouveau-mot-de-passe"),
                    ("confirm", "nouveau-mot-de-passe"),
                ],
            )
            .await
            .status
        })
    };
    let clients = vec![client.clone(); GUESSES + 1];
    let (wrong, right) = burst(send, clients).await;

    assert_ne!(right, 303, "the password was changed from inside the burst");
    let log = bin.wait_log("mot de passe actuel faux");
    let checked = log.matches("mot de passe actuel faux").count();
    assert!(
        checked <= ALLOWANCE,
        "{checked} current-password checks, the allowance is {ALLOWANCE}: {wrong:?}\n{log}"
    );
    assert!(
        !log.contains("mot de passe administrateur changé"),
        "changed:\n{log}"
    );
    bin.stop();
}

/// The session cookie set by a successful login, as `name=value`.
fn session_cookie_of(res: &Page) -> String {
    res.set_cookies
        .iter()
        .find(|c| c.starts_with("cashdrawer_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .expect("session cookie set")
}

/// `GET /config` with exactly this cookie: 200 means the session is valid.
async fn config_with_cookie(base: &str, cookie: &str) -> u16 {
    get_html_with_cookie(base, cookie).await.status
}

async fn get_html_with_cookie(base: &str, cookie: &str) -> Page {
    page(
        browser()
            .get(format!("{base}/config"))
            .header("Accept", "text/html")
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Logs in with a fresh browser; returns it, its session cookie and CSRF token.
async fn log_in(base: &str) -> (reqwest::Client, String, String) {
    let client = browser();
    let res = login(&client, base, PYTHON_PASSWORD).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let cookie = session_cookie_of(&res);
    let page = get_html(&client, &format!("{base}/config")).await;
    (client, cookie, csrf_of(&page.body))
}

#[tokio::test]
async fn a_logout_survives_a_restart_of_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    data_dir_with_password(dir.path());
    let bin = Binary::start(dir.path(), &[]);
    let base = bin.url("");
    let (client, gone, csrf) = log_in(&base).await;
    let (_other, kept, _) = log_in(&base).await;
    let out = post_form(
        &client,
        &format!("{base}/config/logout"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(
        (out.status, out.location.as_str()),
        (303, "/config/login?m=bye")
    );
    assert_ne!(config_with_cookie(&base, &gone).await, 200);
    bin.stop();

    let bin = Binary::start(dir.path(), &[]);
    let base = bin.url("");
    assert_eq!(
        config_with_cookie(&base, &kept).await,
        200,
        "the other session survives (same key)"
    );
    assert_ne!(
        config_with_cookie(&base, &gone).await,
        200,
        "the logged-out cookie works again after a restart"
    );
    bin.stop();
}

/// The data folder made unwritable while the service runs, even for root: `chattr +i`
/// (Linux refuses to remount a file system read-only while the service holds its log
/// open). Files already open (the log, in `logs/`) keep working. Undone when dropped.
struct Immutable<'a>(&'a Path);

impl<'a> Immutable<'a> {
    fn set(dir: &'a Path) -> Option<Immutable<'a>> {
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Immutable(dir))
    }
}

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.0).status();
    }
}

#[tokio::test]
async fn a_logout_that_cannot_be_recorded_answers_an_error_not_a_pretend_success() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    data_dir_with_password(data);
    let bin = Binary::start(data, &[]);
    let base = bin.url("");
    let (client, cookie, csrf) = log_in(&base).await;
    // The data folder turns read-only while the service runs.
    let Some(frozen) = Immutable::set(data) else {
        eprintln!("skipped: chattr +i is not available here (needs root and ext4/xfs)");
        return;
    };
    let out = post_form(
        &client,
        &format!("{base}/config/logout"),
        &[("csrf", &csrf)],
    )
    .await;
    drop(frozen);

    assert_eq!(out.status, 500, "{} {}", out.location, out.body);
    let body: serde_json::Value = serde_json::from_str(&out.body).expect("JSON error");
    assert_eq!(body["status"], "error");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("Déconnexion non enregistrée") && message.contains("sessions.revoked"),
        "the answer names what failed: {message}"
    );
    assert_ne!(
        config_with_cookie(&base, &cookie).await,
        200,
        "the session is still closed in this process"
    );
    // Logged (stderr: the log file itself was on the read-only disk at that moment).
    let logged = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        !bin.stderr_lines("déconnexion non enregistrée").is_empty()
    });
    assert!(logged, "the failed logout is logged");
    bin.stop();
}
