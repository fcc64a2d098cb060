//! The Host-header check of admin and local-only routes, against DNS rebinding: a web
//! page at `evil.example` whose name is re-pointed at 127.0.0.1 reaches us with
//! `Host: evil.example`, so only names we know are accepted.
//!
//! Accepted: `localhost`, any IP literal (a page can only be *at* an IP address if it
//! is our own origin, so an address cannot be a rebinding), the machine's name (and
//! `<name>.local`), and the names in `[server] allowed_hosts`. A request without Host
//! (HTTP/1.0 tools) is not a browser and passes.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::http::access::Peer;
use crate::state::AppState;

/// The host part of a Host header: no port, no brackets, lower-case, no final dot.
pub fn host_name(header: &str) -> String {
    let header = header.trim();
    let host = if let Some(rest) = header.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else if header.matches(':').count() == 1 {
        header.split(':').next().unwrap_or_default()
    } else {
        header
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

pub fn is_known_host(header: &str, allowed: &[String], machine: Option<&str>) -> bool {
    let host = host_name(header);
    if host.is_empty() {
        return false;
    }
    host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok()
        || machine.is_some_and(|m| host == m || host == format!("{m}.local"))
        || allowed.iter().any(|a| host_name(a) == host)
}

/// Middleware: 403 and a log line for an unknown Host.
pub async fn require_known_host(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let Some(host) = req.headers().get(header::HOST) else {
        return next.run(req).await;
    };
    let host = String::from_utf8_lossy(host.as_bytes()).to_string();
    let config = state.config();
    let machine = crate::platform::machine_name();
    if is_known_host(&host, &config.server.allowed_hosts, machine.as_deref()) {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<Peer>()
        .map_or_else(|| "inconnu".to_string(), |p| p.ip().to_string());
    tracing::warn!(
        op = "access.denied",
        outcome = "denied",
        peer = %peer,
        "nom d'hôte refusé {:?} pour {} depuis {peer}",
        crate::logs::escape(&host),
        crate::logs::escape(req.uri().path())
    );
    ApiError::Forbidden(format!(
        "Nom d'hôte refusé: {} (acceptés: localhost, les adresses IP, le nom de la machine, et [server] allowed_hosts)",
        crate::logs::escape(&host)
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("LocalHost:22548"), "localhost");
        assert_eq!(host_name("[::1]:22548"), "::1");
        assert_eq!(host_name("::1"), "::1");
        assert_eq!(host_name("caisse.local."), "caisse.local");
    }

    #[test]
    fn known_hosts() {
        let allowed = vec!["caisse.boutique.lan".to_string()];
        let m = Some("caisse1");
        for ok in [
            "localhost:22548",
            "127.0.0.1:22548",
            "[::1]:22548",
            "192.168.1.10:22548",
            "caisse1",
            "CAISSE1.local:22548",
            "caisse.boutique.lan:22548",
        ] {
            assert!(is_known_host(ok, &allowed, m), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:22548",
            "caisse1.evil.example",
            "localhost.evil.example",
            "",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_known_host(bad, &allowed, m), "{bad}");
        }
    }
}
