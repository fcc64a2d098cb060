//! `/logs`: download (network level, as the original), list, tail and purge
//! (authenticated) of the operations log.
//!
//! File names are never taken from the request: a day is parsed as a date and the
//! name is built from it (`crate::logs::LogFiles::dated`), and any parameter not
//! listed is refused with 400, so nothing outside the logs folder can be read.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::access::Peer;
use super::auth::{check_csrf, header_token, refuse_log_route, AdminSession};
use crate::error::ApiError;
use crate::logs::rotate::parse_day;
use crate::logs::{LogFile, LogFiles};
use crate::state::AppState;

/// Routes at the network level; purge and tail check the admin session themselves.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/logs", get(download))
        .route("/logs/list", get(list))
        .route("/logs/tail", get(tail))
        .route("/logs/purge", get(purge_get).post(purge_post))
}

/// The longest wait for queued lines before a download or tail reads the file.
const FLUSH_WAIT: Duration = Duration::from_millis(500);
const MAX_TAIL: usize = 1000;

fn files(state: &AppState) -> LogFiles {
    state.log_files()
}

/// The query parameters, refused with 400 when one is not in `accepted`, repeated,
/// or not valid.
fn params(uri: &Uri, accepted: &[&str]) -> Result<HashMap<String, String>, ApiError> {
    let listed = || {
        if accepted.is_empty() {
            "aucun".to_string()
        } else {
            accepted.join(", ")
        }
    };
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|_| {
            ApiError::BadRequest(format!("Paramètres illisibles (acceptés: {})", listed()))
        })?
        .0;
    let mut out = HashMap::new();
    for (key, value) in pairs {
        if !accepted.contains(&key.as_str()) {
            return Err(ApiError::BadRequest(format!(
                "Paramètre {:?} non accepté (acceptés: {})",
                crate::logs::escape(&key),
                listed()
            )));
        }
        if out.insert(key.clone(), value).is_some() {
            return Err(ApiError::BadRequest(format!("Paramètre {key} répété")));
        }
    }
    Ok(out)
}

fn bad_date(value: &str) -> ApiError {
    ApiError::BadRequest(format!(
        "date {:?} refusée: une date AAAA-MM-JJ est attendue (par exemple 2026-11-25), voir /logs/list",
        crate::logs::escape(value)
    ))
}

/// The day a download asks for (`None`: the current log), read from the request's
/// query exactly as `GET /logs` reads it. Public for the fuzz target (`fuzz/`): the
/// only place where a caller's text comes near a file name.
pub fn requested_day(uri: &Uri) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match params(uri, &["date"])?.get("date") {
        None => Ok(None),
        Some(text) => parse_day(text).map(Some).ok_or_else(|| bad_date(text)),
    }
}

/// `GET /logs`: the current log; `GET /logs?date=YYYY-MM-DD`: the log of that day.
#[utoipa::path(
    get,
    path = "/logs",
    tag = "logs",
    summary = "Download the operations log",
    description = "Access level: **network** (`[server] allowed_networks`), as in the original.\n\nWithout parameter: the current file; with `date`: that day's rotated file. Sent as an attachment (`text/plain`). Any other parameter is refused.",
    params(("date" = Option<String>, Query, description = "A day `YYYY-MM-DD` (see `/logs/list`)", example = "2026-11-25")),
    responses(
        (status = 200, description = "The log file", content_type = "text/plain", body = String),
        (status = 400, description = "Unknown or repeated parameter, or a date that is not `YYYY-MM-DD`", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "date \"hier\" refusée: une date AAAA-MM-JJ est attendue (par exemple 2026-11-25), voir /logs/list"})),
        (status = 403, description = "Caller's network not allowed", body = super::apidoc::ErrorBody),
        (status = 404, description = "No log for that day", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Aucun journal pour le 2026-01-01 (voir /logs/list)"})),
    ),
    extensions(("x-access-level" = json!("network")))
)]
async fn download(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let day = requested_day(&uri)?;
    let files = files(&state);
    let file = match day {
        None => files.current_file().map_err(anyhow::Error::from)?,
        Some(day) => {
            let dated = files.dated(day);
            if dated.is_file() {
                LogFile {
                    name: dated
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    date: Some(day),
                    size: 0,
                    path: dated,
                }
            } else if day == state.log().today() {
                files.current_file().map_err(anyhow::Error::from)?
            } else {
                return Err(ApiError::NotFound(format!(
                    "Aucun journal pour le {day} (voir /logs/list)"
                )));
            }
        }
    };
    let log = state.log().clone();
    let _ = tokio::task::spawn_blocking(move || log.flush(FLUSH_WAIT)).await;
    let (body, size) = match tokio::fs::File::open(&file.path).await {
        Ok(f) => {
            let size = f.metadata().await.map(|m| m.len()).unwrap_or(0);
            (stream_file(f, size), size)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Body::empty(), 0),
        Err(e) => return Err(anyhow::Error::from(e).context("lecture du journal").into()),
    };
    tracing::info!(
        op = "logs.download",
        outcome = "ok",
        peer = %peer.label(),
        "journal {} téléchargé ({} octets)",
        file.name,
        size
    );
    let disposition = format!("attachment; filename=\"{}\"", attachment_name(&file.name));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// The first `size` bytes of `file` (its length when opened: the current log keeps
/// growing), streamed in 64 KiB chunks. A whole day's log is never held in memory, however
/// many downloads run at once (the soak test found memory growing with the log size),
/// and reading stops when the client goes away (the body, and so the reader, is dropped).
fn stream_file(file: tokio::fs::File, size: u64) -> Body {
    use tokio::io::AsyncReadExt;
    Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        file.take(size),
        64 * 1024,
    ))
}

