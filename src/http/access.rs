//! Who is calling: classified from the TCP peer address only. Headers such as
//! `X-Forwarded-For`, `Forwarded` or `Host` never make a caller local.
//!
//! Local means loopback, or a *self-connection*: the till's browser calling the till's
//! own LAN address (what Chromium's Local Network Access makes Odoo 18/19 do, since it
//! refuses loopback for `targetAddressSpace: "local"`). Such a connection's peer address
//! equals its local address, and the local address of an accepted TCP connection is by
//! construction one of this machine's own. A LAN host cannot pass for one: to complete
//! the handshake it would have to receive our SYN-ACK, which, addressed to one of our
//! own addresses, is delivered to this machine and never leaves it (true on every OS;
//! the 32-bit initial sequence number is random, so it cannot be guessed blind). Linux
//! also drops such an IPv4 packet on arrival as a martian source unless
//! `net.ipv4.conf.*.accept_local` is set (and even with it set the handshake never
//! completes, checked by hand); for IPv6, and on Windows, we rely on the handshake alone.
//! `tests/api/self_connection.rs` checks both sides.
//!
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
    /// The connection's own end (the accepted socket's local address): one of this
    /// machine's addresses, the one the caller dialled.
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
    /// The caller's address; IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack
    /// socket reports for IPv4 callers) becomes the IPv4 address it stands for.
    pub fn ip(&self) -> IpAddr {
        self.addr.ip().to_canonical()
    }

    /// Loopback or a self-connection: the same level for every route decision.
    pub fn is_local(&self) -> bool {
        is_loopback(self.addr.ip()) || self.is_self()
    }

    /// A connection from this machine to one of its own non-loopback addresses: the
    /// peer address equals the connection's local address (see the module comment for
    /// why a LAN host cannot fake it). The unspecified address never is.
    pub fn is_self(&self) -> bool {
        let (peer, local) = (
            self.addr.ip().to_canonical(),
            self.local.ip().to_canonical(),
        );
        peer == local && !peer.is_unspecified() && !peer.is_multicast()
    }

    /// How the logs name the caller: its address, with why it counts as local when it
    /// is a self-connection (`local(self,10.0.0.5)`: no space, the log line's peer column is one word).
    pub fn label(&self) -> String {
        if is_loopback(self.addr.ip()) || !self.is_self() {
            self.ip().to_string()
        } else {
            format!("local(self,{})", self.ip())
        }
    }
}

/// Loopback: 127.0.0.0/8, ::1, and their IPv4-mapped forms. Nothing else is local: not
/// the machine's own LAN address, not 0.0.0.0, not link-local.
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// The access level of a route, decided from its path alone, so that a caller can be
/// refused on the request head, before a single byte of its body is read (issue 13:
/// 1.0.0 buffered up to 16 MiB per connection for callers it then refused).
///
/// It must agree with the layers each route group carries (see [`super::router`]); the
/// test `every_documented_route_has_its_level` holds it to the API reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Loopback callers only: the drawer and the invoice purge.
    Local,
    /// `[server] allowed_networks`: status, logs, API reference, login and assets.
    Network,
    /// `[server] allowed_networks`, then an admin session before the body is of any use:
    /// the admin page's actions (their handlers refuse a missing session first).
    Session,
    /// Local or `[odoo] epos_allowed_networks`, while `[odoo] epos` is on.
    Epos,
    /// Local or `[odoo] iot_allowed_networks`, while `[odoo] iot` is on.
    Iot,
    /// No route has this path: the 404 fallback, which never reads a body.
    Unrouted,
}

/// The admin page's actions: their handlers take the session before the form.
const SESSION_ROUTES: &[&str] = &[
    "/config/save",
    "/config/password",
    "/config/test-drawer",
    "/config/test-print",
    "/config/odoo-check",
    "/config/restart",
    "/config/logout",
    // Admin-only although not under /config: their bodies wait for the session too.
    "/logs/tail",
    "/logs/purge",
];

const NETWORK_ROUTES: &[&str] = &[
    "/status",
    "/metrics",
    "/drawer",
    "/invoice-printer/status",
    "/logs",
    "/logs/list",
    "/openapi.json",
    "/docs",
    "/config",
    "/config/",
    "/config/login",
];

const IOT_ROUTES: &[&str] = &[
    "/hw_proxy/hello",
    "/hw_proxy/handshake",
    "/hw_proxy/status_json",
    "/hw_proxy/default_printer_action",
    "/hw_proxy/open_cashbox",
];

/// The access level of `path`.
pub fn level_of(path: &str) -> Level {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|file| !file.is_empty() && !file.contains('/'))
    };
    match path {
        "/open-cash-drawer" | "/invoice-printer/purge" => Level::Local,
        "/cgi-bin/epos/service.cgi" => Level::Epos,
        p if crate::http::odoo::named_epos_path(p).is_some() => Level::Epos,
        p if IOT_ROUTES.contains(&p) => Level::Iot,
        p if SESSION_ROUTES.contains(&p) => Level::Session,
        p if NETWORK_ROUTES.contains(&p) => Level::Network,
        _ if under("/config/assets/") || under("/docs/assets/") => Level::Network,
        _ => Level::Unrouted,
    }
}

