//! Browser access: the POS page (Odoo's origin, often https) calls us on localhost.
//!
//! Preflights are answered here, including Chrome's Private/Local Network Access
//! (`Access-Control-Request-Private-Network: true`). `[server] allowed_origins` is
//! enforced on the server side, not only by CORS headers: the Odoo module uses
//! `mode: 'no-cors'`, which the browser sends without asking, so a refused origin must be
//! refused here or it would still open the drawer.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
const PNA_REQUEST: &str = "access-control-request-private-network";
const PNA_ALLOW: &str = "access-control-allow-private-network";

/// An `Origin` equal to the address the request was sent to is our own page.
fn same_origin(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

/// The origin part (`scheme://host[:port]`) of a `Referer`.
fn referer_origin(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (scheme, rest) = referer.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Browsers send no `Origin` with a GET in no-cors mode: an `<img>` or `fetch(...,
/// {mode: 'no-cors'})` from any page would pass a check of `Origin` alone. When
/// `allowed_origins` is a list, such a request is judged by its `Referer`; without one, a
/// browser saying `Sec-Fetch-Site: cross-site` (or `same-site`) is refused. Callers that
/// are not browsers (curl, scripts, the till's own tools) send neither and pass.
/// Returns the refusal, if any.
fn refuse_originless(state: &AppState, headers: &HeaderMap, path: &str) -> Option<Response> {
    let config = state.config();
    if config.server.allowed_origins == crate::config::AllowedOrigins::Any {
        return None;
    }
    let claimed = match referer_origin(headers) {
        Some(origin) if config.server.allowed_origins.allows(&origin) => return None,
        Some(origin) if same_origin(&origin, headers) => return None,
        Some(origin) => origin,
        None => {
            let site = headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !site.eq_ignore_ascii_case("cross-site") && !site.eq_ignore_ascii_case("same-site") {
                return None;
            }
            "une page d'un autre site (sans Origin ni Referer)".to_string()
        }
    };
    tracing::warn!(
        op = "access.denied",
        outcome = "denied",
        "origine refusée {} pour {}",
        crate::logs::escape(&claimed),
        crate::logs::escape(path)
    );
    Some(
        ApiError::Forbidden(format!(
            "Origine refusée: {claimed} (autorisées: voir [server] allowed_origins)"
        ))
        .into_response(),
    )
}

pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string);
    let Some(origin) = origin else {
        if let Some(refused) = refuse_originless(&state, req.headers(), req.uri().path()) {
            return refused;
        }
        return next.run(req).await;
    };
    let config = state.config();
    if !config.server.allowed_origins.allows(&origin) && !same_origin(&origin, req.headers()) {
        tracing::warn!(
            op = "access.denied",
            outcome = "denied",
            "origine refusée {} pour {}",
            crate::logs::escape(&origin),
            crate::logs::escape(req.uri().path())
        );
        return ApiError::Forbidden(format!(
            "Origine refusée: {origin} (autorisées: voir [server] allowed_origins)"
        ))
        .into_response();
    }
    let allow_origin = HeaderValue::from_str(&origin).unwrap_or(HeaderValue::from_static("null"));
    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        if let Some(asked) = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        if req
            .headers()
            .get(PNA_REQUEST)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
        {
            h.insert(PNA_ALLOW, HeaderValue::from_static("true"));
        }
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        return res;
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    res
}
