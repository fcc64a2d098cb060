//! The Windows print spooler, RAW datatype: the bytes reach the printer unchanged.
//! WritePrinter only means the spooler took them, so the queue is checked first (a
//! paused queue would pop the drawer minutes after the sale) and the job watched for a
//! bounded time after; one the printer cannot print is cancelled and is an error.
//!
//! Imports nothing above `platform`; failures are [`QueueError`]s.

use std::time::{Duration, Instant};

use windows::core::{PCWSTR, PWSTR};
use windows::Win32::Graphics::Printing::{
    AbortPrinter, ClosePrinter, EndDocPrinter, EndPagePrinter, EnumPrintersW, GetJobW, GetPrinterW,
    OpenPrinterW, SetJobW, StartDocPrinterW, StartPagePrinter, WritePrinter, DOC_INFO_1W,
    JOB_CONTROL_DELETE, JOB_INFO_1W, JOB_STATUS_BLOCKED_DEVQ, JOB_STATUS_COMPLETE,
    JOB_STATUS_ERROR, JOB_STATUS_OFFLINE, JOB_STATUS_PAPEROUT, JOB_STATUS_PAUSED,
    JOB_STATUS_PRINTED, JOB_STATUS_PRINTING, JOB_STATUS_USER_INTERVENTION,
    PRINTER_ATTRIBUTE_WORK_OFFLINE, PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL, PRINTER_HANDLE,
    PRINTER_INFO_2W, PRINTER_STATUS_ERROR, PRINTER_STATUS_NOT_AVAILABLE, PRINTER_STATUS_OFFLINE,
    PRINTER_STATUS_PAPER_OUT, PRINTER_STATUS_PAUSED, PRINTER_STATUS_USER_INTERVENTION,
};

use super::wide;
use crate::platform::{QueueCause, QueueError, QueueSystem};

/// A buffer for the spooler's variable-size records, aligned for their pointers.
struct RecordBuf(Vec<u64>);

impl RecordBuf {
    fn new(bytes: u32) -> Self {
        RecordBuf(vec![0u64; (bytes as usize).div_ceil(8)])
    }

    fn bytes(&mut self) -> &mut [u8] {
        let len = self.0.len() * 8;
        // SAFETY: the Vec owns len bytes; u8 has no alignment or validity requirement.
        unsafe { std::slice::from_raw_parts_mut(self.0.as_mut_ptr().cast(), len) }
    }

    fn record<T>(&self) -> *const T {
        self.0.as_ptr().cast()
    }
}

struct Handle(PRINTER_HANDLE);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful OpenPrinterW and is closed once.
        let _ = unsafe { ClosePrinter(self.0) };
    }
}

/// Sends a RAW job to printer `name`, watching it for at most `watch` once submitted.
pub fn print_raw(name: &str, job: &[u8], title: &str, watch: Duration) -> Result<(), QueueError> {
    let fail = |cause| QueueError {
        queue: name.to_string(),
        system: QueueSystem::WindowsSpooler,
        cause,
    };
    let wname = wide(name);
    let mut raw = PRINTER_HANDLE::default();
    // SAFETY: wname is NUL-terminated and outlives the call; raw is a valid out pointer.
    unsafe { OpenPrinterW(PCWSTR(wname.as_ptr()), &mut raw, None) }
        .map_err(|e| fail(QueueCause::CannotOpen(e.to_string())))?;
    let handle = Handle(raw);
    if let Some(problem) = printer_problem(&handle) {
        return Err(fail(QueueCause::NotReady(problem)));
    }
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
        return Err(fail(last_error("StartDocPrinter")));
    }
    // SAFETY: a document is open on the handle.
    let _ = unsafe { StartPagePrinter(handle.0) };
    if let Err(cause) = write_all(&handle, job) {
        // Not EndDoc: half a drawer command must not reach the printer.
        // SAFETY: a document is open on the handle.
        let _ = unsafe { AbortPrinter(handle.0) };
        return Err(fail(cause));
    }
    // SAFETY: a page and a document are open on the handle.
    let ended = unsafe {
        let _ = EndPagePrinter(handle.0);
        EndDocPrinter(handle.0).as_bool()
    };
    if !ended {
        return Err(fail(last_error("EndDocPrinter")));
    }
    watch_job(&handle, job_id, watch).map_err(|cause| {
        // SAFETY: deleting our own job; failure only means it already left the queue.
        let _ = unsafe { SetJobW(handle.0, job_id, 0, None, JOB_CONTROL_DELETE) };
        fail(cause)
    })
}

/// The failure of spooler call `call`, with the thread's last Win32 error.
fn last_error(call: &'static str) -> QueueCause {
    QueueCause::Call {
        call,
        error: windows::core::Error::from_thread().to_string(),
    }
}

/// WritePrinter may take fewer bytes than given: loop until all are written.
fn write_all(handle: &Handle, job: &[u8]) -> Result<(), QueueCause> {
    let mut sent = 0usize;
    while sent < job.len() {
        let chunk = &job[sent..];
        let len = u32::try_from(chunk.len()).unwrap_or(u32::MAX);
        let mut written = 0u32;
        // SAFETY: chunk is valid for len bytes; written is a valid out pointer.
        let ok = unsafe { WritePrinter(handle.0, chunk.as_ptr().cast(), len, &mut written) };
        if !ok.as_bool() || written == 0 {
            return Err(QueueCause::PartlyWritten {
                sent,
                total: job.len(),
                error: windows::core::Error::from_thread().to_string(),
            });
        }
        sent += written as usize;
    }
    Ok(())
}

