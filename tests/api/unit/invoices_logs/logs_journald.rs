//! Unit tests of `logs::journald`.

use tracing::Level;

use cashdrawer::logs::journald::*;
use cashdrawer::logs::line::Entry;

#[test]
fn fields_follow_the_journal_protocol() {
    let entry = Entry {
        op: Some("drawer.open".into()),
        outcome: Some("error".into()),
        ms: Some(41),
        peer: Some("192.168.1.20".into()),
        message: "deux\nlignes".into(),
        extra: vec![("bytes", "12".into()), ("_PID", "1".into())],
        suffix: String::new(),
        always: false,
    };
    let d = encode(Level::ERROR, &entry);
    let mut expected = b"MESSAGE\n".to_vec();
    expected.extend_from_slice(&11u64.to_le_bytes());
    expected.extend_from_slice(b"deux\nlignes\n");
    expected.extend_from_slice(
        b"PRIORITY=3\nSYSLOG_IDENTIFIER=odoo-pos-cashdrawer\nOP=drawer.open\nOUTCOME=error\n\
          PEER=192.168.1.20\nMS=41\nCASHDRAWER_BYTES=12\nCASHDRAWER_PID=1\n",
    );
    assert_eq!(
        String::from_utf8_lossy(&d),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(field_name("_"), None);
}
