//! The Host-header check against DNS rebinding: a page at `evil.example` re-pointed at
//! 127.0.0.1 is same-origin with us to the browser, and only `Host` tells it apart.
//! Accepted: `localhost`, IP literals (no rebinding can use one), the machine's name
//! (and `<name>.local`), `[server] allowed_hosts`. No Host (HTTP/1.0 tools, never a
//! browser) passes. Decides on the header's text; no HTTP types.

/// The host part of a Host header: no port, no brackets, lower-case, no final dot;
/// empty (never known) when it is not `host[:port]` (`[::1]evil.example`, `localhost:x`).
pub fn host_name(header: &str) -> String {
    let header = header.trim();
    let (host, port) = if let Some(rest) = header.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, "")) => (inside, None),
            Some((inside, after)) => match after.strip_prefix(':') {
                Some(port) => (inside, Some(port)),
                None => return String::new(),
            },
            None => return String::new(),
        }
    } else if header.matches(':').count() == 1 {
        let (host, port) = header.split_once(':').unwrap_or_default();
        (host, Some(port))
    } else {
        (header, None)
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return String::new();
    }
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
