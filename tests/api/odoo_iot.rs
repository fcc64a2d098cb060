//! IoT box (`hw_proxy`) end to end: Odoo's JSON-RPC calls against the real service,
//! printed on TCP printer peers; and the per-protocol access rules.

use std::time::Duration;

use crate::helpers::odoo::{job_ending_with, odoo_envelope, rasters, rpc, EPOS, PIN2};
use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::TestApp;
use base64::Engine as _;
use cashdrawer::escpos::{Event, PaperState};
use serde_json::json;

#[tokio::test]
async fn iot_hello_handshake_status_and_cashbox() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let res = app
        .client
        .get(app.url("/hw_proxy/hello"))
        .header("Origin", "https://shop.odoo.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://shop.odoo.com"
    );
    assert_eq!(res.text().await.unwrap(), "ping");
    assert_eq!(
        rpc(&app, "/hw_proxy/handshake", json!({})).await,
        json!(true)
    );
    let status = rpc(&app, "/hw_proxy/status_json", json!({})).await;
    assert_eq!(status["printer"]["status"], "connected", "{status}");

    let done = rpc(
        &app,
        "/hw_proxy/default_printer_action",
        json!({"data": {"action": "cashbox"}}),
    )
    .await;
    assert_eq!(done, json!(true));
    assert_eq!(
        rpc(&app, "/hw_proxy/open_cashbox", json!({})).await,
        json!(true)
    );
    assert_eq!(
        peer.wait_jobs(2, Duration::from_secs(2)),
        vec![PIN2.to_vec(), PIN2.to_vec()]
    );

    peer.status.lock().unwrap().paper = PaperState::Empty;
    let status = rpc(&app, "/hw_proxy/status_json", json!({})).await;
    assert_eq!(status["printer"]["status"], "error", "{status}");
}

/// A grey test receipt: white page, black text-like bars, a grey gradient band.
fn grey_receipt(width: usize, height: usize) -> Vec<u8> {
    (0..width * height)
        .map(|i| {
            let (x, y) = (i % width, i / width);
            if y < height / 3 {
                if (y / 8) % 2 == 0 && x > width / 10 && x < width * 9 / 10 {
                    0
                } else {
                    255
                }
            } else if y < 2 * height / 3 {
                (x * 255 / width) as u8
            } else if (x / 20 + y / 20) % 2 == 0 {
                0
            } else {
                255
            }
        })
        .collect()
}

fn jpeg(pixels: &[u8], width: usize, height: usize) -> String {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 92)
        .encode(
            pixels,
            width as u16,
            height as u16,
            jpeg_encoder::ColorType::Luma,
        )
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Mean darkness (0 white .. 1 black) of `block` x `block` squares.
fn darkness_blocks(
    dark: impl Fn(usize, usize) -> f64,
    w: usize,
    h: usize,
    block: usize,
) -> Vec<f64> {
    let mut out = Vec::new();
    for by in 0..h / block {
        for bx in 0..w / block {
            let mut sum = 0.0;
            for y in by * block..(by + 1) * block {
                for x in bx * block..(bx + 1) * block {
                    sum += dark(x, y);
                }
            }
            out.push(sum / (block * block) as f64);
        }
    }
    out
}

async fn print_jpeg_receipt(
    width: usize,
    height: usize,
    paper: &str,
) -> (usize, usize, Vec<bool>, Vec<u8>) {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[("odoo", "paper_width", paper)]).await;
    let grey = grey_receipt(width, height);
    let done = rpc(
        &app,
        "/hw_proxy/default_printer_action",
        json!({"data": {"action": "print_receipt", "receipt": jpeg(&grey, width, height)}}),
    )
    .await;
    assert_eq!(done, json!(true));
    let job = job_ending_with(&peer, &[0x1d, b'V', 66, 0]);
    let ((wb, rows, data), rest) = rasters(&job);
    assert_eq!(&job[..5], &[0x1b, b'@', 0x1b, b'a', 1]);
    assert_eq!(rest.last(), Some(&Event::Cut { partial: true }));
    let stride = wb;
    let dots: Vec<bool> = (0..rows * stride * 8)
        .map(|i| data[i / 8] & (0x80 >> (i % 8)) != 0)
        .collect();
    (stride * 8, rows, dots, grey)
}

