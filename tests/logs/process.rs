//! The real binary, started on a temp data folder: the tracing subscriber and the log
//! writer are process-wide, so each log test gets its own process and its own files.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};

pub struct Service {
    pub addr: SocketAddr,
    pub dir: PathBuf,
    child: Child,
}

impl Service {
    /// Starts `odoo-pos-cashdrawer --data-dir DIR serve --host 127.0.0.1 --port 0`
    /// with this config.ini (when given) and environment, and waits for its start line.
    pub fn start(dir: &Path, config_ini: Option<&str>, env: &[(&str, &str)]) -> Service {
        if let Some(ini) = config_ini {
            std::fs::write(dir.join("config.ini"), ini).unwrap();
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_odoo-pos-cashdrawer"));
        cmd.arg("--data-dir")
            .arg(dir)
            .args(["serve", "--host", "127.0.0.1", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("binary starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        // Drains stderr for the whole life of the process (the log is echoed there: a
        // full pipe would stall the writer thread).
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("à l'écoute sur http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(addr.parse::<SocketAddr>());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("start line on stderr")
            .expect("address in the start line");
        Service {
            addr,
            dir: dir.to_path_buf(),
            child,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn log_dir(&self) -> PathBuf {
        self.dir.join("logs")
    }

    pub fn current_log(&self) -> String {
        std::fs::read_to_string(self.log_dir().join("cashdrawer.log")).unwrap_or_default()
    }

    /// Waits until the current log has a line satisfying `pred` (the writer is
    /// asynchronous), and returns the whole file.
    pub fn wait_log(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.current_log();
            if text.lines().any(&pred) {
                return text;
            }
            assert!(Instant::now() < deadline, "no line {what} in:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the process (SIGTERM on Unix: graceful, the writer flushes).
    pub fn stop(mut self) {
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// One line of the log, split into its columns; panics when the line is not in the
/// documented format.
#[derive(Debug)]
pub struct Line {
    pub time: DateTime<FixedOffset>,
    pub level: String,
    pub op: String,
    pub outcome: String,
    pub ms: Option<u64>,
    pub peer: String,
    pub message: String,
}

pub fn parse(line: &str) -> Line {
    let mut cols = line.splitn(7, ' ').filter(|c| !c.is_empty());
    let mut next = || {
        cols.next()
            .unwrap_or_else(|| panic!("short line: {line:?}"))
    };
    let time = DateTime::parse_from_rfc3339(next()).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let level = next().to_string();
    assert!(
        ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&level.as_str()),
        "{line:?}"
    );
    // The level is padded to five characters: re-split the rest.
    let rest = line[line.find(&level).unwrap() + level.len()..].trim_start();
    let mut cols = rest.splitn(5, ' ');
    let op = cols.next().unwrap().to_string();
    let outcome = cols.next().unwrap().to_string();
    let ms = cols.next().unwrap();
    let ms = (ms != "-").then(|| ms.trim_end_matches("ms").parse().expect("ms column"));
    let peer = cols
        .next()
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    let message = cols.next().unwrap_or_default().to_string();
    assert!(
        ["ok", "error", "denied", "-"].contains(&outcome.as_str()),
        "{line:?}"
    );
    Line {
        time,
        level,
        op,
        outcome,
        ms,
        peer,
        message,
    }
}

pub fn lines(text: &str) -> Vec<Line> {
    text.lines().map(parse).collect()
}
