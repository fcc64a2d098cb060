//! The flood scenario (issue 13 §4): drawer p99 from the till (127.0.0.1) while a LAN
//! host holds 1,000 idle connections and streams large bodies, side by side with the
//! quiet p99 of the same service in the same run. The LAN host is a network namespace
//! (tests/api/helpers/netns.rs), so it needs root; without, the scenario says it was skipped.
//!
//! The attacker runs on the same cores as the service (a real one has its own machine):
//! its reconnect loop is paced (every 250 ms) so that what is measured is the service's
//! defence, not two processes fighting for two cores.

use std::io::{Read, Write};
use std::net::{SocketAddr, SocketAddrV4, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/api/helpers/netns.rs"]
#[allow(dead_code)]
mod netns;

use super::Row;

/// What the LAN host did during the flood.
#[derive(Default)]
struct Attack {
    /// Idle connections opened (first ones and reopened after the service closed them).
    idle_opened: AtomicU64,
    /// Large-body requests sent (refused on the head, or read and answered).
    bodies: AtomicU64,
}

/// Holds `n` idle connections, reopening those the service closes every 250 ms.
fn hold_idle(to: SocketAddr, n: usize, stop: &AtomicBool, attack: &Attack) {
    let connect = || {
        attack.idle_opened.fetch_add(1, Ordering::Relaxed);
        TcpStream::connect_timeout(&to, Duration::from_secs(2)).ok()
    };
    let mut conns: Vec<Option<TcpStream>> = (0..n).map(|_| connect()).collect();
    let mut buf = [0u8; 64];
    while !stop.load(Ordering::Relaxed) {
        for c in conns.iter_mut() {
            let closed = match c {
                None => true,
                Some(s) => {
                    let _ = s.set_nonblocking(true);
                    match s.peek(&mut buf) {
                        Ok(_) => true,
                        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
                    }
                }
            };
            if closed {
                *c = connect();
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Sends `head` then up to `size` body bytes, as fast as the service takes them, and
/// reads the answer; again and again until `stop`.
fn stream_bodies(to: SocketAddr, head: String, size: usize, stop: &AtomicBool, attack: &Attack) {
    let chunk = vec![b'x'; 64 * 1024];
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = TcpStream::connect_timeout(&to, Duration::from_secs(2)) else {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        attack.bodies.fetch_add(1, Ordering::Relaxed);
        if s.write_all(head.as_bytes()).is_ok() {
            let mut sent = 0;
            while sent < size {
                let n = chunk.len().min(size - sent);
                if s.write_all(&chunk[..n]).is_err() {
                    break;
                }
                sent += n;
            }
        }
        let mut answer = [0u8; 512];
        let _ = s.read(&mut answer);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The flood rows: quiet p99, flood p99 and their ratio, and what the service held.
/// `start` starts the service listening on 0.0.0.0 with a fresh printer peer and
/// returns (child, port, peer stamps); `measure` is the bench's drawer latency.
pub fn scenario(
    quick: bool,
    start: impl FnOnce() -> (
        std::process::Child,
        u16,
        Arc<Mutex<mpsc::Receiver<Instant>>>,
    ),
    measure: impl Fn(SocketAddr, &Arc<Mutex<mpsc::Receiver<Instant>>>, usize) -> Vec<Duration>,
) -> Vec<Row> {
    let label = "`/open-cash-drawer` from the till while a LAN host floods (1,000 idle connections + large bodies)";
    let Some(ns) = netns::Namespace::create(7) else {
        return vec![Row(
            label.into(),
            "skipped".into(),
            "needs root (network namespace for the LAN host)".into(),
        )];
    };
    let requests = if quick { 200 } else { 2000 };
    let (mut child, port, peer) = start();
    let pid = child.id();
    let till = SocketAddr::from(([127, 0, 0, 1], port));
    let lan = SocketAddr::V4(SocketAddrV4::new(ns.host_ip, port));

    let quiet = measure(till, &peer, requests);

    let stop = Arc::new(AtomicBool::new(false));
    let attack = Arc::new(Attack::default());
    let flood = {
        let (stop, attack) = (stop.clone(), attack.clone());
        std::thread::spawn(move || {
            ns.run(move || {
                let host = format!("{lan}");
                let heads = [
                    // Refused on the head: ePOS is local-only by default.
                    (format!("POST /cgi-bin/epos/service.cgi?devid=local_printer HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml\r\nContent-Length: 16000000\r\n\r\n"), 16_000_000),
                    // Read (under the 64 KiB form limit) and answered.
                    (format!("POST /config/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n"), 60_000),
                ];
                let streamers: Vec<_> = (0..8)
                    .map(|i| {
                        let (head, size) = heads[i % 2].clone();
                        let (stop, attack) = (stop.clone(), attack.clone());
                        std::thread::spawn(move || stream_bodies(lan, head, size, &stop, &attack))
                    })
                    .collect();
                hold_idle(lan, 1000, &stop, &attack);
                for s in streamers {
                    let _ = s.join();
                }
            });
            ns
        })
    };
    std::thread::sleep(Duration::from_secs(if quick { 1 } else { 3 }));
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0);
    let flooded = measure(till, &peer, requests);
    stop.store(true, Ordering::Relaxed);
    let ns = flood.join().unwrap();
    let rss_peak = super::proc_field(pid, "VmHWM:");
    let _ = child.kill();
    let _ = child.wait();
    drop(ns);

    let (q99, f99) = (
        super::percentile(&quiet, 0.99),
        super::percentile(&flooded, 0.99),
    );
    let ratio = f99.as_secs_f64() / q99.as_secs_f64().max(1e-9);
    vec![
        Row(
            format!("{label}: quiet p99 / flood p99, {requests} requests each, 1 client"),
            format!("{} / {} ms ({ratio:.2}×)", super::ms(q99), super::ms(f99)),
            "target: flood p99 within 2× of quiet p99".into(),
        ),
        Row(
            "During that flood: descriptors held by the service / LAN connections opened / large bodies sent / peak RSS".into(),
            format!(
                "{fds} / {} / {} / {:.1} MB",
                attack.idle_opened.load(Ordering::Relaxed),
                attack.bodies.load(Ordering::Relaxed),
                rss_peak as f64 / 1024.0
            ),
            "caps: 512 for the network, 32 per LAN address, 64 reserved for loopback".into(),
        ),
    ]
}
