//! Headless Chromium for browser tests, driven over the W3C WebDriver protocol (plain
//! JSON over HTTP to a chromedriver we start ourselves on a free loopback port).
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian: `chromium`,
//! `chromium-driver`).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

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
        for bin in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: apt-get install chromium chromium-driver"
            );
        }
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
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
        let args = [
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
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .chain(extra.iter().cloned())
        .collect::<Vec<_>>();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
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
