//! Windows-only code: the print spooler, PDF printing for invoices, the Event Log's
//! Win32 calls, and the system folders (the native service entry is in `cli`).

pub mod event_log;
pub mod pdf_render;
pub mod shell_print;
pub mod spooler;

use std::path::PathBuf;

use windows::Win32::System::Com::CoTaskMemFree;
use windows::Win32::UI::Shell::{FOLDERID_ProgramData, SHGetKnownFolderPath, KF_FLAG_DEFAULT};

/// `C:\ProgramData` as the shell knows it (the installer's folder), not the `ProgramData`
/// variable, which a service's environment may lack or have otherwise (wine).
pub fn program_data() -> Option<PathBuf> {
    // SAFETY: FOLDERID_ProgramData is a valid GUID; the returned string is freed once
    // with CoTaskMemFree after being copied.
    unsafe {
        let path = SHGetKnownFolderPath(&FOLDERID_ProgramData, KF_FLAG_DEFAULT, None).ok()?;
        let text = path.to_string().ok();
        CoTaskMemFree(Some(path.0 as *const _));
        text.map(PathBuf::from)
    }
}

/// `s` as the NUL-terminated UTF-16 string Win32 calls take.
fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}
