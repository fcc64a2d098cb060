//! Where a printer is: `[printer] name` parsed into a [`PrinterTarget`].

use std::fmt;
use std::path::PathBuf;

/// A printer as configured. A bare name is a system queue (Windows spooler, CUPS);
/// the URI forms reach the printer directly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrinterTarget {
    /// `TICKET`: a system printer queue, sent RAW.
    System(String),
    /// `tcp://host:9100`: raw socket (JetDirect), bidirectional.
    Tcp {
        host: String,
        port: u16,
        status: bool,
    },
    /// `serial:COM3?baud=9600` or `serial:/dev/ttyUSB0?baud=19200`.
    Serial {
        path: String,
        baud: u32,
        status: bool,
    },
    /// `file:/dev/usb/lp0` (or `usb:///dev/usb/lp0`, the same): a character device
    /// (Linux USB printer class, a serial tty), or a device name on Windows (`LPT1`).
    File { path: PathBuf, status: bool },
    /// `virtual`: the built-in emulated ESC/POS printer.
    Virtual,
}

const ACCEPTED: &str = "nom d'imprimante système (TICKET), tcp://hôte:port, serial:COM3?baud=9600, file:/dev/usb/lp0 (ou usb:///dev/usb/lp0) ou virtual";

/// Splits `a?k=v&k2=v2`, refusing unknown keys.
type Query<'a> = Vec<(&'a str, &'a str)>;

fn split_query<'a>(s: &'a str, known: &[&str]) -> Result<(&'a str, Query<'a>), String> {
    let Some((head, query)) = s.split_once('?') else {
        return Ok((s, Vec::new()));
    };
    let mut pairs = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !known.contains(&k) {
            return Err(format!(
                "paramètre {k:?} inconnu (acceptés: {})",
                known.join(", ")
            ));
        }
        pairs.push((k, v));
    }
    Ok((head, pairs))
}

fn flag(pairs: &[(&str, &str)], key: &str, default: bool) -> Result<bool, String> {
    match pairs.iter().rev().find(|(k, _)| *k == key) {
        None => Ok(default),
        Some((_, v)) => crate::config::parse_bool(v).map_err(|e| format!("{key}: {e}")),
    }
}

