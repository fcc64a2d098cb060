//! A minimal IPP/1.1 client: one Print-Job request with `application/pdf`, sent as an
//! HTTP/1.1 POST over plain TCP (`ipp://`, `http://`) or TLS (`ipps://`, `https://`, see
//! [`super::ipps`]); both share one HTTP exchange. Enough for driverless printers and
//! for CUPS queues (`ipp://host:631/printers/NAME`).

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::document::Document;
use super::ipps::{self, Fingerprint};

/// `ipp://host[:port]/path` (port 631 by default), `ipps://` (TLS, also 631: printers
/// and CUPS serve both on one port), `http://` (80) or `https://` (443).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IppUri {
    pub host: String,
    pub port: u16,
    pub path: String,
    /// The URI as written, sent as `printer-uri`.
    pub uri: String,
    /// `ipps://` or `https://`: the request goes over TLS.
    pub tls: bool,
}

impl IppUri {
    pub fn parse(uri: &str) -> Result<IppUri, String> {
        let accepted = "accepté: ipp://hôte[:port]/chemin (ex. ipp://192.168.1.50/ipp/print), \
                        ipps://hôte[:port]/chemin (IPP chiffré, TLS), http:// ou https://hôte:port/chemin";
        let (scheme, rest) = uri
            .split_once("://")
            .ok_or_else(|| format!("schéma manquant; {accepted}"))?;
        let (default_port, tls) = match scheme.to_ascii_lowercase().as_str() {
            "ipp" => (631, false),
            "ipps" => (631, true),
            "http" => (80, false),
            "https" => (443, true),
            _ => return Err(format!("schéma {scheme} inconnu; {accepted}")),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/ipp/print"),
        };
        // `[v6]` or `[v6]:port`, else `host` or `host:port`.
        let (host, port) = match authority.strip_prefix('[') {
            Some(inner) => match inner.split_once(']') {
                Some((h, "")) => (h, None),
                Some((h, after)) => match after.strip_prefix(':') {
                    Some(p) => (h, Some(p)),
                    None => return Err(format!("adresse {authority:?} invalide; {accepted}")),
                },
                None => return Err(format!("adresse {authority:?} invalide; {accepted}")),
            },
            None => match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            },
        };
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| format!("port {p:?} invalide; {accepted}"))?,
            None => default_port,
        };
        let host = host.to_string();
        if host.is_empty() {
            return Err(format!("hôte manquant; {accepted}"));
        }
        Ok(IppUri {
            host,
            port,
            path: path.to_string(),
            uri: uri.to_string(),
            tls,
        })
    }
}

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

/// The whole Print-Job request body: attributes, then the document.
pub fn print_job_request(uri: &str, job_name: &str, request_id: u32, pdf: &[u8]) -> Vec<u8> {
    [&print_job_attributes(uri, job_name, request_id)[..], pdf].concat()
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
    let body = Body {
        len: attributes.len() as u64 + doc.size,
        reader: attributes.chain(pdf),
    };
    let tcp = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            format!(
                "connexion à {}:{} impossible: {e}",
                target.host, target.port
            )
        })?;
    if target.tls {
        let tls = ipps::connect(tcp, &target.host, target.port, pin).await?;
        post(tls, target, body).await
    } else {
        post(tcp, target, body).await
    }
}

/// A request body streamed from `reader`, of a length known in advance.
struct Body<R> {
    len: u64,
    reader: R,
}

/// The HTTP/1.1 POST and its answer, the same over TCP and TLS.
async fn post<S, R>(mut stream: S, target: &IppUri, mut body: Body<R>) -> Result<(), String>
where
    S: AsyncRead + AsyncWrite + Unpin,
    R: AsyncRead + Unpin,
{
    let host = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/ipp\r\nContent-Length: {}\r\nConnection: close\r\nUser-Agent: odoo-pos-cashdrawer/{}\r\n\r\n",
        target.path,
        body.len,
        crate::VERSION
    );
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| format!("envoi IPP: {e}"))?;
    let sent = tokio::io::copy(&mut body.reader, &mut stream)
        .await
        .map_err(|e| format!("envoi IPP: {e}"))?;
    if sent != body.len {
        return Err(format!(
            "envoi IPP: {sent} octets envoyés sur {} annoncés (fichier raccourci)",
            body.len
        ));
    }
    stream
        .flush()
        .await
        .map_err(|e| format!("envoi IPP: {e}"))?;
    let response = read_response(&mut stream).await?;
    // Closes TLS cleanly (close_notify). The answer is already in hand: a printer slow
    // to take it must not turn a print into a failure (and a second copy).
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.shutdown()).await;
    let ipp = http_body(&response)?;
    if ipp.len() < 8 {
        return Err("réponse IPP trop courte".into());
    }
    let status = u16::from_be_bytes([ipp[2], ipp[3]]);
    if status < 0x0100 {
        Ok(())
    } else {
        Err(format!(
            "l'imprimante a refusé le travail (statut IPP 0x{status:04x})"
        ))
    }
}

