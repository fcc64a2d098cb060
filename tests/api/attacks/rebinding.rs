//! §3, no website drives the till. A page in the till's browser reaches the service
//! either by DNS rebinding (its name re-pointed at 127.0.0.1: `Host: evil.example`, and
//! its `Origin` equal to that Host) or as a foreign origin reading our answers. Against
//! the real binary over real sockets, with raw requests whose headers we forge, and a
//! real TCP printer that records every connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::helpers::admin::{browser, csrf_of, get_html, post_form, PYTHON_HASH};
use crate::helpers::binary::Binary;
use crate::helpers::odoo::{odoo_envelope, EPOS, PIN2};
use crate::helpers::peer::{Behaviour, PrinterPeer};

const ODOO: &str = "https://shop.odoo.com";

/// An answer read off the socket.
struct Answer {
    status: u16,
    /// Header names lower-case.
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with exactly these headers (no Host is added: give it).
fn raw(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    s.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// The binary on a new data folder: the drawer printer is `printer`, invoices stay off,
/// the admin password is set (the Python fixture) unless `first_run`.
fn start(printer: &PrinterPeer, origins: &str, first_run: bool) -> (Binary, tempfile::TempDir) {
    let hash = if first_run { "" } else { PYTHON_HASH };
    start_on(
        "127.0.0.1",
        printer,
        &[
            ("auth", "password_hash", hash),
            ("server", "allowed_origins", origins),
        ],
    )
}

/// The same, listening on `host`, with `extra` settings.
fn start_on(
    host: &str,
    printer: &PrinterPeer,
    extra: &[(&str, &str, &str)],
) -> (Binary, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let target = printer.target();
    let mut settings = vec![
        ("printer", "name", target.as_str()),
        ("printer", "connect_timeout_ms", "500"),
        ("printer", "write_timeout_ms", "500"),
        ("invoice_printer", "autoprint", "false"),
        (
            "invoice_printer",
            "download_folder",
            downloads.to_str().unwrap(),
        ),
    ];
    settings.extend_from_slice(extra);
    std::fs::write(
        dir.path().join("config.ini"),
        crate::helpers::ini(&settings),
    )
    .unwrap();
    (Binary::start_on(dir.path(), host, &[]), dir)
}

/// Every route that acts: the drawer, printing, purges, the ePOS and hw_proxy routes,
/// the log tail and purge, and the admin page's actions.
fn acting_routes() -> Vec<(&'static str, String, String)> {
    let epos = odoo_envelope("<text>REBIND&#10;</text><pulse/>");
    let rpc =
        |params: &str| format!(r#"{{"id":1,"jsonrpc":"2.0","method":"call","params":{params}}}"#);
    vec![
        ("GET", "/open-cash-drawer".into(), String::new()),
        ("POST", EPOS.into(), epos),
        (
            "POST",
            "/hw_proxy/default_printer_action".into(),
            rpc(r#"{"data":{"action":"cashbox"}}"#),
        ),
        ("POST", "/hw_proxy/open_cashbox".into(), rpc("{}")),
        ("GET", "/hw_proxy/open_cashbox".into(), String::new()),
        ("POST", "/hw_proxy/status_json".into(), rpc("{}")),
        ("GET", "/invoice-printer/purge".into(), String::new()),
        ("GET", "/logs/tail".into(), String::new()),
        ("GET", "/logs/purge".into(), String::new()),
        ("POST", "/logs/purge".into(), "csrf=x".into()),
        ("POST", "/config/test-drawer".into(), "csrf=x".into()),
        ("POST", "/config/test-print".into(), "csrf=x".into()),
        ("POST", "/config/odoo-check".into(), "csrf=x".into()),
        ("POST", "/config/save".into(), "csrf=x".into()),
        ("POST", "/config/login".into(), "csrf=x&password=x".into()),
        ("GET", "/config".into(), String::new()),
    ]
}

/// The read-only routes: a rebinding page is same-origin to the browser, so CORS would
/// not hide their answers from it; they refuse a foreign Host too.
const READING_ROUTES: [&str; 7] = [
    "/status",
    "/drawer",
    "/logs",
    "/logs/list",
    "/invoice-printer/status",
    "/openapi.json",
    "/no-such-route",
];

fn assert_host_refused(a: &Answer, what: &str) {
    assert_eq!(a.status, 403, "{what}: {}", a.body);
    let json: serde_json::Value =
        serde_json::from_str(&a.body).unwrap_or_else(|_| panic!("{what}: JSON body {:?}", a.body));
    assert_eq!(json["status"], "error", "{what}");
    let message = json["message"].as_str().unwrap();
    assert!(
        message.contains("evil.example") && message.contains("allowed_hosts"),
        "{what}: the message names the Host and what is accepted: {message}"
    );
}

/// 1.0.0 printed and kicked the drawer through ePOS and hw_proxy for `Host:
/// evil.example` + `Origin: http://evil.example`, even with `allowed_origins` set to the
/// Odoo address, and answered 401 (not 403) on the log routes.
#[test]
fn a_foreign_host_is_refused_on_every_route_and_nothing_reaches_the_printer() {
    for origins in ["*", ODOO] {
        let printer = PrinterPeer::start(Behaviour::Normal);
        let (bin, _dir) = start(&printer, origins, false);
        let host = format!("evil.example:{}", bin.addr.port());
        let origin = format!("http://{host}");
        let forged: [Vec<(&str, &str)>; 3] = [
            vec![("Host", &host)],
            vec![("Host", &host), ("Origin", &origin)],
            vec![("Host", "evil.example"), ("Origin", "http://evil.example")],
        ];
        for headers in &forged {
            for (method, path, body) in acting_routes() {
                let mut h = headers.clone();
                if path.contains("epos") {
                    h.push(("Content-Type", "text/plain"));
                } else if path.starts_with("/hw_proxy") {
                    h.push(("Content-Type", "application/json"));
                } else if method == "POST" {
                    h.push(("Content-Type", "application/x-www-form-urlencoded"));
                }
                let a = raw(bin.addr, method, &path, &h, &body);
                assert_host_refused(&a, &format!("{origins} {method} {path} {headers:?}"));
            }
            for path in READING_ROUTES {
                let a = raw(bin.addr, "GET", path, headers, "");
                assert_host_refused(&a, &format!("{origins} GET {path} {headers:?}"));
            }
            // A preflight gets no CORS grant for a foreign Host either.
            let mut h = headers.clone();
            h.extend([
                ("Origin", origin.as_str()),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Private-Network", "true"),
            ]);
            let a = raw(bin.addr, "OPTIONS", EPOS, &h, "");
            assert_host_refused(&a, "preflight");
            assert_eq!(a.header("access-control-allow-origin"), None);
        }
        let log = bin.wait_log_line("access.denied for evil.example", |l| {
            l.contains("access.denied") && l.contains("evil.example") && l.contains("/cgi-bin/epos")
        });
        for path in ["/open-cash-drawer", "/hw_proxy/open_cashbox", "/logs/purge"] {
            assert!(
                log.lines()
                    .any(|l| l.contains("access.denied") && l.contains(path)),
                "access.denied for {path} in:\n{log}"
            );
        }
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            *printer.connections.lock().unwrap(),
            0,
            "{origins}: the printer was contacted: {:?}",
            printer.non_empty_jobs()
        );
        // The till's own name still works: the same ePOS job prints.
        let a = raw(
            bin.addr,
            "POST",
            EPOS,
            &[
                ("Host", &format!("localhost:{}", bin.addr.port())),
                ("Content-Type", "text/plain"),
            ],
            &odoo_envelope("<pulse/>"),
        );
        assert_eq!(a.status, 200, "{}", a.body);
        assert!(a.body.contains("success=\"true\""), "{}", a.body);
        bin.stop();
    }
}

/// 1.0.0 reflected any `Origin` in `Access-Control-Allow-Origin` with the default
/// `allowed_origins = *`, so any website could read the log and the invoice file names.
#[test]
fn other_origins_cannot_read_shop_data_with_the_default_any_origin() {
    let printer = PrinterPeer::start(Behaviour::Normal);
    let (bin, _dir) = start(&printer, "*", false);
    let host = bin.addr.to_string();
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    bin.wait_log("service");
    let day = format!("/logs?date={today}");
    for origin in ["http://evil.example", ODOO] {
        for path in [
            "/logs",
            day.as_str(),
            "/logs/list",
            "/logs/tail",
            "/logs/purge",
            "/invoice-printer/status",
            "/invoice-printer/purge",
            "/config/login",
        ] {
            let a = raw(
                bin.addr,
                "GET",
                path,
                &[("Host", &host), ("Origin", origin)],
                "",
            );
            assert!(a.status < 500, "{path}: {}", a.status);
            assert_eq!(
                a.header("access-control-allow-origin"),
                None,
                "{origin} may not read {path} (status {})",
                a.status
            );
            let pre = raw(
                bin.addr,
                "OPTIONS",
                path,
                &[
                    ("Host", &host),
                    ("Origin", origin),
                    ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Private-Network", "true"),
                ],
                "",
            );
            assert_eq!(
                pre.header("access-control-allow-origin"),
                None,
                "preflight {path}"
            );
            assert_eq!(pre.header("access-control-allow-private-network"), None);
        }
    }
    // The log was served (to whoever does not need CORS), just not readable cross-origin.
    let a = raw(
        bin.addr,
        "GET",
        "/logs",
        &[("Host", &host), ("Origin", "http://evil.example")],
        "",
    );
    assert_eq!(a.status, 200);
    assert!(a.body.contains("service"), "{}", a.body);
    // The POS routes stay readable by the POS, as with the original service.
    let a = raw(
        bin.addr,
        "GET",
        "/status",
        &[("Host", &host), ("Origin", ODOO)],
        "",
    );
    assert_eq!(a.header("access-control-allow-origin"), Some(ODOO));
    bin.stop();
}

/// Not a fix but what must survive it: with `allowed_origins` set to the Odoo address,
/// the POS still kicks the drawer and prints through ePOS and hw_proxy, and reads the
/// answers, on the names the till really uses.
#[test]
fn the_odoo_origin_still_kicks_the_drawer_and_prints_through_epos() {
    let printer = PrinterPeer::start(Behaviour::Normal);
    let (bin, _dir) = start(&printer, ODOO, false);
    let port = bin.addr.port();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let h = [("Host", host.as_str()), ("Origin", ODOO)];
        let a = raw(bin.addr, "GET", "/open-cash-drawer", &h, "");
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.header("access-control-allow-origin"), Some(ODOO));
        let mut h2 = h.to_vec();
        h2.push(("Content-Type", "text/plain"));
        let a = raw(
            bin.addr,
            "POST",
            EPOS,
            &h2,
            &odoo_envelope("<text>BONJOUR&#10;</text><cut type=\"feed\"/><pulse/>"),
        );
        assert_eq!(a.status, 200);
        assert!(a.body.contains("success=\"true\""), "{}", a.body);
        assert_eq!(a.header("access-control-allow-origin"), Some(ODOO));
        let mut h3 = h.to_vec();
        h3.push(("Content-Type", "application/json"));
        let a = raw(
            bin.addr,
            "POST",
            "/hw_proxy/open_cashbox",
            &h3,
            r#"{"id":1,"jsonrpc":"2.0","method":"call","params":{}}"#,
        );
        assert!(a.body.contains("\"result\":true"), "{}", a.body);
    }
    let jobs = printer.wait_jobs(6, Duration::from_secs(5));
    let printed = jobs
        .iter()
        .filter(|j| j.windows(7).any(|w| w == b"BONJOUR"))
        .count();
    let kicks = jobs
        .iter()
        .filter(|j| j.windows(PIN2.len()).any(|w| w == PIN2))
        .count();
    assert_eq!(printed, 2, "{jobs:?}");
    assert_eq!(kicks, 6, "{jobs:?}");
    // And another site still cannot, even naming the till correctly.
    let a = raw(
        bin.addr,
        "GET",
        "/open-cash-drawer",
        &[
            ("Host", &format!("localhost:{port}")),
            ("Origin", "http://evil.example"),
        ],
        "",
    );
    assert_eq!(a.status, 403, "{}", a.body);
    bin.stop();
}

/// 1.0.0's first-run page asked for the password only, leaving `allowed_origins = *`.
#[tokio::test]
async fn first_run_sets_allowed_origins_from_the_odoo_address() {
    let printer = PrinterPeer::start(Behaviour::Normal);
    let (bin, dir) = start(&printer, "*", true);
    let base = format!("http://{}", bin.addr);
    let config = dir.path().join("config.ini");
    let client = browser();
    let form = get_html(&client, &format!("{base}/config/login")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"odoo_origin\""), "{}", form.body);
    let csrf = csrf_of(&form.body);

