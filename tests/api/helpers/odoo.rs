//! Odoo helpers shared by the Odoo test files: Odoo's request bodies, and reading the
//! jobs a printer peer received.

use std::time::Duration;

use cashdrawer::escpos::{Decoder, Event};
use serde_json::{json, Value};

use super::peer::PrinterPeer;
use super::TestApp;

pub const PIN2: &[u8] = &[0x1b, 0x70, 0x00, 0x1a, 0xfa];
pub const EPOS: &str = "/cgi-bin/epos/service.cgi?devid=local_printer&timeout=60000";

/// `ePOSPrint(children)` of Odoo 17+: the `ePOSLayout` template's inner HTML with the
/// children appended and `xmlns=""` removed.
pub fn odoo_envelope(children: &str) -> String {
    format!(
        "\n        <s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n            <s:Body>\n                <epos-print xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\">{children}</epos-print>\n            </s:Body>\n        </s:Envelope>\n    "
    )
}

/// The first job once it ends with `suffix`: the peer records bytes as they arrive, so
/// a long job may still be streaming when it first shows up.
pub fn job_ending_with(peer: &PrinterPeer, suffix: &[u8]) -> Vec<u8> {
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

/// Every raster band of a job, joined: (width in bytes, height, data), plus the other events.
pub fn rasters(job: &[u8]) -> ((usize, usize, Vec<u8>), Vec<Event>) {
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

/// Odoo's `rpc()`: a JSON-RPC 2.0 call; returns its `result`.
pub async fn rpc(app: &TestApp, route: &str, params: Value) -> Value {
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
