//! A minimal IPP/1.1 client: one Print-Job request with `application/pdf`, sent as an
//! HTTP/1.1 POST over a plain TCP connection. Enough for driverless printers and for
//! CUPS queues (`ipp://host:631/printers/NAME`). IPPS (TLS) is not supported: the
//! service has no TLS client, and such printers are reached through CUPS instead.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `ipp://host[:port]/path` (port 631 by default) or `http://host:port/path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IppUri {
    pub host: String,
    pub port: u16,
    pub path: String,
    /// The URI as written, sent as `printer-uri`.
    pub uri: String,
}

impl IppUri {
    pub fn parse(uri: &str) -> Result<IppUri, String> {
        let accepted = "accepté: ipp://hôte[:port]/chemin (ex. ipp://192.168.1.50/ipp/print) ou http://hôte:port/chemin";
        let (scheme, rest) = uri
            .split_once("://")
            .ok_or_else(|| format!("schéma manquant; {accepted}"))?;
        let default_port = match scheme.to_ascii_lowercase().as_str() {
            "ipp" => 631,
            "http" => 80,
            "ipps" | "https" => {
                return Err(format!(
                    "IPPS (TLS) n'est pas pris en charge; passez par une file CUPS ou {accepted}"
                ))
            }
            _ => return Err(format!("schéma {scheme} inconnu; {accepted}")),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/ipp/print"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
                let port = p
                    .parse::<u16>()
                    .map_err(|_| format!("port {p:?} invalide; {accepted}"))?;
                (h.trim_matches(|c| c == '[' || c == ']').to_string(), port)
            }
            _ => (authority.to_string(), default_port),
        };
        if host.is_empty() {
            return Err(format!("hôte manquant; {accepted}"));
        }
        Ok(IppUri {
            host,
            port,
            path: path.to_string(),
            uri: uri.to_string(),
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

/// The Print-Job request body (RFC 8011 §4.2.1): operation attributes, then the document.
pub fn print_job_request(uri: &str, job_name: &str, request_id: u32, pdf: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pdf.len() + 256);
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
    out.extend_from_slice(pdf);
    out
}

/// Sends the PDF; `Ok` only when the printer answers an IPP successful-ok status.
pub async fn print(
    target: &IppUri,
    job_name: &str,
    pdf: &[u8],
    timeout: Duration,
) -> Result<(), String> {
    tokio::time::timeout(timeout, exchange(target, job_name, pdf))
        .await
        .map_err(|_| format!("délai de {} s dépassé", timeout.as_secs()))?
}

async fn exchange(target: &IppUri, job_name: &str, pdf: &[u8]) -> Result<(), String> {
    let body = print_job_request(&target.uri, job_name, 1, pdf);
    let mut stream = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            format!(
                "connexion à {}:{} impossible: {e}",
                target.host, target.port
            )
        })?;
    let host = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/ipp\r\nContent-Length: {}\r\nConnection: close\r\nUser-Agent: odoo-pos-cashdrawer/{}\r\n\r\n",
        target.path,
        body.len(),
        crate::VERSION
    );
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| format!("envoi IPP: {e}"))?;
    stream
        .write_all(&body)
        .await
        .map_err(|e| format!("envoi IPP: {e}"))?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .map_err(|e| format!("réponse IPP: {e}"))?;
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

/// The body of an HTTP/1.1 response read to its end, after checking the status is 200;
/// chunked bodies are decoded.
fn http_body(response: &[u8]) -> Result<Vec<u8>, String> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("réponse HTTP incomplète")?;
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let body = &response[split + 4..];
    let status_line = head.lines().next().unwrap_or_default();
    let code = status_line.split_whitespace().nth(1).unwrap_or_default();
    if code != "200" {
        return Err(format!("réponse HTTP {status_line}"));
    }
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if !chunked {
        return Ok(body.to_vec());
    }
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
        let u = IppUri::parse("ipp://[::1]:631/ipp/print").unwrap();
        assert_eq!(u.host, "::1");
        assert!(IppUri::parse("ipps://printer/ipp/print")
            .unwrap_err()
            .contains("IPPS"));
        assert!(IppUri::parse("printer/ipp").is_err());
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
    }
}