    // Not an origin: refused, nothing written, the typed value kept in the form.
    for bad in [
        "myshop.odoo.com",
        "https://shop.odoo.com\nallowed_hosts = evil.example",
        "ftp://x",
    ] {
        let res = post_form(
            &client,
            &format!("{base}/config/login"),
            &[
                ("csrf", &csrf),
                ("password", "un-bon-mot"),
                ("confirm", "un-bon-mot"),
                ("odoo_origin", bad),
            ],
        )
        .await;
        assert_eq!(res.status, 400, "{bad}: {}", res.body);
        assert!(
            res.body.contains("https://maboutique.odoo.com"),
            "{}",
            res.body
        );
        let ini = std::fs::read_to_string(&config).unwrap();
        assert!(
            !ini.contains("$2"),
            "no password stored after {bad:?}:\n{ini}"
        );
        assert!(!ini.contains("evil.example"), "{ini}");
    }
    let res = post_form(
        &client,
        &format!("{base}/config/login"),
        &[
            ("csrf", &csrf),
            ("password", "un-bon-mot"),
            ("confirm", "un-bon-mot"),
            ("odoo_origin", "https://MyShop.odoo.com/pos/ui?config_id=1"),
        ],
    )
    .await;
    assert_eq!(
        (res.status, res.location.as_str()),
        (303, "/config"),
        "{}",
        res.body
    );
    let ini = std::fs::read_to_string(&config).unwrap();
    let line = ini
        .lines()
        .find(|l| l.trim_start().starts_with("allowed_origins"))
        .unwrap();
    assert_eq!(
        line.split_once('=').unwrap().1.trim(),
        "https://myshop.odoo.com",
        "{ini}"
    );
    bin.wait_log("allowed_origins = https://myshop.odoo.com");

