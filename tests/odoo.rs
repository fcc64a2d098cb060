//! Stock Odoo POS end to end: Odoo's exact request bodies (ePOS-Print envelopes and
//! `hw_proxy` JSON-RPC calls) against the real service, printed on TCP printer peers.

mod common;

use std::time::Duration;

use base64::Engine as _;
use cashdrawer::escpos::{Decoder, Event, PaperState};
use common::peer::{refusing_addr, Behaviour, PrinterPeer};
use common::TestApp;
use serde_json::{json, Value};

const PIN2: &[u8] = &[0x1b, 0x70, 0x00, 0x1a, 0xfa];
const EPOS: &str = "/cgi-bin/epos/service.cgi?devid=local_printer&timeout=60000";

/// `ePOSPrint(children)` of Odoo 17+: the `ePOSLayout` template's inner HTML with the
/// children appended and `xmlns=""` removed.
fn odoo_envelope(children: &str) -> String {
    format!(
        "\n        <s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n            <s:Body>\n                <epos-print xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\">{children}</epos-print>\n            </s:Body>\n        </s:Envelope>\n    "
    )
}

/// A test picture: a frame, a diagonal and a checkerboard, `width` x `height` dots.
fn picture(width: usize, height: usize) -> Vec<bool> {
    (0..width * height)
        .map(|i| {
            let (x, y) = (i % width, i / width);
            x == 0
                || y == 0
                || x == width - 1
                || y == height - 1
                || x == y
                || (x / 3 + y / 3) % 2 == 0
        })
        .collect()
}

/// Rows of `ceil(width/8)` bytes, MSB first.
fn pack(dots: &[bool], width: usize) -> Vec<u8> {
    let stride = width.div_ceil(8);
    let mut out = vec![0u8; stride * (dots.len() / width)];
    for (i, &d) in dots.iter().enumerate() {
        if d {
            out[(i / width) * stride + (i % width) / 8] |= 0x80 >> (i % width % 8);
        }
    }
    out
}

/// The first job once it ends with `suffix`: the peer records bytes as they arrive, so
/// a long job may still be streaming when it first shows up.
fn job_ending_with(peer: &PrinterPeer, suffix: &[u8]) -> Vec<u8> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let jobs = peer.non_empty_jobs();
        if let Some(job) = jobs.first() {
            if job.ends_with(suffix) || std::time::Instant::now() > deadline {
                assert_eq!(jobs.len(), 1, "one job");
                return job.clone();
            }
        } else if std::time::Instant::now() > deadline {
            panic!("no job received");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

async fn post_epos(app: &TestApp, path: &str, body: String) -> (u16, String, String) {
    let res = app
        .client
        .post(app.url(path))
        .header("Origin", "https://shop.odoo.com")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let ctype = res.headers()["content-type"].to_str().unwrap().to_string();
    (status, ctype, res.text().await.unwrap())
}

fn attr<'a>(xml: &'a str, name: &str) -> &'a str {
    let start = xml.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
    let len = xml[start..].find('"').unwrap();
    &xml[start..start + len]
}

/// Every raster band of a job, joined: (width in bytes, height, data), plus the other events.
fn rasters(job: &[u8]) -> ((usize, usize, Vec<u8>), Vec<Event>) {
    let mut d = Decoder::new();
    let mut events = d.feed(job);
    events.extend(d.finish());
    let (mut width, mut height, mut data, mut rest) = (0, 0, Vec::new(), Vec::new());
    for e in events {
        match e {
            Event::Raster {
                width_bytes,
                height: h,
                data: d,
            } => {
                assert!(width == 0 || width == usize::from(width_bytes));
                assert_eq!(d.len(), usize::from(width_bytes) * usize::from(h));
                width = usize::from(width_bytes);
                height += usize::from(h);
                data.extend(d);
            }
            other => rest.push(other),
        }
    }
    ((width, height, data), rest)
}

#[tokio::test]
async fn epos_image_and_cut_print_the_exact_bitmap() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    // 200 dots wide (a multiple of 8, as Odoo's canvases), 300 rows: three bands.
    let (w, h) = (200, 300);
    let dots = picture(w, h);
    let rows = pack(&dots, w);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&rows);
    let body = odoo_envelope(&format!(
        "<image width=\"{w}\" height=\"{h}\" align=\"center\">{b64}</image><cut type=\"feed\"/>"
    ));
    let (status, ctype, answer) = post_epos(&app, EPOS, body).await;
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/xml"), "{ctype}");
    assert_eq!(attr(&answer, "success"), "true", "{answer}");
    assert_eq!(attr(&answer, "code"), "");
    let asb: u32 = attr(&answer, "status").parse().unwrap();
    assert_eq!(asb & 0x2, 0x2, "ASB_PRINT_SUCCESS in {asb:#x}");

    let job = &job_ending_with(&peer, &[0x1d, b'V', 66, 0]);
    // Header: reset, PC858, centre, then GS v 0 with 25 bytes x 128 rows.
    assert_eq!(
        &job[..16],
        &[0x1b, b'@', 0x1b, b't', 19, 0x1b, b'a', 1, 0x1d, b'v', b'0', 0, 25, 0, 128, 0]
    );
    assert_eq!(&job[job.len() - 4..], &[0x1d, b'V', 66, 0]);
    let ((wb, height, data), rest) = rasters(job);
    assert_eq!((wb, height), (25, 300));
    assert_eq!(data, rows, "decoded raster is the original bitmap");
    assert_eq!(rest.last(), Some(&Event::Cut { partial: true }));
}

