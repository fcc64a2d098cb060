//! §4: the shop network cannot exhaust the service. The real binary, listening on
//! 0.0.0.0; the attacker is a LAN host (a network namespace), the till is 127.0.0.1.
//!
//! 1.0.0 read the whole body (up to 16 MiB) of a caller it then refused: 100 such
//! connections took it past 1.5 GB. It had no connection cap and kept the usual soft
//! descriptor limit (1024): a thousand idle LAN connections left the till's own drawer
//! requests waiting in the accept queue.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::binary::Binary;
use crate::helpers::netns::Namespace;
use crate::helpers::peer::{Behaviour, PrinterPeer};

/// Tags of this module's namespaces (see `Namespace::create`).
const TAG_BODIES: u8 = 40;
const TAG_FLOOD: u8 = 41;
const TAG_LOG: u8 = 42;

/// A data folder whose config.ini holds `settings` (invoice printing off).
fn data_dir(settings: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut all = settings.to_vec();
    all.push(("invoice_printer", "autoprint", "false"));
    std::fs::write(dir.path().join("config.ini"), crate::helpers::ini(&all)).unwrap();
    dir
}

/// A value of `/proc/<pid>/status` in kB (`VmHWM`: the peak resident set).
fn proc_status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(key)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// What one attacking connection saw.
#[derive(Debug, Default, Clone)]
struct Seen {
    /// The answer that came before any body byte was sent, if one came within 2 s.
    answer_on_head: Option<String>,
    /// Body bytes the service took before the connection failed.
    body_sent: usize,
}

/// Sends `head` (announcing a 16 MB body), waits up to 2 s for an answer, then streams
/// the body as fast as the service takes it.
fn big_body_attack(to: SocketAddr, head: &str) -> Seen {
    let mut seen = Seen::default();
    let Ok(mut s) = TcpStream::connect_timeout(&to, Duration::from_secs(5)) else {
        return seen;
    };
    if s.write_all(head.as_bytes()).is_err() {
        return seen;
    }
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    // The whole answer (its JSON ends with `}`), or what came before EOF or 2 s.
    while !answer.ends_with(b"}") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    if !answer.is_empty() {
        seen.answer_on_head = Some(String::from_utf8_lossy(&answer).to_string());
    }
    let chunk = vec![b'x'; 64 * 1024];
    s.set_write_timeout(Some(Duration::from_secs(15))).unwrap();
    while seen.body_sent < 16_000_000 {
        match s.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.body_sent += n,
        }
    }
    seen
}

