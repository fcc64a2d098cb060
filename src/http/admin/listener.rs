//! `POST /config/restart`: applies a new address, port or certificate by restarting the
//! listener, then sends the browser to the page at its new address.

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::AdminSession;
use crate::http::access::{Peer, Scheme};
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/config/restart",
    tag = "admin",
    summary = "Restart the listener (new address, port or certificate)",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nState-changing: the form carries the session's CSRF token (field `csrf`, or header `X-CSRF-Token`) and no foreign `Origin`. The service keeps running; only the listener is replaced.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`csrf`"),
    responses(
        (status = 303, description = "Redirect to `/config?restarted=1` at the new address, or to `/config?restart_failed=1`"),
        crate::http::apidoc::AdminRefusal,
    )
)]
pub async fn restart(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(_): AdminSession,
    headers: HeaderMap,
) -> Response {
    let config = admin.config();
    let want = SocketAddr::new(config.server.host, config.server.port);
    match admin.listener_control().restart(want) {
        Ok(served) => {
            op!(info, "service.restart", "ok"; peer = %peer.label(), "redémarrage de l'écoute demandé depuis la page d'administration: {served}");
            let https = peer.scheme == Scheme::Https || config.server.https_only;
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(crate::auth::host::host_name)
                .unwrap_or_else(|| "localhost".into());
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host
            };
            let (scheme, port) = (if https { "https" } else { "http" }, served.port());
            Redirect::to(&format!("{scheme}://{host}:{port}/config?restarted=1")).into_response()
        }
        Err(e) => {
            op!(error, "service.restart", "error"; peer = %peer.label(), "redémarrage de l'écoute impossible: {e:#}");
            Redirect::to("/config?restart_failed=1").into_response()
        }
    }
}
