//! The checks of a [`PrinterTarget`] that need the machine, run when the admin page saves
//! it: a `file:` target is a device, a `tcp://` one is not this service. Imports `domain`
//! and `platform`; never `http` or `config`.

use std::path::PathBuf;

use crate::domain::{told, Lang, Message, PrinterTarget};

/// A target refused by what it points at on this machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::Fr))]
pub enum CheckError {
    NotADevice { path: PathBuf, what: NotDevice },
    ThisService { host: String, port: u16 },
}

/// What a `file:` path is instead of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotDevice {
    Folder,
    NamedPipe,
    Socket,
    BlockDevice,
    RegularFile,
    Missing,
    NoDeviceName,
}

impl NotDevice {
    fn words(self) -> [&'static str; 2] {
        match self {
            NotDevice::Folder => ["dossier", "folder"],
            NotDevice::NamedPipe => ["tube nommé", "named pipe"],
            NotDevice::Socket => ["socket", "socket"],
            NotDevice::BlockDevice => ["périphérique bloc", "block device"],
            NotDevice::RegularFile => ["fichier ordinaire", "regular file"],
            NotDevice::Missing => ["introuvable", "not found"],
            NotDevice::NoDeviceName => ["pas un nom de périphérique", "not a device name"],
        }
    }
}

#[cfg(unix)]
const ACCEPTED: [&str; 2] = [
    "file: et usb: visent un périphérique caractère, par exemple /dev/usb/lp0 ou /dev/ttyUSB0",
    "file: and usb: name a character device, for example /dev/usb/lp0 or /dev/ttyUSB0",
];
#[cfg(not(unix))]
const ACCEPTED: [&str; 2] = [
    "file: et usb: visent un nom de périphérique, par exemple LPT1, COM3 ou \\\\.\\COM10",
    "file: and usb: name a device, for example LPT1, COM3 or \\\\.\\COM10",
];

#[rustfmt::skip]
impl Message for CheckError {
    fn message(&self, lang: Lang) -> String {
        match self {
            CheckError::NotADevice { path, what } => {
                let (path, what, accepted) = (path.display(), lang.pick(what.words()), lang.pick(ACCEPTED));
                told! {lang,
                    "{path} n'est pas un périphérique ({what}); {accepted}",
                    "{path} is not a device ({what}); {accepted}"}
            }
            CheckError::ThisService { host, port } => told! {lang,
                "tcp://{host}:{port} est ce service lui-même (port {port} de cette machine); attendu: l'adresse et le port de l'imprimante (souvent 9100)",
                "tcp://{host}:{port} is this service itself (port {port} of this machine); expected: the printer's address and port (often 9100)"},
        }
    }
}

impl PrinterTarget {
    /// A `file:` target must be a device, not a file (checked again at every job, see
    /// `printer::device`); other kinds pass.
    pub fn check_device(&self) -> Result<(), CheckError> {
        match self {
            PrinterTarget::File { path, .. } => super::device::check_path(path),
            _ => Ok(()),
        }
    }

    /// A `tcp://` printer may not be this service itself (on `ports`): ePOS `<command>`
    /// sends raw bytes, so a LAN caller would reach the local-only routes from 127.0.0.1.
    /// Other programs of this machine stay reachable (a printer bridge is a real set-up).
    pub fn check_not_this_service(&self, ports: &[u16]) -> Result<(), CheckError> {
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
        let this = || CheckError::ThisService {
            host: host.clone(),
            port: *port,
        };
        (!is_us).then_some(()).ok_or_else(this)
    }
}
