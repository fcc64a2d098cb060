//! `/logs`: download (network level, as the original), list, tail and purge (admin) of the
//! operations log. File names never come from the request: a day is parsed as a date and
//! the name built from it, and an unlisted parameter is a 400.
//! Owns these routes and their answer types; the files are [`crate::logs`]'s. Must not
//! import `app`, `cli` or other routes.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use super::access::Peer;
use super::apidoc::{AdminRefusal, NetworkRefusal};
use super::auth::{check_csrf, header_token, refuse_log_route, AdminSession};
use crate::error::{ApiError, ErrorBody};
use crate::logs::rotate::parse_day;
use crate::logs::LogFile;
use crate::state::AppState;

/// One log file in `GET /logs/list`.
#[derive(Serialize, ToSchema)]
pub struct LogFileEntry {
    name: String,
    /// `YYYY-MM-DD`.
    date: Option<String>,
    /// Bytes.
    size: u64,
    /// The file being written.
    current: bool,
}

/// `GET /logs/list`.
#[derive(Serialize, ToSchema)]
pub struct LogList {
    /// `success`.
    status: &'static str,
    files: Vec<LogFileEntry>,
}

/// `GET /logs/tail`.
#[derive(Serialize, ToSchema)]
pub struct LogTail {
    /// `success`.
    status: &'static str,
    lines: Vec<String>,
}

/// `GET|POST /logs/purge`.
#[derive(Serialize, ToSchema)]
pub struct LogPurge {
    /// `success`.
    status: &'static str,
    /// `Journaux purgés`.
    message: &'static str,
    /// The rotated files deleted (the current one is emptied).
    deleted: Vec<String>,
}

/// The longest wait for queued lines before a download or tail reads the file.
const FLUSH_WAIT: Duration = Duration::from_millis(500);
const MAX_TAIL: usize = 1000;

/// The query parameters; 400 for one not in `accepted`, repeated, or unreadable.
fn params(uri: &Uri, accepted: &[&str]) -> Result<HashMap<String, String>, ApiError> {
    let listed = match accepted {
        [] => "aucun".to_string(),
        _ => accepted.join(", "),
    };
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|_| ApiError::BadRequest(format!("Paramètres illisibles (acceptés: {listed})")))?
        .0;
    let mut out = HashMap::new();
    for (key, value) in pairs {
        if !accepted.contains(&key.as_str()) {
            let key = crate::logs::escape(&key);
            let text = format!("Paramètre {key:?} non accepté (acceptés: {listed})");
            return Err(ApiError::BadRequest(text));
        }
        if out.insert(key.clone(), value).is_some() {
            return Err(ApiError::BadRequest(format!("Paramètre {key} répété")));
        }
    }
    Ok(out)
}

/// The day a download asks for (`None`: the current log). Public for the fuzz target: the
/// only place where a caller's text comes near a file name.
pub fn requested_day(uri: &Uri) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match params(uri, &["date"])?.get("date") {
        None => Ok(None),
        Some(text) => parse_day(text).map(Some).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "date {:?} refusée: une date AAAA-MM-JJ est attendue (par exemple 2026-11-25), voir /logs/list",
                crate::logs::escape(text)
            ))
        }),
    }
}

