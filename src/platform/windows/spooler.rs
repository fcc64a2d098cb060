//! The Windows print spooler, RAW datatype: the bytes reach the printer unchanged, as
//! the original service's win32print calls did.

use std::time::{Duration, Instant};

use windows::core::{PCWSTR, PWSTR};
use windows::Win32::Graphics::Printing::{
    ClosePrinter, EndDocPrinter, EndPagePrinter, EnumPrintersW, GetJobW, OpenPrinterW,
    StartDocPrinterW, StartPagePrinter, WritePrinter, DOC_INFO_1W, JOB_INFO_1W,
    PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL, PRINTER_HANDLE, PRINTER_INFO_2W,
};

use crate::printer::{PrinterError, PrinterErrorKind, Timeouts};

// JOB_STATUS_* bits (winspool.h).
const JOB_STATUS_PAUSED: u32 = 0x1;
const JOB_STATUS_ERROR: u32 = 0x2;
const JOB_STATUS_OFFLINE: u32 = 0x20;
const JOB_STATUS_PAPEROUT: u32 = 0x40;
const JOB_STATUS_PRINTED: u32 = 0x80;
const JOB_STATUS_BLOCKED_DEVQ: u32 = 0x200;
const JOB_STATUS_USER_INTERVENTION: u32 = 0x400;
const JOB_STATUS_COMPLETE: u32 = 0x1000;

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

struct Handle(PRINTER_HANDLE);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful OpenPrinterW and is closed once.
        unsafe {
            let _ = ClosePrinter(self.0);
        }
    }
}

/// Sends a RAW job to printer `name`, then watches the job for a short, bounded time:
/// WritePrinter succeeding only means the spooler took the bytes; a paused, offline or
/// erroring queue is reported as an error instead of a false success.
pub fn print_raw(
    name: &str,
    job: &[u8],
    title: &str,
    timeouts: &Timeouts,
) -> Result<(), PrinterError> {
    let fail = |kind, msg: String| {
        PrinterError::new(kind, format!("imprimante {name} (spouleur Windows): {msg}"))
    };
    let wname = wide(name);
    let mut raw = PRINTER_HANDLE::default();
    // SAFETY: wname is NUL-terminated and outlives the call; raw is a valid out pointer.
    unsafe { OpenPrinterW(PCWSTR(wname.as_ptr()), &mut raw, None) }.map_err(|e| {
        fail(
            PrinterErrorKind::UnknownPrinter,
            format!("imprimante inconnue ou inaccessible ({e})"),
        )
    })?;
    let handle = Handle(raw);
    let mut doc_name = wide(title);
    let mut datatype = wide("RAW");
    let info = DOC_INFO_1W {
        pDocName: PWSTR(doc_name.as_mut_ptr()),
        pOutputFile: PWSTR::null(),
        pDatatype: PWSTR(datatype.as_mut_ptr()),
    };
    // SAFETY: info points to NUL-terminated buffers that outlive the call.
    let job_id = unsafe { StartDocPrinterW(handle.0, 1, &info) };
    if job_id == 0 {
        return Err(fail(
            PrinterErrorKind::Io,
            format!("StartDocPrinter: {}", windows::core::Error::from_thread()),
        ));
    }
    let mut written = 0u32;
    // SAFETY: job is a valid buffer of job.len() bytes; written is a valid out pointer.
    let ok = unsafe {
        let _ = StartPagePrinter(handle.0);
        let ok = WritePrinter(
            handle.0,
            job.as_ptr().cast(),
            job.len() as u32,
            &mut written,
        )
        .as_bool();
        let _ = EndPagePrinter(handle.0);
        let _ = EndDocPrinter(handle.0);
        ok
    };
    if !ok || written as usize != job.len() {
        return Err(fail(
            PrinterErrorKind::Io,
            format!("WritePrinter: {} octets écrits sur {}", written, job.len()),
        ));
    }
    watch_job(&handle, job_id, timeouts.write).map_err(|msg| fail(PrinterErrorKind::Offline, msg))
}

/// Polls the job until it is printed, gone from the queue, or `limit` passes. Only a
/// status that says the printer cannot print is an error; a job still queued when the
/// time is up is not (slow spoolers), and is left to print.
fn watch_job(handle: &Handle, job_id: u32, limit: Duration) -> Result<(), String> {
    let started = Instant::now();
    loop {
        let mut needed = 0u32;
        // SAFETY: first call asks the size only.
        unsafe {
            let _ = GetJobW(handle.0, job_id, 1, None, &mut needed);
        }
        if needed == 0 {
            return Ok(()); // the job left the queue: done
        }
        let mut buf = vec![0u8; needed as usize];
        // SAFETY: buf has the size the spooler asked for.
        let ok = unsafe { GetJobW(handle.0, job_id, 1, Some(&mut buf), &mut needed) }.as_bool();
        if !ok {
            return Ok(());
        }
        // SAFETY: GetJobW level 1 filled buf with a JOB_INFO_1W followed by its strings.
        let status = unsafe { (*(buf.as_ptr() as *const JOB_INFO_1W)).Status };
        if status & (JOB_STATUS_PRINTED | JOB_STATUS_COMPLETE) != 0 {
            return Ok(());
        }
        let problem = if status & JOB_STATUS_PAUSED != 0 {
            Some("file d'attente en pause")
        } else if status & JOB_STATUS_OFFLINE != 0 {
            Some("imprimante hors ligne")
        } else if status & JOB_STATUS_PAPEROUT != 0 {
            Some("plus de papier")
        } else if status
            & (JOB_STATUS_ERROR | JOB_STATUS_BLOCKED_DEVQ | JOB_STATUS_USER_INTERVENTION)
            != 0
        {
            Some("erreur de l'imprimante")
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(format!("{p} (travail {job_id} en attente)"));
        }
        if started.elapsed() >= limit {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The printers the spooler knows (local and connected), by name.
pub fn list() -> anyhow::Result<Vec<String>> {
    let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
    let mut needed = 0u32;
    let mut count = 0u32;
    // SAFETY: size query with no buffer.
    unsafe {
        let _ = EnumPrintersW(flags, PCWSTR::null(), 2, None, &mut needed, &mut count);
    }
    if needed == 0 {
        return Ok(Vec::new());
    }
    let mut buf = vec![0u8; needed as usize];
    // SAFETY: buf has the size the spooler asked for.
    unsafe {
        EnumPrintersW(
            flags,
            PCWSTR::null(),
            2,
            Some(&mut buf),
            &mut needed,
            &mut count,
        )
    }?;
    let infos = buf.as_ptr() as *const PRINTER_INFO_2W;
    let mut names = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        // SAFETY: EnumPrintersW wrote `count` PRINTER_INFO_2W records at the start of buf.
        let name = unsafe { (*infos.add(i)).pPrinterName };
        if !name.is_null() {
            // SAFETY: pPrinterName is a NUL-terminated string inside buf.
            names.push(unsafe { name.to_string() }.unwrap_or_default());
        }
    }
    Ok(names)
}
