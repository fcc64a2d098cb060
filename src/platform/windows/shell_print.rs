//! Printing a PDF through the shell's `printto` verb, by the reader registered for `.pdf`
//! (when [`super::pdf_render`] is unavailable). Success only means the reader started.

use std::path::Path;

use windows::core::PCWSTR;
use windows::Win32::UI::Shell::ShellExecuteW;
use windows::Win32::UI::WindowsAndMessaging::SW_HIDE;

use super::wide;

/// Asks the registered PDF reader to print `file` on `printer`.
pub fn print_to(file: &Path, printer: &str) -> Result<(), String> {
    let verb = wide("printto");
    let file_w = wide(&file.display().to_string());
    let params = wide(&format!("\"{printer}\""));
    // SAFETY: every string is NUL-terminated and outlives the call; no window handle.
    let result = unsafe {
        ShellExecuteW(
            None,
            PCWSTR(verb.as_ptr()),
            PCWSTR(file_w.as_ptr()),
            PCWSTR(params.as_ptr()),
            PCWSTR::null(),
            SW_HIDE,
        )
    };
    // ShellExecute returns a value greater than 32 on success (an HINSTANCE by history).
    let code = result.0 as isize;
    if code > 32 {
        Ok(())
    } else {
        Err(format!(
            "aucun lecteur PDF n'accepte l'impression vers {printer} (code ShellExecute {code}); \
             installez SumatraPDF ou configurez [invoice_printer] command"
        ))
    }
}
