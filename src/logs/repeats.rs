//! Repeated identical errors (a printer unplugged for an hour while the POS polls it):
//! written once, then summarized ("..., 37 fois depuis 14:02") instead of flooding the
//! file or being dropped forever as the original did.
//!
//! The first error is written; identical ones for the same operation within
//! [`WINDOW`] are counted, not written; the next one after the window is written with
//! the count, and when the operation succeeds again (or fails differently) a summary of
//! the counted ones is written first (also when the service stops). Each HTTP request
//! keeps its own line regardless.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

/// How long identical errors are counted before one is written again.
pub const WINDOW: chrono::Duration = chrono::Duration::seconds(60);

/// The fields of an event besides its message (`printer=kitchen`): a summary line carries
/// those of the errors it counts.
pub type Fields = Vec<(&'static str, String)>;

struct Streak {
    message: String,
    fields: Fields,
    since: DateTime<FixedOffset>,
    count: u64,
    unwritten: u64,
    last_written: DateTime<FixedOffset>,
}

impl Streak {
    fn text(&self) -> String {
        format!(
            "{}, {} fois depuis {}",
            self.message,
            self.count,
            self.since.format("%H:%M")
        )
    }

    fn summary(&self) -> Summary {
        let text = self.text();
        Summary {
            suffix: text[self.message.len()..].to_string(),
            message: self.message.clone(),
            fields: self.fields.clone(),
        }
    }
}

/// A line that summarizes counted errors: the errors' message and fields, and the count
/// written after them (`, 5 fois depuis 14:02`).
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    pub message: String,
    pub suffix: String,
    pub fields: Fields,
}

impl Summary {
    pub fn text(&self) -> String {
        format!("{}{}", self.message, self.suffix)
    }
}

/// What to write for an error event: maybe a summary of an earlier streak first, then
/// the event's own text, or nothing when it is an counted repeat.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub summary_before: Option<Summary>,
    pub write: Option<String>,
}

#[derive(Default)]
pub struct Repeats {
    streaks: HashMap<String, Streak>,
}

impl Repeats {
    /// An error of `op` with text `message` and `fields` at `now`; the same text with
    /// other fields (another printer) is another error.
    pub fn error(
        &mut self,
        op: &str,
        message: &str,
        fields: &[(&'static str, String)],
        now: DateTime<FixedOffset>,
    ) -> Verdict {
        let mut verdict = Verdict::default();
        if let Some(streak) = self.streaks.get_mut(op) {
            if streak.message == message && streak.fields == fields {
                streak.count += 1;
                if now - streak.last_written < WINDOW {
                    streak.unwritten += 1;
                } else {
                    streak.unwritten = 0;
                    streak.last_written = now;
                    verdict.write = Some(streak.text());
                }
                return verdict;
            }
            verdict.summary_before = self.end(op);
        }
        self.streaks.insert(
            op.to_string(),
            Streak {
                message: message.to_string(),
                fields: fields.to_vec(),
                since: now,
                count: 1,
                unwritten: 0,
                last_written: now,
            },
        );
        verdict.write = Some(message.to_string());
        verdict
    }

    /// A success of `op`: ends its streak; returns the summary to write when some
    /// repeats were counted and not written.
    pub fn success(&mut self, op: &str) -> Option<Summary> {
        self.end(op)
    }

    /// Ends every streak (the service stops): the summaries still to write, by op.
    pub fn drain(&mut self) -> Vec<(String, Summary)> {
        let mut ops: Vec<String> = self.streaks.keys().cloned().collect();
        ops.sort();
        ops.into_iter()
            .filter_map(|op| self.end(&op).map(|s| (op, s)))
            .collect()
    }

    fn end(&mut self, op: &str) -> Option<Summary> {
        let streak = self.streaks.remove(op)?;
        (streak.unwritten > 0).then(|| streak.summary())
    }
}
