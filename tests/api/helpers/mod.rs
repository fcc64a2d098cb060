//! Test helpers: the real service on 127.0.0.1:0 (`TestApp`), the real binary
//! (`binary`), real printer peers and the tools around them. Every helper is used by
//! some test of this crate; there is no other copy.

pub mod admin;
pub mod binary;
pub mod browser;
#[cfg(unix)]
pub mod disk;
pub mod invoices;
pub mod log_lines;
#[cfg(target_os = "linux")]
pub mod netns;
pub mod odoo;
pub mod peer;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use cashdrawer::app::{Application, Settings};
use cashdrawer::shutdown::Shutdown;
use cashdrawer::state::AppState;

/// The original service's config.ini, as Windows Notepad saves it (BOM + CRLF).
pub const ORIGINAL_INI: &str = "\u{feff}[auth]\r\npassword_hash = \r\nsalt = \r\n\r\n[printer]\r\nname = TICKET\r\n\r\n[cashdrawer]\r\ncommand = 1b70001afa\r\n\r\n[invoice_printer]\r\nautoprint = true\r\nname = FACTURE\r\nprinter_ip = \r\nprinter_port = 9100\r\ndownload_folder = C:\\Users\\Public\\Downloads\r\nscan_frequency = 5\r\nopen_delay = 10\r\npurge_on_start = true\r\nfile_extensions = .pdf\r\n\r\n[server]\r\nport = 22548\r\nhost = 0.0.0.0\r\n\r\n[logs]\r\nfolder = logs\r\nfilename = cashdrawer.log\r\nretention_days = 30\r\n";

/// A running service, in this process, on 127.0.0.1 port 0 (or the address asked for),
/// with a data folder of its own (`spawn*`) or one the test owns (`spawn_in`,
/// `start_in`: to restart the service on the same folder). Stops when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub client: reqwest::Client,
    data_dir: PathBuf,
    https: bool,
    shutdown: Shutdown,
    /// The data folder when the app owns it: removed after the service has stopped.
    _owned_dir: Option<tempfile::TempDir>,
}

/// A plain HTTP client (no proxy), for the tests that talk to the real binary.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// Builds a config.ini text: `sections` is a list of (section, key, value) set over
/// the defaults the service writes.
pub fn ini(settings: &[(&str, &str, &str)]) -> String {
    let mut out = String::new();
    let mut sections: Vec<&str> = Vec::new();
    for (s, _, _) in settings {
        if !sections.contains(s) {
            sections.push(s);
        }
    }
    for s in sections {
        out.push_str(&format!("[{s}]\n"));
        for (_, k, v) in settings.iter().filter(|(sec, _, _)| *sec == s) {
            out.push_str(&format!("{k} = {v}\n"));
        }
        out.push('\n');
    }
    out
}

impl TestApp {
    /// Starts the service with this config.ini content, on 127.0.0.1:0.
    pub async fn spawn(config_ini: &str) -> TestApp {
        Self::spawn_on(config_ini, "127.0.0.1:0".parse().unwrap()).await
    }

    pub async fn spawn_on(config_ini: &str, listen: SocketAddr) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        // Invoice printing is on by default and watches ~/Downloads: keep tests that do
        // not set it up away from the developer's own files.
        let config_ini = if config_ini.contains("[invoice_printer]") {
            config_ini.to_string()
        } else {
            format!("{config_ini}\n[invoice_printer]\nautoprint = false\n")
        };
        std::fs::write(dir.path().join("config.ini"), config_ini).unwrap();
        let mut app = Self::start(dir.path(), listen).await;
        app._owned_dir = Some(dir);
        app
    }

    /// Writes `config_ini` (as it is) into a data folder the test owns, and starts there.
    pub async fn spawn_in(data_dir: &Path, config_ini: &str) -> TestApp {
        std::fs::write(data_dir.join("config.ini"), config_ini).unwrap();
        Self::start_in(data_dir).await
    }

    /// Starts on a data folder the test owns, with whatever config.ini it holds (none:
    /// the defaults the service writes).
    pub async fn start_in(data_dir: &Path) -> TestApp {
        Self::start(data_dir, "127.0.0.1:0".parse().unwrap()).await
    }

    async fn start(data_dir: &Path, listen: SocketAddr) -> TestApp {
        let app = Application::build(Settings {
            data_dir: data_dir.to_path_buf(),
            listen: Some(listen),
        })
        .await
        .expect("service starts");
        let addr = app.local_addr();
        let https = app.https_enabled();
        let state = app.state();
        let shutdown = Shutdown::new();
        let wait = shutdown.wait();
        tokio::spawn(async move { app.run_until(wait).await });
        TestApp {
            addr,
            state,
            client: client(),
            data_dir: data_dir.to_path_buf(),
            https,
            shutdown,
            _owned_dir: None,
        }
    }

    /// A service whose drawer printer is `target`.
    pub async fn with_printer(target: &str, extra: &[(&str, &str, &str)]) -> TestApp {
        let mut settings = vec![
            ("printer", "name", target),
            ("printer", "connect_timeout_ms", "500"),
            ("printer", "write_timeout_ms", "500"),
        ];
        settings.extend_from_slice(extra);
        TestApp::spawn(&ini(&settings)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn config_path(&self) -> PathBuf {
        self.data_dir.join("config.ini")
    }

    /// Whether the service serves HTTPS on its port (the admin's TLS tests need it).
    pub fn https_enabled(&self) -> bool {
        self.https
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.json().await.expect("JSON body"))
    }

    /// Exactly what the Odoo module and its Chrome extension send.
    pub async fn odoo_open_drawer(&self) -> (u16, serde_json::Value) {
        let res = self
            .client
            .get(self.url("/open-cash-drawer"))
            .header("Content-Type", "application/json")
            .header("Origin", "https://shop.odoo.com")
            .send()
            .await
            .expect("request sent");
        let status = res.status().as_u16();
        (status, res.json().await.expect("JSON body"))
    }
}

impl TestApp {
    /// Stops the service and its invoice watcher (a restart on the same folder must not
    /// find the old watcher still at work).
    pub fn stop(&self) {
        self.shutdown.trigger();
        self.state.invoices().stop();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}
