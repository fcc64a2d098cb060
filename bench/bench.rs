//! The benchmark: the real release binary against a raw TCP printer peer on loopback.
//! Prints a Markdown table and writes it to bench/RESULTS.md.
//!
//! `bench/run.sh` builds and runs it; `bench/run.sh --quick` runs a few seconds (CI);
//! `bench/run.sh --flood-only` measures only the LAN flood (bench/flood.rs);
//! `bench/run.sh --receipts-only` only the receipts and python-escpos (bench/receipts.rs).
//! Every latency is also shown against a baseline measured in the same run: a bare TCP
//! connect-write-close to the same peer (the physical minimum on this machine).

#[path = "flood.rs"]
#[cfg(target_os = "linux")]
mod flood;
#[path = "invoice.rs"]
mod invoice;
#[path = "receipts.rs"]
mod receipts;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KICK: &[u8] = &[0x1b, 0x70, 0x00, 0x1a, 0xfa];

struct Opts {
    quick: bool,
    bin: String,
}

/// A printer peer that reports, for each job, the instant its last kick byte arrived.
fn start_peer() -> (SocketAddr, mpsc::Receiver<Instant>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { break };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = s.set_nodelay(true);
                let mut got = 0usize;
                let mut buf = [0u8; 256];
                loop {
                    let n = match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let mut i = 0;
                    while i < n {
                        if buf[i] == 0x10 && i + 2 < n && buf[i + 1] == 0x04 {
                            // printer: online, drawer pin high; offline cause and paper: all clear
                            let _ = s.write_all(&[if buf[i + 2] == 1 { 0x16 } else { 0x12 }]);
                            i += 3;
                            continue;
                        }
                        got += 1;
                        if got == KICK.len() {
                            let _ = tx.send(Instant::now());
                        }
                        i += 1;
                    }
                }
            });
        }
    });
    (addr, rx)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let _ = s.set_nodelay(true);
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost:22548\r\nOrigin: https://shop.odoo.com\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let code = out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, out)
}

/// Starts the service; returns the child, its address and the time to the first /status.
fn start_service(bin: &str, data: &std::path::Path) -> (Child, SocketAddr, Duration) {
    start_service_on(bin, data, "127.0.0.1")
}

