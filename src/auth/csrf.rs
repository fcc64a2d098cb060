//! CSRF: every state-changing admin request carries a token bound to the session (or,
//! for the login and first-run forms, to the login cookie), in the form field `csrf`
//! or the header `X-CSRF-Token`. SameSite=Strict cookies already keep other sites'
//! requests out; the token also covers browsers that ignore SameSite.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "csrf";

/// The `csrf` field of an `application/x-www-form-urlencoded` body. Tokens are hex, so
/// a value needing percent-decoding is simply not a token.
pub fn form_field(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == FIELD)
        .map(|(_, v)| v.to_string())
}

pub fn header_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// An `Origin` naming another site than the one the request was sent to.
pub fn cross_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    !origin_host.is_some_and(|o| o.eq_ignore_ascii_case(host))
}

/// The 403 answer, logged with the caller's address: a short page for a browser that
/// asked for HTML (a form post), the usual JSON error otherwise.
pub fn refuse(peer: &str, path: &str, why: &str, html: bool) -> Response {
    tracing::warn!(
        op = "auth.csrf",
        outcome = "denied",
        peer = %peer,
        "requête refusée sur {} depuis {peer}: {why}",
        crate::logs::escape(path)
    );
    // `why` is one of our fixed texts, never caller input: no escaping needed.
    let message =
        format!("Requête refusée: {why}. Rechargez la page d'administration et recommencez.");
    if html {
        let body = format!(
            "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>403</title><link rel=\"stylesheet\" href=\"/config/assets/admin.css\"></head>\
             <body><main><p class=\"alert\" id=\"error\">{message}</p>\
             <p><a class=\"button\" href=\"/config\">/config</a></p></main></body></html>"
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response();
    }
    ApiError::Forbidden(message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_the_field() {
        assert_eq!(form_field(b"a=1&csrf=ab12&b=2").as_deref(), Some("ab12"));
        assert_eq!(form_field(b"a=1&xcsrf=ab12"), None);
        assert_eq!(form_field(b""), None);
    }

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("localhost:22548"));
        assert!(!cross_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://localhost:22548"),
        );
        assert!(!cross_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(cross_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(cross_origin(&h));
    }
}
