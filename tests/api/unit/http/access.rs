//! Tests of `src/http/access.rs`.
use std::net::IpAddr;

use cashdrawer::http::access::*;

#[test]
fn classifies_every_address_form() {
    let local = [
        "127.0.0.1",
        "127.255.0.9",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:127.1.2.3",
    ];
    let network = [
        "192.168.1.10",
        "10.0.0.1",
        "0.0.0.0",
        "::",
        "fe80::1",
        "::ffff:192.168.1.10",
        "2001:db8::1",
        "169.254.1.1",
        "::127.0.0.1",
    ];
    for a in local {
        assert!(is_loopback(a.parse().unwrap()), "{a} is local");
    }
    for a in network {
        assert!(!is_loopback(a.parse().unwrap()), "{a} is network");
    }
    let mapped = Peer {
        addr: "[::ffff:10.1.2.3]:4000".parse().unwrap(),
        local: "[::ffff:10.1.2.4]:22548".parse().unwrap(),
        scheme: Scheme::Http,
    };
    assert_eq!(mapped.ip(), "10.1.2.3".parse::<IpAddr>().unwrap());
}

fn peer(addr: &str, local: &str) -> Peer {
    Peer {
        addr: addr.parse().unwrap(),
        local: local.parse().unwrap(),
        scheme: Scheme::Http,
    }
}

/// A self-connection (peer address = local address) is local, in every address form;
/// a LAN caller is not, even when it dialled the same address, and neither is a
/// caller whose address is ours but not the one the connection came in on.
#[test]
fn a_self_connection_is_local_and_nothing_else_is() {
    let selfs = [
        ("10.0.0.5:40000", "10.0.0.5:22548"),
        ("[::ffff:10.0.0.5]:40000", "[::ffff:10.0.0.5]:22548"),
        ("[::ffff:10.0.0.5]:40000", "10.0.0.5:22548"),
        ("[2001:db8::5]:40000", "[2001:db8::5]:22548"),
    ];
    for (a, l) in selfs {
        let p = peer(a, l);
        assert!(p.is_self() && p.is_local(), "{a} -> {l}");
        assert_eq!(
            p.label(),
            "local(self,10.0.0.5)".replace("10.0.0.5", &p.ip().to_string())
        );
    }
    let others = [
        ("10.0.0.6:40000", "10.0.0.5:22548"),
        ("10.0.0.5:40000", "10.0.0.7:22548"),
        ("0.0.0.0:40000", "0.0.0.0:22548"),
        ("[::]:40000", "[::]:22548"),
        ("[::ffff:10.0.0.6]:40000", "10.0.0.5:22548"),
    ];
    for (a, l) in others {
        let p = peer(a, l);
        assert!(!p.is_self() && !p.is_local(), "{a} -> {l}");
        assert_eq!(p.label(), p.ip().to_string());
    }
    assert_eq!(peer("127.0.0.1:1", "127.0.0.1:2").label(), "127.0.0.1");
}

/// The early classification agrees with every route of the API reference (which
/// `tests/api/openapi.rs` holds to the router): a route it missed would be served with
/// an empty body, one it put at a looser level would read bodies it should refuse.
#[test]
fn every_documented_route_has_its_level() {
    let doc = serde_json::to_value(cashdrawer::http::apidoc::document()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 20, "the reference lists the routes");
    for (path, item) in paths {
        let path = path.replace("{file}", "app.css");
        let level = level_of(&path);
        for (method, op) in item.as_object().unwrap() {
            let declared = op["x-access-level"].as_str().unwrap_or_default();
            let ok = match declared {
                "local" if path.ends_with("/cgi-bin/epos/service.cgi") => level == Level::Epos,
                "local" if path.starts_with("/hw_proxy/") => level == Level::Iot,
                "local" => level == Level::Local,
                "network" => level == Level::Network,
                // Session routes are POST; the admin page itself and the log routes
                // that check the session inside read no form before it.
                "authenticated" => matches!(level, Level::Session | Level::Network),
                _ => false,
            };
            assert!(
                ok,
                "{method} {path}: declared {declared}, classified {level:?}"
            );
        }
    }
    for unrouted in [
        "/cgi-bin/other",
        "/hw_proxy/",
        "/hw_proxy/unknown",
        "/config/assets/",
        "/config/assets/a/b",
        "/open-cash-drawer/x",
        "/",
        "//cgi-bin/epos/service.cgi",
        "/a/b/cgi-bin/epos/service.cgi",
    ] {
        assert_eq!(level_of(unrouted), Level::Unrouted, "{unrouted}");
    }
}
