//! The operations log: one line per event, to the console and to
//! `<data dir>/<[logs] folder>/<[logs] filename>`, written by a background thread so a
//! request never waits for the disk.
//!
//! Events carry structured fields: `op` (drawer.open, status, ...), `outcome`
//! (ok/error/denied), `ms`, `peer`. Anything a caller sent goes through [`escape`] first,
//! so no one can forge a log line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing_subscriber::fmt::writer::MakeWriterExt;

use crate::config::Config;
use crate::http::access::Peer;

/// Escapes control characters (newlines included) and quotes, so that text from a
/// caller stays on one line and cannot imitate another entry.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Where the log file of a data folder is.
pub fn log_path(data_dir: &Path, config: &Config) -> PathBuf {
    data_dir
        .join(&config.logs.folder)
        .join(&config.logs.filename)
}

/// Installs the global subscriber. Keep the guard alive: dropping it flushes the file.
pub fn init(
    data_dir: &Path,
    config: &Config,
) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let path = log_path(data_dir, config);
    let dir = path.parent().unwrap_or(data_dir).to_path_buf();
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("création du dossier de logs {}: {e}", dir.display()))?;
    let file_name = path.file_name().map(|n| n.to_owned()).unwrap_or_default();
    let appender = tracing_appender::rolling::never(&dir, file_name);
    let (file, guard) = tracing_appender::non_blocking(appender);
    let writer = std::io::stderr.and(file);
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .try_init();
    Ok(guard)
}

/// Logs every HTTP request with its outcome and duration.
pub async fn request_log(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = escape(&req.uri().to_string());
    let peer = req
        .extensions()
        .get::<Peer>()
        .map(|p| p.ip().to_string())
        .unwrap_or_default();
    let res = next.run(req).await;
    let status = res.status();
    let outcome = match status.as_u16() {
        401 | 403 => "denied",
        s if s >= 400 => "error",
        _ => "ok",
    };
    tracing::info!(
        op = "http.request",
        outcome,
        ms = started.elapsed().as_millis() as u64,
        peer = %peer,
        "{method} {path} -> {}",
        status.as_u16()
    );
    res
}
