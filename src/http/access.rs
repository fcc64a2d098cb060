//! Who is calling, from the TCP peer address only (never `X-Forwarded-For`, `Host`...).
//! Local means loopback, or a *self-connection* (peer address = the accepted socket's
//! local address: the till's browser calling its own LAN address, as Chromium's Local
//! Network Access makes Odoo 18/19 do). A LAN host cannot fake one: our SYN-ACK to one of
//! our own addresses never leaves the machine (`tests/api/self_connection.rs`).
//! Owns the caller's classification and the access middleware; must not import routes,
//! `app` or `cli`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::IpNet;
use crate::error::ApiError;
use crate::state::AppState;

/// How the connection reached us; put in every request's extensions by the listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub addr: SocketAddr,
    /// The accepted socket's local address: the one of ours the caller dialled.
    pub local: SocketAddr,
    pub scheme: Scheme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

impl Peer {
    /// The caller's address, IPv4-mapped IPv6 (`::ffff:a.b.c.d`) made IPv4.
    pub fn ip(&self) -> IpAddr {
        self.addr.ip().to_canonical()
    }

    /// Loopback or a self-connection.
    pub fn is_local(&self) -> bool {
        is_loopback(self.addr.ip()) || self.is_self()
    }

    /// A connection from this machine to one of its own addresses (see the module doc).
    pub fn is_self(&self) -> bool {
        let peer = self.ip();
        peer == self.local.ip().to_canonical() && !peer.is_unspecified() && !peer.is_multicast()
    }

    /// How the logs name the caller: its address, or `local(self,10.0.0.5)` (one word).
    pub fn label(&self) -> String {
        if is_loopback(self.addr.ip()) || !self.is_self() {
            self.ip().to_string()
        } else {
            format!("local(self,{})", self.ip())
        }
    }
}

/// Loopback: 127.0.0.0/8, ::1, and their IPv4-mapped forms (not 0.0.0.0, not link-local).
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// The access level of a route, from its path alone, to refuse a caller before its body
/// is read. Held to the API reference by the test `every_documented_route_has_its_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Loopback callers only: the drawer and the invoice purge.
    Local,
    /// `[server] allowed_networks`: status, logs, API reference, login and assets.
    Network,
    /// `[server] allowed_networks`, then an admin session before the body is read.
    Session,
    /// Local or `[odoo] epos_allowed_networks`, while `[odoo] epos` is on.
    Epos,
    /// Local or `[odoo] iot_allowed_networks`, while `[odoo] iot` is on.
    Iot,
    /// No route has this path: the 404 fallback, which never reads a body.
    Unrouted,
}

pub fn level_of(path: &str) -> Level {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|file| !file.is_empty() && !file.contains('/'))
    };
    match path {
        "/open-cash-drawer" | "/invoice-printer/purge" => Level::Local,
        "/cgi-bin/epos/service.cgi" => Level::Epos,
        p if crate::http::odoo::named_epos_path(p).is_some() => Level::Epos,
        "/hw_proxy/hello"
        | "/hw_proxy/handshake"
        | "/hw_proxy/status_json"
        | "/hw_proxy/default_printer_action"
        | "/hw_proxy/open_cashbox" => Level::Iot,
        // The admin actions (and the admin-only log routes): the session before the form.
        "/config/save"
        | "/config/password"
        | "/config/test-drawer"
        | "/config/test-print"
        | "/config/odoo-check"
        | "/config/restart"
        | "/config/logout"
        | "/logs/tail"
        | "/logs/purge" => Level::Session,
        "/status"
        | "/metrics"
        | "/drawer"
        | "/invoice-printer/status"
        | "/logs"
        | "/logs/list"
        | "/openapi.json"
        | "/docs"
        | "/config"
        | "/config/"
        | "/config/login" => Level::Network,
        _ if under("/config/assets/") || under("/docs/assets/") => Level::Network,
        _ => Level::Unrouted,
    }
}