    // Applied at once: another site is refused, the shop's Odoo kicks the drawer.
    let host = format!("localhost:{}", bin.addr.port());
    let a = raw(
        bin.addr,
        "GET",
        "/open-cash-drawer",
        &[("Host", &host), ("Origin", "http://evil.example")],
        "",
    );
    assert_eq!(a.status, 403, "{}", a.body);
    let a = raw(
        bin.addr,
        "GET",
        "/open-cash-drawer",
        &[("Host", &host), ("Origin", "https://myshop.odoo.com")],
        "",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    // No warning any more.
    let status: serde_json::Value = reqwest::get(format!("{base}/status"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["warnings"], serde_json::json!([]), "{status}");
    let page = get_html(&client, &format!("{base}/config")).await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("id=\"origins-warning\""),
        "{}",
        page.body
    );
    bin.stop();
}

/// 1.0.0 said nothing while any website could open the drawer.
#[tokio::test]
async fn any_origin_is_warned_on_status_and_the_admin_page() {
    let printer = PrinterPeer::start(Behaviour::Normal);
    let (bin, _dir) = start(&printer, "*", false);
    let base = format!("http://{}", bin.addr);
    let status: serde_json::Value = reqwest::get(format!("{base}/status"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        status["status"], "running",
        "existing keys unchanged: {status}"
    );
    let warnings = status["warnings"].as_array().expect("warnings array");
    assert_eq!(warnings.len(), 1, "{status}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("allowed_origins = *"),
        "{status}"
    );

    let client = browser();
    crate::helpers::admin::logged_in(&client, &base).await;
    let page = get_html(&client, &format!("{base}/config")).await;
    assert!(
        page.body.contains("id=\"origins-warning\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("https://maboutique.odoo.com"),
        "{}",
        page.body
    );
    let en = client
        .get(format!("{base}/config"))
        .header("Accept", "text/html")
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("any website open in the till"), "{en}");
    bin.stop();
}

/// A POS device on the shop network, allowed the Odoo protocols, names the till by its
/// address; a LAN page (or host) sending a foreign name gets nothing. 1.0.0 printed.
#[cfg(target_os = "linux")]
#[test]
fn a_lan_caller_allowed_the_odoo_protocols_still_needs_a_known_host() {
    let Some(ns) = crate::helpers::netns::Namespace::create(34) else {
        return;
    };
    let printer = PrinterPeer::start(Behaviour::Normal);
    let lan = format!("{}/32", ns.ns_ip);
    let (bin, _dir) = start_on(
        &ns.host_ip.to_string(),
        &printer,
        &[
            ("odoo", "epos_allowed_networks", &lan),
            ("odoo", "iot_allowed_networks", &lan),
        ],
    );
    let to = bin.addr;
    let request = |host: &str, path: &str, ctype: &str, body: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let epos = odoo_envelope("<text>LAN&#10;</text><pulse/>");
    let cashbox = r#"{"id":1,"jsonrpc":"2.0","method":"call","params":{}}"#;
    let evil = format!("evil.example:{}", to.port());
    for (path, ctype, body) in [
        (EPOS, "text/plain", epos.as_str()),
        ("/hw_proxy/open_cashbox", "application/json", cashbox),
    ] {
        let (status, _, answer) = ns.raw(to, request(&evil, path, ctype, body));
        assert_eq!(status, 403, "{path}: {answer}");
        assert!(answer.contains("Nom d'hôte refusé"), "{answer}");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        *printer.connections.lock().unwrap(),
        0,
        "the printer was contacted"
    );
    bin.wait_log_line("access.denied from the LAN", |l| {
        l.contains("access.denied")
            && l.contains(&ns.ns_ip.to_string())
            && l.contains("evil.example")
    });
    // The same requests naming the till by its address print and kick.
    let own = to.to_string();
    let (status, _, answer) = ns.raw(to, request(&own, EPOS, "text/plain", &epos));
    assert_eq!(status, 200);
    assert!(answer.contains("success=\"true\""), "{answer}");
    let (_, _, answer) = ns.raw(
        to,
        request(&own, "/hw_proxy/open_cashbox", "application/json", cashbox),
    );
    assert!(answer.contains("\"result\":true"), "{answer}");
    let jobs = printer.wait_jobs(2, Duration::from_secs(5));
    assert!(
        jobs.iter().any(|j| j.windows(3).any(|w| w == b"LAN")),
        "{jobs:?}"
    );
    bin.stop();
}

/// A purge deletes files: no other website may trigger it, even with the default
/// `allowed_origins = *` (which keeps the drawer open to any page, as the original
/// service did). Found by the adversarial review of this release: 1.1.0-pre purged for
/// `Origin: http://evil.example` and for an `<img>` from another site.
#[test]
fn no_other_website_triggers_a_purge_even_with_any_origin() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let (bin, _dir) = start(&peer, "*", false);
    let host = bin.addr.to_string();
    for headers in [
        vec![("Host", host.as_str()), ("Origin", "http://evil.example")],
        vec![
            ("Host", host.as_str()),
            ("Referer", "http://evil.example/page"),
        ],
        vec![("Host", host.as_str()), ("Sec-Fetch-Site", "cross-site")],
    ] {
        let a = raw(bin.addr, "GET", "/invoice-printer/purge", &headers, "");
        assert_eq!(a.status, 403, "{headers:?}: {}", a.body);
        assert!(a.body.contains("Origine refusée"), "{}", a.body);
    }
    // The service's own page and plain tools still purge.
    let own = format!("http://{host}");
    for headers in [
        vec![("Host", host.as_str()), ("Origin", own.as_str())],
        vec![("Host", host.as_str())],
    ] {
        let a = raw(bin.addr, "GET", "/invoice-printer/purge", &headers, "");
        assert_eq!(a.status, 200, "{headers:?}: {}", a.body);
    }
}