#[test]
fn a_refused_lan_caller_is_answered_on_the_head_and_its_huge_bodies_are_never_read() {
    let Some(ns) = Namespace::create(TAG_BODIES) else {
        return;
    };
    let dir = data_dir(&[
        // The namespace (10.240.x.2) is outside the allowed networks and not in
        // the ePOS ones (empty: local only).
        ("server", "allowed_networks", "192.0.2.0/24"),
    ]);
    let svc = Binary::start_on(dir.path(), "0.0.0.0", &[]);
    let to = SocketAddr::V4(SocketAddrV4::new(ns.host_ip, svc.addr.port()));
    let host = format!("{}:{}", ns.host_ip, svc.addr.port());
    let heads = [
        format!("POST /cgi-bin/epos/service.cgi?devid=local_printer HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml\r\nContent-Length: 16000000\r\n\r\n"),
        format!("POST /config/save HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 16000000\r\n\r\n"),
    ];
    // 100 connections in waves of 25: under the per-address connection cap (32), so
    // that every one of them reaches the HTTP layer and tests it, not the cap.
    let seen: Vec<(usize, Seen)> = ns.run(move || {
        let mut seen = Vec::new();
        for _wave in 0..4 {
            let threads: Vec<_> = (0..25)
                .map(|i| {
                    let head = heads[i % 2].clone();
                    std::thread::spawn(move || (i % 2, big_body_attack(to, &head)))
                })
                .collect();
            seen.extend(threads.into_iter().map(|t| t.join().unwrap()));
        }
        seen
    });
    let peak_mb = proc_status_kb(svc.pid(), "VmHWM:") / 1024;
    let expected = [
        "Accès refusé - Local uniquement".to_string(),
        format!(
            "Accès refusé - le réseau de {} n'est pas autorisé",
            ns.ns_ip
        ),
    ];
    let taken: usize = seen.iter().map(|(_, s)| s.body_sent).sum();
    assert!(
        peak_mb < 100,
        "peak RSS {peak_mb} MB after 100 refused 16 MB bodies ({taken} body bytes sent)"
    );
    for (route, s) in &seen {
        let answer = s.answer_on_head.as_deref().unwrap_or_else(|| {
            panic!(
                "route {route}: no answer on the head ({} body bytes then taken): {s:?}",
                s.body_sent
            )
        });
        assert!(
            answer.starts_with("HTTP/1.1 403"),
            "route {route}: {answer}"
        );
        assert!(
            answer.to_ascii_lowercase().contains("connection: close"),
            "route {route}: the refused connection is closed: {answer}"
        );
        assert!(
            answer.contains(&expected[*route]) && answer.contains("\"status\":\"error\""),
            "route {route}: {answer}"
        );
    }
    // The refusals are logged, by address and route.
    svc.wait_log(&format!(
        "accès refusé (réseau non autorisé) à /config/save depuis {}",
        ns.ns_ip
    ));
    svc.wait_log(&format!(
        "accès refusé (voir [odoo] epos_allowed_networks) à /cgi-bin/epos/service.cgi depuis {}",
        ns.ns_ip
    ));

    // Bodies no handler will read are not read either, for callers that are let in: a
    // path no route has (1.0.0 took 16 MiB under /cgi-bin/ before its 404), and an
    // admin action without a session (1.0.0 waited for the whole form before its 401).
    let unrouted = format!(
        "POST /cgi-bin/nothing HTTP/1.1\r\nHost: {host}\r\nContent-Length: 16000000\r\n\r\n"
    );
    let local = svc.addr.port();
    let no_session = "POST /config/save HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n";
    let (lan_404, till_401) = (
        ns.run(move || big_body_attack(to, &unrouted)),
        big_body_attack(SocketAddr::from((Ipv4Addr::LOCALHOST, local)), no_session),
    );
    for (seen, status, text) in [
        (&lan_404, "404", "Route inconnue: /cgi-bin/nothing"),
        (&till_401, "401", "Connexion administrateur requise"),
    ] {
        let answer = seen.answer_on_head.as_deref().unwrap_or_default();
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}"))
                && answer.contains(text)
                && answer.to_ascii_lowercase().contains("connection: close"),
            "expected {status} {text:?} on the head, got {seen:?}"
        );
    }
}

/// The soft `RLIMIT_NOFILE` of this process, set by hand (libc is the service's
/// dependency; the test declares the two calls it needs, as `netns` does `setns`).
mod rlimit {
    #[repr(C)]
    pub struct Rlimit {
        pub cur: u64,
        pub max: u64,
    }
    extern "C" {
        fn getrlimit(resource: i32, rlim: *mut Rlimit) -> i32;
        fn setrlimit(resource: i32, rlim: *const Rlimit) -> i32;
    }
    const RLIMIT_NOFILE: i32 = 7;

    pub fn get() -> Rlimit {
        let mut r = Rlimit { cur: 0, max: 0 };
        // SAFETY: one valid struct of the kernel's layout on Linux x86_64/aarch64.
        assert_eq!(unsafe { getrlimit(RLIMIT_NOFILE, &mut r) }, 0);
        r
    }

    pub fn set_soft(cur: u64) {
        let r = Rlimit {
            cur,
            max: get().max,
        };
        // SAFETY: as above; lowering the soft limit, or raising it up to the hard one.
        assert_eq!(unsafe { setrlimit(RLIMIT_NOFILE, &r) }, 0);
    }
}

