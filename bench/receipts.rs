//! Receipts (issue 14 §5): one 576 × 2,000-dot receipt sent the two ways stock Odoo POS
//! sends it (an Epson ePOS `<image>` and an IoT-box JPEG), timed from the request to the
//! last byte at a TCP printer peer, side by side with python-escpos — the engine most
//! ESC/POS bridges use — printing the same picture with `image()` into its `Dummy`
//! printer, measured in the same run.
//!
//! The picture is built here, deterministic and text-like (a logo, lines of glyphs, rules,
//! a barcode, a grey band): dithering and JPEG compression behave differently on noise or
//! on a blank page, so neither would say how a real receipt goes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;

use super::{ms, percentile, Row};

/// The receipt: 80 mm paper (576 dots) and a long ticket.
pub const WIDTH: usize = 576;
pub const HEIGHT: usize = 2000;
/// The targets of the issue: each receipt at most this p50, and this many times faster
/// than python-escpos.
const TARGET_P50: Duration = Duration::from_millis(15);
const TARGET_RATIO: f64 = 10.0;

/// Odoo's `canvas.toDataURL("image/jpeg")` quality (the browsers' default, 0.92).
const JPEG_QUALITY: u8 = 92;

/// A tiny deterministic generator (xorshift), so every run prints the same receipt.
struct Lcg(u32);

impl Lcg {
    fn next(&mut self, below: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 % below.max(1)
    }
}

/// An 8-bit grey receipt, 0 = black: a round logo with a grey rim, a title in large
/// glyphs, item lines of anti-aliased glyph blocks with prices on the right, rules, a
/// grey band and a barcode.
pub fn picture(width: usize, height: usize) -> Vec<u8> {
    let mut px = vec![255u8; width * height];
    let mut rng = Lcg(0x1234_5678);
    logo(&mut px, width, height);
    let mut y = 200;
    while y + 40 < height.saturating_sub(160) {
        match rng.next(12) {
            0 => rule(&mut px, width, y + 10),
            1 => grey_band(&mut px, width, y, 24),
            n => {
                let glyph_h = if n == 2 { 32 } else { 18 };
                text_line(&mut px, width, y, glyph_h, &mut rng);
                y += glyph_h;
            }
        }
        y += 14;
    }
    barcode(&mut px, width, height, &mut rng);
    px
}

fn logo(px: &mut [u8], width: usize, height: usize) {
    let (cx, cy, r) = (width as i64 / 2, 90i64, 70i64);
    for y in 0..height.min(180) {
        for x in 0..width {
            let d2 = (x as i64 - cx).pow(2) + (y as i64 - cy).pow(2);
            let v = if d2 < (r - 14).pow(2) {
                // inside: diagonal stripes, as a printed logo's hatching
                if (x + y) % 12 < 6 {
                    0
                } else {
                    255
                }
            } else if d2 < r.pow(2) {
                96 // the grey rim: dithered
            } else {
                continue;
            };
            px[y * width + x] = v;
        }
    }
}

/// Words of glyph blocks (each a box with a hole, edges anti-aliased grey), a price
/// flush right.
fn text_line(px: &mut [u8], width: usize, top: usize, glyph_h: usize, rng: &mut Lcg) {
    let glyph_w = glyph_h * 3 / 5;
    let mut x = 16;
    let words = 2 + rng.next(4) as usize;
    for _ in 0..words {
        for _ in 0..2 + rng.next(7) {
            if x + glyph_w >= width * 2 / 3 {
                break;
            }
            glyph(px, width, x, top, glyph_w, glyph_h, rng.next(4));
            x += glyph_w + 2;
        }
        x += glyph_w;
    }
    let price_x = width - 16 - 6 * (glyph_w + 2);
    for i in 0..6 {
        glyph(
            px,
            width,
            price_x + i * (glyph_w + 2),
            top,
            glyph_w,
            glyph_h,
            3,
        );
    }
}

fn glyph(px: &mut [u8], width: usize, x0: usize, y0: usize, w: usize, h: usize, shape: u32) {
    let stroke = (w / 4).max(2);
    for y in 0..h {
        for x in 0..w {
            let edge = x == 0 || y == 0 || x == w - 1 || y == h - 1;
            let inside_hole = x >= stroke && x < w - stroke && y >= stroke && y < h - stroke;
            let ink = match shape {
                0 => !inside_hole,                                                 // O
                1 => x < stroke || y < stroke || y >= h / 2 && y < h / 2 + stroke, // F
                2 => x >= w / 2 - stroke / 2 && x < w / 2 + stroke,                // I
                _ => !inside_hole || y >= h / 2 && y < h / 2 + stroke,             // 8
            };
            if ink {
                px[(y0 + y) * width + x0 + x] = if edge { 128 } else { 0 };
            }
        }
    }
}