#[tokio::test]
async fn epos_image_width_not_multiple_of_8_keeps_row_padding() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let (w, h) = (21, 9);
    let rows = pack(&picture(w, h), w);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&rows);
    let body = odoo_envelope(&format!(
        "<image width=\"{w}\" height=\"{h}\" align=\"center\">{b64}</image>"
    ));
    let (_, _, answer) = post_epos(&app, EPOS, body).await;
    assert_eq!(attr(&answer, "success"), "true", "{answer}");
    let jobs = peer.wait_jobs(1, Duration::from_secs(2));
    let ((wb, height, data), _) = rasters(&jobs[0]);
    assert_eq!((wb, height), (3, 9));
    assert_eq!(data, rows);
}

#[tokio::test]
async fn epos_pulse_alone_sends_the_configured_drawer_command() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let (_, _, answer) = post_epos(&app, EPOS, odoo_envelope("<pulse/>")).await;
    assert_eq!(attr(&answer, "success"), "true", "{answer}");
    assert_eq!(
        peer.wait_jobs(1, Duration::from_secs(2)),
        vec![PIN2.to_vec()]
    );
    // The drawer sensor bit (pin 3 high in the peer's status) is reported.
    let asb: u32 = attr(&answer, "status").parse().unwrap();
    assert_eq!(asb & 0x4, 0x4);
}

#[tokio::test]
async fn epos_text_with_attributes() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let body = odoo_envelope(
        "<text lang=\"fr\" align=\"center\" em=\"true\" dw=\"true\">Café 2,50 €&#10;</text><feed line=\"2\"/><cut type=\"feed\"/>",
    );
    let (_, _, answer) = post_epos(&app, EPOS, body).await;
    assert_eq!(attr(&answer, "success"), "true", "{answer}");
    let mut expected = vec![0x1b, b'@', 0x1b, b't', 19, 0x1b, b'a', 1, 0x1b, b'E', 1];
    expected.extend_from_slice(&[0x1d, b'!', 0x10]);
    expected.extend_from_slice(b"Caf\x82 2,50 \xd5\n");
    expected.extend_from_slice(&[0x1b, b'd', 2, 0x1d, b'V', 66, 0]);
    assert_eq!(peer.wait_jobs(1, Duration::from_secs(2)), vec![expected]);
}

#[tokio::test]
async fn epos_error_codes() {
    // No paper: refused before anything is printed.
    let peer = PrinterPeer::start(Behaviour::Normal);
    peer.status.lock().unwrap().paper = PaperState::Empty;
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let receipt = odoo_envelope(
        "<image width=\"8\" height=\"1\" align=\"center\">/w==</image><cut type=\"feed\"/>",
    );
    let (status, _, answer) = post_epos(&app, EPOS, receipt.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(attr(&answer, "success"), "false", "{answer}");
    assert_eq!(attr(&answer, "code"), "EPTR_REC_EMPTY");
    let asb: u32 = attr(&answer, "status").parse().unwrap();
    assert_eq!(asb & 0x80000, 0x80000, "ASB_RECEIPT_END in {asb:#x}");
    assert!(peer.non_empty_jobs().is_empty(), "nothing printed");

    // Unknown devid.
    let path = "/cgi-bin/epos/service.cgi?devid=kitchen&timeout=60000";
    let (_, _, answer) = post_epos(&app, path, receipt.clone()).await;
    assert_eq!(attr(&answer, "code"), "DeviceNotFound");

    // Not an ePOS document.
    let (_, _, answer) = post_epos(&app, EPOS, "<html/>".into()).await;
    assert_eq!(attr(&answer, "code"), "SchemaError");

    // Printer switched off (nothing listens) and printer that never answers.
    let app = TestApp::with_printer(&format!("tcp://{}", refusing_addr()), &[]).await;
    let (_, _, answer) = post_epos(&app, EPOS, receipt.clone()).await;
    assert_eq!(attr(&answer, "success"), "false");
    assert_eq!(attr(&answer, "code"), "EX_BADPORT");
    let stalled = PrinterPeer::start(Behaviour::Stall);
    let app = TestApp::with_printer(&stalled.target(), &[]).await;
    let (_, _, answer) = post_epos(&app, EPOS, receipt).await;
    assert_eq!(attr(&answer, "code"), "EX_TIMEOUT");
}

#[tokio::test]
async fn switched_off_protocols_are_not_found() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &peer.target(),
        &[("odoo", "epos", "false"), ("odoo", "iot", "false")],
    )
    .await;
    let (status, _, _) = post_epos(&app, EPOS, odoo_envelope("<pulse/>")).await;
    assert_eq!(status, 404);
    assert_eq!(app.get("/hw_proxy/hello").await.status().as_u16(), 404);
    assert!(peer.non_empty_jobs().is_empty());
}

/// Odoo's `rpc()`: a JSON-RPC 2.0 call; returns its `result`.
async fn rpc(app: &TestApp, route: &str, params: Value) -> Value {
    let res = app
        .client
        .post(app.url(route))
        .header("Origin", "https://shop.odoo.com")
        .json(&json!({"id": 7, "jsonrpc": "2.0", "method": "call", "params": params}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["id"], 7);
    body["result"].clone()
}

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
    let app = TestApp::spawn(&common::ini(&[
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
