//! The Host check on every route (DNS rebinding): applies
//! [`crate::auth::host::is_known_host`] to each request. Must not import routes, `app` or `cli`.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::host::is_known_host;
use crate::error::ApiError;
use crate::http::access::Peer;
use crate::state::AppState;

/// Whether the request's host (an absolute-form target's wins over `Host`) is one of
/// ours; `None` when it names none (HTTP/1.0 tools).
pub fn request_host_is_known(state: &AppState, req: &Request) -> Option<(String, bool)> {
    let host = match req.uri().authority() {
        Some(authority) => authority.as_str().to_string(),
        None => String::from_utf8_lossy(req.headers().get(header::HOST)?.as_bytes()).to_string(),
    };
    let known = header_is_known(state, &host);
    Some((host, known))
}

/// [`is_known_host`] with the running configuration and the machine's current name.
pub fn header_is_known(state: &AppState, host: &str) -> bool {
    let config = state.config();
    let machine = crate::platform::machine_name();
    is_known_host(host, &config.server.allowed_hosts, machine.as_deref())
}

/// Middleware on every route: 403 JSON and an `access.denied` line for an unknown Host.
pub async fn require_known_host(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    match request_host_is_known(&state, &req) {
        None | Some((_, true)) => next.run(req).await,
        Some((host, false)) => refuse(&req, &host),
    }
}

fn refuse(req: &Request, host: &str) -> Response {
    let peer = req.extensions().get::<Peer>();
    let peer = peer.map_or_else(|| "inconnu".to_string(), Peer::label);
    let (host, path) = (
        crate::logs::escape(host),
        crate::logs::escape(req.uri().path()),
    );
    op!(warn, "access.denied", "denied"; peer = %peer,
        "nom d'hôte refusé {host:?} pour {path} depuis {peer}");
    ApiError::Forbidden(format!(
        "Nom d'hôte refusé: {host} (acceptés: localhost, les adresses IP, le nom de la machine, et [server] allowed_hosts)"
    ))
    .into_response()
}
