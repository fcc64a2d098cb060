//! Named printers (`[printers]`, issue 14 §3): kitchen and bar tickets reach their own
//! printer peers through `/<name>/cgi-bin/epos/service.cgi`, each printer has its own
//! queue (a dead kitchen printer delays neither receipts nor the drawer), `/status` and
//! the log name every printer, and bad entries are refused with the key named.

use std::time::{Duration, Instant};

use crate::helpers::binary::Binary;
use crate::helpers::odoo::{odoo_envelope, EPOS};
use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::{ini, TestApp};
use cashdrawer::app::{Application, Settings};
use serde_json::Value;

fn epos_of(name: &str) -> String {
    format!("/{name}{EPOS}")
}

fn ticket(text: &str) -> String {
    odoo_envelope(&format!("<text>{text}&#10;</text><cut type=\"feed\"/>"))
}

async fn post(client: &reqwest::Client, url: String, body: String) -> (u16, String) {
    let res = client
        .post(url)
        .header("Origin", "https://shop.odoo.com")
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn printed(peer: &PrinterPeer) -> String {
    let all: Vec<u8> = peer.non_empty_jobs().concat();
    String::from_utf8_lossy(&all).into_owned()
}

fn success(answer: &str) -> bool {
    answer.contains("success=\"true\"")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_ticket_lands_on_its_own_printer_and_status_names_them() {
    let (receipt, kitchen, bar) = (
        PrinterPeer::start(Behaviour::Normal),
        PrinterPeer::start(Behaviour::Normal),
        PrinterPeer::start(Behaviour::Normal),
    );
    let app = TestApp::with_printer(
        &receipt.target(),
        &[
            ("printers", "kitchen", &kitchen.target()),
            ("printers", "bar", &bar.target()),
        ],
    )
    .await;
    let client = &app.client;
    let (s, a) = post(client, app.url(EPOS), ticket("RECU-42")).await;
    assert!(s == 200 && success(&a), "{s} {a}");
    let (s, a) = post(client, app.url(&epos_of("kitchen")), ticket("CUISINE-7")).await;
    assert!(s == 200 && success(&a), "{s} {a}");
    let (s, a) = post(client, app.url(&epos_of("bar")), ticket("BAR-3")).await;
    assert!(s == 200 && success(&a), "{s} {a}");
    for peer in [&receipt, &kitchen, &bar] {
        peer.wait_jobs(1, Duration::from_secs(5));
    }
    let (r, k, b) = (printed(&receipt), printed(&kitchen), printed(&bar));
    assert!(
        r.contains("RECU-42") && !r.contains("CUISINE") && !r.contains("BAR-3"),
        "{r:?}"
    );
    assert!(
        k.contains("CUISINE-7") && !k.contains("RECU") && !k.contains("BAR-3"),
        "{k:?}"
    );
    assert!(
        b.contains("BAR-3") && !b.contains("RECU") && !b.contains("CUISINE"),
        "{b:?}"
    );

    let (status, body) = app.get_json("/status").await;
    assert_eq!(status, 200);
    let named = body["printers"]["named"].as_array().expect("named list");
    let names: Vec<&str> = named.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["kitchen", "bar"], "{body}");
    assert_eq!(named[0]["target"], kitchen.target());
    assert_eq!(named[0]["epos_path"], "/kitchen/cgi-bin/epos/service.cgi");
    assert_eq!(named[0]["health"]["reachable"], true, "{body}");
    assert_eq!(body["printers"]["drawer"]["target"], receipt.target());
}

#[tokio::test]
async fn an_unknown_name_is_a_404_naming_the_printers_and_nothing_prints() {
    let (receipt, kitchen) = (
        PrinterPeer::start(Behaviour::Normal),
        PrinterPeer::start(Behaviour::Normal),
    );
    let app = TestApp::with_printer(
        &receipt.target(),
        &[("printers", "kitchen", &kitchen.target())],
    )
    .await;
    for name in ["bar", "Kitchen", "default", "%0Aevil", "cgi-bin"] {
        let res = app
            .client
            .post(app.url(&epos_of(name)))
            .header("Origin", "https://shop.odoo.com")
            .body(ticket("NON"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 404, "{name}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "error", "{name}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("inconnue") && message.contains("kitchen"),
            "{name}: {message}"
        );
        assert!(!message.contains('\n'), "{message}");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(receipt.non_empty_jobs().is_empty() && kitchen.non_empty_jobs().is_empty());
}

/// The kitchen printer accepts connections and never reads nor answers (a jammed or
/// frozen printer). Its tickets wait for its own timeouts; meanwhile the drawer and a
/// receipt go through the receipt printer at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_kitchen_printer_delays_neither_receipts_nor_the_drawer() {
    let receipt = PrinterPeer::start(Behaviour::Normal);
    let kitchen = PrinterPeer::start(Behaviour::Stall);
    let settings = [
        ("printer", "name", receipt.target()),
        ("printer", "connect_timeout_ms", "3000".to_string()),
        ("printer", "write_timeout_ms", "3000".to_string()),
        ("printers", "kitchen", kitchen.target()),
    ];
    let settings: Vec<(&str, &str, &str)> = settings
        .iter()
        .map(|(s, k, v)| (*s, *k, v.as_str()))
        .collect();
    let app = TestApp::spawn(&ini(&settings)).await;
    // Three kitchen tickets: the first holds the kitchen queue, the others wait behind it.
    let mut kitchen_jobs = Vec::new();
    for i in 0..3 {
        let (client, url) = (app.client.clone(), app.url(&epos_of("kitchen")));
        kitchen_jobs.push(tokio::spawn(async move {
            let sent = Instant::now();
            let answer = post(&client, url, ticket(&format!("CUISINE-{i}"))).await;
            (answer, sent.elapsed())
        }));
    }
    // Until the kitchen peer has been reached, the kitchen queue is not yet stuck.
    let deadline = Instant::now() + Duration::from_secs(5);
    while *kitchen.connections.lock().unwrap() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(*kitchen.connections.lock().unwrap() > 0, "kitchen reached");

    let started = Instant::now();
    let (status, body) = app.odoo_open_drawer().await;
    let drawer_took = started.elapsed();
    assert_eq!(status, 200, "{body}");
    let started = Instant::now();
    let (status, answer) = post(&app.client, app.url(EPOS), ticket("RECU-1")).await;
    let receipt_took = started.elapsed();
    assert!(status == 200 && success(&answer), "{status} {answer}");
    // Bounds: far below the kitchen's 3 s timeout, and the kitchen tickets still wait.
    assert!(
        drawer_took < Duration::from_millis(1500),
        "drawer took {drawer_took:?}"
    );
    assert!(
        receipt_took < Duration::from_millis(1500),
        "receipt took {receipt_took:?}"
    );
    assert!(
        kitchen_jobs.iter().all(|j| !j.is_finished()),
        "the kitchen tickets are still waiting on their dead printer"
    );
    assert!(printed(&receipt).contains("RECU-1"));

    // The kitchen tickets end with an Epson error, each within its own bounds.
    for job in kitchen_jobs {
        let ((status, answer), took) = job.await.unwrap();
        assert_eq!(status, 200);
        assert!(!success(&answer), "{answer}");
        assert!(took >= Duration::from_millis(2500), "{took:?}");
    }
}

/// Builds the real application on `config_ini` and returns its start-up error.
async fn start_error(config_ini: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{config_ini}\n[invoice_printer]\nautoprint = false\n");
    std::fs::write(dir.path().join("config.ini"), text).unwrap();
    match Application::build(Settings {
        data_dir: dir.path().to_path_buf(),
        listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    {
        Ok(_) => panic!("started with {config_ini:?}"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn bad_printers_entries_stop_the_start_with_the_key_and_what_is_accepted() {
    let many: String = (0..17).map(|i| format!("p{i} = virtual\n")).collect();
    let cases = [
        (
            "[printers]\nKitchen = virtual\n",
            "[printers] Kitchen",
            "a-z",
        ),
        (
            "[printers]\nbar = ftp://10.0.0.1\n",
            "[printers] bar",
            "tcp://",
        ),
        (
            "[printers]\nbar = virtual\nbar = virtual\n",
            "[printers] bar",
            "déjà utilisé",
        ),
        (
            "[printers]\ndefault = virtual\n",
            "[printers] default",
            "[printer] name",
        ),
        (
            "[printers]\ncuisine chaude = virtual\n",
            "[printers] cuisine chaude",
            "a-z",
        ),
        ("[printers]\nbar = \n", "[printers] bar", "valeur vide"),
        (
            &format!("[printers]\n{many}"),
            "[printers] p16",
            "au plus 16",
        ),
    ];
    for (text, key, accepted) in cases {
        let error = start_error(text).await;
        assert!(error.contains(key), "{text:?}: {error}");
        assert!(error.contains(accepted), "{text:?}: {error}");
        assert!(error.contains("config.ini"), "{error}");
    }
}

/// The real binary's operations log names the printer of every print and kick.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_names_the_printer_of_each_print_and_kick() {
    let (receipt, kitchen) = (
        PrinterPeer::start(Behaviour::Normal),
        PrinterPeer::start(Behaviour::Normal),
    );
    let dir = tempfile::tempdir().unwrap();
    let text = ini(&[
        ("printer", "name", &receipt.target()),
        ("printers", "kitchen", &kitchen.target()),
        ("invoice_printer", "autoprint", "false"),
    ]);
    std::fs::write(dir.path().join("config.ini"), text).unwrap();
    let bin = Binary::start(dir.path(), &[]);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let (s, a) = post(&client, bin.url(&epos_of("kitchen")), ticket("CUISINE")).await;
    assert!(s == 200 && success(&a), "{a}");
    let (s, a) = post(&client, bin.url(EPOS), ticket("RECU")).await;
    assert!(s == 200 && success(&a), "{a}");
    let res = client
        .get(bin.url("/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let kitchen_line = |l: &str| l.contains("odoo.epos") && l.contains("printer=kitchen");
    let log = bin.wait_log_line("kitchen ticket", kitchen_line);
    let line = log.lines().find(|l| kitchen_line(l)).unwrap();
    assert!(line.contains("ePOS ticket"), "{line}");
    bin.wait_log_line("receipt", |l| {
        l.contains("odoo.epos") && l.contains("printer=default")
    });
    bin.wait_log_line("kick", |l| {
        l.contains("drawer.open") && l.contains("printer=default")
    });
    bin.stop();
}

/// A LAN caller (from a network namespace) gets the receipt printer's ePOS rules on a
/// named printer: refused on the head while it is not in `[odoo] epos_allowed_networks`,
/// served once it is.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lan_caller_gets_the_epos_access_rules_on_a_named_printer() {
    use crate::helpers::netns::Namespace;
    let Some(ns) = Namespace::create(4) else {
        return;
    };
    let kitchen = PrinterPeer::start(Behaviour::Normal);
    let text = ini(&[
        ("printer", "name", "virtual"),
        ("printers", "kitchen", &kitchen.target()),
    ]);
    let app = TestApp::spawn_on(&text, std::net::SocketAddr::new(ns.host_ip.into(), 0)).await;
    let request = |body: &str| {
        format!(
            "POST /kitchen{EPOS} HTTP/1.1\r\nHost: {}\r\nOrigin: https://shop.odoo.com\r\n\
             Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            app.addr,
            body.len()
        )
        .into_bytes()
    };
    let (status, head, body) = ns.raw(app.addr, request(&ticket("LAN")));
    assert_eq!(status, 403, "{head}\n{body}");
    assert!(body.contains("Local uniquement"), "{body}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(kitchen.non_empty_jobs().is_empty());

    let nets = format!("{}/32", ns.ns_ip);
    let mut config = (*app.state.config()).clone();
    config.odoo.epos_allowed_networks = cashdrawer::domain::parse_cidr_list(&nets).unwrap();
    app.state.replace_config(config);
    let (status, _, body) = ns.raw(app.addr, request(&ticket("LAN-OK")));
    assert_eq!(status, 200, "{body}");
    assert!(success(&body), "{body}");
    kitchen.wait_jobs(1, Duration::from_secs(5));
    assert!(printed(&kitchen).contains("LAN-OK"));
}

/// Chrome's preflight (Private/Local Network Access) and the answer's CORS grant on a
/// named printer are those of the receipt printer's ePOS route: the POS page can read
/// the Epson answer.
#[tokio::test]
async fn a_named_printer_answers_the_preflight_and_is_readable_by_the_pos_page() {
    let kitchen = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer("virtual", &[("printers", "kitchen", &kitchen.target())]).await;
    let origin = "https://shop.odoo.com";
    for path in [EPOS.to_string(), epos_of("kitchen")] {
        let res = app
            .client
            .request(reqwest::Method::OPTIONS, app.url(&path))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Private-Network", "true")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 204, "{path}");
        let h = res.headers();
        assert_eq!(h["access-control-allow-origin"], origin, "{path}");
        assert_eq!(h["access-control-allow-private-network"], "true", "{path}");
        assert!(h["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST"));
    }
    let res = app
        .client
        .post(app.url(&epos_of("kitchen")))
        .header("Origin", origin)
        .body(ticket("CORS"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], origin);
    assert!(success(&res.text().await.unwrap()));
}

/// DNS rebinding: a page served as `evil.example` that resolves to the till sends
/// `Host: evil.example`; the named printer route refuses it as every route does.
#[tokio::test]
async fn a_foreign_host_cannot_print_on_a_named_printer() {
    let kitchen = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer("virtual", &[("printers", "kitchen", &kitchen.target())]).await;
    let res = app
        .client
        .post(app.url(&epos_of("kitchen")))
        .header("Host", format!("evil.example:{}", app.addr.port()))
        .header("Origin", format!("http://evil.example:{}", app.addr.port()))
        .body(ticket("REBIND"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "error");
    std::thread::sleep(Duration::from_millis(200));
    assert!(kitchen.non_empty_jobs().is_empty());
}
