//! Parsers for single config values: booleans, numbers, ports, addresses, names, lists,
//! origins, each refusing with a [`ParseError`]. Imports only `domain` itself.

use std::net::IpAddr;

use super::ParseError;

/// `[server] allowed_origins`: `*` or exact origins such as `https://shop.odoo.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedOrigins {
    Any,
    List(Vec<String>),
}

impl AllowedOrigins {
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            AllowedOrigins::Any => true,
            AllowedOrigins::List(list) => list.iter().any(|o| o.eq_ignore_ascii_case(origin)),
        }
    }
}

/// The booleans Python's configparser accepts, so the original's files keep loading.
pub fn parse_bool(v: &str) -> Result<bool, ParseError> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Ok(true),
        "0" | "no" | "false" | "off" => Ok(false),
        _ => Err(ParseError::Bool),
    }
}

pub fn parse_range(v: &str, min: u64, max: u64) -> Result<u64, ParseError> {
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ParseError::Range { min, max }),
    }
}

/// A listening port; 0 lets the system choose (used by tests and benchmarks).
pub fn parse_port(v: &str) -> Result<u16, ParseError> {
    v.parse::<u16>().map_err(|_| ParseError::Port)
}

pub fn parse_port_nonzero(v: &str) -> Result<u16, ParseError> {
    match v.parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(ParseError::PortNonZero),
    }
}

pub fn parse_ip(v: &str) -> Result<IpAddr, ParseError> {
    v.parse::<IpAddr>().map_err(|_| ParseError::Ip)
}

pub fn parse_host_or_empty(v: &str) -> Result<String, ParseError> {
    let ok = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| v.to_string()).ok_or(ParseError::HostOrEmpty)
}

pub fn parse_nonempty(v: &str) -> Result<String, ParseError> {
    (!v.is_empty())
        .then(|| v.to_string())
        .ok_or(ParseError::Empty)
}

/// A bare file name: no folder part, so the log file cannot be written elsewhere.
pub fn parse_file_name(v: &str) -> Result<String, ParseError> {
    let bad = v.is_empty()
        || v == "."
        || v == ".."
        || v.contains(['/', '\\', ':', '\0'])
        || v.chars().any(char::is_control);
    (!bad).then(|| v.to_string()).ok_or(ParseError::FileName)
}

/// Comma- or space-separated list, empty items dropped.
pub fn parse_list(v: &str) -> Vec<String> {
    v.split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn parse_extensions(v: &str) -> Result<Vec<String>, ParseError> {
    let list: Vec<String> = parse_list(v)
        .into_iter()
        .map(|e| {
            let e = e.to_ascii_lowercase();
            format!(".{}", e.strip_prefix('.').unwrap_or(&e))
        })
        .collect();
    if list.is_empty()
        || list
            .iter()
            .any(|e| e.len() < 2 || e[1..].contains(['.', '/', '\\']))
    {
        return Err(ParseError::Extensions);
    }
    Ok(list)
}

pub fn parse_origins(v: &str) -> Result<AllowedOrigins, ParseError> {
    let list = parse_list(v);
    if list.is_empty() || list.iter().any(|o| o == "*") {
        return Ok(AllowedOrigins::Any);
    }
    let bad = list.iter().find(|o| {
        let host = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"));
        !host.is_some_and(|h| !h.is_empty() && !h.contains('/'))
    });
    match bad {
        Some(o) => Err(ParseError::Origin { origin: o.clone() }),
        None => Ok(AllowedOrigins::List(list)),
    }
}

/// Only bcrypt, as written by us or by the original service (Python writes `$2b$`).
pub fn parse_bcrypt_hash(v: &str) -> Result<String, ParseError> {
    let bcrypt = ["$2a$", "$2b$", "$2y$", "$2x$"]
        .iter()
        .any(|p| v.starts_with(p));
    let ok = v.is_empty() || (v.len() == 60 && bcrypt);
    ok.then(|| v.to_string()).ok_or(ParseError::BcryptHash)
}

/// Printable width in dots (8 to 2048), or the usual rolls at 203 dpi: `58mm`, `80mm`.
pub fn parse_paper_width(v: &str) -> Result<u32, ParseError> {
    match v.to_ascii_lowercase().replace(' ', "").as_str() {
        "58mm" => Ok(384),
        "80mm" => Ok(576),
        n => match n.parse::<u32>() {
            Ok(w) if (8..=2048).contains(&w) => Ok(w),
            _ => Err(ParseError::PaperWidth),
        },
    }
}

/// A file path, or nothing (empty = the built-in default).
pub fn parse_optional_path(v: &str) -> Result<Option<std::path::PathBuf>, ParseError> {
    if v.contains('\0') {
        return Err(ParseError::OptionalPath);
    }
    Ok((!v.is_empty()).then(|| std::path::PathBuf::from(v)))
}

/// Whether a value from the admin page is one `key = value` line that reads back as
/// typed: line breaks and control characters would start a new key (the invoice
/// `command`), a `"` or leading `'` opens a quoted value read across lines, bidirectional
/// marks hide what the file says. `=`, `;`, `#` and `[` are plain text there.
pub fn check_ini_text(v: &str) -> Result<(), ParseError> {
    for c in v.chars() {
        let refused = c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if refused {
            return Err(ParseError::IniChar { code: c as u32 });
        }
    }
    if v.contains('"') {
        return Err(ParseError::IniQuote);
    }
    if v.trim_start().starts_with('\'') {
        return Err(ParseError::IniApostrophe);
    }
    Ok(())
}

/// `[invoice_printer] name`: a system queue (`FACTURE`, `\\serveur\FACTURE`), optionally
/// `queue@host[:port]` for the raw socket, or empty. One line (quotes: [`check_ini_text`]).
pub fn parse_queue_name(v: &str) -> Result<String, ParseError> {
    let bad =
        v.chars().count() > 255 || v.chars().any(char::is_control) || v.matches('@').count() > 1;
    if bad {
        return Err(ParseError::QueueName);
    }
    if let Some((_, addr)) = v.split_once('@') {
        let addr = addr.trim();
        let host = match addr.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => {
                parse_port_nonzero(p).map_err(|_| ParseError::QueueName)?;
                h
            }
            _ => addr,
        };
        if host.is_empty() || parse_host_or_empty(host).is_err() {
            return Err(ParseError::QueueName);
        }
    }
    Ok(v.to_string())
}
