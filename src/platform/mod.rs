//! What differs between operating systems, behind `#[cfg]`: default folders, the
//! machine's names, the system print queues (Windows spooler, CUPS), the Win32 calls of
//! the Windows Event Log and PDF printing.
//!
//! Layer 3: may import `domain`, `escpos`, `atomic_file` and `config`, never `printer`,
//! `logs` or anything above; its failures are its own ([`QueueError`]).

use std::path::PathBuf;

mod hostname;
mod queue_error;
pub use hostname::{machine_addresses, machine_name};
pub use queue_error::{QueueCause, QueueError, QueueSystem};

#[cfg(unix)]
pub mod cups;
#[cfg(windows)]
pub mod windows;

/// Environment variable that overrides the data folder (same as `--data-dir`).
pub const DATA_DIR_ENV: &str = "ODOO_POS_DATA_DIR";

/// The data folder holding config.ini and logs/:
/// - Windows: `C:\ProgramData\OdooPOS` (as the original service);
/// - Linux: `/var/lib/odoo-pos-cashdrawer` when run as root (the system service),
///   else `$XDG_DATA_HOME/odoo-pos-cashdrawer` (`~/.local/share/odoo-pos-cashdrawer`);
/// - macOS: `~/Library/Application Support/OdooPOS`.
pub fn default_data_dir() -> PathBuf {
    #[cfg(windows)]
    return windows::program_data()
        .or_else(|| std::env::var_os("ProgramData").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"))
        .join("OdooPOS");
    #[cfg(not(windows))]
    unix_data_dir()
}

#[cfg(not(windows))]
fn unix_data_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    if cfg!(target_os = "macos") {
        return home.join("Library/Application Support/OdooPOS");
    }
    if is_root() {
        return PathBuf::from("/var/lib/odoo-pos-cashdrawer");
    }
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".local/share"))
        .join("odoo-pos-cashdrawer")
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(any(unix, windows)))]
fn is_root() -> bool {
    false
}