/// The refusal a caller gets at `level`, if any (the route layers' too).
pub fn early_refusal(
    level: Level,
    peer: Option<Peer>,
    path: &str,
    state: &AppState,
) -> Option<Response> {
    let config = state.config();
    let (server, odoo) = (&config.server, &config.odoo);
    match level {
        Level::Local => local_refusal(peer, path),
        Level::Network | Level::Session => network_refusal(peer, path, &server.allowed_networks),
        Level::Epos => protocol_refusal("epos", odoo.epos, &odoo.epos_allowed_networks, peer, path),
        Level::Iot => protocol_refusal("iot", odoo.iot, &odoo.iot_allowed_networks, peer, path),
        Level::Unrouted => None,
    }
}

/// Whether the handler will read the body: not unrouted, nor an admin action sessionless.
pub fn body_needed(level: Level, req: &Request, state: &AppState) -> bool {
    match level {
        Level::Unrouted => false,
        Level::Epos => crate::http::odoo::epos_body_wanted(state, req.uri().path()),
        Level::Session => {
            let peer = req.extensions().get::<Peer>();
            let https = peer.is_some_and(|p| p.scheme == Scheme::Https);
            crate::http::auth::route_session(state, req.uri().path(), req.headers(), https)
                .is_some()
        }
        _ => true,
    }
}

/// A local caller, or one in `nets`.
fn admitted(peer: Option<Peer>, nets: &[IpNet]) -> bool {
    peer.is_some_and(|p| p.is_local() || nets.iter().any(|n| n.contains(p.ip())))
}

/// The local-only refusal: the original's 403 and a logged warning.
pub fn local_refusal(peer: Option<Peer>, path: &str) -> Option<Response> {
    if admitted(peer, &[]) {
        return None;
    }
    log_denied(peer, path, "local uniquement");
    Some(ApiError::local_only().into_response())
}

/// Route layer: lets through the callers [`early_refusal`] admits at `level`.
async fn require(level: Level, state: AppState, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<Peer>().copied();
    match early_refusal(level, peer, req.uri().path(), &state) {
        Some(refused) => refused,
        None => next.run(req).await,
    }
}

/// Middleware for local-only routes (drawer, purges).
pub async fn require_local(State(state): State<AppState>, req: Request, next: Next) -> Response {
    require(Level::Local, state, req, next).await
}

/// Middleware for network-level routes (status, logs, admin page).
pub async fn require_allowed_network(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    require(Level::Network, state, req, next).await
}

pub async fn require_epos(State(state): State<AppState>, req: Request, next: Next) -> Response {
    require(Level::Epos, state, req, next).await
}

pub async fn require_iot(State(state): State<AppState>, req: Request, next: Next) -> Response {
    require(Level::Iot, state, req, next).await
}

/// Logs a refused caller (`access.denied`) and returns its address as written there.
pub fn log_denied(peer: Option<Peer>, path: &str, reason: &str) -> String {
    let who = peer.map_or_else(|| "inconnu".to_string(), |p| p.label());
    let path = crate::logs::escape(path);
    op!(warn, "access.denied", "denied"; peer = %who,
        "accès refusé ({reason}) à {path} depuis {who}");
    who
}

/// The refusal of callers outside `[server] allowed_networks` (empty: everyone; local
/// callers always pass, so the till cannot be locked out).
pub fn network_refusal(peer: Option<Peer>, path: &str, networks: &[IpNet]) -> Option<Response> {
    if networks.is_empty() || admitted(peer, networks) {
        return None;
    }
    let who = log_denied(peer, path, "réseau non autorisé");
    let text =
        format!("Accès refusé - le réseau de {who} n'est pas autorisé ([server] allowed_networks)");
    Some(ApiError::Forbidden(text).into_response())
}

/// An Odoo protocol's refusal: 404 while off, the local-only 403 outside its networks.
pub fn protocol_refusal(
    protocol: &str,
    enabled: bool,
    nets: &[IpNet],
    peer: Option<Peer>,
    path: &str,
) -> Option<Response> {
    if !enabled {
        let text =
            format!("Protocole Odoo {protocol} désactivé (voir [odoo] {protocol} dans config.ini)");
        return Some(ApiError::NotFound(text).into_response());
    }
    if admitted(peer, nets) {
        return None;
    }
    log_denied(
        peer,
        path,
        &format!("voir [odoo] {protocol}_allowed_networks"),
    );
    Some(ApiError::local_only().into_response())
}
