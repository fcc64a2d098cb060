//! The Windows Event Log (issue 16): the event source registered once at start, one
//! `ReportEventW` per forwarded event, deregistered when the sink is dropped. Which
//! events and what text is decided in `crate::logs::event_log` (tested on every
//! platform); this file only holds the Win32 calls.

use windows::core::{HSTRING, PCWSTR};
use windows::Win32::Foundation::HANDLE;
use windows::Win32::System::EventLog::{
    DeregisterEventSource, RegisterEventSourceW, ReportEventW, EVENTLOG_ERROR_TYPE,
    EVENTLOG_INFORMATION_TYPE, EVENTLOG_WARNING_TYPE,
};

use crate::logs::event_log::{EventKind, EventLogLayer, EventSink, Forwarded, SOURCE};

/// An open event source handle, owned by the layer (no global).
pub struct EventLog {
    handle: HANDLE,
}

// SAFETY: an event log handle may be used from any thread (ReportEvent is thread-safe);
// it is only closed in Drop, when no other reference exists.
unsafe impl Send for EventLog {}
unsafe impl Sync for EventLog {}

impl EventLog {
    /// Registers the event source on the local machine.
    pub fn register() -> windows::core::Result<EventLog> {
        // SAFETY: both arguments are valid (None: the local machine; a NUL-terminated
        // wide string that outlives the call).
        let handle = unsafe { RegisterEventSourceW(None, &HSTRING::from(SOURCE))? };
        Ok(EventLog { handle })
    }
}

impl EventSink for EventLog {
    fn report(&self, event: &Forwarded) {
        let kind = match event.kind {
            EventKind::Error => EVENTLOG_ERROR_TYPE,
            EventKind::Warning => EVENTLOG_WARNING_TYPE,
            EventKind::Information => EVENTLOG_INFORMATION_TYPE,
        };
        let text = HSTRING::from(event.text.as_str());
        let strings = [PCWSTR(text.as_ptr())];
        // SAFETY: the handle is open until Drop; `strings` holds one NUL-terminated wide
        // string that lives until the call returns; no SID, no raw data. A failure
        // (full log, no rights) is ignored: the event is in our own log anyway.
        let _ = unsafe {
            ReportEventW(
                self.handle,
                kind,
                0,
                event.id,
                None,
                0,
                Some(&strings),
                None,
            )
        };
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        // SAFETY: the handle came from RegisterEventSourceW and is closed only here.
        let _ = unsafe { DeregisterEventSource(self.handle) };
    }
}

/// The tracing layer for the Event Log; `None` (after one line on stderr) when the
/// source cannot be registered, so logging goes on without it.
pub fn layer() -> Option<EventLogLayer<EventLog>> {
    match EventLog::register() {
        Ok(log) => Some(EventLogLayer::new(log)),
        Err(e) => {
            eprintln!("journal d'événements Windows indisponible (source \"{SOURCE}\"): {e}");
            None
        }
    }
}