#[tokio::test]
async fn iot_jpeg_receipt_prints_as_a_faithful_raster() {
    // 400 wide on 80 mm paper: kept dot for dot.
    let (w, h) = (400, 240);
    let (row_bits, rows, dots, grey) = print_jpeg_receipt(w, h, "80mm").await;
    assert_eq!((row_bits, rows), (400, 240));
    let printed = darkness_blocks(|x, y| f64::from(u8::from(dots[y * row_bits + x])), w, h, 10);
    let original = darkness_blocks(|x, y| 1.0 - f64::from(grey[y * w + x]) / 255.0, w, h, 10);
    let worst = printed
        .iter()
        .zip(&original)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 0.12, "largest block error {worst}");
}

#[tokio::test]
async fn iot_wide_jpeg_is_scaled_to_58mm_paper() {
    let (w, h) = (768, 320);
    let (row_bits, rows, dots, grey) = print_jpeg_receipt(w, h, "58mm").await;
    assert_eq!((row_bits, rows), (384, 160));
    // Compare 16x16 printed blocks with the 32x32 source blocks they came from.
    let printed = darkness_blocks(
        |x, y| f64::from(u8::from(dots[y * row_bits + x])),
        384,
        160,
        16,
    );
    let original = darkness_blocks(|x, y| 1.0 - f64::from(grey[y * w + x]) / 255.0, w, h, 32);
    let worst = printed
        .iter()
        .zip(&original)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 0.12, "largest block error {worst}");
}

#[tokio::test]
async fn iot_receipt_without_paper_answers_false() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    peer.status.lock().unwrap().paper = PaperState::Empty;
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let grey = grey_receipt(64, 32);
    let done = rpc(
        &app,
        "/hw_proxy/default_printer_action",
        json!({"data": {"action": "print_receipt", "receipt": jpeg(&grey, 64, 32)}}),
    )
    .await;
    assert_eq!(done, json!(false));
    assert!(peer.non_empty_jobs().is_empty());
    let bad = rpc(
        &app,
        "/hw_proxy/default_printer_action",
        json!({"data": {"action": "print_receipt", "receipt": "not a jpeg"}}),
    )
    .await;
    assert_eq!(bad, json!(false));
}

#[tokio::test]
async fn iot_status_answers_before_odoo_gives_up_even_when_the_printer_hangs() {
    let stalled = PrinterPeer::start(Behaviour::Stall);
    // Bound of one live query: 1 s connect + 4 x 1 s: longer than Odoo's 2.5 s.
    let app = TestApp::spawn(&crate::helpers::ini(&[
        ("printer", "name", &stalled.target()),
        ("printer", "connect_timeout_ms", "1000"),
        ("printer", "write_timeout_ms", "1000"),
    ]))
    .await;
    let started = std::time::Instant::now();
    let status = rpc(&app, "/hw_proxy/status_json", json!({})).await;
    let took = started.elapsed();
    assert_eq!(status["printer"]["status"], "disconnected", "{status}");
    assert!(took < Duration::from_millis(2400), "answered in {took:?}");
}

/// A request as the listener hands it over, from `ip` (router-level: tests cannot open
/// connections from a non-loopback address).
async fn from_address(app: &TestApp, ip: &str, path: &str, body: String) -> u16 {
    use tower::ServiceExt;
    let mut req = axum::http::Request::post(path)
        .body(axum::body::Body::from(body))
        .unwrap();
    req.extensions_mut().insert(cashdrawer::http::access::Peer {
        addr: format!("{ip}:50000").parse().unwrap(),
        local: "192.0.2.1:22548".parse().unwrap(),
        scheme: cashdrawer::http::access::Scheme::Http,
    });
    let res = cashdrawer::http::router(app.state.clone())
        .oneshot(req)
        .await
        .unwrap();
    res.status().as_u16()
}

#[tokio::test]
async fn network_callers_need_the_protocols_allowed_networks() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &peer.target(),
        &[("odoo", "iot_allowed_networks", "192.168.1.0/24")],
    )
    .await;
    let cashbox = json!({"id": 1, "jsonrpc": "2.0", "method": "call",
        "params": {"data": {"action": "cashbox"}}})
    .to_string();
    let action = "/hw_proxy/default_printer_action";
    // ePOS is local only (no networks), hw_proxy allows 192.168.1.0/24.
    assert_eq!(
        from_address(&app, "192.168.1.50", EPOS, odoo_envelope("<pulse/>")).await,
        403
    );
    assert_eq!(
        from_address(&app, "10.0.0.7", action, cashbox.clone()).await,
        403
    );
    assert!(peer.non_empty_jobs().is_empty());
    assert_eq!(
        from_address(&app, "192.168.1.50", action, cashbox).await,
        200
    );
    assert_eq!(
        peer.wait_jobs(1, Duration::from_secs(2)),
        vec![PIN2.to_vec()]
    );
}
