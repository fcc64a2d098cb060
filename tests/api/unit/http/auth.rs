//! Tests of `src/http/auth.rs`.
use axum::http::{header, HeaderMap, HeaderValue};
use cashdrawer::http::auth::*;

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
