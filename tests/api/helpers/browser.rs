//! Headless Chromium for browser tests, driven over the W3C WebDriver protocol by a
//! chromedriver we start ourselves on a free loopback port: `Browser` (plain JSON over
//! HTTP: scripts run in a page) or `Driver` + fantoccini (`chromium_in`: clicks and
//! forms, for the admin page).
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian: `chromium`,
//! `chromium-driver`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free loopback port: (its process, its port).
fn spawn_chromedriver() -> (Child, u16) {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    (child, port)
}

/// The switches of every test Chromium: headless, a fresh profile in `profile`, no
/// background traffic of its own.
fn headless_args(profile: &Path) -> Vec<String> {
    [
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
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    client: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium (new profile, no background
    /// traffic).
    pub async fn start() -> Browser {
        Self::start_with(&[]).await
    }

    /// Same, with extra Chromium switches.
    pub async fn start_with(extra: &[String]) -> Browser {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: apt-get install chromium chromium-driver"
            );
        }
        let (driver, port) = spawn_chromedriver();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = client.get(format!("{base}/status")).send().await;
            if let Ok(res) = ready {
                let body: Value = res.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver not ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut args = headless_args(profile.path());
        args.extend(extra.iter().cloned());
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            client,
            _profile: profile,
        };
        let created = browser.call("POST", "/session", caps).await;
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        browser
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{}", self.base, path);
        let req = match method {
            "POST" => self.client.post(url).json(&body),
            "DELETE" => self.client.delete(url),
            _ => self.client.get(url),
        };
        let res = req.send().await.expect("chromedriver answers");
        let value: Value = res.json().await.expect("WebDriver JSON");
        let value = value["value"].clone();
        assert!(value.get("error").is_none(), "WebDriver error: {value}");
        value
    }

    /// Sets a permission for the current page's origin (W3C Permissions automation).
    pub async fn set_permission(&self, name: &str, state: &str) -> serde_json::Value {
        let url = format!("{}/session/{}/permissions", self.base, self.session);
        let res = self
            .client
            .post(url)
            .json(&json!({"descriptor": {"name": name}, "state": state}))
            .send()
            .await
            .expect("chromedriver answers");
        res.json().await.unwrap_or_default()
    }

    pub async fn goto(&self, url: &str) {
        let path = format!("/session/{}/url", self.session);
        self.call("POST", &path, json!({"url": url})).await;
    }

    /// Runs `script` as an async function body: `arguments[arguments.length - 1]` is
    /// the callback that returns its value.
    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        let path = format!("/session/{}/timeouts", self.session);
        self.call("POST", &path, json!({"script": 60_000})).await;
        let path = format!("/session/{}/execute/async", self.session);
        self.call("POST", &path, json!({"script": script, "args": args}))
            .await
    }
}

impl Drop for Browser {
    /// Ends the session (which closes Chromium), even when the test panicked, then stops
    /// our chromedriver. Plain blocking HTTP: no runtime is guaranteed in `drop`.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let host = self.base.trim_start_matches("http://").to_string();
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
            self.session
        );
        if let Ok(mut s) = std::net::TcpStream::connect(&host) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
            if s.write_all(request.as_bytes()).is_ok() {
                let _ = s.read_to_end(&mut Vec::new());
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Serves `html` at `/` on its own loopback port: the POS page's stand-in, another
/// origin than the service. Returns its `host:port`.
pub async fn serve_page(html: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || async move { axum::response::Html(html) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr.to_string()
}

/// Serves `html` at `/` and the files under `root` at their paths, on its own loopback
/// port: a page that loads ES modules (which Chromium runs only with a JavaScript MIME
/// type). Paths with `..` are refused. Returns its `host:port`.
pub async fn serve_site(html: String, root: std::path::PathBuf) -> String {
    use axum::http::{header, StatusCode, Uri};
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let file = move |uri: Uri| async move {
        let path = uri.path().trim_start_matches('/');
        let kind = match path.rsplit('.').next() {
            Some("js") => "text/javascript",
            Some("xml") => "application/xml",
            _ => "application/octet-stream",
        };
        let inside = !path.split('/').any(|part| part == "..");
        match inside.then(|| std::fs::read(root.join(path))) {
            Some(Ok(body)) => ([(header::CONTENT_TYPE, kind)], body).into_response(),
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    };
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(move || async move { axum::response::Html(html) }),
        )
        .fallback(file);
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr.to_string()
}

/// chromedriver for the fantoccini tests (`None`, with the reason printed, when Chromium
/// is not installed).
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub fn start() -> Option<Driver> {
        for exe in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(exe).exists() {
                eprintln!("SKIPPED: {exe} is missing (apt-get install chromium chromium-driver)");
                return None;
            }
        }
        let (child, port) = spawn_chromedriver();
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
pub async fn set_permission(
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

/// A French Chromium (see [`chromium_in`]).
pub async fn chromium_with(
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
pub async fn chromium_in(
    lang: &str,
    driver: &Driver,
    profile: &Path,
    accept_insecure: bool,
    extra: &[&str],
) -> Client {
    let mut args = headless_args(profile);
    args.push(format!("--lang={lang}"));
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

/// A file for a test artifact (screenshots), under `target/tmp/`.
pub fn artifact(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(dir).unwrap();
    dir.join(name)
}
