//! Devices written to directly: `file:/dev/usb/lp0` or `usb:///dev/usb/lp0` (Linux USB
//! printer class), `/dev/ttyS0`, `LPT1`/`COM3` on Windows. Status queries are off by
//! default (`?status=on` to enable): not every device reads back, and a read on one that
//! does not would wait for the timeout every time.
//!
//! Only devices: 1.0.0 appended ePOS text to any file the target named (`.bashrc`
//! included), so a stolen admin password wrote into the service account's files. A
//! target is checked when the page saves it ([`check_path`]) and again on the opened
//! handle before each job, so swapping a symbolic link between check and open does not
//! help.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::exchange::{query_status, write_job};
use super::target::{CheckError, NotDevice};
use super::{PrinterError, PrinterErrorKind, PrinterTarget, Timeouts, Transport};
use crate::escpos::PrinterStatus;

/// Whether `path` names a device (at save time). On Unix: a character device (a symbolic
/// link to one is fine), or a path under `/dev/` that does not exist yet (a printer not
/// plugged in). On Windows: a device name.
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
    {
        if is_windows_device_name(&path.to_string_lossy()) {
            Ok(())
        } else {
            Err(not_a_device(path, NotDevice::NoDeviceName))
        }
    }
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
    if t.is_dir() {
        NotDevice::Folder
    } else if t.is_fifo() {
        NotDevice::NamedPipe
    } else if t.is_socket() {
        NotDevice::Socket
    } else if t.is_block_device() {
        NotDevice::BlockDevice
    } else {
        NotDevice::RegularFile
    }
}

/// `COM3`, `LPT1` (a trailing `:` allowed), `\\.\COM10`, or a USB printer's device
/// interface path (`\\?\USB#VID_...`). Not `\\.\PhysicalDrive0`, `\\.\C:` and other
/// volumes: those are devices too, and writing to them would be worse than to a file.
#[cfg_attr(unix, allow(dead_code))]
fn is_windows_device_name(name: &str) -> bool {
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
    fn run(
        &self,
        job: &[u8],
        query: bool,
        _timeouts: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError> {
        // Before opening: a FIFO would block the open until someone reads it; a missing
        // path keeps its own clear "cannot open" error below.
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
        if query {
            return Ok(Some(query_status(&mut file, &self.target)?));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn only_character_devices() {
        assert_eq!(check_path(Path::new("/dev/null")), Ok(()));
        assert_eq!(check_path(Path::new("/dev/usb/lp-not-plugged")), Ok(()));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.txt");
        std::fs::write(&file, "x").unwrap();
        let err = check_path(&file).unwrap_err().to_string();
        assert!(
            err.contains("n'est pas un périphérique (fichier ordinaire)"),
            "{err}"
        );
        assert!(check_path(dir.path())
            .unwrap_err()
            .to_string()
            .contains("dossier"));
        assert!(check_path(&dir.path().join("absent")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_regular_file_gets_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".bashrc");
        std::fs::write(&file, "garder").unwrap();
        let target = PrinterTarget::File {
            path: file.clone(),
            status: false,
        };
        let t = DeviceTransport::new(target, file.clone());
        let timeouts = Timeouts {
            connect: std::time::Duration::from_secs(1),
            write: std::time::Duration::from_secs(1),
        };
        let err = t.run(b"\x1bp\x00\x1a\xfa", false, &timeouts).unwrap_err();
        assert!(err.message.contains("n'est pas un périphérique"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "garder");
        let null = DeviceTransport::new(
            PrinterTarget::File {
                path: "/dev/null".into(),
                status: false,
            },
            "/dev/null".into(),
        );
        assert!(null.run(b"x", false, &timeouts).unwrap().is_none());
    }

    #[test]
    fn windows_device_names() {
        for ok in [
            "COM3",
            "com10",
            "LPT1",
            "LPT1:",
            "\\\\.\\COM10",
            "\\\\?\\USB#VID_04B8&PID_0202#1",
        ] {
            assert!(is_windows_device_name(ok), "{ok}");
        }
        for bad in [
            "C:\\Users\\x\\.bashrc",
            "\\\\.\\PhysicalDrive0",
            "\\\\.\\C:",
            "COM",
            "COMX",
            "USB#x",
            "x.txt",
        ] {
            assert!(!is_windows_device_name(bad), "{bad}");
        }
    }
}
