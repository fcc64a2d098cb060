//! Epson ePOS-Print end to end: envelopes built as Odoo builds them, against the real
//! service, printed on TCP printer peers.

use std::time::Duration;

use crate::helpers::odoo::{job_ending_with, odoo_envelope, rasters, EPOS, PIN2};
use crate::helpers::peer::{refusing_addr, Behaviour, PrinterPeer};
use crate::helpers::TestApp;
use base64::Engine as _;
use cashdrawer::escpos::{Event, PaperState};

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

#[tokio::test]
async fn odoo16_jquery_request_opens_the_drawer() {
    // Odoo 13-16: QWeb renders `ePOSDrawer` (template whitespace kept) and jQuery posts
    // the string as a form body.
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let body = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n            <s:Body>\n                <epos-print xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\">\n                    \n            <pulse/>\n        \n                </epos-print>\n            </s:Body>\n        </s:Envelope>";
    let res = app
        .client
        .post(app.url("/cgi-bin/epos/service.cgi?devid=local_printer"))
        .header("Origin", "http://odoo.local:8069")
        .header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "http://odoo.local:8069"
    );
    let answer = res.text().await.unwrap();
    assert!(
        answer.contains("<response success=\"true\" code=\"\""),
        "{answer}"
    );
    assert_eq!(
        peer.wait_jobs(1, Duration::from_secs(2)),
        vec![PIN2.to_vec()]
    );
}

/// Odoo on https builds the ePOS URL from its own scheme: the same envelope over TLS on
/// the same port, trusting exactly the local CA the service generated.
#[tokio::test]
async fn epos_over_https_on_the_same_port() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let pem = std::fs::read(app.data_dir().join("tls/ca.pem")).expect("generated local CA");
    let client = reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .resolve("localhost", app.addr)
        .build()
        .unwrap();
    let res = client
        .post(format!("https://localhost:{}{EPOS}", app.addr.port()))
        .header("Origin", "https://shop.odoo.com")
        .body(odoo_envelope("<pulse/>"))
        .send()
        .await
        .expect("TLS request");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://shop.odoo.com"
    );
    let answer = res.text().await.unwrap();
    assert_eq!(attr(&answer, "success"), "true", "{answer}");
    assert_eq!(
        peer.wait_jobs(1, Duration::from_secs(2)),
        vec![PIN2.to_vec()]
    );
}