/// An allowed caller (here the till itself) without an admin session, announcing a body
/// under the size limit: the admin-only log routes, like the admin page's actions, answer 401 on the head and never wait for
/// the announced body (the third review found `/logs/purge` and `/logs/tail` read 64 KiB,
/// or waited 10 s for it, before looking at the session).
#[test]
fn admin_log_routes_without_a_session_are_answered_on_the_head() {
    let dir = data_dir(&[]);
    let svc = Binary::start_on(dir.path(), "127.0.0.1", &[]);
    let host = svc.addr.to_string();
    for (method, path) in [
        ("POST", "/logs/purge"),
        ("GET", "/logs/tail"),
        ("POST", "/config/save"),
    ] {
        let head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n");
        let seen = big_body_attack(svc.addr, &head);
        let answer = seen.answer_on_head.unwrap_or_else(|| {
            panic!(
                "{path}: no answer on the head ({} body bytes then taken)",
                seen.body_sent
            )
        });
        assert!(answer.starts_with("HTTP/1.1 401"), "{path}: {answer}");
        assert!(
            answer.to_ascii_lowercase().contains("connection: close"),
            "{path}: the refused connection is closed: {answer}"
        );
    }
}

/// Starts the binary as a service manager would: soft descriptor limit 1024, hard
/// limit higher (systemd's default). This process's own limit is restored at once.
fn start_with_usual_soft_limit(dir: &Path) -> Binary {
    static SPAWN: Mutex<()> = Mutex::new(());
    let _one = SPAWN.lock().unwrap();
    let before = rlimit::get();
    assert!(
        before.max > 4096,
        "hard descriptor limit {} too low for this test",
        before.max
    );
    rlimit::set_soft(1024);
    let svc = std::panic::catch_unwind(|| Binary::start_on(dir, "0.0.0.0", &[]));
    rlimit::set_soft(before.cur);
    svc.unwrap()
}

