use cashdrawer::http::admin::login::first_run_origins;

#[test]
fn first_run_odoo_address_is_reduced_to_an_origin_or_refused() {
    for (typed, origin) in [
        ("https://myshop.odoo.com", "https://myshop.odoo.com"),
        ("  HTTPS://MyShop.Odoo.com/ ", "https://myshop.odoo.com"),
        (
            "https://myshop.odoo.com/pos/ui?config_id=1#x",
            "https://myshop.odoo.com",
        ),
        ("http://192.168.1.5:8069", "http://192.168.1.5:8069"),
        ("http://[::1]:8069/web", "http://[::1]:8069"),
        (
            "https://a.odoo.com, http://odoo.lan:8069",
            "https://a.odoo.com, http://odoo.lan:8069",
        ),
    ] {
        assert_eq!(
            first_run_origins(typed, false),
            Ok(Some(origin.to_string())),
            "{typed}"
        );
    }
    assert_eq!(first_run_origins("", false), Ok(None));
    assert_eq!(first_run_origins("   ", true), Ok(None));
    for bad in [
        "*",
        "myshop.odoo.com",
        "ftp://myshop.odoo.com",
        "https://",
        "https:///pos",
        "https://my shop.odoo.com",
        "https://shop.odoo.com\nallowed_hosts = evil",
        "https://shop.odoo.com\n[auth]",
        "https://shop\".odoo.com",
        "https://shop.odoo.com\u{2028}x",
        "javascript://alert(1)",
    ] {
        let err = first_run_origins(bad, false).expect_err(bad);
        assert!(err.contains("https://maboutique.odoo.com"), "{err}");
        let err = first_run_origins(bad, true).expect_err(bad);
        assert!(err.contains("https://myshop.odoo.com"), "{err}");
    }
}