/// Reads the answer until it is complete (by its length or last chunk) or the printer
/// closes. Many printers close TLS without `close_notify`: after a whole answer that is
/// no error.
async fn read_response<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Vec<u8>, String> {
    let mut response = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) => return Ok(response),
            Ok(n) => {
                response.extend_from_slice(&buf[..n]);
                if complete(&response) {
                    return Ok(response);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {
                return Ok(response)
            }
            Err(e) => return Err(format!("réponse IPP: {e}")),
        }
    }
}

/// How the end of a body is known.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

/// The final head and what follows it, interim `1xx` answers skipped; `None` until the
/// head is whole.
fn split_head(mut response: &[u8]) -> Option<(String, &[u8])> {
    loop {
        let split = response.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&response[..split]).to_string();
        response = &response[split + 4..];
        let code = head.split_whitespace().nth(1).unwrap_or_default();
        if !(code.len() == 3 && code.starts_with('1')) {
            return Some((head, response));
        }
    }
}

fn framing(head: &str) -> Framing {
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_ascii_lowercase())
        })
    };
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        return Framing::Chunked;
    }
    match header("content-length").and_then(|v| v.parse().ok()) {
        Some(len) => Framing::Length(len),
        None => Framing::UntilClose,
    }
}

/// Whether the whole answer is in: reading stops there, whether or not the printer
/// closes the connection.
fn complete(response: &[u8]) -> bool {
    let Some((head, body)) = split_head(response) else {
        return false;
    };
    match framing(&head) {
        Framing::Length(len) => body.len() >= len,
        Framing::Chunked => dechunk(body).is_ok(),
        Framing::UntilClose => false,
    }
}

/// The body of an HTTP/1.1 response, after checking the status is 200; chunked bodies
/// are decoded. An answer shorter than its `Content-Length`, or without its last chunk,
/// is an error.
fn http_body(response: &[u8]) -> Result<Vec<u8>, String> {
    let (head, body) = split_head(response).ok_or("réponse HTTP incomplète")?;
    let status_line = head.lines().next().unwrap_or_default();
    let code = status_line.split_whitespace().nth(1).unwrap_or_default();
    if code != "200" {
        return Err(format!("réponse HTTP {status_line}"));
    }
    match framing(&head) {
        Framing::Length(len) if body.len() < len => Err("réponse HTTP tronquée".into()),
        Framing::Length(len) => Ok(body[..len].to_vec()),
        Framing::Chunked => dechunk(body),
        Framing::UntilClose => Ok(body.to_vec()),
    }
}

fn dechunk(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bloc HTTP mal formé")?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "taille de bloc HTTP invalide")?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if rest.len() < size {
            return Err("bloc HTTP tronqué".into());
        }
        out.extend_from_slice(&rest[..size]);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn decodes_http_bodies() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
        assert_eq!(http_body(plain).unwrap(), b"abc");
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n";
        assert_eq!(http_body(chunked).unwrap(), b"abc");
        assert!(http_body(b"HTTP/1.1 404 Not Found\r\n\r\n").is_err());
        let interim =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        assert_eq!(http_body(interim).unwrap(), b"ok");
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc";
        assert!(http_body(short).unwrap_err().contains("tronquée"));
        assert!(
            http_body(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n").is_err()
        );
    }

    #[test]
    fn an_answer_is_complete_by_its_length_or_last_chunk_only() {
        assert!(!complete(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"));
        assert!(!complete(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab"));
        assert!(complete(b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc"));
        assert!(!complete(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n"
        ));
        assert!(complete(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"
        ));
        // No length: only the printer closing the connection ends it.
        assert!(!complete(b"HTTP/1.1 200 OK\r\n\r\nabc"));
        assert!(!complete(b"HTTP/1.1 100 Continue\r\n\r\n"));
    }
}
