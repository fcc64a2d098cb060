//! Where a printer is: `[printer] name` (and each `[printers]` entry) parsed into a
//! [`PrinterTarget`], and written back. The checks that need the machine are `printer`'s.
//! Imports only `domain` itself.

use std::fmt;
use std::path::PathBuf;

use super::lang::{told, Lang, Message};
use super::ParseError;

/// A printer as configured: `TICKET` (a system queue, sent RAW), `tcp://host:9100` (raw
/// socket), `serial:COM3?baud=9600`, `file:/dev/usb/lp0` (or `usb:`: a character device,
/// or `LPT1` on Windows), `virtual` (the built-in emulated ESC/POS printer).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrinterTarget {
    System(String),
    Tcp {
        host: String,
        port: u16,
        status: bool,
    },
    Serial {
        path: String,
        baud: u32,
        status: bool,
    },
    File {
        path: PathBuf,
        status: bool,
    },
    Virtual,
}

const ACCEPTED: [&str; 2] = [
    "nom d'imprimante système (TICKET), tcp://hôte:port, serial:COM3?baud=9600, file:/dev/usb/lp0 (ou usb:///dev/usb/lp0) ou virtual",
    "system printer name (TICKET), tcp://host:port, serial:COM3?baud=9600, file:/dev/usb/lp0 (or usb:///dev/usb/lp0) or virtual",
];

/// Why a printer target is refused, with the part that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::Fr))]
pub enum TargetError {
    Empty,
    Control,
    UnknownParam { key: String, known: Params },
    TcpPort { port: String },
    TcpHost { text: String },
    NoSerialPort,
    Baud { value: String },
    NoPath,
    Scheme { text: String },
    Flag { key: &'static str },
}

type Params = &'static [&'static str];

#[rustfmt::skip]
impl Message for TargetError {
    fn message(&self, lang: Lang) -> String {
        use TargetError as E;
        let accepted = lang.pick(ACCEPTED);
        match self {
            E::Empty => told! {lang, "valeur vide; attendu: {accepted}", "empty value; expected: {accepted}"},
            E::Control => told! {lang,
                "caractère de contrôle dans la valeur; attendu: {accepted}",
                "control character in the value; expected: {accepted}"},
            E::UnknownParam { key, known } => {
                let known = known.join(", ");
                told! {lang, "paramètre {key:?} inconnu (acceptés: {known})", "unknown parameter {key:?} (accepted: {known})"}
            }
            E::TcpPort { port } => told! {lang,
                "port {port:?} invalide dans tcp://; attendu tcp://192.168.1.50:9100",
                "invalid port {port:?} in tcp://; expected tcp://192.168.1.50:9100"},
            E::TcpHost { text } => told! {lang,
                "hôte invalide dans {text:?}; attendu tcp://192.168.1.50:9100",
                "invalid host in {text:?}; expected tcp://192.168.1.50:9100"},
            E::NoSerialPort => told! {lang,
                "port série manquant; attendu serial:COM3?baud=9600 ou serial:/dev/ttyUSB0?baud=19200",
                "missing serial port; expected serial:COM3?baud=9600 or serial:/dev/ttyUSB0?baud=19200"},
            E::Baud { value } => told! {lang,
                "baud={value:?} invalide; attendu 9600, 19200, 38400, 115200...",
                "invalid baud={value:?}; expected 9600, 19200, 38400, 115200..."},
            E::NoPath => told! {lang, "chemin manquant; attendu file:/dev/usb/lp0", "missing path; expected file:/dev/usb/lp0"},
            E::Scheme { text } => told! {lang,
                "schéma inconnu dans {text:?}; attendu: {accepted}",
                "unknown scheme in {text:?}; expected: {accepted}"},
            E::Flag { key } => format!("{key}: {}", ParseError::Bool.message(lang)),
        }
    }
}

type Query<'a> = Vec<(&'a str, &'a str)>;

/// Splits `a?k=v&k2=v2`, refusing unknown keys.
fn split_query<'a>(s: &'a str, known: Params) -> Result<(&'a str, Query<'a>), TargetError> {
    let Some((head, query)) = s.split_once('?') else {
        return Ok((s, Vec::new()));
    };
    let mut pairs = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !known.contains(&k) {
            return Err(TargetError::UnknownParam {
                key: k.into(),
                known,
            });
        }
        pairs.push((k, v));
    }
    Ok((head, pairs))
}

fn flag(pairs: &[(&str, &str)], key: &'static str, default: bool) -> Result<bool, TargetError> {
    match pairs.iter().rev().find(|(k, _)| *k == key) {
        None => Ok(default),
        Some((_, v)) => super::parse_bool(v).map_err(|_| TargetError::Flag { key }),
    }
}

