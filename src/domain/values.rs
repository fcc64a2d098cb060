//! Parsers for single config values: booleans, numbers, ports, addresses, names, lists,
//! origins. Each refuses with a [`ParseError`], which config wraps with the file,
//! section and key.
//!
//! Imports only `domain` itself: no I/O, no config, no HTTP.

use std::net::IpAddr;

use super::ParseError;

/// `[server] allowed_origins`: `*` (any origin) or exact origins such as
/// `https://shop.odoo.com`.
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

/// An IP address or a host name, or nothing.
pub fn parse_host_or_empty(v: &str) -> Result<String, ParseError> {
    let ok = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if ok {
        Ok(v.to_string())
    } else {
        Err(ParseError::HostOrEmpty)
    }
}

pub fn parse_nonempty(v: &str) -> Result<String, ParseError> {
    if v.is_empty() {
        Err(ParseError::Empty)
    } else {
        Ok(v.to_string())
    }
}

/// A bare file name: no folder part, so the log file cannot be written elsewhere.
pub fn parse_file_name(v: &str) -> Result<String, ParseError> {
    let bad = v.is_empty()
        || v == "."
        || v == ".."
        || v.contains(['/', '\\', ':', '\0'])
        || v.chars().any(char::is_control);
    if bad {
        Err(ParseError::FileName)
    } else {
        Ok(v.to_string())
    }
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
            if e.starts_with('.') {
                e
            } else {
                format!(".{e}")
            }
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
    for origin in &list {
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains('/') => {}
            _ => {
                return Err(ParseError::Origin {
                    origin: origin.clone(),
                })
            }
        }
    }
    Ok(AllowedOrigins::List(list))
}

/// Accepts an Argon-free world of hashes: only bcrypt, as written by us or by the
/// original service (Python's bcrypt writes `$2b$`).
pub fn parse_bcrypt_hash(v: &str) -> Result<String, ParseError> {
    let ok = v.is_empty()
        || (v.len() == 60
            && ["$2a$", "$2b$", "$2y$", "$2x$"]
                .iter()
                .any(|p| v.starts_with(p)));
    if ok {
        Ok(v.to_string())
    } else {
        Err(ParseError::BcryptHash)
    }
}

/// Printable width in dots: a number (8 to 2048), or `58mm` (384 dots) / `80mm`
/// (576 dots), the two usual roll widths at 203 dpi.
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

/// Whether a value typed on the admin page can be written into config.ini as one
/// `key = value` line that reads back exactly as typed. Line breaks of every kind, NUL
/// and other control characters would start a new line, so a new key or section (the
/// invoice `command` run at the next PDF); a `"` (and a leading `'`) opens a quoted
/// value that rust-ini reads across lines, up to the next quote or the end of the file,
/// which then no longer parses; bidirectional marks hide what the file really says.
/// `=`, `;`, `#` and `[` are plain text after `key = ` (no inline comments) and pass.
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
/// `queue@host[:port]` for the raw socket, or empty (no system queue). The queue is given
/// to the print spooler and to `{printer}` of the invoice command: one line. (Quotes are
/// the page's text rule, [`check_ini_text`]: a file edited by hand keeps loading.)
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