fn rule(px: &mut [u8], width: usize, y: usize) {
    for x in 16..width - 16 {
        px[y * width + x] = if (x / 6) % 2 == 0 { 0 } else { 255 };
        px[(y + 1) * width + x] = 0;
    }
}

fn grey_band(px: &mut [u8], width: usize, top: usize, h: usize) {
    for y in top..top + h {
        for x in 0..width {
            px[y * width + x] = (x * 255 / width) as u8;
        }
    }
}

fn barcode(px: &mut [u8], width: usize, height: usize, rng: &mut Lcg) {
    let mut x = 60;
    while x < width - 60 {
        let bar = 2 + rng.next(4) as usize;
        for y in height - 140..height - 40 {
            for xx in x..(x + bar).min(width) {
                px[y * width + xx] = 0;
            }
        }
        x += bar + 2 + rng.next(4) as usize;
    }
}

/// The ePOS `<image>` data Odoo sends: rows of `width / 8` bytes, MSB first, a dot black
/// below mid-grey.
pub fn epos_rows(gray: &[u8], width: usize) -> Vec<u8> {
    let stride = width.div_ceil(8);
    let mut out = vec![0u8; stride * (gray.len() / width)];
    for (i, &p) in gray.iter().enumerate() {
        if p < 128 {
            out[(i / width) * stride + (i % width) / 8] |= 0x80 >> (i % width % 8);
        }
    }
    out
}

/// The SOAP envelope of Odoo's `pos_epson_printer` for one receipt and its cut.
pub fn epos_body(gray: &[u8], width: usize, height: usize) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(epos_rows(gray, width));
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><epos-print xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\"><image width=\"{width}\" height=\"{height}\" color=\"color_1\" mode=\"mono\">{b64}</image><cut type=\"feed\"/></epos-print></s:Body></s:Envelope>"
    )
}

/// The JSON-RPC call of Odoo's IoT-box printer for the same receipt as a JPEG.
pub fn iot_body(gray: &[u8], width: usize, height: usize) -> String {
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, JPEG_QUALITY)
        .encode(
            gray,
            width as u16,
            height as u16,
            jpeg_encoder::ColorType::Luma,
        )
        .expect("the receipt encodes as JPEG");
    let b64 = base64::engine::general_purpose::STANDARD.encode(jpeg);
    serde_json::json!({
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"data": {"action": "print_receipt", "receipt": b64}}
    })
    .to_string()
}

/// A printer peer for whole jobs: answers `DLE EOT n` as an online printer with paper,
/// and when a connection ends, reports the instant of its last job byte and how many job
/// bytes (status queries left out) it carried.
pub fn start_job_peer() -> (SocketAddr, mpsc::Receiver<(Instant, usize)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(s) = stream else { break };
            let tx = tx.clone();
            std::thread::spawn(move || {
                if let Some(report) = serve_job(s) {
                    let _ = tx.send(report);
                }
            });
        }
    });
    (addr, rx)
}

/// One connection: job bytes counted, status queries (possibly split across reads)
/// answered. `None` for a connection that carried only status queries.
fn serve_job(mut s: TcpStream) -> Option<(Instant, usize)> {
    let _ = s.set_nodelay(true);
    let mut buf = vec![0u8; 64 * 1024];
    let (mut job, mut last) = (0usize, Instant::now());
    // 0: in job data; 1: after DLE; 2: after DLE EOT.
    let mut state = 0u8;
    loop {
        let n = match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let now = Instant::now();
        if state == 0 && !buf[..n].contains(&0x10) {
            // Picture data: no byte-by-byte walk (the quick bench's driver is a debug build).
            job += n;
            last = now;
            continue;
        }
        for &b in &buf[..n] {
            state = match (state, b) {
                (0, 0x10) => 1,
                (1, 0x04) => 2,
                (2, n) => {
                    let _ = s.write_all(&[if n == 1 { 0x16 } else { 0x12 }]);
                    0
                }
                (1, _) => {
                    // A DLE that was data after all (the service never sends one before
                    // EOT in data, but count it honestly).
                    job += 2;
                    last = now;
                    0
                }
                _ => {
                    job += 1;
                    last = now;
                    0
                }
            };
        }
    }
    (job > 0).then_some((last, job))
}