#[utoipa::path(
    get,
    path = "/logs",
    tag = "logs",
    summary = "Download the operations log",
    description = "Access level: **network** (`[server] allowed_networks`), as in the original.\n\nWithout parameter: the current file; with `date`: that day's rotated file. Sent as an attachment (`text/plain`). Any other parameter is refused.",
    params(("date" = Option<String>, Query, description = "A day `YYYY-MM-DD` (see `/logs/list`)", example = "2026-11-25")),
    responses(
        (status = 200, description = "The log file", content_type = "text/plain", body = String),
        (status = 400, description = "Unknown or repeated parameter, or a date that is not `YYYY-MM-DD`", body = ErrorBody,
            example = json!({"status": "error", "message": "date \"hier\" refusée: une date AAAA-MM-JJ est attendue (par exemple 2026-11-25), voir /logs/list"})),
        NetworkRefusal,
        (status = 404, description = "No log for that day", body = ErrorBody,
            example = json!({"status": "error", "message": "Aucun journal pour le 2026-01-01 (voir /logs/list)"})),
    )
)]
pub(super) async fn download(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let day = requested_day(&uri)?;
    let files = state.log_files();
    let path = match day {
        Some(day) if files.dated(day).is_file() => files.dated(day),
        Some(day) if day != state.log().today() => {
            let missing = format!("Aucun journal pour le {day} (voir /logs/list)");
            return Err(ApiError::NotFound(missing));
        }
        // Today's lines are still in the current file until the rotation.
        _ => files.current(),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let log = state.log().clone();
    let _ = tokio::task::spawn_blocking(move || log.flush(FLUSH_WAIT)).await;
    let (body, size) = match tokio::fs::File::open(&path).await {
        Ok(f) => {
            let size = f.metadata().await.map(|m| m.len()).unwrap_or(0);
            (stream_file(f, size), size)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Body::empty(), 0),
        Err(e) => return Err(anyhow::Error::from(e).context("lecture du journal").into()),
    };
    op!(info, "logs.download", "ok"; peer = %peer.label(),
        "journal {name} téléchargé ({size} octets)");
    let disposition = format!("attachment; filename=\"{}\"", attachment_name(&name));
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8".into()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ];
    Ok((headers, body).into_response())
}

/// The first `size` bytes of `file` (the current log keeps growing), streamed in 64 KiB
/// chunks: a day's log is never held in memory, and reading stops when the client goes.
fn stream_file(file: tokio::fs::File, size: u64) -> Body {
    use tokio::io::AsyncReadExt;
    Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        file.take(size),
        64 * 1024,
    ))
}

/// The file name as sent in `Content-Disposition`: only characters that need no quoting.
fn attachment_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    if safe.is_empty() {
        return "cashdrawer.log".to_string();
    }
    safe
}

#[utoipa::path(
    get,
    path = "/logs/list",
    tag = "logs",
    summary = "List the log files",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nThe current file first, then every rotated day, newest first. No parameter accepted.",
    responses(
        (status = 200, description = "The files", body = LogList),
        (status = 400, description = "A parameter was given", body = ErrorBody),
        NetworkRefusal,
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<LogList>, ApiError> {
    params(&uri, &[])?;
    let files = state.log_files();
    let mut current = files.current_file().map_err(anyhow::Error::from)?;
    let rotated = files.rotated().map_err(anyhow::Error::from)?;
    current.date = Some(state.log().today());
    let entry = |f: LogFile, current| LogFileEntry {
        name: f.name,
        date: f.date.map(|d| d.to_string()),
        size: f.size,
        current,
    };
    let mut out = vec![entry(current, true)];
    out.extend(rotated.into_iter().rev().map(|f| entry(f, false)));
    Ok(Json(LogList {
        status: "success",
        files: out,
    }))
}

#[utoipa::path(
    get,
    path = "/logs/tail",
    tag = "logs",
    summary = "Last lines of the current log",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network).\n\nBrowsers asking for HTML without a session are redirected to `/config/login`.",
    params(
        ("lines" = Option<u32>, Query, description = "How many lines, 1 to 1000 (default 100)", minimum = 1, maximum = 1000),
        ("level" = Option<String>, Query, description = "`error`, `warn`, `info` (default) or `debug`: that level or more severe"),
    ),
    responses(
        (status = 200, description = "The lines", body = LogTail),
        (status = 400, description = "Bad `lines` or `level`, or another parameter", body = ErrorBody,
            example = json!({"status": "error", "message": "lines: un nombre de 1 à 1000 est attendu"})),
        AdminRefusal,
    )
)]
pub(super) async fn tail(
    State(state): State<AppState>,
    _: AdminSession,
    uri: Uri,
) -> Result<Json<LogTail>, ApiError> {
    let params = params(&uri, &["lines", "level"])?;
    let count = match params.get("lines") {
        None => 100,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_TAIL).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!("lines: un nombre de 1 à {MAX_TAIL} est attendu"))
            })?,
    };
    let level = params.get("level").map(|v| v.to_ascii_lowercase());
    let level = match level.as_deref() {
        None | Some("info") => tracing::Level::INFO,
        Some("error") => tracing::Level::ERROR,
        Some("warn") => tracing::Level::WARN,
        Some("debug") => tracing::Level::DEBUG,
        Some(_) => {
            let expected = "level: error, warn, info ou debug est attendu";
            return Err(ApiError::BadRequest(expected.to_string()));
        }
    };
    let path = state.log_files().current();
    let log = state.log().clone();
    let lines = tokio::task::spawn_blocking(move || {
        log.flush(FLUSH_WAIT);
        crate::logs::tail::tail(&path, count, level)
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|e| anyhow::Error::from(e).context("lecture du journal"))?;
    Ok(Json(LogTail {
        status: "success",
        lines,
    }))
}

