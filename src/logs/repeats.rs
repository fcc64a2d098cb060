//! Repeated identical errors (a printer unplugged while the POS polls it): the first is
//! written, the same ones for that op within [`WINDOW`] counted, the next after it written
//! with the count ("..., 37 fois depuis 14:02"); a success, another error or the stop
//! writes a summary of the counted ones. HTTP request lines are never summarized.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

/// How long identical errors are counted before one is written again.
pub const WINDOW: chrono::Duration = chrono::Duration::seconds(60);

/// An event's fields besides its message (`printer=kitchen`).
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
    /// `, 37 fois depuis 14:02`
    fn suffix(&self) -> String {
        let (count, since) = (self.count, self.since.format("%H:%M"));
        format!(", {count} fois depuis {since}")
    }
}

/// The errors' message and fields, and the count after them (`, 5 fois depuis 14:02`).
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

/// Maybe a summary first, then the error's text (none for a counted repeat).
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
    /// The same text with other fields (another printer) is another error.
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
                    verdict.write = Some(format!("{}{}", streak.message, streak.suffix()));
                }
                return verdict;
            }
            verdict.summary_before = self.success(op);
        }
        let streak = Streak {
            message: message.to_string(),
            fields: fields.to_vec(),
            since: now,
            count: 1,
            unwritten: 0,
            last_written: now,
        };
        self.streaks.insert(op.to_string(), streak);
        verdict.write = Some(message.to_string());
        verdict
    }

    /// Ends the streak of `op`: the summary to write, if repeats were counted.
    pub fn success(&mut self, op: &str) -> Option<Summary> {
        let streak = self.streaks.remove(op)?;
        (streak.unwritten > 0).then(|| Summary {
            suffix: streak.suffix(),
            message: streak.message,
            fields: streak.fields,
        })
    }

    /// Ends every streak (the service stops): the summaries to write, by op.
    pub fn drain(&mut self) -> Vec<(String, Summary)> {
        let mut ops: Vec<String> = self.streaks.keys().cloned().collect();
        ops.sort();
        ops.into_iter()
            .filter_map(|op| self.success(&op).map(|s| (op, s)))
            .collect()
    }
}
