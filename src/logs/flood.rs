//! Refusal lines are bounded, so a refused caller's loop cannot fill the disk: each
//! caller gets [`PER_CALLER`] a minute, all together [`TOTAL`]; the next line after the
//! minute says how many were not written. Every refusal is still answered and counted.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

/// Lines per caller and minute.
pub const PER_CALLER: u32 = 20;
/// Lines per minute, all callers together.
pub const TOTAL: u32 = 200;
/// Callers followed at once; beyond, new callers share one budget.
pub const CALLERS: usize = 1024;
const WINDOW: chrono::Duration = chrono::Duration::seconds(60);
const SHARED: &str = "*";

pub struct Budget {
    since: DateTime<FixedOffset>,
    written: u32,
    skipped: u64,
}

impl Budget {
    fn new(now: DateTime<FixedOffset>) -> Budget {
        Budget {
            since: now,
            written: 0,
            skipped: 0,
        }
    }
}

#[derive(Default)]
pub struct Refusals {
    pub callers: HashMap<String, Budget>,
    total: Option<Budget>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Write it, after this summary of unwritten refusals if any.
    Write(Option<String>),
    Skip,
}

impl Refusals {
    pub fn refusal(&mut self, caller: &str, now: DateTime<FixedOffset>) -> Decision {
        let known = self.callers.contains_key(caller) || self.callers.len() < CALLERS;
        let key = if known { caller } else { SHARED };
        let total = self.total.get_or_insert_with(|| Budget::new(now));
        if now - total.since >= WINDOW {
            *total = Budget::new(now);
        }
        let budget = self
            .callers
            .entry(key.to_string())
            .or_insert_with(|| Budget::new(now));
        let mut summary = None;
        if now - budget.since >= WINDOW {
            summary = (budget.skipped > 0).then(|| {
                format!(
                    "{} refus de {key} non écrits depuis {} (trop nombreux: {PER_CALLER} lignes \
                     par minute et par appelant, {TOTAL} en tout)",
                    budget.skipped,
                    budget.since.format("%H:%M:%S")
                )
            });
            *budget = Budget::new(now);
        }
        if budget.written >= PER_CALLER || total.written >= TOTAL {
            budget.skipped += 1;
            return Decision::Skip;
        }
        budget.written += 1;
        total.written += 1;
        // Forget the callers whose minute is over and who owe no summary.
        if self.callers.len() >= CALLERS {
            self.callers
                .retain(|_, b| b.skipped > 0 || now - b.since < WINDOW);
        }
        Decision::Write(summary)
    }
}
