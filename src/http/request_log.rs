//! The line logged for every HTTP request: method, target (secret query values hidden),
//! status, duration and caller (the format is `crate::logs`'s). Must not import routes.

use std::time::Instant;

use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;

use crate::http::access::Peer;
use crate::logs::escape;

/// Query parameters whose value never reaches the log (downloadable from the network).
const SECRET_PARAMS: &[&str] = &["csrf", "csrf_token", "token", "password", "session"];

/// The request target as logged: secret parameter values replaced by `***`.
pub fn redact_query(uri: &Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.to_string();
    };
    let redacted: Vec<String> = query.split('&').map(redact).collect();
    format!("{}?{}", uri.path(), redacted.join("&"))
}

fn redact(pair: &str) -> String {
    let Some((name, _)) = pair.split_once('=') else {
        return pair.to_string();
    };
    // Compared as the handlers read it: `%63srf` is `csrf` to them.
    let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
    match SECRET_PARAMS
        .iter()
        .any(|s| decoded.eq_ignore_ascii_case(s))
    {
        true => format!("{name}=***"),
        false => pair.to_string(),
    }
}

pub async fn request_log(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = escape(&redact_query(req.uri()));
    let peer = req.extensions().get::<Peer>().map(Peer::label);
    let peer = peer.unwrap_or_default();
    let res = next.run(req).await;
    let status = res.status();
    let outcome = match status.as_u16() {
        401 | 403 => "denied",
        s if s >= 400 => "error",
        _ => "ok",
    };
    let ms = started.elapsed().as_millis() as u64;
    op!(info, "http.request", outcome; ms, peer = %peer, "{method} {path} -> {}", status.as_u16());
    res
}