/// Holds `n` idle connections to `to` until `stop`: each one the service closes is
/// opened again, every 100 ms, as a real attacker would.
fn hold_idle(to: SocketAddr, n: usize, stop: Arc<AtomicBool>, reopened: Arc<Mutex<u64>>) {
    let connect = || TcpStream::connect_timeout(&to, Duration::from_secs(2)).ok();
    let mut conns: Vec<Option<TcpStream>> = (0..n).map(|_| connect()).collect();
    let mut buf = [0u8; 64];
    while !stop.load(Ordering::Relaxed) {
        for c in conns.iter_mut() {
            let closed = match c {
                None => true,
                Some(s) => {
                    let _ = s.set_nonblocking(true);
                    match s.peek(&mut buf) {
                        Ok(_) => true, // EOF (or an error answer): the service let go
                        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
                    }
                }
            };
            if closed {
                *c = connect();
                *reopened.lock().unwrap() += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Keeps `n` connections sending a form body one byte every 200 ms.
fn hold_slow_bodies(to: SocketAddr, n: usize, stop: Arc<AtomicBool>) {
    let head = format!(
        "POST /config/login HTTP/1.1\r\nHost: {to}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n"
    );
    let open = || {
        let mut s = TcpStream::connect_timeout(&to, Duration::from_secs(2)).ok()?;
        s.write_all(head.as_bytes()).ok()?;
        s.set_write_timeout(Some(Duration::from_millis(200))).ok()?;
        Some(s)
    };
    let mut conns: Vec<Option<TcpStream>> = (0..n).map(|_| open()).collect();
    while !stop.load(Ordering::Relaxed) {
        for c in conns.iter_mut() {
            let alive = c.as_mut().is_some_and(|s| s.write_all(b"a").is_ok());
            if !alive {
                *c = open();
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One `/open-cash-drawer` from the till, with a 1 s bound on everything: (status,
/// time taken). Status 0: no answer within the bound.
fn drawer_from_till(port: u16) -> (u16, Duration) {
    let started = Instant::now();
    let to = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let answer = (|| {
        let mut s = TcpStream::connect_timeout(&to, Duration::from_secs(1)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
        s.write_all(
            b"GET /open-cash-drawer HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        out.get(9..12)?.parse().ok()
    })();
    (answer.unwrap_or(0), started.elapsed())
}

#[test]
fn a_lan_flood_of_idle_and_slow_connections_leaves_the_drawer_to_the_till() {
    let Some(ns) = Namespace::create(TAG_FLOOD) else {
        return;
    };
    let peer = PrinterPeer::start(Behaviour::Normal);
    let dir = data_dir(&[
        ("printer", "name", &peer.target()),
        ("printer", "connect_timeout_ms", "500"),
        ("cashdrawer", "command", "1b70001afa"),
    ]);
    let svc = start_with_usual_soft_limit(dir.path());
    let port = svc.addr.port();
    let to = SocketAddr::V4(SocketAddrV4::new(ns.host_ip, port));
    let stop = Arc::new(AtomicBool::new(false));
    let reopened = Arc::new(Mutex::new(0u64));
    let flood = {
        let (stop, reopened) = (stop.clone(), reopened.clone());
        std::thread::spawn(move || {
            ns.run(move || {
                let slow = {
                    let stop = stop.clone();
                    std::thread::spawn(move || hold_slow_bodies(to, 20, stop))
                };
                hold_idle(to, 1100, stop, reopened);
                slow.join().unwrap();
            });
            ns
        })
    };
    // Let the flood take hold (1.0.0: every descriptor in use within a second).
    std::thread::sleep(Duration::from_secs(2));
    let fds_during = std::fs::read_dir(format!("/proc/{}/fd", svc.pid()))
        .map(|d| d.count())
        .unwrap_or(0);
    let mut tries = Vec::new();
    for _ in 0..20 {
        tries.push(drawer_from_till(port));
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    let ns = flood.join().unwrap();
    let reopened = *reopened.lock().unwrap();
    for (i, (status, took)) in tries.iter().enumerate() {
        assert!(
            *status == 200 && *took < Duration::from_secs(1),
            "drawer try {i} under the flood: status {status} in {took:?} (service holding {fds_during} descriptors; all tries: {tries:?})"
        );
    }
    let kicks = peer.wait_jobs(20, Duration::from_secs(5));
    assert!(
        kicks.len() >= 20
            && kicks
                .iter()
                .all(|j| j.windows(5).any(|w| w == [0x1b, 0x70, 0x00, 0x1a, 0xfa])),
        "the printer got {} kicks",
        kicks.len()
    );
    // The caps held: the LAN host kept its share, not a thousand descriptors.
    assert!(
        fds_during < 200,
        "the service held {fds_during} descriptors under the flood"
    );
    // Refused connections are logged once per address per minute, not one by one.
    let needle = format!("connexion refusée depuis {}", ns.ns_ip);
    let log = svc.wait_log(&needle);
    let lines = log.lines().filter(|l| l.contains(&needle)).count();
    assert_eq!(
        lines, 1,
        "{reopened} connections reopened, {lines} log lines"
    );
}

/// A refused LAN caller looping on a route cannot fill the till's disk through the log
/// (the adversarial review of 1.1.0 wrote 4 MB in 10 s, two lines a refusal): at most
/// 20 refusal lines a minute per caller, the rest counted; the till's own requests are
/// still logged.
#[test]
fn a_refused_lan_caller_cannot_fill_the_disk_through_the_log() {
    let Some(ns) = Namespace::create(TAG_LOG) else {
        return;
    };
    let dir = data_dir(&[("server", "allowed_networks", "192.0.2.0/24")]);
    let svc = Binary::start_on(dir.path(), "0.0.0.0", &[]);
    let to = SocketAddr::V4(SocketAddrV4::new(ns.host_ip, svc.addr.port()));
    let host = format!("{}:{}", ns.host_ip, svc.addr.port());
    let refused = ns.run(move || {
        let mut refused = 0;
        for _ in 0..500 {
            let Ok(mut s) = TcpStream::connect_timeout(&to, Duration::from_secs(2)) else {
                continue;
            };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = write!(
                s,
                "GET /status HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            );
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 403") {
                refused += 1;
            }
        }
        refused
    });
    assert_eq!(refused, 500, "every refusal is still answered");
    let (code, _) = drawer_from_till(svc.addr.port());
    assert_eq!(code, 200);
    let log = svc.wait_log("GET /open-cash-drawer -> 200");
    let caller = ns.ns_ip.to_string();
    let lines = log.lines().filter(|l| l.contains(&caller)).count();
    assert!(
        (1..=20).contains(&lines),
        "{lines} log lines for 500 refusals of {caller}"
    );
}