/// POSTs `body` on a new connection and reads the whole answer: (status, answer).
fn post(addr: SocketAddr, path: &str, content_type: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let _ = s.set_nodelay(true);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost:22548\r\nOrigin: https://shop.odoo.com\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let code = out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, out)
}

/// One way of sending the receipt: its route, body and how a success answer reads.
pub struct Route {
    pub label: &'static str,
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: String,
    pub success: &'static str,
}

/// `n` receipts one by one: request sent → last job byte at the peer, sorted; and the
/// job's size (every job must be the same size: the whole receipt, every time).
fn measure(
    addr: SocketAddr,
    peer: &mpsc::Receiver<(Instant, usize)>,
    route: &Route,
    n: usize,
) -> (Vec<Duration>, usize) {
    let mut size = None;
    let mut lat: Vec<Duration> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            let (code, answer) = post(addr, route.path, route.content_type, &route.body);
            assert!(
                code == 200 && answer.contains(route.success),
                "{}: {answer}",
                route.label
            );
            let (at, bytes) = peer
                .recv_timeout(Duration::from_secs(10))
                .expect("the receipt reached the printer");
            assert_eq!(*size.get_or_insert(bytes), bytes, "the same job every time");
            at.saturating_duration_since(t0)
        })
        .collect();
    lat.sort();
    (lat, size.unwrap_or(0))
}

/// python-escpos `image()` of the same picture into `Dummy`, timed by
/// bench/escpos_image.py: Ok((p50, p99, output bytes)) or why there is no figure.
fn python_escpos(gray: &[u8], n: usize) -> Result<(Duration, Duration, usize), String> {
    // bench/run.sh sets BENCH_PYTHON to the venv it installed python-escpos in.
    let python =
        std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "target/bench-venv/bin/python".into());
    if !Path::new(&python).exists() {
        return Err("python-escpos not installed (bench/run.sh installs it in a venv)".into());
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let raw = dir.path().join("receipt.gray");
    std::fs::write(&raw, gray).map_err(|e| e.to_string())?;
    let out = Command::new(&python)
        .arg("bench/escpos_image.py")
        .arg(&raw)
        .args([WIDTH.to_string(), HEIGHT.to_string(), n.to_string()])
        .output()
        .map_err(|e| format!("python-escpos not run: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "python-escpos not installed or failed: {}",
            err.lines().last().unwrap_or("").trim()
        ));
    }
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| format!("python-escpos: unreadable output {text:?}"))
    };
    let d = |v: f64| Duration::from_secs_f64(v / 1000.0);
    Ok((
        d(field("p50_ms=")?),
        d(field("p99_ms=")?),
        field("bytes=")? as usize,
    ))
}

/// "12.3× python-escpos" and whether both targets are met, for a row's note.
fn verdict(p50: Duration, peer: &Result<(Duration, Duration, usize), String>) -> String {
    let speed = if p50 <= TARGET_P50 { "met" } else { "missed" };
    let ratio = match peer {
        Ok((py50, _, _)) => {
            let r = py50.as_secs_f64() / p50.as_secs_f64().max(1e-9);
            let met = if r >= TARGET_RATIO { "met" } else { "missed" };
            format!("{r:.1}× python-escpos (target ≥ {TARGET_RATIO:.0}×: {met})")
        }
        Err(_) => "no python-escpos figure".into(),
    };
    format!(
        "{ratio}; target p50 ≤ {} ms: {speed}",
        TARGET_P50.as_millis()
    )
}

