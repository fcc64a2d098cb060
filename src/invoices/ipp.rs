//! A minimal IPP/1.1 client: one Print-Job request with `application/pdf`, sent as an
//! HTTP/1.1 POST (hyper's client) over plain TCP (`ipp://`, `http://`) or TLS (`ipps://`,
//! `https://`, see [`super::ipps`]); both share one HTTP exchange. Enough for driverless printers and
//! for CUPS queues (`ipp://host:631/printers/NAME`).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::Frame;
use hyper::header;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::TcpStream;
use tokio_util::io::ReaderStream;

use super::document::Document;
use super::ipps;
use crate::domain::{Fingerprint, IppUri};

fn attr(out: &mut Vec<u8>, tag: u8, name: &str, value: &str) {
    out.push(tag);
    out.extend_from_slice(&(name.len() as u16).to_be_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value.as_bytes());
}

/// The Print-Job request's operation attributes (RFC 8011 §4.2.1); the document follows.
pub fn print_job_attributes(uri: &str, job_name: &str, request_id: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&[1, 1]); // IPP/1.1
    out.extend_from_slice(&0x0002u16.to_be_bytes()); // Print-Job
    out.extend_from_slice(&request_id.to_be_bytes());
    out.push(0x01); // operation-attributes-tag
    attr(&mut out, 0x47, "attributes-charset", "utf-8");
    attr(&mut out, 0x48, "attributes-natural-language", "fr");
    attr(&mut out, 0x45, "printer-uri", uri);
    attr(
        &mut out,
        0x42,
        "requesting-user-name",
        "odoo-pos-cashdrawer",
    );
    let name: String = job_name.chars().take(200).collect();
    attr(&mut out, 0x42, "job-name", &name);
    attr(&mut out, 0x49, "document-format", "application/pdf");
    out.push(0x03); // end-of-attributes-tag
    out
}

/// Sends the PDF; `Ok` only when the printer answers an IPP successful-ok status.
/// `pin` is the certificate fingerprint required over TLS (see [`super::ipps`]).
pub(crate) async fn print(
    target: &IppUri,
    pin: Option<Fingerprint>,
    job_name: &str,
    doc: &Document,
    timeout: Duration,
) -> Result<(), String> {
    tokio::time::timeout(timeout, exchange(target, pin, job_name, doc))
        .await
        .map_err(|_| format!("délai de {} s dépassé", timeout.as_secs()))?
}

async fn exchange(
    target: &IppUri,
    pin: Option<Fingerprint>,
    job_name: &str,
    doc: &Document,
) -> Result<(), String> {
    let attributes = print_job_attributes(&target.uri, job_name, 1);
    let pdf = doc
        .reader()
        .map_err(|e| format!("lecture de la facture: {e}"))?;
    let len = attributes.len() as u64 + doc.size;
    let body = Upload(ReaderStream::new(
        std::io::Cursor::new(attributes).chain(pdf),
    ));
    let tcp = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            format!(
                "connexion à {}:{} impossible: {e}",
                target.host, target.port
            )
        })?;
    let answer = if target.tls {
        let tls = ipps::connect(tcp, &target.host, target.port, pin).await?;
        post(tls, target, body, len).await?
    } else {
        post(tcp, target, body, len).await?
    };
    ipp_status(&answer)
}

/// The request body: the attributes, then the PDF streamed from its file (never whole in
/// memory). hyper sends it with the `Content-Length` announced, and fails the request
/// if the file turns out shorter.
struct Upload<R>(ReaderStream<R>);

impl<R: AsyncRead + Unpin> http_body::Body for Upload<R> {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        use futures_core::Stream;
        Pin::new(&mut self.get_mut().0)
            .poll_next(cx)
            .map(|chunk| chunk.map(|r| r.map(Frame::data)))
    }
}

/// The largest IPP answer read: a Print-Job answer is a few hundred bytes.
const MAX_ANSWER: usize = 1024 * 1024;

/// The HTTP/1.1 POST and its answer (hyper's client), the same over TCP and TLS. Returns
/// the answer's body after checking the status is 200.
async fn post<S, R>(
    stream: S,
    target: &IppUri,
    body: Upload<R>,
    len: u64,
) -> Result<Vec<u8>, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    R: AsyncRead + Unpin + Send + 'static,
{
    let host = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let request = Request::post(target.path.as_str())
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/ipp")
        .header(header::CONTENT_LENGTH, len)
        .header(
            header::USER_AGENT,
            format!("odoo-pos-cashdrawer/{}", crate::VERSION),
        )
        .body(body)
        .map_err(|e| format!("requête IPP: {e}"))?;
    let (mut sender, mut conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("envoi IPP: {e}"))?;
    let exchange = async move {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("envoi IPP: {}", cause(&e)))?;
        let status = response.status();
        if status != hyper::StatusCode::OK {
            return Err(format!("réponse HTTP {status}"));
        }
        read_answer(response).await
    };
    tokio::pin!(exchange);
    let answer = tokio::select! {
        answer = &mut exchange => answer,
        ended = &mut conn => match ended {
            Err(e) => Err(format!("envoi IPP: {}", cause(&e))),
            Ok(()) => exchange.await,
        },
    };
    // The request is done and its sender dropped: hyper closes the connection (TLS with
    // close_notify). The answer is already in hand: a printer slow to take the close must
    // not turn a print into a failure (and a second copy).
    let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
    answer
}

/// The answer's body, bounded. An answer framed by its length or chunks must come whole.
/// One with neither ends when the printer closes; many printers close TLS without
/// `close_notify`, and after such an answer that is no error.
async fn read_answer(response: hyper::Response<hyper::body::Incoming>) -> Result<Vec<u8>, String> {
    use http_body_util::BodyExt;
    let headers = response.headers();
    let framed = headers.contains_key(header::CONTENT_LENGTH)
        || headers.contains_key(header::TRANSFER_ENCODING);
    let mut body = response.into_body();
    let mut answer = Vec::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    if answer.len() + data.len() > MAX_ANSWER {
                        return Err("réponse IPP trop longue".into());
                    }
                    answer.extend_from_slice(data);
                }
            }
            Err(e) if !framed && !answer.is_empty() && is_unexpected_eof(&e) => break,
            Err(e) if framed && (is_unexpected_eof(&e) || e.is_incomplete_message()) => {
                return Err(format!("réponse HTTP tronquée: {}", cause(&e)))
            }
            Err(e) => return Err(format!("réponse IPP: {}", cause(&e))),
        }
    }
    Ok(answer)
}

/// `Ok` only for an IPP successful-ok status (RFC 8011 §4.1.6: below 0x0100).
fn ipp_status(answer: &[u8]) -> Result<(), String> {
    if answer.len() < 8 {
        return Err("réponse IPP trop courte".into());
    }
    let status = u16::from_be_bytes([answer[2], answer[3]]);
    if status < 0x0100 {
        Ok(())
    } else {
        Err(format!(
            "l'imprimante a refusé le travail (statut IPP 0x{status:04x})"
        ))
    }
}

fn is_unexpected_eof(e: &hyper::Error) -> bool {
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
}

/// hyper's error with its cause ("connection closed before message completed: ...").
fn cause(e: &hyper::Error) -> String {
    match std::error::Error::source(e) {
        Some(source) => format!("{e}: {source}"),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let interim =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
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
}
