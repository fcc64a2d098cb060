//! The real binary, started on a data folder on 127.0.0.1 port 0: for the tests whose
//! subject is process-wide (the log writer and its files, start-up faults, signals).
//! Its stderr is drained for the whole life of the process (the log is echoed there: a
//! full pipe would stall the writer thread) and kept for the tests that read it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_odoo-pos-cashdrawer");

/// Runs `odoo-pos-cashdrawer --data-dir DIR ARGS...` to its end (a CLI command, or a
/// start-up that must fail) and returns what it printed.
pub fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

pub struct Binary {
    pub addr: SocketAddr,
    pub dir: PathBuf,
    pub stderr: Arc<Mutex<Vec<String>>>,
    child: Child,
}

impl Binary {
    /// `odoo-pos-cashdrawer --data-dir DIR serve --host 127.0.0.1 --port 0` with this
    /// environment, waiting for its start line.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Binary {
        Self::start_on(dir, "127.0.0.1", env)
    }

    /// The same, with this config.ini written first (when given).
    pub fn start_with_config(dir: &Path, config_ini: Option<&str>, env: &[(&str, &str)]) -> Binary {
        if let Some(ini) = config_ini {
            std::fs::write(dir.join("config.ini"), ini).unwrap();
        }
        Self::start(dir, env)
    }

    /// The same, listening on `host` (e.g. a namespace's host-side address, or 0.0.0.0
    /// for tests whose callers come from a network namespace).
    pub fn start_on(dir: &Path, host: &str, env: &[(&str, &str)]) -> Binary {
        Self::start_at(dir, host, 0, env)
    }

    /// The same on a given port (0: any free one).
    pub fn start_at(dir: &Path, host: &str, port: u16, env: &[(&str, &str)]) -> Binary {
        let mut cmd = Command::new(BIN);
        let port = port.to_string();
        cmd.arg("--data-dir")
            .arg(dir)
            .args(["serve", "--host", host, "--port", &port])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Tests read the log echoed on stderr: not journald, even when the test
            // runner itself runs under systemd.
            .env_remove("INVOCATION_ID")
            .env_remove("JOURNAL_STREAM");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("binary starts");
        let stderr = child.stderr.take().unwrap();
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        let (tx, rx) = std::sync::mpsc::channel();
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("à l'écoute sur http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(addr.parse::<SocketAddr>());
                }
                kept.lock().unwrap().push(line);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("start line on stderr")
            .expect("address in the start line");
        Binary {
            addr,
            dir: dir.to_path_buf(),
            stderr: lines,
            child,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_dir(&self) -> PathBuf {
        self.dir.join("logs")
    }

    pub fn log_path(&self) -> PathBuf {
        self.log_dir().join("cashdrawer.log")
    }

    /// The current log file (empty while it does not exist).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Waits until the current log holds `needle` (the writer is asynchronous), and
    /// returns the log.
    pub fn wait_log(&self, needle: &str) -> String {
        self.wait_log_line(&format!("{needle:?}"), |l| l.contains(needle))
    }

    /// Waits until the current log has a line satisfying `pred`, and returns the log.
    pub fn wait_log_line(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.log();
            if text.lines().any(&pred) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "no line {what} in the log:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// stderr lines containing `needle`.
    pub fn stderr_lines(&self, needle: &str) -> Vec<String> {
        self.stderr
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .cloned()
            .collect()
    }

    /// [`Binary::stderr_lines`] once one has come (or after 10 s): stderr is read by its
    /// own thread, so a line already in the log file may not be there yet.
    pub fn wait_stderr_lines(&self, needle: &str) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let lines = self.stderr_lines(needle);
            if !lines.is_empty() || std::time::Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Hard stop (SIGKILL on Unix), as a power cut or a crash would end it.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Graceful stop (SIGTERM on Unix), so the log writer flushes; killed after 10 s.
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

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
