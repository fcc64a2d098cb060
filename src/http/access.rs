//! Who is calling: classified from the TCP peer address only. Headers such as
//! `X-Forwarded-For`, `Forwarded` or `Host` never make a caller local.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// How the connection reached us; put in every request's extensions by the listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub addr: SocketAddr,
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
    pub fn ip(&self) -> IpAddr {
        canonical_ip(self.addr.ip())
    }

    pub fn is_local(&self) -> bool {
        is_loopback(self.addr.ip())
    }
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket reports for IPv4
/// callers) becomes the IPv4 address it stands for.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// Loopback: 127.0.0.0/8, ::1, and their IPv4-mapped forms. Nothing else is local: not
/// the machine's own LAN address, not 0.0.0.0, not link-local.
pub fn is_loopback(ip: IpAddr) -> bool {
    canonical_ip(ip).is_loopback()
}

/// Middleware for local-only routes (drawer, purges): network callers get the original's
/// 403 answer and a warning with their address.
pub async fn require_local(State(_state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<Peer>().copied();
    match peer {
        Some(p) if p.is_local() => next.run(req).await,
        _ => {
            log_denied(peer, req.uri().path(), "local uniquement");
            ApiError::local_only().into_response()
        }
    }
}

/// Logs a refused caller (`access.denied`, with the reason and the path it asked for)
/// and returns its address as written in the line, for the answer.
pub fn log_denied(peer: Option<Peer>, path: &str, reason: &str) -> String {
    let who = peer.map_or_else(|| "inconnu".to_string(), |p| p.ip().to_string());
    tracing::warn!(
        op = "access.denied",
        outcome = "denied",
        peer = %who,
        "accès refusé ({reason}) à {} depuis {who}",
        crate::logs::escape(path)
    );
    who
}

/// Middleware for network-level routes (status, logs, admin page): callers outside
/// `[server] allowed_networks` get 403 and a log line. Empty list = everyone; loopback
/// is always allowed, so the till itself can never be locked out.
pub async fn require_allowed_network(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let peer = req.extensions().get::<Peer>().copied();
    let config = state.config();
    let networks = &config.server.allowed_networks;
    let allowed = match peer {
        Some(p) => {
            p.is_local() || networks.is_empty() || networks.iter().any(|n| n.contains(p.ip()))
        }
        None => networks.is_empty(),
    };
    if allowed {
        return next.run(req).await;
    }
    let who = log_denied(peer, req.uri().path(), "réseau non autorisé");
    ApiError::Forbidden(format!(
        "Accès refusé - le réseau de {who} n'est pas autorisé ([server] allowed_networks)"
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_address_form() {
        let local = [
            "127.0.0.1",
            "127.255.0.9",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:127.1.2.3",
        ];
        let network = [
            "192.168.1.10",
            "10.0.0.1",
            "0.0.0.0",
            "::",
            "fe80::1",
            "::ffff:192.168.1.10",
            "2001:db8::1",
            "169.254.1.1",
            "::127.0.0.1",
        ];
        for a in local {
            assert!(is_loopback(a.parse().unwrap()), "{a} is local");
        }
        for a in network {
            assert!(!is_loopback(a.parse().unwrap()), "{a} is network");
        }
        assert_eq!(
            canonical_ip("::ffff:10.1.2.3".parse().unwrap()),
            "10.1.2.3".parse::<IpAddr>().unwrap()
        );
    }
}