/// The file name as sent in `Content-Disposition`: only characters that need no
/// quoting (the configured name is already a bare file name).
fn attachment_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    if safe.is_empty() {
        "cashdrawer.log".to_string()
    } else {
        safe
    }
}

/// `GET /logs/list`: the current file and every rotated day, newest first.
#[utoipa::path(
    get,
    path = "/logs/list",
    tag = "logs",
    summary = "List the log files",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nThe current file first, then every rotated day, newest first. No parameter accepted.",
    responses(
        (status = 200, description = "The files", body = super::apidoc::LogList),
        (status = 400, description = "A parameter was given", body = super::apidoc::ErrorBody),
        (status = 403, description = "Caller's network not allowed", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("network")))
)]
async fn list(State(state): State<AppState>, uri: Uri) -> Result<Json<Value>, ApiError> {
    params(&uri, &[])?;
    let files = files(&state);
    let current = files.current_file().map_err(anyhow::Error::from)?;
    let mut rotated = files.rotated().map_err(anyhow::Error::from)?;
    rotated.reverse();
    let mut out = vec![json!({
        "name": current.name,
        "date": state.log().today().to_string(),
        "size": current.size,
        "current": true,
    })];
    out.extend(rotated.into_iter().map(|f| {
        json!({
            "name": f.name,
            "date": f.date.map(|d| d.to_string()),
            "size": f.size,
            "current": false,
        })
    }));
    Ok(Json(json!({"status": "success", "files": out})))
}

