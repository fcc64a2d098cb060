//! Issue 14 §2 in headless Chromium: an Odoo 18/19 build with `odoo.use_lna` calls the
//! printer with `fetch(url, {targetAddressSpace: "local"})`. The POS page's origin is made
//! public (`--ip-address-space-overrides`), as an Odoo server on the Internet is; the
//! service is the real binary on 0.0.0.0, reached at the till's LAN address (the host end
//! of a namespace's veth: a private address, Chromium's "local" space), with no
//! `*_allowed_networks` entry: the browser runs on the till, so it is a self-connection.
#![cfg(target_os = "linux")]

use std::time::{Duration, Instant};

use crate::helpers::binary::Binary;
use crate::helpers::browser::Browser;
use crate::helpers::netns::Namespace;
use crate::helpers::odoo::PIN2;
use crate::helpers::peer::{Behaviour, PrinterPeer};
use serde_json::{json, Value};

const TAG: u8 = 33;

/// `fetch(url, {targetAddressSpace: "local"})` from the page, as Odoo's LNA builds do:
/// `{status, body}` or `{failed}` (not `error`: WebDriver's own key).
async fn local_fetch(browser: &Browser, url: &str) -> Value {
    let script = "const done = arguments[arguments.length - 1];\
        fetch(arguments[0], {targetAddressSpace: 'local'})\
          .then(async r => done({status: r.status, body: await r.text()}),\
                e => done({failed: String(e)}));";
    browser.execute_async(script, json!([url])).await
}

fn kicks_within(peer: &PrinterPeer, n: usize, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    loop {
        let kicks = peer.non_empty_jobs().iter().filter(|j| *j == PIN2).count();
        if kicks >= n || Instant::now() > deadline {
            return kicks;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_address_space_call_to_the_tills_lan_address_kicks_the_drawer() {
    let Some(ns) = Namespace::create(TAG) else {
        return;
    };
    let peer = PrinterPeer::start(Behaviour::Normal);
    let dir = tempfile::tempdir().unwrap();
    let ini = crate::helpers::ini(&[
        ("printer", "name", &peer.target()),
        ("invoice_printer", "autoprint", "false"),
    ]);
    std::fs::write(dir.path().join("config.ini"), ini).unwrap();
    let svc = Binary::start_on(dir.path(), "0.0.0.0", &[]);
    let port = svc.addr.port();
    let lan = format!("http://{}:{port}/open-cash-drawer", ns.host_ip);
    let loopback = format!("http://127.0.0.1:{port}/open-cash-drawer");

    let page = crate::helpers::browser::serve_page("<!doctype html><title>POS</title>").await;
    let browser =
        Browser::start_with(&[format!("--ip-address-space-overrides={page}=public")]).await;
    browser.goto(&format!("http://{page}/")).await;

    // The cashier has not allowed it (or refused the prompt): nothing leaves.
    for name in ["local-network-access", "local-network"] {
        let answer = browser.set_permission(name, "denied").await;
        println!("deny {name}: {answer}");
    }
    let refused = local_fetch(&browser, &lan).await;
    println!("LAN address, permission denied: {refused}");
    assert!(refused.get("failed").is_some(), "{refused}");
    assert_eq!(kicks_within(&peer, 1, Duration::from_millis(500)), 0);

    // What the cashier grants once at Chrome's "access devices on your local network"
    // prompt.
    for name in ["local-network-access", "local-network", "loopback-network"] {
        let answer = browser.set_permission(name, "granted").await;
        println!("grant {name}: {answer}");
    }
    let kicked = local_fetch(&browser, &lan).await;
    assert_eq!(kicked["status"], 200, "{kicked}");
    assert!(
        kicked["body"].as_str().unwrap().contains("success"),
        "{kicked}"
    );
    assert_eq!(kicks_within(&peer, 1, Duration::from_secs(5)), 1);
    svc.wait_log(&format!("local(self,{})", ns.host_ip));

    // The Odoo symptom: the loopback address with `targetAddressSpace: "local"` is
    // refused by Chromium before the request leaves (InvalidLocalNetworkAccess).
    let symptom = local_fetch(&browser, &loopback).await;
    println!("loopback address with targetAddressSpace local: {symptom}");
    assert!(symptom.get("failed").is_some(), "{symptom}");
    assert_eq!(kicks_within(&peer, 2, Duration::from_millis(500)), 1);
    drop(browser);
    svc.stop();
}
