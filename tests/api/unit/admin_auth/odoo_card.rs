use std::net::IpAddr;

use axum::http::{header, HeaderMap, HeaderValue};
use cashdrawer::config::Config;
use cashdrawer::domain::Lang;
use cashdrawer::http::admin::odoo_card::{card, MAX_LAN_ADDRESSES};
use cashdrawer::http::admin::{odoo_check, CSP};

fn config() -> Config {
    Config::from_ini(&ini::Ini::new(), "config.ini").unwrap()
}

#[test]
fn addresses_have_dots_and_the_port_the_browser_used() {
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, HeaderValue::from_static("localhost:40123"));
    let lan: Vec<IpAddr> = vec!["192.168.1.20".parse().unwrap(), "fd00::5".parse().unwrap()];
    let c = card(Lang::Fr, &headers, &config(), &lan);
    assert_eq!(c.loopback, "127.0.0.1:40123");
    assert_eq!(c.lan, ["192.168.1.20:40123"]);
    // No Host (or no port in it): the configured port.
    let c = card(Lang::En, &HeaderMap::new(), &config(), &[]);
    assert_eq!(c.loopback, "127.0.0.1:22548");
    let many: Vec<IpAddr> = (1..=50).map(|i| IpAddr::from([10, 0, 0, i])).collect();
    assert_eq!(
        card(Lang::Fr, &headers, &config(), &many).lan.len(),
        MAX_LAN_ADDRESSES
    );
}

/// The page may call its LAN addresses and nothing else outside itself.
#[test]
fn the_page_may_connect_to_its_lan_addresses_only() {
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:22548"));
    let lan: Vec<IpAddr> = vec!["192.168.1.20".parse().unwrap()];
    let csp = card(Lang::Fr, &headers, &config(), &lan).content_security_policy();
    assert!(csp.starts_with(CSP), "{csp}");
    assert!(
        csp.ends_with("; connect-src 'self' http://192.168.1.20:22548"),
        "{csp}"
    );
    let none = card(Lang::Fr, &headers, &config(), &[]).content_security_policy();
    assert!(none.ends_with("; connect-src 'self'"), "{none}");
}

/// Odoo's `format_epson_certified_domain` keeps an address only `if "." in` it.
fn odoo_keeps(address: &str) -> bool {
    address.contains('.')
}

/// Every address the card tells to type survives Odoo's rewrite, and every example
/// it gives is accepted by the parser of the field it goes to (issue 14).
#[test]
fn every_address_and_example_of_the_card_is_accepted() {
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:22548"));
    let lan: Vec<IpAddr> = vec!["192.168.1.20".parse().unwrap(), "fd00::5".parse().unwrap()];
    let mut ini = ini::Ini::new();
    ini.with_section(Some("server"))
        .set("allowed_origins", "https://maboutique.odoo.com");
    let config = Config::from_ini(&ini, "config.ini").unwrap();
    for lang in [Lang::Fr, Lang::En] {
        let c = card(lang, &headers, &config, &lan);
        assert!(odoo_keeps(&c.loopback), "{}", c.loopback);
        assert!(!c.lan.is_empty());
        for address in &c.lan {
            assert!(odoo_keeps(address), "{address}");
            // The card says to allow it in `[odoo] epos_allowed_networks`.
            let ip = address.rsplit_once(':').unwrap().0;
            cashdrawer::domain::parse_cidr_list(ip).unwrap();
        }
        assert!(!odoo_keeps("localhost:22548"), "the card's warning is true");
        assert_eq!(
            odoo_check::parse_origins(&c.origin, lang).unwrap(),
            ["https://maboutique.odoo.com"]
        );
        assert!(c.t.no_localhost.contains("localhost") && c.t.no_localhost.contains("127.0.0.1"));
    }
    for example in ["https://maboutique.odoo.com", "https://myshop.odoo.com"] {
        let parsed = odoo_check::parse_origins(example, Lang::Fr).unwrap();
        assert_eq!(parsed, [example]);
    }
}
