//! Tests of `src/http/cors.rs`.
use cashdrawer::http::cors::*;

#[test]
fn only_the_pos_routes_are_readable_by_other_origins() {
    for public in [
        "/open-cash-drawer",
        "/status",
        "/drawer",
        "/openapi.json",
        "/cgi-bin/epos/service.cgi",
        "/kitchen/cgi-bin/epos/service.cgi",
        "/hw_proxy/default_printer_action",
        "/hw_proxy/status_json",
    ] {
        assert!(readable_cross_origin(public), "{public}");
    }
    for private in [
        "/logs",
        "/logs/list",
        "/logs/tail",
        "/logs/purge",
        "/invoice-printer/status",
        "/invoice-printer/purge",
        "/config",
        "/config/save",
        "/status/",
        "/open-cash-drawer/x",
        "/unknown",
        "/a/b/cgi-bin/epos/service.cgi",
        "/logs/cgi-bin/epos",
    ] {
        assert!(!readable_cross_origin(private), "{private}");
    }
}

#[test]
fn an_origin_naming_the_host_is_compared_exactly() {
    assert!(origin_names_host(
        "http://localhost:22548",
        "LOCALHOST:22548"
    ));
    assert!(origin_names_host("https://evil.example", "evil.example"));
    assert!(!origin_names_host(
        "http://localhost:8069",
        "localhost:22548"
    ));
    assert!(!origin_names_host("localhost:22548", "localhost:22548"));
}
