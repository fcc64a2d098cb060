//! Helpers for the invoice printing tests: PDFs, a raw TCP printer that records each
//! job (optionally reading slowly), the service on a data folder of our choice, and
//! waiting helpers. Real sockets and files only.

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A whole PDF, different for each `tag`, `size` bytes long, containing every byte
/// value (ESC/POS status queries and NULs included) so byte-exactness means something.
pub fn pdf(tag: &str, size: usize) -> Vec<u8> {
    let mut out = format!("%PDF-1.4\n% facture {tag}\n").into_bytes();
    let mut x: u32 = tag
        .bytes()
        .fold(2166136261, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    while out.len() + 7 < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.push((x & 0xff) as u8);
    }
    out.extend_from_slice(b"\n%%EOF\n");
    out
}

/// Writes as a browser does: a `.crdownload` file, renamed when complete.
pub fn drop_file(folder: &Path, name: &str, bytes: &[u8]) {
    let tmp = folder.join(format!("{name}.crdownload"));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, folder.join(name)).unwrap();
}

#[derive(Default)]
struct Conn {
    bytes: Vec<u8>,
    closed: bool,
}

/// A raw (port 9100 style) printer: one job per connection, recorded byte for byte;
/// it closes its side once the sender has finished, as printers do.
#[derive(Clone)]
pub struct RawPrinter {
    pub addr: SocketAddr,
    conns: Arc<Mutex<Vec<Conn>>>,
    /// (bytes per read, pause after each read): a slow printer.
    throttle: Arc<Mutex<Option<(usize, Duration)>>>,
}

impl RawPrinter {
    pub fn start() -> RawPrinter {
        Self::start_on("127.0.0.1:0".parse().unwrap())
    }

    pub fn start_on(addr: SocketAddr) -> RawPrinter {
        Self::start_with(addr, None)
    }

    /// `recv_buffer`: a small kernel receive buffer, so that little of a job can be
    /// in flight (a killed sender then leaves an incomplete job, as on a real printer).
    pub fn start_with(addr: SocketAddr, recv_buffer: Option<usize>) -> RawPrinter {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.set_reuse_address(true).unwrap();
        if let Some(size) = recv_buffer {
            socket.set_recv_buffer_size(size).unwrap();
        }
        socket.bind(&addr.into()).unwrap();
        socket.listen(128).unwrap();
        let listener: TcpListener = socket.into();
        let printer = RawPrinter {
            addr: listener.local_addr().unwrap(),
            conns: Arc::default(),
            throttle: Arc::default(),
        };
        let p = printer.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let p = p.clone();
                std::thread::spawn(move || {
                    let index = {
                        let mut c = p.conns.lock().unwrap();
                        c.push(Conn::default());
                        c.len() - 1
                    };
                    let mut buf = vec![0u8; 65536];
                    loop {
                        let throttle = *p.throttle.lock().unwrap();
                        let want = throttle.map_or(buf.len(), |(n, _)| n.min(buf.len()));
                        match stream.read(&mut buf[..want]) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => p.conns.lock().unwrap()[index]
                                .bytes
                                .extend_from_slice(&buf[..n]),
                        }
                        if let Some((_, pause)) = throttle {
                            std::thread::sleep(pause);
                        }
                    }
                    p.conns.lock().unwrap()[index].closed = true;
                });
            }
        });
        printer
    }

    pub fn set_throttle(&self, throttle: Option<(usize, Duration)>) {
        *self.throttle.lock().unwrap() = throttle;
    }

    /// Every connection's bytes, in arrival order.
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        self.conns
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.bytes.clone())
            .collect()
    }

    /// How many received jobs are exactly `doc`.
    pub fn copies_of(&self, doc: &[u8]) -> usize {
        self.jobs().iter().filter(|j| j.as_slice() == doc).count()
    }

    /// Bytes received so far on a connection still open (a job in progress).
    pub fn in_progress(&self) -> Option<usize> {
        self.conns
            .lock()
            .unwrap()
            .iter()
            .find(|c| !c.closed && !c.bytes.is_empty())
            .map(|c| c.bytes.len())
    }
}

/// An address where nothing listens yet (the printer is off).
pub fn free_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// Polls `cond` every 10 ms until it holds or `within` passes; returns whether it held.
pub fn wait_until(within: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub async fn wait_async(within: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// config.ini for invoice printing into `folder` through the raw printer at `printer`
/// (no system queue), fast timings; `extra` overrides or adds `[invoice_printer]` keys.
pub fn invoice_ini(folder: &Path, printer: Option<SocketAddr>, extra: &[(&str, &str)]) -> String {
    let mut keys: Vec<(String, String)> = vec![
        ("autoprint".into(), "true".into()),
        ("name".into(), "".into()),
        ("download_folder".into(), folder.display().to_string()),
        ("scan_frequency".into(), "1".into()),
        ("open_delay".into(), "0".into()),
        ("purge_on_start".into(), "false".into()),
        ("stable_ms".into(), "100".into()),
        ("retry_delay".into(), "1".into()),
        ("print_timeout".into(), "10".into()),
    ];
    if let Some(addr) = printer {
        keys.push(("printer_ip".into(), addr.ip().to_string()));
        keys.push(("printer_port".into(), addr.port().to_string()));
    }
    for (k, v) in extra {
        keys.retain(|(key, _)| key != k);
        keys.push((k.to_string(), v.to_string()));
    }
    let mut out = String::from("[printer]\nname = virtual\n\n[invoice_printer]\n");
    for (k, v) in keys {
        out.push_str(&format!("{k} = {v}\n"));
    }
    out
}

/// Every line of the log files under `data_dir/logs`.
pub fn log_text(data_dir: &Path) -> String {
    let mut out = String::new();
    if let Ok(dir) = std::fs::read_dir(data_dir.join("logs")) {
        for e in dir.flatten() {
            out.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    out
}

/// The journal's entries as JSON.
pub fn journal(data_dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(data_dir.join("invoices-journal.json"))
        .unwrap_or_else(|_| "[]".into());
    serde_json::from_str(&text).unwrap()
}

pub fn journal_state(data_dir: &Path, name: &str) -> Option<String> {
    journal(data_dir)
        .iter()
        .rev()
        .find(|e| e["name"] == name)
        .map(|e| e["state"].as_str().unwrap_or_default().to_string())
}

pub fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

pub fn sub(folder: &Path, dir: &str) -> PathBuf {
    folder.join(dir)
}
