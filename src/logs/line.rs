//! One event, one line: the log's format and the tracing layer that writes it.
//!
//! ```text
//! 2026-11-26T14:32:05.118+01:00 INFO  drawer.open ok 41ms 192.168.1.20 tiroir-caisse ouvert via TICKET
//! ```
//! Columns: local time with offset, level, `op`, `outcome`, `ms`, `peer` (`-` when
//! missing), the message, other fields as `key=value`. Every value goes through
//! [`escape_controls`], so a line ends where the event ends.

use std::fmt::{self, Write as _};
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::clock::SharedClock;
use super::flood::{Decision, Refusals};
use super::repeats::Repeats;
use super::writer::Sink;
use crate::domain::LogFormat;

#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub op: Option<String>,
    pub outcome: Option<String>,
    pub ms: Option<u64>,
    pub peer: Option<String>,
    pub message: String,
    pub extra: Vec<(&'static str, String)>,
    /// Written after the fields: `, 5 fois depuis 14:02` of a repeated error.
    pub suffix: String,
    /// `always = true`: a refusal bounded where it happens, written past `logs::flood`.
    pub always: bool,
}

/// Escapes what could end or disguise a line; backslashes stay (caller-escaped text).
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    escaped(text, false)
}

/// `\n`, `\r`, `\t`, `\u{..}` for [`needs_escape`], `\\` too when `backslashes`.
pub(crate) fn escaped(text: &str, backslashes: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' if backslashes => out.push_str("\\\\"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Controls, Unicode line separators and bidi controls (`facture\u{202e}fdp.exe`).
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
        )
}

impl LogFormat {
    pub fn line(self, time: DateTime<FixedOffset>, level: Level, entry: &Entry) -> String {
        match self {
            LogFormat::Text => format_line(time, level, entry),
            LogFormat::Json => format_json(time, level, entry),
        }
    }
}

/// Keys of a JSON line; an extra field of the same name is written `field_<name>`.
const JSON_KEYS: [&str; 7] = ["time", "level", "op", "outcome", "peer", "ms", "message"];

/// One JSON object and a newline; U+2028/2029 escaped, so it is always one line.
pub fn format_json(time: DateTime<FixedOffset>, level: Level, entry: &Entry) -> String {
    let mut object = serde_json::json!({
        "time": time.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(),
        "level": level.as_str(),
        "op": entry.op,
        "outcome": entry.outcome,
        "peer": entry.peer,
        "ms": entry.ms,
        "message": format!("{}{}", entry.message, entry.suffix),
    });
    for (key, value) in &entry.extra {
        let key = if JSON_KEYS.contains(key) {
            format!("field_{key}")
        } else {
            key.to_string()
        };
        object[key] = value.as_str().into();
    }
    let line = object.to_string().replace('\u{2028}', "\\u2028");
    line.replace('\u{2029}', "\\u2029") + "\n"
}

/// The text line, newline included.
pub fn format_line(time: DateTime<FixedOffset>, level: Level, entry: &Entry) -> String {
    let mut line = String::with_capacity(128 + entry.message.len());
    let dash = |v: &Option<String>| v.as_deref().map_or("-".to_string(), token);
    let _ = write!(
        line,
        "{} {:<5} {} {} {} {} {}",
        time.format("%Y-%m-%dT%H:%M:%S%.3f%:z"),
        level.as_str(),
        dash(&entry.op),
        dash(&entry.outcome),
        entry.ms.map_or("-".to_string(), |ms| format!("{ms}ms")),
        dash(&entry.peer),
        escape_controls(&entry.message),
    );
    for (key, value) in &entry.extra {
        let _ = write!(line, " {key}={}", escape_controls(value));
    }
    line.push_str(&escape_controls(&entry.suffix));
    line.push('\n');
    line
}

/// A column value: escaped, never empty, no space.
fn token(v: &str) -> String {
    if v.is_empty() {
        return "-".to_string();
    }
    escape_controls(v).replace(' ', "_")
}

/// Numbers come through `record_debug` as decimal text, which `ms` parses back.
impl Visit for Entry {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field, value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field, format!("{value:?}"));
    }
}

