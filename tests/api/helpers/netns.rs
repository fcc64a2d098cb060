//! A caller from a real non-loopback address: a network namespace joined to this host by
//! a veth pair (10.(200+tag).x.0/30). `None`, with the reason printed, where namespaces
//! cannot be created (not root, no `ip`, a restricted container).
//!
//! Code run with [`Namespace::run`] executes on a thread moved into the namespace, so the
//! sockets it opens come from the namespace's address: the service sees a LAN caller.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::time::Duration;

pub struct Namespace {
    pub name: String,
    /// This host's end of the veth pair: the address the service listens on.
    pub host_ip: Ipv4Addr,
    /// The namespace's end: the address the service sees as the caller's.
    pub ns_ip: Ipv4Addr,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Namespace {
    /// `tag` (0..=49) tells apart the namespaces of the test binary (its tests run side
    /// by side): admin::netns 1, 2; metrics 3; printers 4; network_caller 5; self_connection 30, 31;
    /// tls_renewal 32; lna_browser 33; attacks::rebinding 34; attacks::exhaustion 40-42;
    /// bench/flood.rs 7 (a process of its own).
    pub fn create(tag: u8) -> Option<Namespace> {
        let pid = std::process::id();
        let name = format!("cdns{}-{tag}", pid % 100_000);
        let second = 200 + tag.min(49);
        let third = (pid % 250) as u8;
        let host_ip = Ipv4Addr::new(10, second, third, 1);
        let ns_ip = Ipv4Addr::new(10, second, third, 2);
        let host_if = format!("cdh{}x{tag}", pid % 100_000);
        let ns_if = format!("cdn{}x{tag}", pid % 100_000);
        let ns = Namespace {
            name: name.clone(),
            host_ip,
            ns_ip,
        };
        let host_cidr = format!("{host_ip}/30");
        let ns_cidr = format!("{ns_ip}/30");
        let steps: Vec<Vec<&str>> = vec![
            vec!["netns", "add", &name],
            vec![
                "link", "add", &host_if, "type", "veth", "peer", "name", &ns_if,
            ],
            vec!["link", "set", &ns_if, "netns", &name],
            vec!["addr", "add", &host_cidr, "dev", &host_if],
            vec!["link", "set", &host_if, "up"],
            vec!["-n", &name, "addr", "add", &ns_cidr, "dev", &ns_if],
            vec!["-n", &name, "link", "set", &ns_if, "up"],
            vec!["-n", &name, "link", "set", "lo", "up"],
        ];
        for step in steps {
            if let Err(e) = ip(&step) {
                eprintln!("SKIPPED: cannot create a network namespace here ({e})");
                return None; // Drop removes what was made
            }
        }
        Some(ns)
    }

    /// Runs `f` on a new thread inside the namespace and returns its result.
    pub fn run<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> R {
        let name = self.name.clone();
        std::thread::spawn(move || {
            enter_namespace(&name);
            f()
        })
        .join()
        .expect("namespace thread")
    }

    /// Sends `request` (a whole raw HTTP/1.1 request) from inside the namespace and reads
    /// the answer until the server closes; returns (status, head, body). Status 0 = no
    /// answer (refused, reset or silent for 5 s).
    pub fn raw(&self, to: SocketAddr, request: Vec<u8>) -> (u16, String, String) {
        self.run(move || raw_exchange(to, &request))
    }
}

/// One raw exchange from the calling thread's namespace.
pub fn raw_exchange(to: SocketAddr, request: &[u8]) -> (u16, String, String) {
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&to, Duration::from_secs(5)) else {
        return (0, String::new(), String::new());
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(request).is_err() {
        return (0, String::new(), String::new());
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (status, head.to_string(), body.to_string())
}

/// Moves the calling thread (only it) into the namespace: sockets it opens then belong
/// to that namespace.
pub fn enter_namespace(name: &str) {
    use std::os::fd::AsRawFd;
    extern "C" {
        fn setns(fd: i32, nstype: i32) -> i32;
    }
    const CLONE_NEWNET: i32 = 0x4000_0000;
    let file = std::fs::File::open(format!("/run/netns/{name}")).expect("namespace file");
    // SAFETY: a valid namespace file descriptor, and a flag the kernel checks.
    let rc = unsafe { setns(file.as_raw_fd(), CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
}

impl Drop for Namespace {
    fn drop(&mut self) {
        // Deleting the namespace deletes its veth end, which deletes the host end.
        let _ = ip(&["netns", "del", &self.name]);
    }
}
