//! Unit tests of `invoices`.

use cashdrawer::config::Config;

fn parse(ini: &str) -> Result<Config, String> {
    let ini = ini::Ini::load_from_str(ini).unwrap();
    Config::from_ini(&ini, "config.ini").map_err(|e| e.to_string())
}

#[test]
fn new_keys_have_documented_defaults() {
    let c = Config::defaults().invoice_printer;
    assert_eq!((c.retries, c.retry_delay.as_secs()), (5, 2));
    assert_eq!(
        (c.stale_age.as_secs(), c.stable_wait.as_millis()),
        (3600, 500)
    );
    assert!(!c.keep_printed && !c.pjl && c.ipp_uri.is_none() && c.command.is_empty());
    assert!(c.ipps_fingerprint.is_none());
}

#[test]
fn bad_values_name_the_key_and_what_is_accepted() {
    let err = parse("[invoice_printer]\nipp_uri = lpd://p/queue\n").unwrap_err();
    assert!(
        err.contains("[invoice_printer] ipp_uri") && err.contains("ipps://"),
        "{err}"
    );
    let err = parse("[invoice_printer]\nipp_uri = ipps://p/ipp/print\nipps_fingerprint = 12:34\n")
        .unwrap_err();
    assert!(
        err.contains("[invoice_printer] ipps_fingerprint") && err.contains("64 chiffres"),
        "{err}"
    );
    let pin = "ab".repeat(32);
    let err = parse(&format!(
        "[invoice_printer]\nipp_uri = ipp://p/ipp/print\nipps_fingerprint = {pin}\n"
    ))
    .unwrap_err();
    assert!(
        err.contains("[invoice_printer] ipps_fingerprint") && err.contains("ipps://"),
        "a pin on plain IPP protects nothing: {err}"
    );
    let ok = parse(&format!(
        "[invoice_printer]\nipp_uri = IPPS://p/ipp/print\nipps_fingerprint = {pin}\n"
    ))
    .unwrap();
    assert_eq!(
        ok.invoice_printer.ipps_fingerprint.map(|f| f.0),
        Some([0xab; 32])
    );
    assert!(ok.invoice_printer.ipp_uri.unwrap().tls);
    let err = parse("[invoice_printer]\nretries = 0\n").unwrap_err();
    assert!(err.contains("[invoice_printer] retries"), "{err}");
    let ok = parse(
        "[invoice_printer]\nipp_uri = ipp://10.0.0.5/ipp/print\nname = FACTURE@10.0.0.6:9100\n",
    )
    .unwrap();
    let routes: Vec<String> = cashdrawer::invoices::transport::routes(&ok.invoice_printer)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        routes[..2],
        [
            "socket 10.0.0.6:9100".to_string(),
            "ipp ipp://10.0.0.5/ipp/print".to_string()
        ]
    );
    assert!(routes.iter().any(|r| r == "système FACTURE"));
}