impl Entry {
    /// A line the log writes about itself.
    pub fn own(op: &str, outcome: &str, message: String) -> Entry {
        Entry {
            op: Some(op.to_string()),
            outcome: Some(outcome.to_string()),
            message,
            ..Entry::default()
        }
    }

    fn set(&mut self, field: &Field, value: String) {
        match field.name() {
            "message" => self.message = value,
            "op" => self.op = Some(value),
            "outcome" => self.outcome = Some(value),
            "peer" => self.peer = Some(value),
            "ms" => self.ms = value.parse().ok(),
            "always" => self.always = value == "true",
            name => self.extra.push((name, value)),
        }
    }
}

/// The tracing layer: formats each wanted event for the writer thread.
pub struct LineLayer {
    pub(super) clock: SharedClock,
    pub(super) sink: Sink,
    pub(super) format: LogFormat,
    /// journald under systemd (then stderr is not echoed).
    pub(super) journal: Option<super::journald::Journald>,
    pub(super) repeats: Mutex<Repeats>,
    pub(super) refusals: Mutex<Refusals>,
}

impl LineLayer {
    fn emit(&self, time: DateTime<FixedOffset>, level: Level, entry: &Entry) {
        if let Some(journal) = &self.journal {
            if !journal.send(level, entry) {
                self.sink.count_lost();
            }
        }
        self.sink.send(time, self.format.line(time, level, entry));
    }
}

/// Our own events from INFO up; other crates' only from WARN up.
pub fn wanted(meta: &Metadata<'_>) -> bool {
    let ours = meta.target().starts_with("cashdrawer") || meta.target().starts_with("odoo_pos");
    let floor = if ours { Level::INFO } else { Level::WARN };
    *meta.level() <= floor
}

impl<S: Subscriber> Layer<S> for LineLayer {
    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        wanted(meta)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut entry = Entry::default();
        event.record(&mut entry);
        let level = *event.metadata().level();
        let now = self.clock.now();
        if entry.outcome.as_deref() == Some("denied") && !entry.always {
            let caller = entry.peer.as_deref().unwrap_or_default();
            let mut refusals = self.refusals.lock().unwrap_or_else(|e| e.into_inner());
            let Decision::Write(summary) = refusals.refusal(caller, now) else {
                return;
            };
            drop(refusals);
            if let Some(summary) = summary {
                let line = Entry {
                    peer: entry.peer.clone(),
                    ..Entry::own("log.refusals", "denied", summary)
                };
                self.emit(now, Level::WARN, &line);
            }
        }
        let summarized = entry.op.clone().filter(|op| op != "http.request");
        if entry.op.as_deref() == Some("service.stop") {
            let pending = self.repeats.lock().map(|mut r| r.drain());
            for (op, summary) in pending.unwrap_or_default() {
                self.emit(now, Level::ERROR, &summary_entry(Some(op), summary));
            }
        }
        if let Some(op) = summarized {
            let mut repeats = self.repeats.lock().unwrap_or_else(|e| e.into_inner());
            match entry.outcome.as_deref() {
                Some("error") => {
                    let verdict = repeats.error(&op, &entry.message, &entry.extra, now);
                    drop(repeats);
                    if let Some(summary) = verdict.summary_before {
                        self.emit(now, level, &summary_entry(entry.op.clone(), summary));
                    }
                    let Some(text) = verdict.write else { return };
                    if let Some(count) = text.strip_prefix(entry.message.as_str()) {
                        entry.suffix = count.to_string();
                    }
                }
                Some("ok") => {
                    if let Some(summary) = repeats.success(&op) {
                        drop(repeats);
                        let line = summary_entry(entry.op.clone(), summary);
                        self.emit(now, Level::ERROR, &line);
                    }
                }
                _ => {}
            }
        }
        self.emit(now, level, &entry);
    }
}

/// The line summarizing counted errors, under `op` and with the errors' fields.
fn summary_entry(op: Option<String>, summary: super::repeats::Summary) -> Entry {
    Entry {
        op,
        outcome: Some("error".to_string()),
        message: summary.message,
        suffix: summary.suffix,
        extra: summary.fields,
        ..Entry::default()
    }
}
