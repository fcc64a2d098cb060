//! The Windows Event Log's Win32 calls: an event source registered once at start, one
//! `ReportEventW` per event, deregistered when dropped. Which events, and their text,
//! the log decides (`logs::event_log`); nothing here imports it.

use windows::core::{HSTRING, PCWSTR};
use windows::Win32::Foundation::HANDLE;
use windows::Win32::System::EventLog::{
    DeregisterEventSource, RegisterEventSourceW, ReportEventW, EVENTLOG_ERROR_TYPE,
    EVENTLOG_INFORMATION_TYPE, EVENTLOG_WARNING_TYPE,
};

/// The Event Log's event types we use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Information,
}

/// An open event source handle, owned by its user (no global).
pub struct EventLog {
    handle: HANDLE,
}

// SAFETY: an event log handle may be used from any thread (ReportEvent is thread-safe);
// it is only closed in Drop, when no other reference exists.
unsafe impl Send for EventLog {}
unsafe impl Sync for EventLog {}

impl EventLog {
    /// Registers the event source `source` on the local machine.
    pub fn register(source: &str) -> windows::core::Result<EventLog> {
        // SAFETY: None is the local machine; the wide string outlives the call.
        let handle = unsafe { RegisterEventSourceW(None, &HSTRING::from(source))? };
        Ok(EventLog { handle })
    }

    /// Writes one event: `text` under event id `id`.
    pub fn write(&self, severity: Severity, id: u32, text: &str) {
        let kind = match severity {
            Severity::Error => EVENTLOG_ERROR_TYPE,
            Severity::Warning => EVENTLOG_WARNING_TYPE,
            Severity::Information => EVENTLOG_INFORMATION_TYPE,
        };
        let text = HSTRING::from(text);
        let strings = [PCWSTR(text.as_ptr())];
        // SAFETY: the handle is open until Drop; `strings` outlives the call. A failure
        // (full log, no rights) is ignored: the event is in our own log anyway.
        let _ = unsafe { ReportEventW(self.handle, kind, 0, id, None, 0, Some(&strings), None) };
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        // SAFETY: the handle came from RegisterEventSourceW and is closed only here.
        let _ = unsafe { DeregisterEventSource(self.handle) };
    }
}
