//! Tests of `src/http/server.rs`.
use std::net::IpAddr;
use std::time::{Duration, Instant};

use cashdrawer::http::server::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

const SMALL: ConnectionCaps = ConnectionCaps {
    total: 6,
    network: 5,
    per_address: 2,
    loopback_reserved: 2,
};

#[test]
fn a_lan_address_gets_its_share_and_loopback_keeps_its_slots() {
    let conns = Connections::new(SMALL);
    let a: Vec<_> = (0..2)
        .map(|_| conns.admit(ip("10.0.0.5")).unwrap())
        .collect();
    assert_eq!(
        conns.admit(ip("10.0.0.5")).unwrap_err(),
        CapReached::PerAddress(2)
    );
    // The IPv4-mapped form is the same address.
    assert_eq!(
        conns.admit(ip("::ffff:10.0.0.5")).unwrap_err(),
        CapReached::PerAddress(2)
    );
    let b: Vec<_> = (0..2)
        .map(|_| conns.admit(ip("10.0.0.6")).unwrap())
        .collect();
    // 4 open: the LAN's share (6 - 2 reserved) is used up, loopback still gets in.
    assert_eq!(
        conns.admit(ip("10.0.0.7")).unwrap_err(),
        CapReached::Total(4)
    );
    let l: Vec<_> = (0..2)
        .map(|_| conns.admit(ip("127.0.0.1")).unwrap())
        .collect();
    assert_eq!(conns.admit(ip("::1")).unwrap_err(), CapReached::Total(6));
    assert_eq!(conns.open(), 6);
    drop(a);
    assert_eq!(conns.open(), 4);
    // Loopback's connections count in the total: the LAN may not take the last two.
    assert_eq!(
        conns.admit(ip("10.0.0.5")).unwrap_err(),
        CapReached::Total(4)
    );
    drop(l);
    let _again = conns.admit(ip("10.0.0.5")).unwrap();
    drop(b);
    assert_eq!(conns.open(), 1);
}

#[test]
fn a_refused_address_is_logged_once_per_interval_with_its_count() {
    let conns = Connections::new(SMALL);
    let t0 = Instant::now();
    let who = ip("10.0.0.9");
    assert_eq!(conns.refusal_to_log(who, t0), Some(1));
    for _ in 0..999 {
        assert_eq!(conns.refusal_to_log(who, t0 + Duration::from_secs(1)), None);
    }
    assert_eq!(conns.refusal_to_log(ip("10.0.0.8"), t0), Some(1));
    assert_eq!(
        conns.refusal_to_log(who, t0 + REFUSAL_LOG_INTERVAL),
        Some(1000)
    );
}

#[test]
fn caps_stay_below_the_descriptor_limit() {
    let caps = ConnectionCaps::default();
    assert_eq!(caps.within(1_048_576), caps);
    let usual = caps.within(1024);
    assert_eq!((usual.total, usual.network), (896, 512));
    let low = caps.within(256);
    assert_eq!(low.total, 128);
    assert_eq!(low.loopback_reserved, 32);
    assert_eq!(low.network, 96);
    assert_eq!(low.per_address, 32);
    let tiny = caps.within(100);
    assert!(tiny.total >= 1 && tiny.loopback_reserved < tiny.total);
    assert!(tiny.network <= tiny.total - tiny.loopback_reserved);
    assert!(tiny.per_address <= tiny.network);
}

#[test]
fn the_network_share_is_capped_apart_from_loopback() {
    let conns = Connections::new(ConnectionCaps {
        total: 100,
        network: 3,
        per_address: 2,
        loopback_reserved: 2,
    });
    let _lan: Vec<_> = ["10.0.0.1", "10.0.0.1", "10.0.0.2"]
        .iter()
        .map(|a| conns.admit(ip(a)).unwrap())
        .collect();
    assert_eq!(
        conns.admit(ip("10.0.0.3")).unwrap_err(),
        CapReached::Total(3)
    );
    // Loopback is bounded by the total only (a thousand tabs of the till's browser).
    let till: Vec<_> = (0..97)
        .map(|_| conns.admit(ip("127.0.0.1")).unwrap())
        .collect();
    assert_eq!(till.len(), 97);
    assert_eq!(
        conns.admit(ip("127.0.0.1")).unwrap_err(),
        CapReached::Total(100)
    );
}
