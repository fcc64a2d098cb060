//! Issue 14 §2: the HTTPS certificate survives DHCP. The real binary, on 0.0.0.0; a TLS
//! client that trusts only `tls/ca.pem`; a new address added to one of the host's
//! interfaces (a namespace's veth, removed with it) while the binary runs. Linux, root.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::helpers::binary::Binary;
use crate::helpers::netns::Namespace;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

const TAG: u8 = 32;

/// A client trusting `ca.pem` alone.
fn client(ca: &std::path::Path) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(ca).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// GET /status over TLS to `to`, verifying the certificate for `name`: the status line,
/// or the TLS error.
fn status_over_tls(
    config: &Arc<rustls::ClientConfig>,
    to: SocketAddr,
    name: &str,
) -> Result<String, String> {
    let server = ServerName::try_from(name.to_string()).unwrap();
    let mut conn = rustls::ClientConnection::new(config.clone(), server).unwrap();
    let mut tcp = TcpStream::connect_timeout(&to, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("connect {to}: {e}"));
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
    let req = format!("GET /status HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\n\r\n");
    tls.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    match tls.read_to_end(&mut answer) {
        Ok(_) => {}
        // The server may close without close_notify after the answer.
        Err(e) if !answer.is_empty() => eprintln!("after the answer: {e}"),
        Err(e) => return Err(e.to_string()),
    }
    let text = String::from_utf8_lossy(&answer).to_string();
    Ok(text.lines().next().unwrap_or_default().to_string())
}

#[test]
fn a_new_address_gets_a_new_leaf_from_the_same_ca_without_restart() {
    let Some(ns) = Namespace::create(TAG) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ini = crate::helpers::ini(&[
        ("printer", "name", "virtual"),
        ("invoice_printer", "autoprint", "false"),
    ]);
    std::fs::write(dir.path().join("config.ini"), ini).unwrap();
    let svc = Binary::start_on(
        dir.path(),
        "0.0.0.0",
        &[("CASHDRAWER_TEST_ADDRESS_CHECK_MS", "100")],
    );
    let port = svc.addr.port();
    let ca = dir.path().join("tls/ca.pem");
    let ca_before = std::fs::read(&ca).unwrap();
    let config = client(&ca);
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, port));

    let first = status_over_tls(&config, loopback, "localhost").unwrap();
    assert!(first.contains("200"), "{first}");
    // The veth address made before the start is covered already.
    let veth = SocketAddr::from((ns.host_ip, port));
    let seen = status_over_tls(&config, veth, &ns.host_ip.to_string()).unwrap();
    assert!(seen.contains("200"), "{seen}");

    // A DHCP renewal: a new address on one of the host's interfaces.
    let o = ns.host_ip.octets();
    // Outside the veth's /30 (.3 is its broadcast address).
    let new_ip = Ipv4Addr::new(o[0], o[1], o[2], 9);
    let err = status_over_tls(&config, loopback, &new_ip.to_string()).unwrap_err();
    assert!(err.contains("certificate"), "not covered yet: {err}");
    let host_if = format!("cdh{}x{TAG}", std::process::id() % 100_000);
    let added = std::process::Command::new("ip")
        .args(["addr", "add", &format!("{new_ip}/32"), "dev", &host_if])
        .status()
        .unwrap();
    assert!(added.success(), "ip addr add");

    svc.wait_log("tls.renew");
    let deadline = Instant::now() + Duration::from_secs(10);
    let renewed = loop {
        match status_over_tls(&config, loopback, &new_ip.to_string()) {
            Ok(line) => break line,
            Err(e) if Instant::now() < deadline => {
                eprintln!("not yet: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("the new address is still not covered: {e}\n{}", svc.log()),
        }
    };
    assert!(renewed.contains("200"), "{renewed}");
    // Dialled at the new address itself, still trusting only the same CA.
    let at_new = SocketAddr::new(IpAddr::V4(new_ip), port);
    let line = status_over_tls(&config, at_new, &new_ip.to_string()).unwrap();
    assert!(line.contains("200"), "{line}");
    assert_eq!(ca_before, std::fs::read(&ca).unwrap(), "the CA is the same");
    svc.stop();
}
