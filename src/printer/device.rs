//! Devices written to directly: `file:/dev/usb/lp0` or `usb:///dev/usb/lp0`, `/dev/ttyS0`,
//! `LPT1`/`COM3` on Windows. Status queries are off unless `?status=on`: a read on a
//! device that does not answer would wait for the timeout every time.
//!
//! Only devices, never files (a stolen admin password must not write into the service
//! account's files): checked when the page saves a target ([`check_path`]) and again on
//! the opened handle before each job, so a symbolic link swapped in between is caught.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::exchange::{query_status, write_job};
use super::target::{CheckError, NotDevice};
use super::{PrinterError, PrinterErrorKind, PrinterTarget, StatusResult, Timeouts, Transport};

/// Whether `path` names a device: on Unix a character device (or a link to one), or a
/// path under `/dev/` not there yet (unplugged); on Windows a device name.
pub fn check_path(path: &Path) -> Result<(), CheckError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        match std::fs::metadata(path) {
            Ok(meta) if meta.file_type().is_char_device() => Ok(()),
            Ok(meta) => Err(not_a_device(path, kind_of(&meta.file_type()))),
            Err(_) if path.starts_with("/dev/") => Ok(()),
            Err(_) => Err(not_a_device(path, NotDevice::Missing)),
        }
    }
    #[cfg(not(unix))]
    is_windows_device_name(&path.to_string_lossy())
        .then_some(())
        .ok_or_else(|| not_a_device(path, NotDevice::NoDeviceName))
}

fn not_a_device(path: &Path, what: NotDevice) -> CheckError {
    CheckError::NotADevice {
        path: path.to_path_buf(),
        what,
    }
}

#[cfg(unix)]
fn kind_of(t: &std::fs::FileType) -> NotDevice {
    use std::os::unix::fs::FileTypeExt;
    let kinds = [
        (t.is_dir(), NotDevice::Folder),
        (t.is_fifo(), NotDevice::NamedPipe),
        (t.is_socket(), NotDevice::Socket),
        (t.is_block_device(), NotDevice::BlockDevice),
    ];
    let found = kinds.into_iter().find_map(|(is, kind)| is.then_some(kind));
    found.unwrap_or(NotDevice::RegularFile)
}

/// `COM3`, `LPT1` (a trailing `:` allowed), `\\.\COM10`, or a USB printer's interface
/// path (`\\?\USB#VID_...`); never a volume such as `\\.\PhysicalDrive0` or `\\.\C:`.
pub fn is_windows_device_name(name: &str) -> bool {
    let bare = name
        .strip_prefix("\\\\.\\")
        .or_else(|| name.strip_prefix("\\\\?\\"));
    let rest = bare.unwrap_or(name);
    let upper = rest.trim_end_matches(':').to_ascii_uppercase();
    let numbered = |prefix: &str| {
        upper
            .strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
    };
    numbered("COM") || numbered("LPT") || (bare.is_some() && upper.starts_with("USB#"))
}

/// The check on the opened handle: what the job would really be written to.
fn check_opened(file: &File, target: &PrinterTarget, path: &Path) -> Result<(), PrinterError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let meta = file
            .metadata()
            .map_err(|e| PrinterError::io(target, "contrôle du périphérique", &e))?;
        if !meta.file_type().is_char_device() {
            return Err(refused(
                target,
                &not_a_device(path, kind_of(&meta.file_type())).to_string(),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (file, target, path);
    Ok(())
}

fn refused(target: &PrinterTarget, why: &str) -> PrinterError {
    PrinterError::new(
        PrinterErrorKind::Unreachable,
        format!("imprimante {target}: rien n'est envoyé: {why}"),
    )
}

pub struct DeviceTransport {
    target: PrinterTarget,
    path: PathBuf,
}

impl DeviceTransport {
    pub fn new(target: PrinterTarget, path: PathBuf) -> Self {
        DeviceTransport { target, path }
    }
}

impl Transport for DeviceTransport {
    fn run(&self, job: &[u8], query: bool, _timeouts: &Timeouts) -> StatusResult {
        // Before opening, as a FIFO would block the open; a missing path gets the clearer
        // "cannot open" error below.
        if let Err(why) = check_path(&self.path) {
            if self.path.exists() || cfg!(not(unix)) {
                return Err(refused(&self.target, &why.to_string()));
            }
        }
        let mut file = OpenOptions::new()
            .read(query)
            .write(true)
            .open(&self.path)
            .map_err(|e| PrinterError::io(&self.target, "ouverture du périphérique", &e))?;
        check_opened(&file, &self.target, &self.path)?;
        write_job(&mut file, job, &self.target)?;
        query
            .then(|| query_status(&mut file, &self.target))
            .transpose()
    }
}
