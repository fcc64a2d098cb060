//! The Host-header check, against DNS rebinding: a web page at `evil.example` whose name
//! is re-pointed at 127.0.0.1 reaches us with `Host: evil.example`, and to the browser it
//! is then *same-origin* with us: CORS hides nothing from it and its `Origin` equals the
//! `Host`. So the name the request was sent to is the only thing that tells it apart,
//! and every route checks it (the HTTP layer applies it outermost in the router). This
//! module decides on the header's text; it knows nothing of HTTP types.
//!
//! Accepted: `localhost`, any IP literal (a page can only be *at* an IP address if it
//! is our own origin, so an address cannot be a rebinding), the machine's name (and
//! `<name>.local`), and the names in `[server] allowed_hosts`. A request without Host
//! (HTTP/1.0 tools) is not a browser and passes: browsers, Odoo's POS included, always
//! send one.

/// The host part of a Host header: no port, no brackets, lower-case, no final dot.
/// Empty (so never known) when the header is not `host[:port]`: `[::1]evil.example` or
/// `localhost:x` are no name a browser sends, and must not pass as `::1` or `localhost`.
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
