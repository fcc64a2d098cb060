//! The log's clock: the time stamped on every line and the one that decides when the
//! day changes. Injectable so tests travel to 23:59:59 instead of waiting for midnight.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, Local, NaiveDate};

/// Debug builds only: start the log clock at this RFC 3339 time (it then runs at the
/// normal speed). Lets a process test cross a midnight; ignored by release builds.
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

/// A clock started at a chosen time, then running at the real speed, in the offset of
/// the chosen time.
pub struct ShiftedClock {
    start: DateTime<FixedOffset>,
    since: Instant,
}

impl ShiftedClock {
    pub fn starting_at(start: DateTime<FixedOffset>) -> ShiftedClock {
        ShiftedClock {
            start,
            since: Instant::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.start + chrono::Duration::from_std(self.since.elapsed()).unwrap_or_default()
    }
}

/// The clock of this process: the system's, or in debug builds the one named by
/// [`TEST_CLOCK_ENV`].
pub fn process_clock() -> SharedClock {
    #[cfg(debug_assertions)]
    if let Ok(text) = std::env::var(TEST_CLOCK_ENV) {
        if let Ok(start) = DateTime::parse_from_rfc3339(text.trim()) {
            return Arc::new(ShiftedClock::starting_at(start));
        }
    }
    Arc::new(SystemClock)
}