/// On GET axum's `Form` reads the query, so one handler serves GET and POST.
#[utoipa::path(
    method(get, post),
    path = "/logs/purge",
    tag = "logs",
    summary = "Purge the logs (GET as the original, with the CSRF token; or POST)",
    description = "Access level: **authenticated** (admin session cookie and its CSRF token).\n\nDeletes every rotated file and empties the current one. The token is the session's, given as `csrf` or `csrf_token` in the query or (POST) the form, or in the `X-CSRF-Token` header.",
    params(
        ("csrf" = Option<String>, Query, description = "The session's CSRF token"),
        ("csrf_token" = Option<String>, Query, description = "Same, under the other accepted name"),
        ("X-CSRF-Token" = Option<String>, Header, description = "Same, as a header"),
    ),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "POST: `csrf=<token>` (or `csrf_token=<token>`)"),
    responses(
        (status = 200, description = "Logs purged", body = LogPurge),
        (status = 400, description = "Another parameter was given", body = ErrorBody),
        AdminRefusal,
    )
)]
pub(super) async fn purge(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(session): AdminSession,
    headers: HeaderMap,
    uri: Uri,
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let query = Query::<Vec<(String, String)>>::try_from_uri(&uri);
    let token = token_in(form.ok().map(|f| f.0))
        .or_else(|| token_in(query.ok().map(|q| q.0)))
        .or_else(|| header_token(&headers));
    if check_csrf(&headers, Some(&session.csrf), token.as_deref()).is_err() {
        let text = "Jeton CSRF manquant ou invalide: rechargez la page d'administration";
        let err = ApiError::Forbidden(text.to_string());
        return refuse_log_route("logs.purge", Some(&peer), &headers, err);
    }
    if let Err(err) = params(&uri, &TOKEN_FIELDS) {
        return err.into_response();
    }
    purge_files(&state, &peer).await.into_response()
}

/// The CSRF token fields accepted: `csrf` (the admin page's forms) or `csrf_token`.
const TOKEN_FIELDS: [&str; 2] = ["csrf", "csrf_token"];

fn token_in(pairs: Option<Vec<(String, String)>>) -> Option<String> {
    let mut pairs = pairs?.into_iter();
    pairs.find_map(|(k, v)| TOKEN_FIELDS.contains(&k.as_str()).then_some(v))
}

async fn purge_files(state: &AppState, peer: &Peer) -> Result<Json<LogPurge>, ApiError> {
    let files = state.log_files();
    let log = state.log().clone();
    let deleted = tokio::task::spawn_blocking(move || {
        log.flush(FLUSH_WAIT);
        files.purge()
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|e| anyhow::Error::from(e).context("purge des journaux"))?;
    op!(warn, "logs.purge", "ok"; peer = %peer.label(),
        "journaux purgés par admin depuis {}: {} fichier(s) supprimé(s), fichier courant vidé",
        peer.ip(), deleted.len());
    Ok(Json(LogPurge {
        status: "success",
        message: "Journaux purgés",
        deleted,
    }))
}
