//! Tests of `src/http/metrics.rs`.
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use cashdrawer::http::metrics::*;

fn with(auth: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(AUTHORIZATION, auth.parse().unwrap());
    h
}

#[test]
fn only_the_exact_bearer_token_passes() {
    let token = "0123456789abcdef-secret";
    assert!(bearer_matches(&with(&format!("Bearer {token}")), token));
    assert!(bearer_matches(&with(&format!("bearer  {token} ")), token));
    assert!(!bearer_matches(&HeaderMap::new(), token));
    assert!(!bearer_matches(&with(&format!("Basic {token}")), token));
    assert!(!bearer_matches(&with(&format!("Bearer {token}x")), token));
    assert!(!bearer_matches(&with("Bearer 0123456789abcdef"), token));
    assert!(!bearer_matches(&with("Bearer"), token));
}
