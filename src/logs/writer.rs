//! The writer thread: lines arrive through a bounded channel and are appended to the
//! file (and echoed to stderr) by one background thread, so a request never waits for
//! the disk, and lines never interleave.
//!
//! When the channel is full (the disk hangs), lines are counted and the count is
//! written as soon as there is room again: the request still does not wait.

use std::io::Write;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tracing::Level;

use super::clock::SharedClock;
use super::line::Entry;
use super::rotate::{RotatingFile, Rotation};
use crate::domain::LogFormat;

/// Lines waiting for the disk before new ones are counted instead of queued.
pub const CHANNEL_CAPACITY: usize = 16 * 1024;

/// After writing what was waiting, the thread rests this long before it waits for the
/// channel again. Without it, every request woke the thread (a futex wake, a context
/// switch and a write() per line): on one keep-alive connection that was a large part
/// of each request's cost. Lines sent meanwhile simply queue (no wake-up), and are
/// written together. When traffic stops, the thread goes back to waiting on the
/// channel: no polling when idle.
const COALESCE: Duration = Duration::from_millis(2);

/// Longest sleep of the writer thread with nothing to write: it wakes up at the next
/// local midnight to rotate even without traffic, and at least this often so that a
/// clock change (DST, an admin fixing the time) is noticed. No busy polling when idle.
const MAX_IDLE: Duration = Duration::from_secs(60);

/// Time until the clock's next midnight, within [10 ms, MAX_IDLE].
fn until_midnight(clock: &dyn super::clock::Clock) -> Duration {
    let now = clock.now();
    let next = now
        .date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t - now.naive_local());
    next.and_then(|d| d.to_std().ok())
        .map(|d| d + Duration::from_millis(10))
        .unwrap_or(MAX_IDLE)
        .clamp(Duration::from_millis(10), MAX_IDLE)
}

pub enum Msg {
    Line { day: NaiveDate, text: String },
    Flush(SyncSender<()>),
    Stop,
}

/// The sending side, held by the tracing layer.
#[derive(Clone)]
pub struct Sink {
    pub tx: SyncSender<Msg>,
    pub dropped: Arc<AtomicU64>,
    /// Lines lost since the start, to the full channel or to write errors (the
    /// `cashdrawer_log_write_failures_total` metric); shared with the worker.
    pub failures: Arc<AtomicU64>,
    /// `[logs] format`, for the lines the writer writes itself.
    pub format: LogFormat,
}

