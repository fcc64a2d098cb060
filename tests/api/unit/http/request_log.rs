//! Tests of `src/http/request_log.rs`.
use axum::http::Uri;
use cashdrawer::http::request_log::*;

#[test]
fn secret_parameters_are_redacted() {
    let uri: Uri = "/logs/purge?a=1&csrf_token=s3cr3t&CSRF_TOKEN=x&token&b=2"
        .parse()
        .unwrap();
    assert_eq!(
        redact_query(&uri),
        "/logs/purge?a=1&csrf_token=***&CSRF_TOKEN=***&token&b=2"
    );
    let plain: Uri = "/status".parse().unwrap();
    assert_eq!(redact_query(&plain), "/status");
}

#[test]
fn a_percent_encoded_secret_name_is_redacted_too() {
    let uri: Uri = "/logs/purge?%63srf=s3cr3t&%70assword=x&a%3D=1"
        .parse()
        .unwrap();
    assert_eq!(
        redact_query(&uri),
        "/logs/purge?%63srf=***&%70assword=***&a%3D=1"
    );
}
