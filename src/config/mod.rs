//! config.ini: the original service's file, read as it is, turned into typed values.
//!
//! Owns the meaning of every key, its default, and what is accepted; unknown sections and
//! keys are kept on write. Imports `domain` and `atomic_file` only.

mod paths;
mod store;

pub use paths::{
    check_page_download_folder, check_page_extensions, check_page_host_names,
    check_page_listen_address, check_page_log_file, check_page_log_folder, check_page_tls_file,
    is_host_name, PageError,
};
pub use store::{ConfigStore, LoadOutcome, SaveError};

use std::path::PathBuf;
use std::time::Duration;

use ini::Ini;

use crate::domain::values::*;
use crate::domain::{
    parse_cidr_list, AllowedOrigins, DrawerCommand, Fingerprint, IpNet, IppUri, LogFormat,
    NamedPrinters, OfflineKick, ParseError, PrinterTarget, SensorOpenLevel, Timeouts,
};

/// A refused value of config.ini: file, section, key, value and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: [{section}] {key} = {value:?} n'est pas valide: {reason}")]
pub struct ConfigError {
    pub file: String,
    pub section: String,
    pub key: String,
    pub value: String,
    /// Boxed: the error stays small on the `Ok` path of every parser.
    pub reason: Box<ParseError>,
}

/// One key of config.ini, with the default written on first run.
pub struct KeySpec {
    pub section: &'static str,
    pub key: &'static str,
    pub default: fn() -> String,
}

macro_rules! keys {
    ($( $section:literal . $key:literal = $default:expr ;)*) => {
        /// Every key the service knows, in the order it writes them.
        pub const KEYS: &[KeySpec] = &[ $( KeySpec { section: $section, key: $key, default: || ($default).to_string() }, )* ];
    };
}

keys! {
    "auth"."password_hash" = "";
    "auth"."salt" = "";
    "auth"."session_minutes" = "60";
    "printer"."name" = default_drawer_printer();
    "printer"."connect_timeout_ms" = "2000";
    "printer"."write_timeout_ms" = "2000";
    "cashdrawer"."command" = "1b70001afa";
    "cashdrawer"."sensor_open_level" = "low";
    "cashdrawer"."offline_kick" = "realtime";
    "invoice_printer"."autoprint" = "true";
    "invoice_printer"."name" = "FACTURE";
    "invoice_printer"."printer_ip" = "";
    "invoice_printer"."printer_port" = "9100";
    "invoice_printer"."download_folder" = default_download_folder();
    "invoice_printer"."scan_frequency" = "5";
    "invoice_printer"."open_delay" = "10";
    "invoice_printer"."purge_on_start" = "true";
    "invoice_printer"."file_extensions" = ".pdf";
    "invoice_printer"."retries" = "5";
    "invoice_printer"."retry_delay" = "2";
    "invoice_printer"."keep_printed" = "false";
    "invoice_printer"."stale_age" = "60";
    "invoice_printer"."stable_ms" = "500";
    "invoice_printer"."max_size_mb" = "50";
    "invoice_printer"."pjl" = "false";
    "invoice_printer"."ipp_uri" = "";
    "invoice_printer"."ipps_fingerprint" = "";
    "invoice_printer"."command" = "";
    "invoice_printer"."print_timeout" = "60";
    "server"."port" = "22548";
    "server"."host" = "0.0.0.0";
    "server"."allowed_origins" = "*";
    "server"."allowed_networks" = "";
    "server"."allowed_hosts" = "";
    "server"."header_timeout_s" = "10";
    "server"."https_only" = "false";
    "server"."cert_file" = "";
    "server"."key_file" = "";
    "logs"."folder" = "logs";
    "logs"."filename" = "cashdrawer.log";
    "logs"."retention_days" = "30";
    "logs"."format" = "text";
    "odoo"."epos" = "true";
    "odoo"."epos_allowed_networks" = "";
    "odoo"."iot" = "true";
    "odoo"."iot_allowed_networks" = "";
    "odoo"."paper_width" = "576";
    "metrics"."token" = "";
}

