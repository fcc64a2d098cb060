//! Windows Event Log forwarding: service start/stop (Information), every ERROR (Error),
//! refused callers and refused or throttled logins (Warning) go to the Application log,
//! nothing else. The choice and the text are platform-independent; the Win32 calls are the
//! platform's, reached through [`EventSink`] (the platform never imports the log).

use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::line::{escape_controls, wanted, Entry};

/// The event source the installer registers.
pub const SOURCE: &str = "OdooPOS Cashdrawer";

/// Longest text sent (ReportEvent takes at most 31 839 characters per string).
pub const MAX_CHARS: usize = 8000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Error,
    Warning,
    Information,
}

/// The ids are in 1..=1000: the installer's message file (EventCreate.exe) has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forwarded {
    pub kind: EventKind,
    pub id: u32,
    pub text: String,
}

/// Event ids: service start/stop, errors, refused callers, refused logins.
pub const ID_SERVICE: u32 = 100;
pub const ID_ERROR: u32 = 200;
pub const ID_ACCESS_DENIED: u32 = 300;
pub const ID_LOGIN_DENIED: u32 = 301;

/// What goes to the Event Log for one event, if anything.
pub fn forward(level: Level, entry: &Entry) -> Option<Forwarded> {
    let (kind, id) = if level == Level::ERROR {
        (EventKind::Error, ID_ERROR)
    } else {
        match (entry.op.as_deref(), entry.outcome.as_deref()) {
            (Some("service.start" | "service.stop"), _) => (EventKind::Information, ID_SERVICE),
            (Some("access.denied"), _) => (EventKind::Warning, ID_ACCESS_DENIED),
            (Some("auth.login"), Some("denied" | "throttled")) => {
                (EventKind::Warning, ID_LOGIN_DENIED)
            }
            _ => return None,
        }
    };
    Some(Forwarded {
        kind,
        id,
        text: text(entry),
    })
}

/// The message, then `op`, `outcome` and `peer` on CRLF lines, controls escaped.
pub fn text(entry: &Entry) -> String {
    let mut out = escape_controls(&entry.message);
    let fields = [
        ("op", &entry.op),
        ("outcome", &entry.outcome),
        ("peer", &entry.peer),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            out = format!("{out}\r\n{name}: {}", escape_controls(value));
        }
    }
    if out.chars().count() > MAX_CHARS {
        out = out.chars().take(MAX_CHARS).collect();
        out.push_str("...");
    }
    out
}

/// The Windows Event Log, or a test double.
pub trait EventSink: Send + Sync + 'static {
    fn report(&self, event: &Forwarded);
}

#[cfg(windows)]
impl EventSink for crate::platform::windows::event_log::EventLog {
    fn report(&self, event: &Forwarded) {
        use crate::platform::windows::event_log::Severity;
        let severity = match event.kind {
            EventKind::Error => Severity::Error,
            EventKind::Warning => Severity::Warning,
            EventKind::Information => Severity::Information,
        };
        self.write(severity, event.id, &event.text);
    }
}

/// `None` (said on stderr) when the source cannot be registered: logging goes on.
#[cfg(windows)]
pub fn windows_layer() -> Option<EventLogLayer<crate::platform::windows::event_log::EventLog>> {
    crate::platform::windows::event_log::EventLog::register(SOURCE)
        .map(EventLogLayer::new)
        .map_err(|e| {
            eprintln!("journal d'événements Windows indisponible (source \"{SOURCE}\"): {e}")
        })
        .ok()
}

/// The tracing layer: sends the events [`forward`] picks to its own sink.
pub struct EventLogLayer<T: EventSink> {
    sink: T,
}

impl<T: EventSink> EventLogLayer<T> {
    pub fn new(sink: T) -> EventLogLayer<T> {
        EventLogLayer { sink }
    }
}

impl<S: Subscriber, T: EventSink> Layer<S> for EventLogLayer<T> {
    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        wanted(meta)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !wanted(event.metadata()) {
            return;
        }
        let mut entry = Entry::default();
        event.record(&mut entry);
        if let Some(forwarded) = forward(*event.metadata().level(), &entry) {
            self.sink.report(&forwarded);
        }
    }
}