/// The in-process cost of turning each body into the printer job (no HTTP, no
/// network), the like-for-like figure next to python-escpos's in-process `image()`.
fn render_only(routes: &[Route], n: usize) -> Vec<(&'static str, Vec<Duration>)> {
    use cashdrawer::odoo::{epos, iot};
    let opts = epos::Options {
        paper_width: WIDTH,
        drawer_command: vec![0x1b, 0x70, 0, 0x19, 0xfa],
    };
    routes
        .iter()
        .map(|route| {
            let mut lat: Vec<Duration> = (0..n)
                .map(|_| {
                    let t0 = Instant::now();
                    let bytes = if route.path.starts_with("/cgi-bin") {
                        let els = epos::parse(&route.body).expect("parses");
                        epos::encode(&els, &opts).expect("encodes").bytes
                    } else {
                        let v: serde_json::Value = serde_json::from_str(&route.body).unwrap();
                        let b64 = v["params"]["data"]["receipt"].as_str().unwrap();
                        iot::receipt_job(iot::decode_receipt(b64).unwrap(), WIDTH)
                    };
                    std::hint::black_box(bytes);
                    t0.elapsed()
                })
                .collect();
            lat.sort();
            (route.label, lat)
        })
        .collect()
}

/// The two Odoo routes for the receipt.
pub fn routes(gray: &[u8]) -> Vec<Route> {
    vec![
        Route {
            label: "ePOS `<image>` (1-bit, base64, SOAP)",
            path: "/cgi-bin/epos/service.cgi?devid=local_printer&timeout=60000",
            content_type: "text/plain;charset=UTF-8",
            body: epos_body(gray, WIDTH, HEIGHT),
            success: "success=\"true\"",
        },
        Route {
            label: "hw_proxy JPEG (decode, dithering)",
            path: "/hw_proxy/default_printer_action",
            content_type: "application/json",
            body: iot_body(gray, WIDTH, HEIGHT),
            success: "\"result\":true",
        },
    ]
}

/// The rows. `start` starts a service with the given config.ini text and returns it and
/// its address; it is stopped here.
pub fn rows(quick: bool, start: impl FnOnce(&str) -> (Child, SocketAddr)) -> Vec<Row> {
    let (n, py_n) = if quick { (10, 5) } else { (200, 100) };
    let gray = picture(WIDTH, HEIGHT);
    let routes = routes(&gray);
    let (peer_addr, peer) = start_job_peer();
    let (mut child, addr) = start(&format!(
        "[printer]\nname = tcp://{peer_addr}\n\n[invoice_printer]\nautoprint = false\n\n[odoo]\npaper_width = {WIDTH}\n"
    ));
    let python = python_escpos(&gray, py_n);
    let mut rows = Vec::new();
    for route in &routes {
        // Warm-up: the first request pays for connections and lazy set-up.
        let _ = measure(addr, &peer, route, 2);
        let (lat, size) = measure(addr, &peer, route, n);
        let p50 = percentile(&lat, 0.5);
        rows.push(Row(
            format!(
                "Receipt {WIDTH}×{HEIGHT} via {}: request → last byte at printer, {n} one by one: p50 / p99",
                route.label
            ),
            format!("{} / {} ms", ms(p50), ms(percentile(&lat, 0.99))),
            format!(
                "{}; request {} kB, job {} kB",
                verdict(p50, &python),
                route.body.len() / 1000,
                size / 1000
            ),
        ));
    }
    let _ = child.kill();
    let _ = child.wait();
    if quick {
        rows.push(Row(
            "Receipt rendering in-process".into(),
            "skipped".into(),
            "quick mode: the driver is a debug build".into(),
        ));
    } else {
        for (label, lat) in render_only(&routes, n) {
            let p50 = percentile(&lat, 0.5);
            rows.push(Row(
                format!("Receipt {WIDTH}×{HEIGHT} via {label}: body → printer job in-process (no HTTP, no printer), p50 / p99"),
                format!("{} / {} ms", ms(p50), ms(percentile(&lat, 0.99))),
                match &python {
                    Ok((py50, _, _)) => format!(
                        "{:.1}× python-escpos (like for like: both in-process)",
                        py50.as_secs_f64() / p50.as_secs_f64().max(1e-9)
                    ),
                    Err(_) => String::new(),
                },
            ));
        }
    }
    rows.push(match python {
        Ok((p50, p99, bytes)) => Row(
            format!("Peer: python-escpos `image()` of the same {WIDTH}×{HEIGHT} picture into `Dummy`, {py_n} runs: p50 / p99"),
            format!("{} / {} ms", ms(p50), ms(p99)),
            format!("in-process, no HTTP, no JPEG, no printer; output {} kB", bytes / 1000),
        ),
        Err(why) => Row(
            "Peer: python-escpos `image()` into `Dummy`".into(),
            why,
            String::new(),
        ),
    });
    rows
}
