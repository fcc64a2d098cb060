//! Where invoices go besides the system queue: an IPP printer (`ipp_uri`) and the pin of
//! its certificate (`ipps_fingerprint`). Sending is `invoices`'. Imports only `domain`.

use super::error::IppProblem;
use super::ParseError;

/// `ipp://host[:port]/path` (631), `ipps://` (TLS, also 631), `http://` or `https://`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IppUri {
    pub host: String,
    pub port: u16,
    pub path: String,
    /// The URI as written, sent as `printer-uri`.
    pub uri: String,
    pub tls: bool,
}

impl IppUri {
    pub fn parse(uri: &str) -> Result<IppUri, ParseError> {
        let refuse = |problem| ParseError::Ipp { problem };
        let (scheme, rest) = uri.split_once("://").ok_or(refuse(IppProblem::NoScheme))?;
        let (default_port, tls) = match scheme.to_ascii_lowercase().as_str() {
            "ipp" => (631, false),
            "ipps" => (631, true),
            "http" => (80, false),
            "https" => (443, true),
            _ => return Err(refuse(IppProblem::Scheme(scheme.to_string()))),
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
                    None => return Err(refuse(IppProblem::Address(authority.to_string()))),
                },
                None => return Err(refuse(IppProblem::Address(authority.to_string()))),
            },
            None => match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            },
        };
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| refuse(IppProblem::Port(p.to_string())))?,
            None => default_port,
        };
        if host.is_empty() {
            return Err(refuse(IppProblem::NoHost));
        }
        Ok(IppUri {
            host: host.to_string(),
            port,
            path: path.to_string(),
            uri: uri.to_string(),
            tls,
        })
    }
}

/// SHA-256 of a certificate's DER encoding, shown as `AB:CD:…` as browsers print it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// 64 hexadecimal digits, either case, optionally separated by `:`.
    pub fn parse(v: &str) -> Result<Fingerprint, ParseError> {
        let digits: String = v.chars().filter(|c| *c != ':').collect();
        if digits.len() != 64 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ParseError::Fingerprint);
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16)
                .map_err(|_| ParseError::Fingerprint)?;
        }
        Ok(Fingerprint(out))
    }

    /// Empty = no pin.
    pub fn parse_optional(v: &str) -> Result<Option<Fingerprint>, ParseError> {
        (!v.is_empty()).then(|| Fingerprint::parse(v)).transpose()
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}
