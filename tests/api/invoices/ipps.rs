//! Invoice printing over IPPS (IPP over TLS) with the real service, a real watched
//! folder and a real TLS IPP printer: a tokio-rustls server on 127.0.0.1 with a
//! self-signed certificate, as network printers have, that records each Print-Job.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;

use crate::helpers::binary::Binary;
use crate::helpers::invoices::*;
use crate::helpers::TestApp;

const LONG: Duration = Duration::from_secs(20);

/// One HTTP request received over TLS.
#[derive(Clone)]
struct Request {
    head: String,
    body: Vec<u8>,
}

/// A driverless printer speaking IPP over TLS only: a plain-text client cannot get a
/// request through. Answers every complete POST with HTTP 200 and IPP successful-ok.
#[derive(Clone)]
struct IppsPrinter {
    addr: SocketAddr,
    cert: CertificateDer<'static>,
    requests: Arc<Mutex<Vec<Request>>>,
    failed_handshakes: Arc<AtomicUsize>,
    /// Answer without a length and drop the connection without TLS `close_notify`, as
    /// many printers' embedded servers do.
    abrupt: Arc<AtomicBool>,
}

impl IppsPrinter {
    fn start() -> IppsPrinter {
        let generated =
            rcgen::generate_simple_self_signed(vec!["printer.local".to_string()]).unwrap();
        let cert = generated.cert.der().clone();
        let key =
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let printer = IppsPrinter {
            addr: listener.local_addr().unwrap(),
            cert,
            requests: Arc::default(),
            failed_handshakes: Arc::default(),
            abrupt: Arc::default(),
        };
        let p = printer.clone();
        // Its own runtime, so it serves both async tests and the real binary's test.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((tcp, _)) = listener.accept().await else {
                        return;
                    };
                    let (p, acceptor) = (p.clone(), acceptor.clone());
                    tokio::spawn(async move {
                        match acceptor.accept(tcp).await {
                            Ok(tls) => p.serve(tls).await,
                            Err(_) => {
                                p.failed_handshakes.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                    });
                }
            });
        });
        printer
    }

    async fn serve(&self, mut tls: tokio_rustls::server::TlsStream<tokio::net::TcpStream>) {
        let mut data = Vec::new();
        let mut buf = vec![0u8; 65536];
        let (head, body_start) = loop {
            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break (String::from_utf8_lossy(&data[..i]).to_string(), i + 4);
            }
            match tls.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        };
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        while data.len() < body_start + length {
            match tls.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        }
        self.requests.lock().unwrap().push(Request {
            head,
            body: data[body_start..body_start + length].to_vec(),
        });
        // IPP/1.1, successful-ok, request id 1, end-of-attributes.
        let ipp = [1u8, 1, 0, 0, 0, 0, 0, 1, 3];
        if self.abrupt.load(Ordering::SeqCst) {
            let mut answer =
                b"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nConnection: close\r\n\r\n"
                    .to_vec();
            answer.extend_from_slice(&ipp);
            let _ = tls.write_all(&answer).await;
            let _ = tls.flush().await;
            // The TCP connection closed under TLS, no close_notify.
            let (mut tcp, _) = tls.into_inner();
            let _ = tcp.shutdown().await;
            return;
        }
        let mut answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: {}\r\n\r\n",
            ipp.len()
        )
        .into_bytes();
        answer.extend_from_slice(&ipp);
        let _ = tls.write_all(&answer).await;
        let _ = tls.shutdown().await;
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    fn uri(&self) -> String {
        format!("ipps://127.0.0.1:{}/ipp/print", self.addr.port())
    }

    /// SHA-256 of its DER certificate as 32 bytes.
    fn sha256(&self) -> Vec<u8> {
        Sha256::digest(self.cert.as_ref()).to_vec()
    }
}

