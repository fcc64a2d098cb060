use cashdrawer::auth::host::{host_name, is_known_host};

#[test]
fn host_names() {
    assert_eq!(host_name("LocalHost:22548"), "localhost");
    assert_eq!(host_name("[::1]:22548"), "::1");
    assert_eq!(host_name("::1"), "::1");
    assert_eq!(host_name("caisse.local."), "caisse.local");
}

#[test]
fn known_hosts() {
    let allowed = vec!["caisse.boutique.lan".to_string()];
    let m = Some("caisse1");
    for ok in [
        "localhost:22548",
        "127.0.0.1:22548",
        "[::1]:22548",
        "192.168.1.10:22548",
        "caisse1",
        "CAISSE1.local:22548",
        "caisse.boutique.lan:22548",
    ] {
        assert!(is_known_host(ok, &allowed, m), "{ok}");
    }
    for bad in [
        "evil.example",
        "evil.example:22548",
        "caisse1.evil.example",
        "localhost.evil.example",
        "",
        "127.0.0.1.nip.io",
        "[::1]evil.example",
        "[::1]:22548evil",
        "localhost:evil.example",
        "localhost:",
        "[::1",
    ] {
        assert!(!is_known_host(bad, &allowed, m), "{bad}");
    }
}