pub fn default_download_folder() -> String {
    if cfg!(windows) {
        r"C:\Users\Public\Downloads".to_string()
    } else {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        home.join("Downloads").display().to_string()
    }
}

/// The spooler queue `TICKET` on Windows (as the original), else the virtual printer.
pub fn default_drawer_printer() -> &'static str {
    if cfg!(windows) {
        "TICKET"
    } else {
        "virtual"
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub auth: AuthConfig,
    pub printer: PrinterConfig,
    pub cashdrawer: CashdrawerConfig,
    pub invoice_printer: InvoicePrinterConfig,
    pub server: ServerConfig,
    pub logs: LogsConfig,
    pub odoo: OdooConfig,
    pub metrics: MetricsConfig,
    /// `[printers]`: kitchen, bar... each with its own ePOS address and queue.
    pub printers: NamedPrinters,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthConfig {
    /// bcrypt hash; empty until the admin password is created.
    pub password_hash: String,
    pub session_lifetime: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrinterConfig {
    pub target: PrinterTarget,
    pub timeouts: Timeouts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CashdrawerConfig {
    pub command: DrawerCommand,
    pub sensor_open_level: SensorOpenLevel,
    pub offline_kick: OfflineKick,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InvoicePrinterConfig {
    pub autoprint: bool,
    pub name: String,
    pub printer_ip: String,
    pub printer_port: u16,
    pub download_folder: PathBuf,
    pub scan_frequency: Duration,
    pub open_delay: Duration,
    pub purge_on_start: bool,
    pub file_extensions: Vec<String>,
    /// Attempts before a file is moved to `failed/`.
    pub retries: u32,
    /// Wait after the first failed attempt, doubled after each one, at most 60 s.
    pub retry_delay: Duration,
    /// Move printed files to `printed/` instead of deleting them.
    pub keep_printed: bool,
    /// On the first start, files older than this are a stale backlog: never printed.
    pub stale_age: Duration,
    /// A file is taken when its size is unchanged across two checks this far apart.
    pub stable_wait: Duration,
    /// Larger files are never read: moved to `failed/`.
    pub max_size: u64,
    /// Wrap raw socket jobs in PJL `ENTER LANGUAGE=PDF`.
    pub pjl: bool,
    pub ipp_uri: Option<IppUri>,
    /// Only the certificate of this SHA-256 is accepted; `None` = not authenticated.
    pub ipps_fingerprint: Option<Fingerprint>,
    /// External print command, last resort (`{file}` and `{printer}` are replaced).
    pub command: String,
    /// Longest time one attempt may take, whatever the route.
    pub print_timeout: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    pub port: u16,
    pub host: std::net::IpAddr,
    pub allowed_origins: AllowedOrigins,
    /// Networks allowed at the network level; empty = everyone. Loopback always is.
    pub allowed_networks: Vec<IpNet>,
    /// Extra host names accepted in the Host header of admin and local-only routes.
    pub allowed_hosts: Vec<String>,
    /// Time a client has to send its request head.
    pub header_timeout: Duration,
    /// Plain-HTTP admin requests are redirected to HTTPS (the drawer route is not).
    pub https_only: bool,
    /// PEM certificate chain and private key; both empty = the generated pair.
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetricsConfig {
    /// When set, `/metrics` requires `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

impl MetricsConfig {
    /// Empty = no token; else 16 to 256 visible ASCII characters (a header value).
    pub fn parse_token(v: &str) -> Result<Option<String>, ParseError> {
        if v.is_empty() {
            return Ok(None);
        }
        let visible = v.bytes().all(|b| b.is_ascii_graphic());
        if !visible || !(16..=256).contains(&v.len()) {
            return Err(ParseError::MetricsToken);
        }
        Ok(Some(v.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogsConfig {
    /// Relative to the data folder unless absolute.
    pub folder: PathBuf,
    pub filename: String,
    pub retention_days: u32,
    /// Applied at the next start.
    pub format: LogFormat,
}

/// Stock Odoo POS protocols (Epson ePOS-Print, IoT box `hw_proxy`): see `odoo`.
#[derive(Debug, Clone, PartialEq)]
pub struct OdooConfig {
    pub epos: bool,
    /// Callers allowed besides loopback; empty = local only (also `iot_allowed_networks`).
    pub epos_allowed_networks: Vec<IpNet>,
    pub iot: bool,
    pub iot_allowed_networks: Vec<IpNet>,
    /// Printable width in dots: wider images are scaled down.
    pub paper_width: u32,
}

/// Reads typed values out of an [`Ini`], naming the file in every error.
struct Reader<'a> {
    ini: &'a Ini,
    file: String,
}

impl Reader<'_> {
    /// The raw value, or the key's default when the section or key is missing.
    fn raw(&self, section: &str, key: &str) -> String {
        match self.ini.get_from(Some(section), key) {
            Some(v) => v.trim().to_string(),
            None => KEYS
                .iter()
                .find(|k| k.section == section && k.key == key)
                .map(|k| (k.default)())
                .unwrap_or_default(),
        }
    }

    /// Parses one key; the parser's `Err` is the "accepted" part of the message.
    fn get<T, E: Into<ParseError>>(
        &self,
        section: &str,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, ConfigError> {
        let value = self.raw(section, key);
        parse(&value).map_err(|e| self.refused(section, key, &value, e.into()))
    }

    fn refused(&self, section: &str, key: &str, value: &str, reason: ParseError) -> ConfigError {
        ConfigError {
            file: self.file.clone(),
            section: section.to_string(),
            key: key.to_string(),
            value: value.to_string(),
            reason: Box::new(reason),
        }
    }

    /// `[printers]`: names chosen by the shop, so not in [`KEYS`]; absent = none.
    fn named_printers(&self) -> Result<NamedPrinters, ConfigError> {
        let entries = self
            .ini
            .section(Some(PRINTERS_SECTION))
            .map(|props| props.iter().collect::<Vec<_>>())
            .unwrap_or_default();
        NamedPrinters::parse(entries)
            .map_err(|e| self.refused(PRINTERS_SECTION, &e.key, &e.value, e.reason))
    }
}

pub const PRINTERS_SECTION: &str = "printers";

impl Config {
    /// Parses every known key. `file` names the source in error messages.
    pub fn from_ini(ini: &Ini, file: &str) -> Result<Config, ConfigError> {
        let r = Reader {
            ini,
            file: file.to_string(),
        };
        let ms = |min, max| move |v: &str| parse_range(v, min, max).map(Duration::from_millis);
        let secs = |min, max| move |v: &str| parse_range(v, min, max).map(Duration::from_secs);
        let mins =
            |lo, hi| move |v: &str| parse_range(v, lo, hi).map(|m| Duration::from_secs(m * 60));
        let count = |min, max| move |v: &str| parse_range(v, min, max).map(|n| n as u32);
        let folder = |v: &str| parse_nonempty(v).map(PathBuf::from);
        let invoice = "invoice_printer";
        Ok(Config {
            auth: AuthConfig {
                password_hash: r.get("auth", "password_hash", parse_bcrypt_hash)?,
                session_lifetime: r.get("auth", "session_minutes", mins(1, 24 * 60))?,
            },
            printer: PrinterConfig {
                target: r.get("printer", "name", PrinterTarget::parse)?,
                timeouts: Timeouts {
                    connect: r.get("printer", "connect_timeout_ms", ms(50, 60_000))?,
                    write: r.get("printer", "write_timeout_ms", ms(50, 60_000))?,
                },
            },
            cashdrawer: CashdrawerConfig {
                command: r.get("cashdrawer", "command", DrawerCommand::parse_hex)?,
                sensor_open_level: r.get("cashdrawer", "sensor_open_level", |v| v.parse())?,
                offline_kick: r.get("cashdrawer", "offline_kick", |v| v.parse())?,
            },
            invoice_printer: InvoicePrinterConfig {
                autoprint: r.get(invoice, "autoprint", parse_bool)?,
                name: r.get(invoice, "name", parse_queue_name)?,
                printer_ip: r.get(invoice, "printer_ip", parse_host_or_empty)?,
                printer_port: r.get(invoice, "printer_port", parse_port_nonzero)?,
                download_folder: r.get(invoice, "download_folder", folder)?,
                scan_frequency: r.get(invoice, "scan_frequency", secs(1, 3600))?,
                open_delay: r.get(invoice, "open_delay", secs(0, 3600))?,
                purge_on_start: r.get(invoice, "purge_on_start", parse_bool)?,
                file_extensions: r.get(invoice, "file_extensions", parse_extensions)?,
                retries: r.get(invoice, "retries", count(1, 100))?,
                retry_delay: r.get(invoice, "retry_delay", secs(1, 600))?,
                keep_printed: r.get(invoice, "keep_printed", parse_bool)?,
                stale_age: r.get(invoice, "stale_age", mins(0, 525_600))?,
                stable_wait: r.get(invoice, "stable_ms", ms(50, 60_000))?,
                max_size: r.get(invoice, "max_size_mb", |v| {
                    parse_range(v, 1, 2048).map(|mb| mb * 1024 * 1024)
                })?,
                pjl: r.get(invoice, "pjl", parse_bool)?,
                ipp_uri: r.get(invoice, "ipp_uri", |v| {
                    (!v.is_empty()).then(|| IppUri::parse(v)).transpose()
                })?,
                ipps_fingerprint: r.get(invoice, "ipps_fingerprint", |v| {
                    let pin = Fingerprint::parse_optional(v)?;
                    // A pin on a plain-text route would look like protection and be none.
                    let uri = r.raw(invoice, "ipp_uri").to_ascii_lowercase();
                    if pin.is_some() && !(uri.starts_with("ipps://") || uri.starts_with("https://"))
                    {
                        return Err(ParseError::PinNeedsTls);
                    }
                    Ok(pin)
                })?,
                command: r.raw(invoice, "command"),
                print_timeout: r.get(invoice, "print_timeout", secs(1, 3600))?,
            },
            server: ServerConfig {
                port: r.get("server", "port", parse_port)?,
                host: r.get("server", "host", parse_ip)?,
                allowed_origins: r.get("server", "allowed_origins", parse_origins)?,
                allowed_networks: r.get("server", "allowed_networks", parse_cidr_list)?,
                allowed_hosts: parse_list(&r.raw("server", "allowed_hosts")),
                header_timeout: r.get("server", "header_timeout_s", secs(1, 300))?,
                https_only: r.get("server", "https_only", parse_bool)?,
                cert_file: r.get("server", "cert_file", parse_optional_path)?,
                key_file: r.get("server", "key_file", parse_optional_path)?,
            },
            logs: LogsConfig {
                folder: r.get("logs", "folder", folder)?,
                filename: r.get("logs", "filename", parse_file_name)?,
                retention_days: r.get("logs", "retention_days", count(1, 3650))?,
                format: r.get("logs", "format", |v| v.parse())?,
            },
            odoo: OdooConfig {
                epos: r.get("odoo", "epos", parse_bool)?,
                epos_allowed_networks: r.get("odoo", "epos_allowed_networks", parse_cidr_list)?,
                iot: r.get("odoo", "iot", parse_bool)?,
                iot_allowed_networks: r.get("odoo", "iot_allowed_networks", parse_cidr_list)?,
                paper_width: r.get("odoo", "paper_width", parse_paper_width)?,
            },
            metrics: MetricsConfig {
                token: r.get("metrics", "token", MetricsConfig::parse_token)?,
            },
            printers: r.named_printers()?,
        })
    }

    pub fn defaults() -> Config {
        Config::from_ini(&Ini::new(), "defaults").expect("built-in defaults are valid")
    }
}