/// `ab:cd:…` (how an admin might paste it) or `AB:CD:…` (how the service shows it).
fn colons(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// The request is an IPP Print-Job for `uri` whose document is exactly `doc`.
fn assert_print_job(req: &Request, uri: &str, doc: &[u8]) {
    assert!(
        req.head.starts_with("POST /ipp/print HTTP/1.1\r\n"),
        "{}",
        req.head
    );
    assert!(req
        .head
        .to_ascii_lowercase()
        .contains("content-type: application/ipp"));
    assert_eq!(&req.body[..4], &[1, 1, 0, 2], "IPP/1.1 Print-Job");
    let text = String::from_utf8_lossy(&req.body);
    assert!(text.contains("application/pdf"), "document-format");
    assert!(text.contains(uri), "printer-uri {uri}");
    let at = req.body.len() - doc.len();
    assert_eq!(
        &req.body[at..],
        doc,
        "the PDF byte-exact after the attributes"
    );
    assert_eq!(
        req.body[at - 1],
        0x03,
        "end-of-attributes-tag right before it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_right_pin_the_pdf_arrives_byte_exact_over_tls() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = IppsPrinter::start();
    let pin = colons(&printer.sha256(), false);
    let ini = invoice_ini(
        folder.path(),
        None,
        &[("ipp_uri", &printer.uri()), ("ipps_fingerprint", &pin)],
    );
    let svc = TestApp::spawn_in(data.path(), &ini).await;
    let doc = pdf("FAC-TLS", 300_000);
    drop_file(folder.path(), "FAC-TLS.pdf", &doc);

    assert!(
        wait_async(LONG, || !printer.requests().is_empty()).await,
        "the printer got a request over TLS"
    );
    assert!(
        wait_async(LONG, || files_in(folder.path()).is_empty()).await,
        "removed once printed"
    );
    let requests = printer.requests();
    assert_eq!(requests.len(), 1, "printed once");
    assert_print_job(&requests[0], &printer.uri(), &doc);
    assert_eq!(printer.failed_handshakes.load(Ordering::SeqCst), 0);
    let (_, status) = svc.get_json("/invoice-printer/status").await;
    assert_eq!(status["last_printed"]["file"], "FAC-TLS.pdf");
    assert_eq!(
        status["last_printed"]["route"],
        format!("ipp {}", printer.uri())
    );
    assert_eq!(status["failures"]["failed_attempts"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_wrong_pin_nothing_is_sent_and_the_file_ends_in_failed_naming_both_fingerprints() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = IppsPrinter::start();
    let wrong = [0xabu8; 32];
    let ini = invoice_ini(
        folder.path(),
        None,
        &[
            ("ipp_uri", &printer.uri()),
            ("ipps_fingerprint", &colons(&wrong, false).replace(':', "")),
            ("retries", "2"),
            ("retry_delay", "1"),
        ],
    );
    let svc = TestApp::spawn_in(data.path(), &ini).await;
    let doc = pdf("FAC-MITM", 20_000);
    drop_file(folder.path(), "FAC-MITM.pdf", &doc);

    assert!(
        wait_async(LONG, || journal_state(data.path(), "FAC-MITM.pdf")
            .as_deref()
            == Some("failed"))
        .await,
        "failed after the retries"
    );
    let failed = sub(folder.path(), "failed").join("FAC-MITM.pdf");
    assert_eq!(
        std::fs::read(&failed).unwrap(),
        doc,
        "kept intact in failed/"
    );
    assert!(printer.requests().is_empty(), "no byte of the invoice sent");
    assert!(
        wait_async(LONG, || printer.failed_handshakes.load(Ordering::SeqCst)
            == 2)
        .await,
        "the printer was reached at each of the 2 attempts; the handshake was refused"
    );
    let (_, status) = svc.get_json("/invoice-printer/status").await;
    assert_eq!(status["failures"]["failed_files"], 1);
    assert_eq!(status["failures"]["failed_attempts"], 2);
    let error = status["failures"]["last_error"].as_str().unwrap();
    let seen = colons(&printer.sha256(), true);
    let expected = colons(&wrong, true);
    assert!(
        error.contains(&seen) && error.contains(&expected) && error.contains("ipps_fingerprint"),
        "the error names the fingerprint seen and the one expected: {error}"
    );
    assert_eq!(status["printer"]["reachable"], false);
}

#[test]
fn without_a_pin_it_prints_encrypted_and_logs_the_fingerprint_to_pin() {
    let printer = IppsPrinter::start();
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("config.ini"),
        invoice_ini(folder.path(), None, &[("ipp_uri", &printer.uri())]),
    )
    .unwrap();
    let mut bin = Binary::start(data.path(), &[]);
    let doc = pdf("FAC-TOFU", 50_000);
    drop_file(folder.path(), "FAC-TOFU.pdf", &doc);
    let printed = wait_until(LONG, || !printer.requests().is_empty());
    let cleaned = wait_until(LONG, || files_in(folder.path()).is_empty());
    let seen = colons(&printer.sha256(), true);
    let logged = wait_until(Duration::from_secs(5), || {
        log_text(data.path()).contains(&format!("ipps_fingerprint = {seen}"))
    });
    bin.kill();
    assert!(printed && cleaned, "printed over TLS, then removed");
    let requests = printer.requests();
    assert_eq!(requests.len(), 1);
    assert_print_job(&requests[0], &printer.uri(), &doc);
    assert!(
        logged,
        "the fingerprint is logged, ready to paste: {}",
        log_text(data.path())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_closing_tls_without_close_notify_after_its_answer_still_prints_once() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let printer = IppsPrinter::start();
    printer.abrupt.store(true, Ordering::SeqCst);
    let pin = colons(&printer.sha256(), true);
    let ini = invoice_ini(
        folder.path(),
        None,
        &[("ipp_uri", &printer.uri()), ("ipps_fingerprint", &pin)],
    );
    let svc = TestApp::spawn_in(data.path(), &ini).await;
    let doc = pdf("FAC-EOF", 40_000);
    drop_file(folder.path(), "FAC-EOF.pdf", &doc);
    assert!(
        wait_async(LONG, || files_in(folder.path()).is_empty()).await,
        "printed and removed; {:?}",
        svc.state.invoices().status().failures.last_error
    );
    let requests = printer.requests();
    assert_eq!(requests.len(), 1, "confirmed the first time, not resent");
    assert_print_job(&requests[0], &printer.uri(), &doc);
    assert_eq!(svc.state.invoices().status().failures.failed_attempts, 0);
}
