use cashdrawer::config::Config;
use cashdrawer::domain::Lang;
use cashdrawer::http::admin::odoo_check::*;

#[test]
fn the_typed_origin_is_an_origin_or_a_clear_error() {
    assert!(parse_origins("", Lang::Fr).unwrap().is_empty());
    assert_eq!(
        parse_origins(" https://maboutique.odoo.com/pos/ui?config_id=1 ", Lang::Fr).unwrap(),
        ["https://maboutique.odoo.com"]
    );
    assert_eq!(
        parse_origins("http://odoo.local:8069", Lang::Fr).unwrap(),
        ["http://odoo.local:8069"]
    );
    for bad in [
        "*",
        "maboutique.odoo.com",
        "ftp://x",
        "https://",
        "https://a\nb",
        "https://a\"b",
    ] {
        let e = parse_origins(bad, Lang::Fr).unwrap_err();
        assert!(e.contains("https://maboutique.odoo.com"), "{bad:?}: {e}");
    }
    let huge = format!("https://{}.com", "a".repeat(400));
    let e = parse_origins(&huge, Lang::En).unwrap_err();
    assert!(
        e.contains("too long") && e.contains("https://myshop.odoo.com"),
        "{e}"
    );
}

#[test]
fn a_missing_origin_is_an_error_and_any_origin_a_warning() {
    let mut ini = ini::Ini::new();
    ini.with_section(Some("server"))
        .set("allowed_origins", "https://maboutique.odoo.com");
    let listed = Config::from_ini(&ini, "config.ini").unwrap();
    let any = Config::from_ini(&ini::Ini::new(), "config.ini").unwrap();
    let ours = ["https://maboutique.odoo.com".to_string()];
    let other = ["https://autre.odoo.com".to_string()];
    let level = |c: &Config, o: &[String]| origin_check(Lang::Fr, c, o).level;
    assert_eq!(level(&listed, &ours), Level::Ok);
    assert_eq!(level(&listed, &other), Level::Error);
    assert_eq!(level(&listed, &[]), Level::Warn);
    assert_eq!(level(&any, &other), Level::Warn);
    let refused = origin_check(Lang::En, &listed, &other).message;
    assert!(
        refused.contains("Origin not allowed") && refused.contains("https://maboutique.odoo.com"),
        "{refused}"
    );
}
