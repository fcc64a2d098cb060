//! CUPS queues on Linux and macOS, through the `lp` and `lpstat` commands (no library to
//! link), jobs sent raw. Imports nothing above `platform`; failures are [`QueueError`]s.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::{QueueCause, QueueError, QueueSystem};

/// Sends `job` to queue `name` as a raw job, within `timeout`.
pub fn print_raw(name: &str, job: &[u8], title: &str, timeout: Duration) -> Result<(), QueueError> {
    let fail = |cause| QueueError {
        queue: name.to_string(),
        system: QueueSystem::Cups,
        cause,
    };
    let mut child = Command::new("lp")
        .args(["-d", name, "-o", "raw", "-t", title])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(QueueCause::NoLpCommand(e.to_string())))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let written = stdin.write_all(job);
    drop(stdin);
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                if status.success() && written.is_ok() {
                    return Ok(());
                }
                let err = err.trim().to_string();
                let cause = if err.contains("does not exist") || err.contains("n'existe pas") {
                    QueueCause::UnknownQueue
                } else {
                    QueueCause::LpFailed(err)
                };
                return Err(fail(cause));
            }
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(QueueCause::Timeout));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(fail(QueueCause::Wait(e.to_string()))),
        }
    }
}

/// The queue names CUPS knows.
pub fn list() -> Result<Vec<String>> {
    let out = Command::new("lpstat")
        .arg("-e")
        .output()
        .context("commande lpstat introuvable (CUPS absent ?)")?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("No destinations") || out.stdout.is_empty() {
            return Ok(Vec::new());
        }
        bail!("lpstat: {}", err.trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}