/// The same, listening on `host` (0.0.0.0 for the flood, whose LAN host is a namespace).
fn start_service_on(
    bin: &str,
    data: &std::path::Path,
    host: &str,
) -> (Child, SocketAddr, Duration) {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "serve",
            "--host",
            host,
            "--port",
            "0",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("service binary runs");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if !sent {
                if let Some(rest) = line.split("http://").nth(1) {
                    if let Ok(addr) = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches(',')
                        .parse::<SocketAddr>()
                    {
                        let _ = tx.send(addr);
                        sent = true;
                    }
                }
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("service announced its address");
    // The Host must be one the service knows (DNS-rebinding check): 127.0.0.1:<port>.
    let mut last = String::new();
    loop {
        if let Ok(mut s) = TcpStream::connect(addr) {
            let _ = write!(
                s,
                "GET /status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            );
            last.clear();
            let _ = s.read_to_string(&mut last);
            if last.starts_with("HTTP/1.1 200") {
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the service did not answer GET /status with 200 within 20 s; last answer: {last}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    (child, addr, started.elapsed())
}

fn proc_field(pid: u32, key: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// utime + stime in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = text.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

struct Row(String, String, String);

fn drawer_latency(
    addr: SocketAddr,
    peer: &Arc<Mutex<mpsc::Receiver<Instant>>>,
    clients: usize,
    total: usize,
) -> (Vec<Duration>, usize) {
    let per = total / clients;
    let busy = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<Instant>();
    // Requests are stamped when sent; the peer's stamps arrive in kick order. With one
    // printer queue, kicks are served in order, so pairing sorted sends with arrivals is
    // exact for one client and a close bound (same multiset) for many.
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let (tx, busy) = (tx.clone(), busy.clone());
            std::thread::spawn(move || {
                for _ in 0..per {
                    let t0 = Instant::now();
                    let (code, body) = http_get(addr, "/open-cash-drawer");
                    // More than 32 kicks waiting for the printer: refused at once, no kick.
                    if code == 503 && body.contains("occupée") {
                        busy.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        continue;
                    }
                    assert_eq!(code, 200, "{body}");
                    let _ = tx.send(t0);
                }
            })
        })
        .collect();
    drop(tx);
    for h in handles {
        h.join().unwrap();
    }
    let mut sends: Vec<Instant> = rx.iter().collect();
    sends.sort();
    let peer = peer.lock().unwrap();
    let mut arrivals: Vec<Instant> = (0..sends.len())
        .map(|_| peer.recv_timeout(Duration::from_secs(5)).unwrap())
        .collect();
    arrivals.sort();
    let mut lat: Vec<Duration> = sends
        .iter()
        .zip(&arrivals)
        .map(|(s, a)| a.saturating_duration_since(*s))
        .collect();
    lat.sort();
    (lat, busy.load(std::sync::atomic::Ordering::Relaxed))
}

fn baseline(
    peer_addr: SocketAddr,
    peer: &Arc<Mutex<mpsc::Receiver<Instant>>>,
    n: usize,
) -> Vec<Duration> {
    let rx = peer.lock().unwrap();
    let mut lat: Vec<Duration> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            let mut s = TcpStream::connect(peer_addr).unwrap();
            let _ = s.set_nodelay(true);
            s.write_all(KICK).unwrap();
            drop(s);
            rx.recv_timeout(Duration::from_secs(5)).unwrap() - t0
        })
        .collect();
    lat.sort();
    lat
}

fn wrk(url: &str, conns: usize, secs: u64) -> Option<(f64, String)> {
    run_wrk(url, conns, secs, &[])
}

/// wrk with `Connection: close`: every request opens a new connection.
fn wrk_close(url: &str, conns: usize, secs: u64) -> Option<(f64, String)> {
    run_wrk(url, conns, secs, &["-H", "Connection: close"])
}

/// Runs wrk; returns requests/s and the p99 latency as wrk prints it.
fn run_wrk(url: &str, conns: usize, secs: u64, extra: &[&str]) -> Option<(f64, String)> {
    let threads = conns.clamp(1, 2).to_string();
    let conns = conns.to_string();
    let duration = format!("{secs}s");
    let mut args = vec!["-t", &threads, "-c", &conns, "-d", &duration, "--latency"];
    args.extend_from_slice(extra);
    args.push(url);
    let out = Command::new("wrk").args(&args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_string)
    };
    Some((field("Requests/sec:")?.parse().ok()?, field("99%")?))
}

/// Where the release binaries are: `BENCH_TARGET_DIR` when set (the test script builds
/// them in its packaging lane's own target directory), `target` otherwise.
fn target_dir() -> String {
    std::env::var("BENCH_TARGET_DIR").unwrap_or_else(|_| "target".into())
}

/// The flood scenario needs Linux network namespaces (the LAN host).
#[cfg(not(target_os = "linux"))]
fn flood_rows(_opts: &Opts) -> Vec<Row> {
    vec![Row(
        "flood".into(),
        "skipped".into(),
        "needs Linux network namespaces".into(),
    )]
}

/// The flood scenario on a second service listening on 0.0.0.0, with its own peer.
#[cfg(target_os = "linux")]
fn flood_rows(opts: &Opts) -> Vec<Row> {
    let data = tempfile::tempdir().unwrap();
    flood::scenario(
        opts.quick,
        || {
            let (peer_addr, peer_rx) = start_peer();
            std::fs::write(
                data.path().join("config.ini"),
                format!(
                    "[printer]\nname = tcp://{peer_addr}\n\n[invoice_printer]\nautoprint = false\n"
                ),
            )
            .unwrap();
            let (child, addr, _) = start_service_on(&opts.bin, data.path(), "0.0.0.0");
            (child, addr.port(), Arc::new(Mutex::new(peer_rx)))
        },
        |addr, peer, n| drawer_latency(addr, peer, 1, n).0,
    )
}

/// The receipt scenario on its own service, with its own job peer.
fn receipt_rows(opts: &Opts) -> Vec<Row> {
    let data = tempfile::tempdir().unwrap();
    receipts::rows(opts.quick, |config| {
        std::fs::write(data.path().join("config.ini"), config).unwrap();
        let (child, addr, _) = start_service(&opts.bin, data.path());
        (child, addr)
    })
}

/// `--flood-only`, `--receipts-only`: prints those rows, writes nothing.
fn print_rows(rows: Vec<Row>) {
    println!("| Measure | Result | Note |\n|---|---|---|");
    for Row(a, b, c) in rows {
        println!("| {a} | {b} | {c} |");
    }
}

/// `--flood-only`: prints the flood rows, writes nothing.
fn flood_only(opts: &Opts) {
    print_rows(flood_rows(opts));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opts = Opts {
        quick: args.iter().any(|a| a == "--quick"),
        bin: std::env::var("BENCH_BIN")
            .unwrap_or_else(|_| format!("{}/release/odoo-pos-cashdrawer", target_dir())),
    };
    let (sequential, concurrent_total, wrk_secs, idle_secs) = if opts.quick {
        (200, 200, 1, 2)
    } else {
        (2000, 2000, 5, 60)
    };
    if args.iter().any(|a| a == "--flood-only") {
        // Just the flood and its quiet reference, full size: seconds, not minutes.
        flood_only(&opts);
        return;
    }
    if args.iter().any(|a| a == "--receipts-only") {
        print_rows(receipt_rows(&opts));
        return;
    }
    let invoices = if opts.quick { 20 } else { 200 };
    let stable_ms = 100;
    let (peer_addr, peer_rx) = start_peer();
    let peer = Arc::new(Mutex::new(peer_rx));
    let (invoice_addr, invoice_rx) = invoice::start_invoice_peer();
    let data = tempfile::tempdir().unwrap();
    let downloads = data.path().join("downloads");
    std::fs::create_dir(&downloads).unwrap();
    std::fs::write(
        data.path().join("config.ini"),
        format!(
            "[printer]\nname = tcp://{peer_addr}\n\n[invoice_printer]\nautoprint = true\nname =\nprinter_ip = 127.0.0.1\nprinter_port = {}\ndownload_folder = {}\nopen_delay = 0\nstable_ms = {stable_ms}\n",
            invoice_addr.port(),
            downloads.display()
        ),
    )
    .unwrap();
    let (mut child, addr, startup) = start_service(&opts.bin, data.path());
    let pid = child.id();
    std::thread::sleep(Duration::from_millis(300));
    let rss_idle = proc_field(pid, "VmRSS:");
    let mut rows = Vec::new();

    let base = baseline(peer_addr, &peer, sequential.min(1000));
    let b50 = percentile(&base, 0.5);
    rows.push(Row(
        "Baseline: bare TCP connect-write-close to the printer peer, p50 / p99".into(),
        format!("{} / {} ms", ms(b50), ms(percentile(&base, 0.99))),
        "physical minimum".into(),
    ));

    for (clients, total) in [
        (1, sequential),
        (10, concurrent_total),
        (100, concurrent_total),
    ] {
        let (lat, busy) = drawer_latency(addr, &peer, clients, total);
        let (p50, p99, max) = (
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            *lat.last().unwrap(),
        );
        rows.push(Row(
            format!("`/open-cash-drawer` request → last kick byte at printer, {clients} client(s), {} requests: p50 / p99 / max", lat.len()),
            format!("{} / {} / {} ms", ms(p50), ms(p99), ms(max)),
            format!("p50 = {:.1}× baseline{}{}", p50.as_secs_f64() / b50.as_secs_f64().max(1e-9), if clients == 1 { "; target p99 < 5 ms" } else { "" },
                if busy > 0 { format!("; {busy} answered 503 busy (more than 32 waiting for the printer)") } else { String::new() }),
        ));
    }

    for conns in [1, 10, 100] {
        match wrk(&format!("http://{addr}/status"), conns, wrk_secs) {
            Some((rps, p99)) => rows.push(Row(
                format!("`/status` keep-alive, {conns} connection(s) (wrk, {wrk_secs} s)"),
                format!("{rps:.0} req/s, p99 {p99}"),
                "target ≥ 20 000 req/s".into(),
            )),
            None => rows.push(Row(
                format!("`/status`, {conns} connection(s)"),
                "wrk not installed".into(),
                String::new(),
            )),
        }
    }
    for conns in [1, 10, 100] {
        match wrk(&format!("https://{addr}/status"), conns, wrk_secs) {
            Some((rps, p99)) => rows.push(Row(
                format!("`/status` over HTTPS (same port), keep-alive, {conns} connection(s)"),
                format!("{rps:.0} req/s, p99 {p99}"),
                String::new(),
            )),
            None => rows.push(Row(
                format!("`/status` over HTTPS, {conns} connection(s)"),
                "wrk not installed".into(),
                String::new(),
            )),
        }
    }
    for (scheme, label) in [("http", "HTTP"), ("https", "HTTPS, TLS handshake included")] {
        if let Some((rps, p99)) = wrk_close(&format!("{scheme}://{addr}/status"), 10, wrk_secs) {
            rows.push(Row(
                format!("`/status`, new connection per request ({label}), 10 clients"),
                format!("{rps:.0} req/s, p99 {p99}"),
                String::new(),
            ));
        }
    }

    let seq = invoice::sequential(&downloads, &invoice_rx, invoices);
    let stable = Duration::from_millis(stable_ms);
    let (i50, i99) = (percentile(&seq, 0.5), percentile(&seq, 0.99));
    rows.push(Row(
        format!("Invoice: complete PDF appears → last byte at printer, {invoices} files one by one: p50 / p99"),
        format!("{} / {} ms", ms(i50), ms(i99)),
        format!("includes the stability wait (stable_ms = {stable_ms}, two size checks); without it p50 {} ms; target < 300 ms", ms(i50.saturating_sub(stable))),
    ));
    let (total, lat) = invoice::burst(&downloads, &invoice_rx, 100_000, invoices);
    rows.push(Row(
        format!("Invoice: {invoices} PDFs dropped at once → all printed"),
        format!(
            "{} ms ({:.0} invoices/s; p50 {} / p99 {} ms each)",
            ms(total),
            invoices as f64 / total.as_secs_f64(),
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.99))
        ),
        "one printer prints in arrival order".into(),
    ));
    let rss_peak = proc_field(pid, "VmHWM:");

    // Let the last invoice removals and log writes settle before measuring idle.
    std::thread::sleep(Duration::from_secs(1));
    let t0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(idle_secs));
    let ticks = cpu_ticks(pid) - t0;
    let hz = 100.0;
    let idle_cpu = ticks as f64 / hz / idle_secs as f64 * 100.0;

    rows.push(Row(
        "Resident memory idle after start / peak under load".into(),
        format!(
            "{:.1} MB / {:.1} MB",
            rss_idle as f64 / 1024.0,
            rss_peak as f64 / 1024.0
        ),
        "target idle < 15 MB".into(),
    ));
    rows.push(Row(
        format!("CPU used while idle for {idle_secs} s"),
        format!("{ticks} ticks ({idle_cpu:.3} %)"),
        "target < 0.1 %".into(),
    ));
    rows.push(Row(
        "Process start → first successful `/status`".into(),
        format!("{} ms", ms(startup)),
        "target < 100 ms".into(),
    ));
    let target = target_dir();
    for (label, path) in [
        ("Linux", format!("{target}/release/odoo-pos-cashdrawer")),
        (
            "Windows (x86_64-pc-windows-gnu)",
            format!("{target}/x86_64-pc-windows-gnu/release/odoo-pos-cashdrawer.exe"),
        ),
    ] {
        let size = std::fs::metadata(&path)
            .map(|m| format!("{:.2} MB", m.len() as f64 / 1_048_576.0))
            .unwrap_or_else(|_| "not built".into());
        rows.push(Row(
            format!("Release binary size, {label}"),
            size,
            String::new(),
        ));
    }
    let _ = child.kill();
    let _ = child.wait();

    // Services of their own, alone on the machine: the receipts, then the flood and its
    // quiet reference.
    rows.extend(receipt_rows(&opts));
    rows.extend(flood_rows(&opts));

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let date = chrono::Local::now().format("%Y-%m-%d %H:%M %:z");
    let mut md = format!(
        "# Benchmark results\n\n{date}, {cpu}, {cores} cores{}.\n\n| Measure | Result | Note |\n|---|---|---|\n",
        if opts.quick { " (quick mode: fewer requests, short runs — not the reference figures)" } else { "" }
    );
    for Row(a, b, c) in &rows {
        md.push_str(&format!("| {a} | {b} | {c} |\n"));
    }
    println!("{md}");
    if !opts.quick {
        std::fs::write("bench/RESULTS.md", &md).unwrap();
        eprintln!("written to bench/RESULTS.md");
    }
}