impl Sink {
    /// Queues a line without ever blocking.
    pub fn send(&self, time: DateTime<FixedOffset>, text: String) {
        let day = time.date_naive();
        let lost = self.dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            let message = format!("{lost} ligne(s) de journal perdue(s): écriture trop lente");
            let entry = Entry::own("logs.write", "error", message);
            let notice = self.format.line(time, Level::WARN, &entry);
            if self.tx.try_send(Msg::Line { day, text: notice }).is_err() {
                self.dropped.fetch_add(lost, Ordering::Relaxed);
            }
        }
        match self.tx.try_send(Msg::Line { day, text }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                self.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A line another destination (journald) did not take.
    pub fn count_lost(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Lines lost since the start (channel full, or the file could not be written).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Waits (at most `within`) until every line queued so far is on disk.
    pub fn flush(&self, within: Duration) -> bool {
        let (ack, done) = mpsc::sync_channel(1);
        if self.tx.try_send(Msg::Flush(ack)).is_err() {
            return false;
        }
        done.recv_timeout(within).is_ok()
    }
}

/// Stops the thread when dropped, after it wrote every queued line.
pub struct LogGuard {
    tx: SyncSender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the writer thread on an opened file.
pub fn spawn(
    file: RotatingFile,
    clock: SharedClock,
    retention_days: Arc<AtomicU32>,
    echo_stderr: bool,
    format: LogFormat,
) -> std::io::Result<(Sink, LogGuard)> {
    let (tx, rx) = mpsc::sync_channel(CHANNEL_CAPACITY);
    let failures = Arc::new(AtomicU64::new(0));
    let mut worker = Worker {
        failures: failures.clone(),
        format,
        file,
        clock,
        retention_days,
        echo_stderr,
        failed: false,
        lost: 0,
    };
    let thread = std::thread::Builder::new()
        .name("cashdrawer-log".into())
        .spawn(move || {
            worker.retention();
            loop {
                match rx.recv_timeout(until_midnight(worker.clock.as_ref())) {
                    Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                    Ok(msg) => {
                        let mut stop = worker.handle(msg);
                        // Drain what else is waiting, then flush once.
                        while !stop {
                            match rx.try_recv() {
                                Ok(Msg::Stop) => stop = true,
                                Ok(msg) => stop = worker.handle(msg),
                                Err(_) => break,
                            }
                        }
                        worker.flush();
                        if stop {
                            break;
                        }
                        std::thread::sleep(COALESCE);
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        let today = worker.clock.today();
                        let rolled = worker.file.roll_to(today);
                        worker.after_write(rolled);
                        worker.flush();
                    }
                }
            }
            worker.flush();
        })?;
    let sink = Sink {
        tx: tx.clone(),
        dropped: Arc::default(),
        failures,
        format,
    };
    Ok((
        sink,
        LogGuard {
            tx,
            thread: Some(thread),
        },
    ))
}

struct Worker {
    file: RotatingFile,
    clock: SharedClock,
    retention_days: Arc<AtomicU32>,
    echo_stderr: bool,
    /// A write error was reported on stderr; reported again only after a line was
    /// written again.
    failed: bool,
    /// Lines not written since the failure (said in the log once writing works again).
    lost: u64,
    /// Every line not written since the start (see [`Sink::failures`]).
    failures: Arc<AtomicU64>,
    format: LogFormat,
}

impl Worker {
    /// Returns true when the thread must stop.
    fn handle(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Line { day, text } => {
                if self.echo_stderr {
                    let _ = std::io::stderr().lock().write_all(text.as_bytes());
                }
                let written = self.file.write_line(day, text.as_bytes());
                let ok = written.is_ok();
                self.after_write(written);
                if ok {
                    self.recovered();
                } else {
                    self.lost += 1;
                    self.failures.fetch_add(1, Ordering::Relaxed);
                }
                false
            }
            Msg::Flush(ack) => {
                let rolled = self.file.roll_to(self.clock.today());
                self.after_write(rolled);
                self.flush();
                let _ = ack.send(());
                false
            }
            Msg::Stop => true,
        }
    }

    fn after_write(&mut self, result: std::io::Result<Option<Rotation>>) {
        match result {
            Ok(Some(rotation)) => {
                if let Some(name) = rotation.archived {
                    self.own_line(
                        Level::INFO,
                        "logs.rotate",
                        "ok",
                        format!("journal de la veille archivé dans {name}"),
                    );
                }
                self.retention();
            }
            // Nothing was written: a tick or a flush must not clear `failed`, or a
            // full disk would be reported again every half second.
            Ok(None) => {}
            Err(e) => {
                if !self.failed {
                    eprintln!(
                        "journal: écriture impossible dans {}: {e}",
                        self.file.files().current().display()
                    );
                }
                self.failed = true;
            }
        }
    }

    /// A line was written after a failure: says so on stderr and in the log, with the
    /// number of lines lost meanwhile, so a reader knows the log has a hole and why.
    fn recovered(&mut self) {
        if !self.failed {
            return;
        }
        self.failed = false;
        let lost = std::mem::take(&mut self.lost);
        let path = self.file.files().current();
        eprintln!(
            "journal: écriture rétablie dans {} ({lost} ligne(s) perdue(s))",
            path.display()
        );
        self.own_line(
            Level::WARN,
            "logs.write",
            "error",
            format!(
                "{lost} ligne(s) du journal perdue(s): écriture impossible dans {} (disque plein ou en lecture seule?), rétablie",
                path.display()
            ),
        );
    }

    /// Deletes the files older than `[logs] retention_days` and says so in the log.
    fn retention(&mut self) {
        let days = self.retention_days.load(Ordering::Relaxed);
        let today = self.clock.today();
        match self.file.files().apply_retention(today, days) {
            Ok(deleted) if deleted.is_empty() => {}
            Ok(deleted) => self.own_line(
                Level::INFO,
                "logs.retention",
                "ok",
                format!(
                    "{} fichier(s) de plus de {days} jours supprimé(s): {}",
                    deleted.len(),
                    deleted.join(", ")
                ),
            ),
            Err(e) => self.own_line(
                Level::ERROR,
                "logs.retention",
                "error",
                format!("suppression des anciens journaux impossible: {e}"),
            ),
        }
    }

    fn own_line(&mut self, level: Level, op: &str, outcome: &str, message: String) {
        let now = self.clock.now();
        let text = self
            .format
            .line(now, level, &Entry::own(op, outcome, message));
        if self.echo_stderr {
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
        if let Err(e) = self.file.write_line(now.date_naive(), text.as_bytes()) {
            eprintln!("journal: écriture impossible: {e}");
        }
    }

    fn flush(&mut self) {
        let _ = self.file.flush();
    }
}