impl PrinterTarget {
    pub fn parse(text: &str) -> Result<PrinterTarget, TargetError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TargetError::Empty);
        }
        if text.chars().any(char::is_control) {
            return Err(TargetError::Control);
        }
        if text.eq_ignore_ascii_case("virtual") {
            return Ok(PrinterTarget::Virtual);
        }
        if let Some(rest) = text.strip_prefix("tcp://") {
            let (addr, q) = split_query(rest, &["status"])?;
            let addr = addr.trim_end_matches('/');
            let (host, port) = match addr.rsplit_once(':') {
                Some((h, p)) if !h.ends_with(':') || h.starts_with('[') => (h, Some(p)),
                _ => (addr, None),
            };
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let port = port.map_or(Ok(9100), |p| match p.parse::<u16>() {
                Ok(p) if p > 0 => Ok(p),
                _ => Err(TargetError::TcpPort { port: p.into() }),
            })?;
            if host.is_empty() || host.contains(['/', ' ', '@']) {
                return Err(TargetError::TcpHost { text: text.into() });
            }
            return Ok(PrinterTarget::Tcp {
                host: host.to_string(),
                port,
                status: flag(&q, "status", true)?,
            });
        }
        if let Some(rest) = text.strip_prefix("serial:") {
            let (path, q) =
                split_query(rest.strip_prefix("//").unwrap_or(rest), &["baud", "status"])?;
            let path = path.trim();
            if path.is_empty() {
                return Err(TargetError::NoSerialPort);
            }
            let baud = q.iter().rev().find(|(k, _)| *k == "baud");
            let baud = baud.map_or(Ok(9600), |&(_, v)| match v.parse::<u32>() {
                Ok(b) if (300..=4_000_000).contains(&b) => Ok(b),
                _ => Err(TargetError::Baud { value: v.into() }),
            })?;
            return Ok(PrinterTarget::Serial {
                path: path.to_string(),
                baud,
                status: flag(&q, "status", true)?,
            });
        }
        // `usb:` is the page's name for the same thing: a device written to directly.
        if let Some(rest) = text
            .strip_prefix("file:")
            .or_else(|| text.strip_prefix("usb:"))
        {
            let (path, q) = split_query(rest.strip_prefix("//").unwrap_or(rest), &["status"])?;
            let path = path.trim();
            if path.is_empty() {
                return Err(TargetError::NoPath);
            }
            return Ok(PrinterTarget::File {
                path: PathBuf::from(path),
                status: flag(&q, "status", false)?,
            });
        }
        if text.contains("://") {
            return Err(TargetError::Scheme { text: text.into() });
        }
        Ok(PrinterTarget::System(text.to_string()))
    }

    /// Whether this kind of target can answer real-time status queries.
    pub fn can_report_status(&self) -> bool {
        match self {
            PrinterTarget::System(_) => false,
            PrinterTarget::Tcp { status, .. }
            | PrinterTarget::Serial { status, .. }
            | PrinterTarget::File { status, .. } => *status,
            PrinterTarget::Virtual => true,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            PrinterTarget::System(_) => "system",
            PrinterTarget::Tcp { .. } => "tcp",
            PrinterTarget::Serial { .. } => "serial",
            PrinterTarget::File { .. } => "file",
            PrinterTarget::Virtual => "virtual",
        }
    }
}

impl fmt::Display for PrinterTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterTarget::System(name) => f.write_str(name),
            PrinterTarget::Tcp { host, port, status } => {
                if host.contains(':') {
                    write!(f, "tcp://[{host}]:{port}")?;
                } else {
                    write!(f, "tcp://{host}:{port}")?;
                }
                if !status {
                    f.write_str("?status=off")?;
                }
                Ok(())
            }
            PrinterTarget::Serial { path, baud, status } => {
                write!(f, "serial:{}{path}?baud={baud}", sep(path))?;
                if !status {
                    f.write_str("&status=off")?;
                }
                Ok(())
            }
            PrinterTarget::File { path, status } => {
                let shown = path.display().to_string();
                write!(f, "file:{}{shown}", sep(&shown))?;
                if *status {
                    f.write_str("?status=on")?;
                }
                Ok(())
            }
            PrinterTarget::Virtual => f.write_str("virtual"),
        }
    }
}

/// A path that itself starts with "//" keeps it through the one "//" parsing strips.
fn sep(path: &str) -> &'static str {
    if path.starts_with("//") {
        "//"
    } else {
        ""
    }
}
