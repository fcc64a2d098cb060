//! The invoice pipeline: PDFs appearing in the watched folder, timed to their last byte
//! at a raw-socket invoice printer peer.

use std::collections::HashMap;
use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// An invoice printer on port 9100: reads each job to EOF, reports (invoice id, instant of
/// the last byte), then closes (which is what confirms the print to the service).
pub fn start_invoice_peer() -> (SocketAddr, mpsc::Receiver<(u32, Instant)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { break };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut job = Vec::new();
                let mut buf = [0u8; 16384];
                let mut last = Instant::now();
                loop {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            job.extend_from_slice(&buf[..n]);
                            last = Instant::now();
                        }
                    }
                }
                let text = String::from_utf8_lossy(&job);
                if let Some(id) = text
                    .split("INVOICE-")
                    .nth(1)
                    .and_then(|r| r.split(')').next())
                    .and_then(|n| n.parse().ok())
                {
                    let _ = tx.send((id, last));
                }
            });
        }
    });
    (addr, rx)
}

/// A small but complete PDF carrying its id.
pub fn pdf(id: u32) -> Vec<u8> {
    let body = format!(
        "%PDF-1.4\n1 0 obj << /Title (INVOICE-{id}) >> endobj\n{}\n",
        "% padding ".repeat(2000)
    );
    format!("{body}trailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// Makes the file appear complete at once (written aside, then renamed), as a browser
/// does when a download finishes. Returns the instant it appeared.
pub fn drop_pdf(folder: &Path, id: u32) -> Instant {
    let tmp = folder.join(format!("facture-{id}.pdf.crdownload"));
    std::fs::write(&tmp, pdf(id)).unwrap();
    let t = Instant::now();
    std::fs::rename(&tmp, folder.join(format!("facture-{id}.pdf"))).unwrap();
    t
}

/// Sequential latencies (one file at a time), sorted.
pub fn sequential(folder: &Path, rx: &mpsc::Receiver<(u32, Instant)>, n: u32) -> Vec<Duration> {
    let mut lat: Vec<Duration> = (0..n)
        .map(|id| {
            let t0 = drop_pdf(folder, id);
            loop {
                let (got, at) = rx
                    .recv_timeout(Duration::from_secs(30))
                    .expect("invoice printed");
                if got == id {
                    break at - t0;
                }
            }
        })
        .collect();
    lat.sort();
    lat
}

/// `n` files dropped at once: time until the last one is printed, and each one's latency.
pub fn burst(
    folder: &Path,
    rx: &mpsc::Receiver<(u32, Instant)>,
    first_id: u32,
    n: u32,
) -> (Duration, Vec<Duration>) {
    let start = Instant::now();
    let dropped: HashMap<u32, Instant> = (first_id..first_id + n)
        .map(|id| (id, drop_pdf(folder, id)))
        .collect();
    let mut lat = Vec::new();
    let mut last = start;
    while lat.len() < n as usize {
        let (id, at) = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("all invoices printed");
        if let Some(t0) = dropped.get(&id) {
            lat.push(at - *t0);
            last = last.max(at);
        }
    }
    lat.sort();
    (last - start, lat)
}