/// The refusal a caller gets on the head of a request at `level`, if any: the same
/// answers, in the same order, as the route layers give (they call the same functions).
pub fn early_refusal(
    level: Level,
    peer: Option<Peer>,
    path: &str,
    state: &AppState,
) -> Option<Response> {
    let config = state.config();
    match level {
        Level::Local => local_refusal(peer, path),
        Level::Network | Level::Session => {
            network_refusal(peer, path, &config.server.allowed_networks)
        }
        Level::Epos => protocol_refusal(
            "epos",
            config.odoo.epos,
            &config.odoo.epos_allowed_networks,
            peer,
            path,
        ),
        Level::Iot => protocol_refusal(
            "iot",
            config.odoo.iot,
            &config.odoo.iot_allowed_networks,
            peer,
            path,
        ),
        Level::Unrouted => None,
    }
}

/// Whether the handler of an admitted request at `level` will look at its body: not
/// for a path no route has, nor for an admin action sent without a valid session
/// (its handler answers 401 or sends to the login page from the head alone).
pub fn body_needed(level: Level, req: &Request, state: &AppState) -> bool {
    match level {
        Level::Unrouted => false,
        Level::Epos => crate::http::odoo::epos_body_wanted(state, req.uri().path()),
        Level::Session => {
            let https = req
                .extensions()
                .get::<Peer>()
                .is_some_and(|p| p.scheme == Scheme::Https);
            let path = req.uri().path();
            crate::http::auth::route_session(state, path, req.headers(), https).is_some()
        }
        _ => true,
    }
}

/// The local-only refusal: network callers get the original's 403 and a warning with
/// their address.
pub fn local_refusal(peer: Option<Peer>, path: &str) -> Option<Response> {
    match peer {
        Some(p) if p.is_local() => None,
        _ => {
            log_denied(peer, path, "local uniquement");
            Some(ApiError::local_only().into_response())
        }
    }
}

/// Middleware for local-only routes (drawer, purges): network callers get the original's
/// 403 answer and a warning with their address.
pub async fn require_local(State(_state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<Peer>().copied();
    match local_refusal(peer, req.uri().path()) {
        Some(refused) => refused,
        None => next.run(req).await,
    }
}

/// Logs a refused caller (`access.denied`, with the reason and the path it asked for)
/// and returns its address as written in the line, for the answer.
pub fn log_denied(peer: Option<Peer>, path: &str, reason: &str) -> String {
    let who = peer.map_or_else(|| "inconnu".to_string(), |p| p.label());
    tracing::warn!(
        op = "access.denied",
        outcome = "denied",
        peer = %who,
        "accès refusé ({reason}) à {} depuis {who}",
        crate::logs::escape(path)
    );
    who
}

/// The network-level refusal: callers outside `[server] allowed_networks` get 403 and a
/// log line. Empty list = everyone; loopback is always allowed, so the till itself can
/// never be locked out.
pub fn network_refusal(peer: Option<Peer>, path: &str, networks: &[IpNet]) -> Option<Response> {
    let allowed = match peer {
        Some(p) => {
            p.is_local() || networks.is_empty() || networks.iter().any(|n| n.contains(p.ip()))
        }
        None => networks.is_empty(),
    };
    if allowed {
        return None;
    }
    let who = log_denied(peer, path, "réseau non autorisé");
    Some(
        ApiError::Forbidden(format!(
            "Accès refusé - le réseau de {who} n'est pas autorisé ([server] allowed_networks)"
        ))
        .into_response(),
    )
}

/// Middleware for network-level routes (status, logs, admin page); see
/// [`network_refusal`].
pub async fn require_allowed_network(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let peer = req.extensions().get::<Peer>().copied();
    let refused = network_refusal(
        peer,
        req.uri().path(),
        &state.config().server.allowed_networks,
    );
    match refused {
        Some(refused) => refused,
        None => next.run(req).await,
    }
}

/// The refusal of an Odoo protocol route: 404 while the protocol is switched off, 403
/// (the local-only answer) for a caller neither local nor in its allowed networks.
pub fn protocol_refusal(
    protocol: &str,
    enabled: bool,
    nets: &[IpNet],
    peer: Option<Peer>,
    path: &str,
) -> Option<Response> {
    if !enabled {
        return Some(
            ApiError::NotFound(format!(
                "Protocole Odoo {protocol} désactivé (voir [odoo] {protocol} dans config.ini)"
            ))
            .into_response(),
        );
    }
    match peer {
        Some(p) if p.is_local() || nets.iter().any(|n| n.contains(p.ip())) => None,
        _ => {
            log_denied(
                peer,
                path,
                &format!("voir [odoo] {protocol}_allowed_networks"),
            );
            Some(ApiError::local_only().into_response())
        }
    }
}
