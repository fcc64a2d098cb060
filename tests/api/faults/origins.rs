//! A web page open in the till's browser cannot open the drawer when `[server]
//! allowed_origins` lists the Odoo origin, even with the requests browsers send without
//! an `Origin` header (`<img src>`, `fetch` in no-cors mode): they are judged by their
//! `Referer`, or refused when the browser says they come from another site.

use std::time::Duration;

use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::TestApp;

async fn get(app: &TestApp, headers: &[(&str, &str)]) -> u16 {
    let mut req = app.client.get(app.url("/open-cash-drawer"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn originless_browser_requests_from_other_sites_cannot_open_the_drawer() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &peer.target(),
        &[("server", "allowed_origins", "https://shop.odoo.com")],
    )
    .await;
    // What Chromium sends for <img src="http://127.0.0.1:22548/open-cash-drawer"> on
    // another site, with and without a Referer (referrerpolicy="no-referrer").
    let evil = [
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Mode", "no-cors"),
        ("Referer", "https://evil.example/page"),
    ];
    assert_eq!(get(&app, &evil).await, 403);
    assert_eq!(get(&app, &evil[..2]).await, 403);
    assert_eq!(get(&app, &[("Sec-Fetch-Site", "same-site")]).await, 403);
    assert!(
        peer.wait_jobs(1, Duration::from_millis(300)).is_empty(),
        "nothing kicked"
    );
    // The POS page itself, in no-cors mode: its Referer names the allowed origin.
    let pos = [
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Mode", "no-cors"),
        ("Referer", "https://shop.odoo.com/pos/ui?config_id=1"),
    ];
    assert_eq!(get(&app, &pos).await, 200);
    // Not a browser (curl, a script on the till): no Origin, no Referer, no Sec-Fetch-*.
    assert_eq!(get(&app, &[]).await, 200);
    // A URL typed in the address bar.
    assert_eq!(get(&app, &[("Sec-Fetch-Site", "none")]).await, 200);
    assert_eq!(peer.wait_jobs(3, Duration::from_secs(2)).len(), 3);
}

#[tokio::test]
async fn with_the_default_any_origin_the_check_is_off() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let evil = [
        ("Sec-Fetch-Site", "cross-site"),
        ("Referer", "https://evil.example/page"),
    ];
    assert_eq!(
        get(&app, &evil).await,
        200,
        "allowed_origins = * is the original's behaviour"
    );
}
