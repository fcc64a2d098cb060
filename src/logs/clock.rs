//! The log's clock: the time on every line, and when the day changes. Injectable, so
//! tests travel to 23:59:59 instead of waiting for midnight.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, Local, NaiveDate};

/// Debug builds only: the log clock starts at this RFC 3339 time.
pub const TEST_CLOCK_ENV: &str = "CASHDRAWER_TEST_CLOCK";

pub trait Clock: Send + Sync + 'static {
    /// Now, in local time with its offset.
    fn now(&self) -> DateTime<FixedOffset>;

    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

pub type SharedClock = Arc<dyn Clock>;

/// The machine's local time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Local::now().fixed_offset()
    }
}

/// Started at a chosen time (and its offset), then running at the real speed.
pub struct ShiftedClock {
    start: DateTime<FixedOffset>,
    since: Instant,
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.start + chrono::Duration::from_std(self.since.elapsed()).unwrap_or_default()
    }
}

/// The system's clock, or in debug builds the one [`TEST_CLOCK_ENV`] names.
pub fn process_clock() -> SharedClock {
    #[cfg(debug_assertions)]
    if let Ok(text) = std::env::var(TEST_CLOCK_ENV) {
        if let Ok(start) = DateTime::parse_from_rfc3339(text.trim()) {
            let since = Instant::now();
            return Arc::new(ShiftedClock { start, since });
        }
    }
    Arc::new(SystemClock)
}
