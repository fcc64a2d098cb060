//! Headless Chromium: a POS page from another origin (a second port on 127.0.0.1)
//! makes the requests Odoo's ePOS and hw_proxy clients make, and reads the answers as
//! they do; so CORS, the answer formats and the printing are checked as a shop sees them.
//! The page's origin is made "public" for Chromium (`--ip-address-space-overrides`), as
//! an Odoo server on the Internet is, so Local Network Access applies as in a shop.

use std::time::{Duration, Instant};

use crate::helpers::browser::Browser;
use crate::helpers::odoo::PIN2;
use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::TestApp;
use cashdrawer::escpos::{Decoder, Event};
use serde_json::{json, Value};

const PAGE: &str = include_str!("../fixtures/odoo_pos_page.html");

/// Waits until the peer holds `n` jobs and the last one is complete (ends with `last`).
fn jobs_when_done(peer: &PrinterPeer, n: usize, last: &[u8]) -> Vec<Vec<u8>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let jobs = peer.non_empty_jobs();
        if (jobs.len() >= n && jobs[n - 1].ends_with(last)) || Instant::now() > deadline {
            return jobs;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// (row bits, rows, dots) of the raster bands of a job.
fn raster(job: &[u8]) -> (usize, usize, Vec<bool>) {
    let mut d = Decoder::new();
    let mut events = d.feed(job);
    events.extend(d.finish());
    let (mut stride, mut rows, mut data) = (0, 0, Vec::new());
    for e in events {
        if let Event::Raster {
            width_bytes,
            height,
            data: bytes,
        } = e
        {
            stride = usize::from(width_bytes);
            rows += usize::from(height);
            data.extend(bytes);
        }
    }
    let dots = (0..data.len() * 8)
        .map(|i| data[i / 8] & (0x80 >> (i % 8)) != 0)
        .collect();
    (stride * 8, rows, dots)
}

async fn run(browser: &Browser, function: &str, service: &str) -> Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];\
         window.{function}(arguments[0]).then(done, e => done({{error: String(e)}}));"
    );
    let out = browser.execute_async(&script, json!([service])).await;
    assert!(out.get("error").is_none(), "{function}: {out}");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_prints_and_opens_the_drawer_through_epos_and_hw_proxy() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let service = format!("http://{}", app.addr);
    let page = crate::helpers::browser::serve_page(PAGE).await;
    let browser =
        Browser::start_with(&[format!("--ip-address-space-overrides={page}=public")]).await;
    browser.goto(&format!("http://{page}/")).await;
    // What the cashier grants once at Chrome's "access devices on your local network"
    // prompt.
    for name in ["local-network-access", "local-network", "loopback-network"] {
        browser.set_permission(name, "granted").await;
    }

    // Epson ePOS: receipt picture + cut, then the drawer.
    let epos = run(&browser, "runEpos", &service).await;
    assert_eq!(epos["print"], json!({"result": true, "code": ""}), "{epos}");
    assert_eq!(epos["pulse"], json!({"result": true, "code": ""}));
    let envelope = epos["envelope"].as_str().unwrap();
    assert!(
        envelope.contains("<pulse />") && !envelope.contains("xmlns=\"\""),
        "{envelope}"
    );
    let jobs = jobs_when_done(&peer, 2, PIN2);
    assert_eq!(jobs.len(), 2, "receipt and pulse");
    let (width, rows, dots) = raster(&jobs[0]);
    assert_eq!((width, rows), (256, 120));
    let sent: Vec<bool> = epos["bits"]
        .as_str()
        .unwrap()
        .bytes()
        .map(|b| b == b'1')
        .collect();
    let differing = dots.iter().zip(&sent).filter(|(a, b)| a != b).count();
    // Identical, except a dot where the data would spell a real-time command.
    assert!(differing <= 2, "{differing} dots differ");
    assert!(
        dots.iter().filter(|&&d| d).count() > 2000,
        "the picture is printed"
    );
    assert_eq!(jobs[1], PIN2);

    // IoT box: hello, handshake, status, JPEG receipt, drawer.
    let iot = run(&browser, "runIot", &service).await;
    assert_eq!(iot["hello"], true, "{iot}");
    // Informative: with `targetAddressSpace: "local"` Chromium refuses a loopback target
    // (the README tells those shops to use the machine's LAN address).
    println!("hello with targetAddressSpace local: {}", iot["helloLocal"]);
    assert_eq!(iot["handshake"], true);
    assert_eq!(iot["status"]["printer"]["status"], "connected");
    assert_eq!(iot["receipt"], true);
    assert_eq!(iot["cashbox"], true);
    let jobs = jobs_when_done(&peer, 4, PIN2);
    assert_eq!(jobs.len(), 4, "two more jobs");
    let (width, rows, dots) = raster(&jobs[2]);
    assert_eq!((width, rows), (256, 120));
    // The solid bar at the top (8..248 x 8..14) survives JPEG and dithering.
    let bar = (8..14)
        .flat_map(|y| (12..244).map(move |x| (x, y)))
        .filter(|&(x, y)| dots[y * width + x])
        .count();
    assert!(bar as f64 > 0.95 * 232.0 * 6.0, "bar: {bar} black dots");
    assert!(jobs[2].ends_with(&[0x1d, b'V', 66, 0]));
    assert_eq!(jobs[3], PIN2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_from_a_refused_origin_cannot_print() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &peer.target(),
        &[("server", "allowed_origins", "https://shop.odoo.com")],
    )
    .await;
    let page = crate::helpers::browser::serve_page(PAGE).await;
    let browser = Browser::start().await;
    browser.goto(&format!("http://{page}/")).await;
    let script =
        "const done = arguments[arguments.length - 1]; window.tryFetch(arguments[0]).then(done);";
    let out = browser
        .execute_async(script, json!([format!("http://{}", app.addr)]))
        .await;
    assert!(out.as_str().unwrap().starts_with("refused"), "{out}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(peer.non_empty_jobs().is_empty());
}

/// A restaurant's preparation printer: Odoo's Epson printer class with the address the
/// docs tell the shop to type (`127.0.0.1:<port>/kitchen`), from a public origin, prints
/// on the kitchen peer and nothing on the receipt printer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_prints_a_kitchen_ticket_at_the_named_printer_address() {
    let receipt = PrinterPeer::start(Behaviour::Normal);
    let kitchen = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &receipt.target(),
        &[("printers", "kitchen", &kitchen.target())],
    )
    .await;
    let page = crate::helpers::browser::serve_page(PAGE).await;
    let browser =
        Browser::start_with(&[format!("--ip-address-space-overrides={page}=public")]).await;
    browser.goto(&format!("http://{page}/")).await;
    for name in ["local-network-access", "local-network", "loopback-network"] {
        browser.set_permission(name, "granted").await;
    }
    let ip = format!("127.0.0.1:{}/kitchen", app.addr.port());
    let out = run(&browser, "runEposAt", &ip).await;
    assert_eq!(
        out["address"],
        format!("http://{ip}/cgi-bin/epos/service.cgi?devid=local_printer")
    );
    assert_eq!(out["result"], true, "{out}");
    assert_eq!(out["code"], "", "{out}");
    let jobs = jobs_when_done(&kitchen, 1, &[0x1d, b'V', 66, 0]);
    assert_eq!(jobs.len(), 1, "the kitchen ticket");
    let (width, rows, dots) = raster(&jobs[0]);
    assert_eq!((width, rows), (256, 120));
    assert!(
        dots.iter().filter(|&&d| d).count() > 2000,
        "the picture is printed"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        receipt.non_empty_jobs().is_empty(),
        "nothing on the receipt printer"
    );
}
