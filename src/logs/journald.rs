//! journald under systemd: each event goes to the journal's socket with `OP`, `OUTCOME`,
//! `PEER`, `MS` fields (`journalctl OP=drawer.open`). The datagram protocol is written by
//! hand: `tracing-journald` would be a second subscriber with its own field names. Sends
//! never block: a full journal drops the line and counts it.

use tracing::Level;

use super::line::Entry;

pub const JOURNAL_SOCKET: &str = "/run/systemd/journal/socket";

/// Debug builds only: this socket instead of [`JOURNAL_SOCKET`] (tests stand in).
pub const TEST_SOCKET_ENV: &str = "CASHDRAWER_TEST_JOURNAL_SOCKET";

const IDENTIFIER: &str = "odoo-pos-cashdrawer";

#[cfg(unix)]
pub struct Journald {
    socket: std::os::unix::net::UnixDatagram,
}

#[cfg(unix)]
impl Journald {
    /// The journal when systemd started us (`JOURNAL_STREAM`, `INVOCATION_ID`) and answers.
    pub fn detect() -> Option<Journald> {
        let under_systemd = std::env::var_os("JOURNAL_STREAM").is_some()
            || std::env::var_os("INVOCATION_ID").is_some();
        if !under_systemd {
            return None;
        }
        let socket = std::os::unix::net::UnixDatagram::unbound().ok()?;
        let test = std::env::var_os(TEST_SOCKET_ENV).filter(|_| cfg!(debug_assertions));
        socket
            .connect(test.map_or(JOURNAL_SOCKET.into(), std::path::PathBuf::from))
            .ok()?;
        socket.set_nonblocking(true).ok()?;
        Some(Journald { socket })
    }

    /// False when the journal did not take it.
    pub fn send(&self, level: Level, entry: &Entry) -> bool {
        self.socket.send(&encode(level, entry)).is_ok()
    }
}

#[cfg(not(unix))]
pub struct Journald;

#[cfg(not(unix))]
impl Journald {
    pub fn detect() -> Option<Journald> {
        None
    }

    pub fn send(&self, _level: Level, _entry: &Entry) -> bool {
        false
    }
}

/// syslog priorities.
fn priority(level: Level) -> &'static str {
    match level {
        Level::ERROR => "3",
        Level::WARN => "4",
        Level::INFO => "6",
        _ => "7",
    }
}

pub fn encode(level: Level, entry: &Entry) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + entry.message.len());
    let message = format!("{}{}", entry.message, entry.suffix);
    field(&mut out, "MESSAGE", &message);
    field(&mut out, "PRIORITY", priority(level));
    field(&mut out, "SYSLOG_IDENTIFIER", IDENTIFIER);
    let named = [
        ("OP", entry.op.clone()),
        ("OUTCOME", entry.outcome.clone()),
        ("PEER", entry.peer.clone()),
        ("MS", entry.ms.map(|ms| ms.to_string())),
    ];
    for (key, value) in named {
        if let Some(value) = value {
            field(&mut out, key, &value);
        }
    }
    for (key, value) in &entry.extra {
        if let Some(key) = field_name(key) {
            field(&mut out, &key, value);
        }
    }
    out
}

/// Uppercase, digits and `_`, not starting with `_` (trusted fields) nor a digit.
pub fn field_name(key: &str) -> Option<String> {
    let name: String = key
        .chars()
        .map(|c| match c {
            'a'..='z' => c.to_ascii_uppercase(),
            'A'..='Z' | '0'..='9' => c,
            _ => '_',
        })
        .collect();
    let name = name.trim_start_matches(|c: char| c == '_' || c.is_ascii_digit());
    (!name.is_empty() && name.len() <= 64).then(|| format!("CASHDRAWER_{name}"))
}

fn field(out: &mut Vec<u8>, key: &str, value: &str) {
    out.extend_from_slice(key.as_bytes());
    if value.contains('\n') {
        out.push(b'\n');
        out.extend_from_slice(&(value.len() as u64).to_le_bytes());
        out.extend_from_slice(value.as_bytes());
    } else {
        out.push(b'=');
        out.extend_from_slice(value.as_bytes());
    }
    out.push(b'\n');
}