/// `GET /logs/tail?lines=N&level=...` (admin): the last N lines (1 to 1000, default
/// 100) at that level or more severe (error, warn, info, debug; default info).
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
        (status = 200, description = "The lines", body = super::apidoc::LogTail),
        (status = 400, description = "Bad `lines` or `level`, or another parameter", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "lines: un nombre de 1 à 1000 est attendu"})),
        (status = 401, description = "No admin session", body = super::apidoc::ErrorBody),
        (status = 403, description = "Caller's network not allowed", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("authenticated")))
)]
async fn tail(State(state): State<AppState>, _: AdminSession, uri: Uri) -> Response {
    match tail_lines(&state, &uri).await {
        Ok(lines) => Json(json!({"status": "success", "lines": lines})).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn tail_lines(state: &AppState, uri: &Uri) -> Result<Vec<String>, ApiError> {
    let params = params(uri, &["lines", "level"])?;
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
    let level = match params.get("level").map(|v| v.to_ascii_lowercase()) {
        None => tracing::Level::INFO,
        Some(v) => match v.as_str() {
            "error" => tracing::Level::ERROR,
            "warn" => tracing::Level::WARN,
            "info" => tracing::Level::INFO,
            "debug" => tracing::Level::DEBUG,
            _ => {
                return Err(ApiError::BadRequest(
                    "level: error, warn, info ou debug est attendu".to_string(),
                ))
            }
        },
    };
    let path = files(state).current();
    let log = state.log().clone();
    tokio::task::spawn_blocking(move || {
        log.flush(FLUSH_WAIT);
        crate::logs::tail::tail(&path, count, level)
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|e| anyhow::Error::from(e).context("lecture du journal").into())
}

/// `GET /logs/purge?csrf=...` (admin, as the original, plus the CSRF token).
#[utoipa::path(
    get,
    path = "/logs/purge",
    tag = "logs",
    summary = "Purge the logs (original's GET form, with the CSRF token)",
    description = "Access level: **authenticated** (admin session cookie and its CSRF token).\n\nDeletes every rotated file and empties the current one. The token is the session's, given as `csrf` or `csrf_token` in the query, or in the `X-CSRF-Token` header.",
    params(
        ("csrf" = Option<String>, Query, description = "The session's CSRF token"),
        ("csrf_token" = Option<String>, Query, description = "Same, under the other accepted name"),
        ("X-CSRF-Token" = Option<String>, Header, description = "Same, as a header"),
    ),
    responses(
        (status = 200, description = "Logs purged", body = super::apidoc::LogPurge),
        (status = 400, description = "Another parameter was given", body = super::apidoc::ErrorBody),
        (status = 401, description = "No admin session", body = super::apidoc::ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, foreign Origin, or network not allowed", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("authenticated")))
)]
async fn purge_get(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    session: AdminSession,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let token = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .ok()
        .and_then(|q| token_in(&q.0));
    purge(state, peer, session, headers, uri, token).await
}

/// `POST /logs/purge` with the form field `csrf` or `csrf_token` (or the query
/// parameter, or the `X-CSRF-Token` header).
#[utoipa::path(
    post,
    path = "/logs/purge",
    tag = "logs",
    summary = "Purge the logs",
    description = "Access level: **authenticated** (admin session cookie and its CSRF token).\n\nAs `GET /logs/purge`; the token may also be the form field `csrf` or `csrf_token`.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`csrf=<token>` (or `csrf_token=<token>`)"),
    responses(
        (status = 200, description = "Logs purged", body = super::apidoc::LogPurge),
        (status = 400, description = "Another parameter was given", body = super::apidoc::ErrorBody),
        (status = 401, description = "No admin session", body = super::apidoc::ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, foreign Origin, or network not allowed", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("authenticated")))
)]
async fn purge_post(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    session: AdminSession,
    headers: HeaderMap,
    uri: Uri,
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let from_query = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .ok()
        .and_then(|q| token_in(&q.0));
    let token = form.ok().and_then(|f| token_in(&f.0)).or(from_query);
    purge(state, peer, session, headers, uri, token).await
}

/// The CSRF token fields accepted: `csrf` (the admin page's forms) or `csrf_token`.
const TOKEN_FIELDS: [&str; 2] = ["csrf", "csrf_token"];

fn token_in(pairs: &[(String, String)]) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| TOKEN_FIELDS.contains(&k.as_str()))
        .map(|(_, v)| v.clone())
}

async fn purge(
    state: AppState,
    peer: Peer,
    AdminSession(session): AdminSession,
    headers: HeaderMap,
    uri: Uri,
    token: Option<String>,
) -> Response {
    let token = token.or_else(|| header_token(&headers));
    if check_csrf(&headers, Some(&session.csrf), token.as_deref()).is_err() {
        let text = "Jeton CSRF manquant ou invalide: rechargez la page d'administration";
        let err = ApiError::Forbidden(text.to_string());
        return refuse_log_route("logs.purge", Some(&peer), &headers, err);
    }
    if let Err(err) = params(&uri, &TOKEN_FIELDS) {
        return err.into_response();
    }
    match purge_files(&state, &peer).await {
        Ok(deleted) => Json(json!({
            "status": "success",
            "message": "Journaux purgés",
            "deleted": deleted,
        }))
        .into_response(),
        Err(err) => err.into_response(),
    }
}

async fn purge_files(state: &AppState, peer: &Peer) -> Result<Vec<String>, ApiError> {
    let files = files(state);
    let log = state.log().clone();
    let deleted = tokio::task::spawn_blocking(move || {
        log.flush(FLUSH_WAIT);
        files.purge()
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|e| anyhow::Error::from(e).context("purge des journaux"))?;
    tracing::warn!(
        op = "logs.purge",
        outcome = "ok",
        peer = %peer.label(),
        "journaux purgés par admin depuis {}: {} fichier(s) supprimé(s), fichier courant vidé",
        peer.ip(),
        deleted.len()
    );
    Ok(deleted)
}
