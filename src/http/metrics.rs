//! `GET /metrics` (network level): the Prometheus exposition, with an optional bearer
//! token (`[metrics] token`). Owns the scrape-time gathering into a
//! [`crate::metrics::Snapshot`], so the metrics layer never sees [`AppState`]. Must not
//! import `app`, `cli` or other routes.

use axum::extract::State;
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::ApiError;
use crate::http::access::Peer;
use crate::metrics::Snapshot;
use crate::state::AppState;

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

#[utoipa::path(
    get,
    path = "/metrics",
    tag = "status",
    summary = "Prometheus metrics (monitoring many tills)",
    description = "Access level: **network** (`[server] allowed_networks`); with `[metrics] token` set, also `Authorization: Bearer <token>`.\n\nOpenMetrics text when the `Accept` header asks for `application/openmetrics-text` (as Prometheus does), else the Prometheus text format 0.0.4. Drawer kicks, print jobs, printer states, invoice backlog, log write failures, admin login failures, certificate expiry, build and process metrics. Never waits for a printer.",
    responses(
        (status = 200, description = "The metrics", content_type = "text/plain", body = String),
        (status = 401, description = "`[metrics] token` is set and the request has no or a wrong bearer token", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Jeton d'accès aux métriques absent ou faux: envoyez Authorization: Bearer <jeton> ([metrics] token)"})),
        super::apidoc::NetworkRefusal,
    )
)]
async fn metrics(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    headers: HeaderMap,
) -> Response {
    let token = state.config().metrics.token.clone();
    if token.is_some_and(|t| !bearer_matches(&headers, &t)) {
        op!(warn, "metrics", "denied"; peer = %peer.label(),
            "métriques refusées à {}: jeton absent ou faux ([metrics] token)", peer.ip());
        let mut res = ApiError::Unauthorized(
            "Jeton d'accès aux métriques absent ou faux: envoyez Authorization: Bearer <jeton> ([metrics] token)".into(),
        )
        .into_response();
        res.headers_mut().insert(
            WWW_AUTHENTICATE,
            "Bearer realm=\"metrics\"".parse().expect("static"),
        );
        return res;
    }
    let openmetrics = wants_openmetrics(&headers);
    let body = state.metrics().encode(&snapshot(&state), openmetrics);
    let content_type = if openmetrics {
        OPENMETRICS
    } else {
        PROMETHEUS_TEXT
    };
    ([(CONTENT_TYPE, content_type)], body).into_response()
}

/// The states a scrape reports, as they are now; nothing is probed.
pub fn snapshot(state: &AppState) -> Snapshot {
    let drawer = state.drawer_printer();
    let invoices = state.invoices();
    let waited_ms = invoices
        .oldest_waiting_ms()
        .map_or(0, |ms| (crate::invoices::journal::now_ms() - ms).max(0));
    Snapshot {
        drawer_printer: drawer.target().to_string(),
        drawer_health: drawer.health(),
        invoices: invoices.status(),
        oldest_invoice_age: Duration::from_millis(waited_ms as u64),
        log_write_failures: state.log().write_failures(),
        certificate: certificate_path(state),
    }
}

/// The certificate the HTTPS listener loads: `[server] cert_file`, else the generated one.
fn certificate_path(state: &AppState) -> PathBuf {
    match &state.config().server.cert_file {
        Some(c) => state.data_dir().join(c), // an absolute `c` replaces the folder
        None => super::tls::generated_paths(state.data_dir()).0,
    }
}

fn wants_openmetrics(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/openmetrics-text"))
}

/// Compares SHA-256 digests without an early exit: neither the token's content nor its
/// length leaks through timing.
pub fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some((scheme, given)) = given.and_then(|v| v.trim().split_once(' ')) else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return false;
    }
    let given = given.trim();
    let (a, b) = (Sha256::digest(given), Sha256::digest(token));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}
