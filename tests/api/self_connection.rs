//! Issue 14 §2: the till calling its own LAN address (what Chromium's Local Network
//! Access makes Odoo 18/19 do) is local, with no `*_allowed_networks` entry; a LAN host
//! that claims the till's address is not. Against the real binary on 0.0.0.0, a real
//! printer peer, and callers from a network namespace (Linux, root; skipped elsewhere).
#![cfg(target_os = "linux")]

use std::net::{IpAddr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use crate::helpers::binary::Binary;
use crate::helpers::netns::{raw_exchange, Namespace};
use crate::helpers::peer::{Behaviour, PrinterPeer};

const TAG_SELF: u8 = 30;
const TAG_SPOOF: u8 = 31;

fn data_dir(printer: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ini = crate::helpers::ini(&[
        ("printer", "name", printer),
        ("invoice_printer", "autoprint", "false"),
    ]);
    std::fs::write(dir.path().join("config.ini"), ini).unwrap();
    dir
}

fn drawer_request(host: SocketAddr) -> Vec<u8> {
    format!("GET /open-cash-drawer HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

/// (a) From the host itself to the host's veth address (not loopback): the drawer, a
/// local-only route, opens with no allowed network, and the log names the caller
/// `local(self,…)`. A namespace caller to the same address is still refused.
#[test]
fn the_till_calling_its_own_lan_address_is_local() {
    let Some(ns) = Namespace::create(TAG_SELF) else {
        return;
    };
    let peer = PrinterPeer::start(Behaviour::Normal);
    let dir = data_dir(&peer.target());
    let svc = Binary::start_on(dir.path(), "0.0.0.0", &[]);
    let lan = SocketAddr::V4(SocketAddrV4::new(ns.host_ip, svc.addr.port()));

    let (status, _, body) = raw_exchange(lan, &drawer_request(lan));
    assert_eq!(status, 200, "{body}");
    assert_eq!(peer.wait_jobs(1, Duration::from_secs(5)).len(), 1);
    let log = svc.wait_log(&format!("local(self,{})", ns.host_ip));
    assert!(log.contains("tiroir-caisse ouvert"), "{log}");

    let (status, _, body) = ns.raw(lan, drawer_request(lan));
    assert_eq!(status, 403, "a LAN caller is not local: {body}");
    assert!(body.contains("\"status\":\"error\""), "{body}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        peer.non_empty_jobs().len(),
        1,
        "the LAN caller kicked nothing"
    );
    svc.stop();
}

/// Connects from the calling thread's namespace to `to` from source address `claimed`
/// (bound with IP_FREEBIND: an address this namespace does not have), and sends a drawer
/// request; (status, body), status 0 when no connection was made.
fn spoofed_exchange(claimed: IpAddr, to: SocketAddr) -> (u16, String) {
    use socket2::{Domain, Socket, Type};
    use std::io::{Read, Write};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    set_freebind(&socket);
    socket.bind(&SocketAddr::new(claimed, 0).into()).unwrap();
    if socket
        .connect_timeout(&to.into(), Duration::from_secs(3))
        .is_err()
    {
        return (0, String::new());
    }
    let mut stream: std::net::TcpStream = socket.into();
    let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
    if stream.write_all(&drawer_request(to)).is_err() {
        return (0, String::new());
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// IP_FREEBIND (socket2 has it only with its "all" feature): bind to an address this
/// namespace does not own.
fn set_freebind(socket: &socket2::Socket) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket, and an int option of the size given.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_FREEBIND,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "IP_FREEBIND: {}", std::io::Error::last_os_error());
}

/// (b) A namespace peer whose packets claim the till's own address as their source (the
/// one a self-connection has) never gets the local level: no connection is made (the
/// SYN-ACK goes to the till itself, and Linux drops the SYN as a martian source) or, if
/// one were, it is refused; either way the drawer never opens.
#[test]
fn a_lan_peer_claiming_the_tills_address_is_not_local() {
    let Some(ns) = Namespace::create(TAG_SPOOF) else {
        return;
    };
    let peer = PrinterPeer::start(Behaviour::Normal);
    let dir = data_dir(&peer.target());
    let svc = Binary::start_on(dir.path(), "0.0.0.0", &[]);
    let lan = SocketAddr::V4(SocketAddrV4::new(ns.host_ip, svc.addr.port()));
    let claimed = IpAddr::V4(ns.host_ip);
    let (status, answer) = ns.run(move || spoofed_exchange(claimed, lan));
    assert!(
        status == 0 || status == 403,
        "a spoofed self-connection was served: {answer}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(peer.non_empty_jobs().is_empty(), "the drawer opened");
    assert!(
        !svc.log().contains("local(self"),
        "a spoofed caller was taken for the till:\n{}",
        svc.log()
    );
    svc.stop();
}