impl PrinterTarget {
    pub fn parse(text: &str) -> Result<PrinterTarget, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("valeur vide; attendu: {ACCEPTED}"));
        }
        if text.chars().any(char::is_control) {
            return Err(format!(
                "caractère de contrôle dans la valeur; attendu: {ACCEPTED}"
            ));
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
            let port = match port {
                None => 9100,
                Some(p) => match p.parse::<u16>() {
                    Ok(p) if p > 0 => p,
                    _ => {
                        return Err(format!(
                            "port {p:?} invalide dans tcp://; attendu tcp://192.168.1.50:9100"
                        ))
                    }
                },
            };
            if host.is_empty() || host.contains(['/', ' ', '@']) {
                return Err(format!(
                    "hôte invalide dans {text:?}; attendu tcp://192.168.1.50:9100"
                ));
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
                return Err("port série manquant; attendu serial:COM3?baud=9600 ou serial:/dev/ttyUSB0?baud=19200".into());
            }
            let baud = match q.iter().rev().find(|(k, _)| *k == "baud") {
                None => 9600,
                Some((_, v)) => match v.parse::<u32>() {
                    Ok(b) if (300..=4_000_000).contains(&b) => b,
                    _ => {
                        return Err(format!(
                            "baud={v:?} invalide; attendu 9600, 19200, 38400, 115200..."
                        ))
                    }
                },
            };
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
                return Err("chemin manquant; attendu file:/dev/usb/lp0".into());
            }
            return Ok(PrinterTarget::File {
                path: PathBuf::from(path),
                status: flag(&q, "status", false)?,
            });
        }
        if text.contains("://") {
            return Err(format!("schéma inconnu dans {text:?}; attendu: {ACCEPTED}"));
        }
        Ok(PrinterTarget::System(text.to_string()))
    }

    /// A `file:` target must be a device, not a file: checked when the admin page saves
    /// it, and again on the opened handle at every job (`printer::device`). Other kinds
    /// are not paths and pass.
    pub fn check_device(&self) -> Result<(), String> {
        match self {
            PrinterTarget::File { path, .. } => super::device::check_path(path),
            _ => Ok(()),
        }
    }

    /// From the admin page, a `tcp://` printer may not be this service itself (`ports`:
    /// the port it is configured for and the one it listens on): the ePOS `<command>`
    /// element sends raw bytes to the printer, so a printer pointed at our own port
    /// would let a LAN caller send HTTP requests from 127.0.0.1 and reach the local-only
    /// routes. Host names are resolved when saved; other programs of this machine stay
    /// reachable, as a printer bridge on 127.0.0.1 is a real set-up.
    pub fn check_not_this_service(&self, ports: &[u16]) -> Result<(), String> {
        let PrinterTarget::Tcp { host, port, .. } = self else {
            return Ok(());
        };
        if !ports.contains(port) {
            return Ok(());
        }
        let own = crate::platform::machine_addresses();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addresses: Vec<std::net::IpAddr> = match bare.parse::<std::net::IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => std::net::ToSocketAddrs::to_socket_addrs(&(bare, *port))
                .map(|a| a.map(|a| a.ip()).collect())
                .unwrap_or_default(),
        };
        let names_us = bare.eq_ignore_ascii_case("localhost")
            || crate::platform::machine_name().is_some_and(|m| {
                bare.eq_ignore_ascii_case(&m) || bare.eq_ignore_ascii_case(&format!("{m}.local"))
            });
        let is_us = names_us
            || addresses.iter().any(|ip| {
                let ip = ip.to_canonical();
                ip.is_loopback() || ip.is_unspecified() || own.contains(&ip)
            });
        if is_us {
            Err(format!(
                "tcp://{host}:{port} est ce service lui-même (port {port} de cette machine); \
                 attendu: l'adresse et le port de l'imprimante (souvent 9100)"
            ))
        } else {
            Ok(())
        }
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
                // A path that itself starts with "//" keeps it through one stripped "//".
                let sep = if path.starts_with("//") { "//" } else { "" };
                write!(f, "serial:{sep}{path}?baud={baud}")?;
                if !status {
                    f.write_str("&status=off")?;
                }
                Ok(())
            }
            PrinterTarget::File { path, status } => {
                let shown = path.display().to_string();
                let sep = if shown.starts_with("//") { "//" } else { "" };
                write!(f, "file:{sep}{shown}")?;
                if *status {
                    f.write_str("?status=on")?;
                }
                Ok(())
            }
            PrinterTarget::Virtual => f.write_str("virtual"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            PrinterTarget::parse("TICKET").unwrap(),
            PrinterTarget::System("TICKET".into())
        );
        assert_eq!(
            PrinterTarget::parse("Virtual").unwrap(),
            PrinterTarget::Virtual
        );
        assert_eq!(
            PrinterTarget::parse("tcp://192.168.1.50:9100").unwrap(),
            PrinterTarget::Tcp {
                host: "192.168.1.50".into(),
                port: 9100,
                status: true
            }
        );
        assert_eq!(
            PrinterTarget::parse("tcp://printer.local?status=off").unwrap(),
            PrinterTarget::Tcp {
                host: "printer.local".into(),
                port: 9100,
                status: false
            }
        );
        assert_eq!(
            PrinterTarget::parse("tcp://[::1]:9101").unwrap(),
            PrinterTarget::Tcp {
                host: "::1".into(),
                port: 9101,
                status: true
            }
        );
        assert_eq!(
            PrinterTarget::parse("serial:COM3?baud=9600").unwrap(),
            PrinterTarget::Serial {
                path: "COM3".into(),
                baud: 9600,
                status: true
            }
        );
        assert_eq!(
            PrinterTarget::parse("serial:/dev/ttyUSB0?baud=19200").unwrap(),
            PrinterTarget::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 19200,
                status: true
            }
        );
        assert_eq!(
            PrinterTarget::parse("file:/dev/usb/lp0").unwrap(),
            PrinterTarget::File {
                path: "/dev/usb/lp0".into(),
                status: false
            }
        );
    }

    #[test]
    fn usb_is_an_alias_of_file() {
        let file = PrinterTarget::File {
            path: "/dev/usb/lp0".into(),
            status: false,
        };
        assert_eq!(PrinterTarget::parse("usb:///dev/usb/lp0").unwrap(), file);
        assert_eq!(PrinterTarget::parse("usb:/dev/usb/lp0").unwrap(), file);
        assert!(PrinterTarget::parse("usb:").is_err());
    }

    #[test]
    fn refuses_bad_targets_with_what_is_accepted() {
        for bad in [
            "",
            "tcp://",
            "tcp://host:0",
            "tcp://host:http",
            "serial:",
            "serial:COM1?baud=1",
            "ftp://x",
            "file:",
            "tcp://h:1?color=red",
        ] {
            assert!(PrinterTarget::parse(bad).is_err(), "{bad}");
        }
        assert!(PrinterTarget::parse("ftp://x")
            .unwrap_err()
            .contains("tcp://"));
    }

    #[test]
    fn display_roundtrips() {
        for s in [
            "TICKET",
            "tcp://10.0.0.2:9100",
            "tcp://[::1]:9100?status=off",
            "serial:COM3?baud=9600",
            "file:/dev/usb/lp0",
            "usb:///dev/usb/lp0",
            "virtual",
        ] {
            let t = PrinterTarget::parse(s).unwrap();
            assert_eq!(PrinterTarget::parse(&t.to_string()).unwrap(), t, "{s}");
        }
    }
}
