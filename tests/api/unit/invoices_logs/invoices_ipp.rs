//! Unit tests of `invoices::ipp`.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_util::io::ReaderStream;

use cashdrawer::domain::IppUri;
use cashdrawer::invoices::ipp::*;

/// The whole Print-Job request body: attributes, then the document.
fn print_job_request(uri: &str, job_name: &str, request_id: u32, pdf: &[u8]) -> Vec<u8> {
    [&print_job_attributes(uri, job_name, request_id)[..], pdf].concat()
}

#[test]
fn parses_uris() {
    let u = IppUri::parse("ipp://192.168.1.50/ipp/print").unwrap();
    assert_eq!(
        (u.host.as_str(), u.port, u.path.as_str()),
        ("192.168.1.50", 631, "/ipp/print")
    );
    let u = IppUri::parse("ipp://127.0.0.1:8631/printers/FACTURE").unwrap();
    assert_eq!((u.port, u.path.as_str()), (8631, "/printers/FACTURE"));
    let u = IppUri::parse("ipp://[::1]:8631/ipp/print").unwrap();
    assert_eq!((u.host.as_str(), u.port), ("::1", 8631));
    assert!(!u.tls);
    assert!(IppUri::parse("printer/ipp").is_err());
    assert!(IppUri::parse("ftp://printer/ipp")
        .unwrap_err()
        .to_string()
        .contains("ipps://"));
    assert!(IppUri::parse("ipp://printer:x/ipp").is_err());
    assert!(IppUri::parse("ipp://[::1/ipp").is_err());
    assert!(IppUri::parse("ipp:///ipp/print").is_err());
}

#[test]
fn parses_tls_uris_with_their_default_ports() {
    let u = IppUri::parse("ipps://192.168.1.50/ipp/print").unwrap();
    assert_eq!(
        (u.host.as_str(), u.port, u.path.as_str(), u.tls),
        ("192.168.1.50", 631, "/ipp/print", true)
    );
    // The URI as written is the printer-uri sent in the request.
    assert_eq!(u.uri, "ipps://192.168.1.50/ipp/print");
    let u = IppUri::parse("IPPS://printer.lan:8443").unwrap();
    assert_eq!(
        (u.host.as_str(), u.port, u.path.as_str(), u.tls),
        ("printer.lan", 8443, "/ipp/print", true)
    );
    let u = IppUri::parse("https://printer.lan/ipp/print").unwrap();
    assert_eq!((u.port, u.tls), (443, true));
    let u = IppUri::parse("http://printer.lan/ipp/print").unwrap();
    assert_eq!((u.port, u.tls), (80, false));
    let u = IppUri::parse("ipps://[fe80::1]/ipp/print").unwrap();
    assert_eq!((u.host.as_str(), u.port, u.tls), ("fe80::1", 631, true));
}

#[test]
fn encodes_print_job() {
    let req = print_job_request("ipp://h/ipp/print", "f.pdf", 7, b"%PDF-x");
    assert_eq!(&req[..8], &[1, 1, 0, 2, 0, 0, 0, 7]);
    assert_eq!(req[8], 0x01);
    assert!(req.ends_with(b"\x03%PDF-x"));
    let text = String::from_utf8_lossy(&req);
    assert!(text.contains("application/pdf") && text.contains("printer-uri"));
}

/// Sends a 5-byte Print-Job through [`post`] to a one-shot peer that reads the
/// request, answers `raw`, then closes the connection if `close` (else keeps it).
async fn answer_to(raw: &'static [u8], close: bool) -> Option<Result<Vec<u8>, String>> {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.ends_with(b"\r\n\r\nattrs") {
            let n = s.read(&mut buf).await.unwrap();
            assert!(
                n > 0,
                "request cut: {:?}",
                String::from_utf8_lossy(&request)
            );
            request.extend_from_slice(&buf[..n]);
        }
        s.write_all(raw).await.unwrap();
        if close {
            drop(s);
        } else {
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
    });
    let target = IppUri::parse(&format!("ipp://{addr}/ipp/print")).unwrap();
    let body = Upload(ReaderStream::new(std::io::Cursor::new(b"attrs".to_vec())));
    let tcp = TcpStream::connect(addr).await.unwrap();
    tokio::time::timeout(Duration::from_secs(2), post(tcp, &target, body, 5))
        .await
        .ok()
}

#[tokio::test]
async fn decodes_http_bodies() {
    let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    assert_eq!(answer_to(plain, true).await.unwrap().unwrap(), b"abc");
    let chunked =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n";
    assert_eq!(answer_to(chunked, true).await.unwrap().unwrap(), b"abc");
    let not_found = answer_to(b"HTTP/1.1 404 Not Found\r\n\r\n", true).await;
    assert!(not_found.unwrap().unwrap_err().contains("404"));
    let interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    assert_eq!(answer_to(interim, true).await.unwrap().unwrap(), b"ok");
    let short = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc";
    let short = answer_to(short, true).await.unwrap();
    assert!(short.unwrap_err().contains("tronquée"));
    let cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n";
    assert!(answer_to(cut, true).await.unwrap().is_err());
}

/// Reading stops at the end of a whole answer, whether or not the printer closes.
#[tokio::test]
async fn an_answer_is_complete_by_its_length_or_last_chunk_only() {
    let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc";
    assert_eq!(answer_to(plain, false).await.unwrap().unwrap(), b"abc");
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n";
    assert_eq!(answer_to(chunked, false).await.unwrap().unwrap(), b"a");
    let unfinished = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n";
    assert!(
        answer_to(unfinished, false).await.is_none(),
        "waits for the last chunk"
    );
    // No length: only the printer closing the connection ends it.
    let until_close = b"HTTP/1.1 200 OK\r\n\r\nabc";
    assert!(answer_to(until_close, false).await.is_none());
    assert_eq!(answer_to(until_close, true).await.unwrap().unwrap(), b"abc");
    assert!(answer_to(b"HTTP/1.1 100 Continue\r\n\r\n", false)
        .await
        .is_none());
}