/// Why the queue cannot print now (GetPrinter level 2); `None` if it can or does not say.
fn printer_problem(handle: &Handle) -> Option<&'static str> {
    let mut needed = 0u32;
    // SAFETY: size query with no buffer.
    let _ = unsafe { GetPrinterW(handle.0, 2, None, &mut needed) };
    if needed == 0 {
        return None;
    }
    let mut buf = RecordBuf::new(needed);
    // SAFETY: buf has at least the size the spooler asked for.
    unsafe { GetPrinterW(handle.0, 2, Some(buf.bytes()), &mut needed) }.ok()?;
    // SAFETY: GetPrinterW level 2 wrote a PRINTER_INFO_2W at the (aligned) start of buf.
    let (status, attributes) = unsafe {
        let info = &*buf.record::<PRINTER_INFO_2W>();
        (info.Status, info.Attributes)
    };
    if status & PRINTER_STATUS_PAUSED != 0 {
        Some("file d'attente en pause")
    } else if attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE != 0
        || status & (PRINTER_STATUS_OFFLINE | PRINTER_STATUS_NOT_AVAILABLE) != 0
    {
        Some("imprimante hors ligne")
    } else if status & PRINTER_STATUS_PAPER_OUT != 0 {
        Some("plus de papier")
    } else if status & (PRINTER_STATUS_ERROR | PRINTER_STATUS_USER_INTERVENTION) != 0 {
        Some("imprimante en erreur")
    } else {
        None
    }
}

/// Why the job cannot print, from its status bits.
fn job_problem(status: u32) -> Option<&'static str> {
    if status & JOB_STATUS_PAUSED != 0 {
        Some("travail en pause")
    } else if status & JOB_STATUS_OFFLINE != 0 {
        Some("imprimante hors ligne")
    } else if status & JOB_STATUS_PAPEROUT != 0 {
        Some("plus de papier")
    } else if status & (JOB_STATUS_ERROR | JOB_STATUS_BLOCKED_DEVQ | JOB_STATUS_USER_INTERVENTION)
        != 0
    {
        Some("erreur de l'imprimante")
    } else {
        None
    }
}

/// Polls the job until it is printed or gone, it or the queue reports a problem, or
/// `limit` passes: then a job printing is left to finish, one waiting is a timeout.
fn watch_job(handle: &Handle, job_id: u32, limit: Duration) -> Result<(), QueueCause> {
    let started = Instant::now();
    loop {
        let mut needed = 0u32;
        // SAFETY: size query with no buffer.
        let _ = unsafe { GetJobW(handle.0, job_id, 1, None, &mut needed) };
        if needed == 0 {
            return Ok(()); // the job left the queue: the port monitor took it
        }
        let mut buf = RecordBuf::new(needed);
        // SAFETY: buf has at least the size the spooler asked for.
        if !unsafe { GetJobW(handle.0, job_id, 1, Some(buf.bytes()), &mut needed) }.as_bool() {
            return Ok(());
        }
        // SAFETY: GetJobW level 1 wrote a JOB_INFO_1W at the (aligned) start of buf.
        let status = unsafe { (*buf.record::<JOB_INFO_1W>()).Status };
        if status & (JOB_STATUS_PRINTED | JOB_STATUS_COMPLETE) != 0 {
            return Ok(());
        }
        if let Some(p) = job_problem(status).or_else(|| printer_problem(handle)) {
            return Err(QueueCause::JobRefused {
                problem: p,
                job: job_id,
            });
        }
        if started.elapsed() >= limit {
            if status & JOB_STATUS_PRINTING != 0 {
                return Ok(());
            }
            return Err(QueueCause::JobStillWaiting {
                ms: limit.as_millis(),
                job: job_id,
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The printers the spooler knows (local and connected), by name.
pub fn list() -> anyhow::Result<Vec<String>> {
    let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
    // A printer added since the size query makes the buffer too small: ask again.
    for _ in 0..3 {
        let mut needed = 0u32;
        let mut count = 0u32;
        // SAFETY: size query with no buffer.
        let _ = unsafe { EnumPrintersW(flags, PCWSTR::null(), 2, None, &mut needed, &mut count) };
        if needed == 0 {
            return Ok(Vec::new());
        }
        let mut buf = RecordBuf::new(needed);
        // SAFETY: buf has at least the size the spooler asked for.
        let filled = unsafe {
            EnumPrintersW(
                flags,
                PCWSTR::null(),
                2,
                Some(buf.bytes()),
                &mut needed,
                &mut count,
            )
        };
        if filled.is_err() {
            continue;
        }
        let infos = buf.record::<PRINTER_INFO_2W>();
        let mut names = Vec::with_capacity(count as usize);
        for i in 0..count as usize {
            // SAFETY: EnumPrintersW wrote `count` PRINTER_INFO_2W records at the start of buf.
            let name = unsafe { (*infos.add(i)).pPrinterName };
            if !name.is_null() {
                // SAFETY: pPrinterName is a NUL-terminated string inside buf.
                names.push(unsafe { name.to_string() }.unwrap_or_default());
            }
        }
        return Ok(names);
    }
    anyhow::bail!("EnumPrinters: {}", windows::core::Error::from_thread())
}
