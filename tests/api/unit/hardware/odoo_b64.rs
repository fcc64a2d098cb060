//! Moved from `src/odoo/b64.rs`.

use cashdrawer::odoo::b64::*;

#[test]
fn whitespace_is_ignored_wherever_it_is() {
    assert_eq!(decode("aGVs bG8=").unwrap(), b"hello");
    assert_eq!(decode("aGVs\r\nbG8=\n").unwrap(), b"hello");
    assert_eq!(decode("\taGVsbG8=\x0b\x0c").unwrap(), b"hello");
    // Unicode spaces too, as before (`split_whitespace`).
    assert_eq!(decode("aGVs\u{2003}bG8=").unwrap(), b"hello");
    assert_eq!(decode("aGVsbG8=").unwrap(), b"hello");
}

#[test]
fn non_base64_is_an_error() {
    assert!(decode("%%%").is_err());
    assert!(decode("aGVsbG8=é").is_err());
}
