//! A minimal IPP/1.1 client: one Print-Job with `application/pdf`, an HTTP/1.1 POST
//! (hyper) over TCP (`ipp://`, `http://`) or TLS (`ipps://`, `https://`, [`super::ipps`]).
//! Enough for driverless printers and CUPS queues (`ipp://host:631/printers/NAME`).

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

/// The Print-Job request's operation attributes (RFC 8011 §4.2.1); the document follows.
pub fn print_job_attributes(uri: &str, job_name: &str, request_id: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&[1, 1]); // IPP/1.1
    out.extend_from_slice(&0x0002u16.to_be_bytes()); // Print-Job
    out.extend_from_slice(&request_id.to_be_bytes());
    out.push(0x01); // operation-attributes-tag
    let job_name: String = job_name.chars().take(200).collect();
    let attributes = [
        (0x47, "attributes-charset", "utf-8"),
        (0x48, "attributes-natural-language", "fr"),
        (0x45, "printer-uri", uri),
        (0x42, "requesting-user-name", "odoo-pos-cashdrawer"),
        (0x42, "job-name", &job_name),
        (0x49, "document-format", "application/pdf"),
    ];
    for (tag, name, value) in attributes {
        out.push(tag);
        for text in [name, value] {
            out.extend_from_slice(&(text.len() as u16).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
    }
    out.push(0x03); // end-of-attributes-tag
    out
}

/// Sends the PDF; `Ok` only for an IPP successful-ok answer. `pin`: see [`super::ipps`].
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
    let pdf = doc.reader()?;
    let len = attributes.len() as u64 + doc.size;
    let stream = std::io::Cursor::new(attributes).chain(pdf);
    let body = Upload(ReaderStream::new(stream));
    let (host, port) = (target.host.as_str(), target.port);
    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("connexion à {host}:{port} impossible: {e}"))?;
    let answer = if target.tls {
        let tls = ipps::connect(tcp, host, port, pin).await?;
        post(tls, target, body, len).await?
    } else {
        post(tcp, target, body, len).await?
    };
    ipp_status(&answer)
}

/// The attributes, then the PDF streamed from its file (hyper checks the length).
pub struct Upload<R>(pub ReaderStream<R>);

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

/// The HTTP/1.1 POST over TCP or TLS; the answer's body, when the status is 200.
pub async fn post<S, R>(
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
    let agent = format!("odoo-pos-cashdrawer/{}", crate::VERSION);
    let request = Request::post(target.path.as_str())
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/ipp")
        .header(header::CONTENT_LENGTH, len)
        .header(header::USER_AGENT, agent)
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
    // The answer is in hand: a printer slow to take the close must not cause a reprint.
    let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
    answer
}

/// The answer's body, bounded; unframed, it ends when the printer closes (even unclean TLS).
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
