//! The writer thread: lines come through a bounded channel and one thread appends them
//! (and echoes them to stderr), so a request never waits for the disk and lines never
//! interleave. A full channel (a hung disk) counts lines, and says so once there is room.

use std::io::Write;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tracing::Level;

use super::clock::SharedClock;
use super::line::Entry;
use super::rotate::{RotatingFile, Rotation};
use crate::domain::LogFormat;

/// Lines queued before new ones are counted instead.
pub const CHANNEL_CAPACITY: usize = 16 * 1024;

/// A rest after each write: lines sent meanwhile queue without waking the thread.
const COALESCE: Duration = Duration::from_millis(2);

/// Longest idle sleep (a clock change is noticed); midnight wakes it too.
const MAX_IDLE: Duration = Duration::from_secs(60);

fn until_midnight(clock: &dyn super::clock::Clock) -> Duration {
    let now = clock.now();
    let next = now
        .date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0));
    next.and_then(|t| (t - now.naive_local()).to_std().ok())
        .map(|d| d + Duration::from_millis(10))
        .unwrap_or(MAX_IDLE)
        .clamp(Duration::from_millis(10), MAX_IDLE)
}

pub enum Msg {
    Line { day: NaiveDate, text: String },
    Flush(SyncSender<()>),
    Stop,
}

#[derive(Clone)]
pub struct Sink {
    pub tx: SyncSender<Msg>,
    pub dropped: Arc<AtomicU64>,
    /// Lines lost since the start (`cashdrawer_log_write_failures_total`).
    pub failures: Arc<AtomicU64>,
    /// `[logs] format`, for the lines the writer writes itself.
    pub format: LogFormat,
}

impl Sink {
    /// Never blocks.
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
        if self.tx.try_send(Msg::Line { day, text }).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A line another destination (journald) did not take.
    pub fn count_lost(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

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

/// Dropped: the thread writes what is queued, then stops.
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
                        while !stop {
                            let Ok(msg) = rx.try_recv() else { break };
                            stop = worker.handle(msg);
                        }
                        worker.flush();
                        if stop {
                            break;
                        }
                        std::thread::sleep(COALESCE);
                    }
                    Err(RecvTimeoutError::Timeout) => worker.roll(),
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
    let guard = LogGuard {
        tx,
        thread: Some(thread),
    };
    Ok((sink, guard))
}

struct Worker {
    file: RotatingFile,
    clock: SharedClock,
    retention_days: Arc<AtomicU32>,
    echo_stderr: bool,
    /// A write error was reported; reported again only after a line was written.
    failed: bool,
    /// Lines not written since the failure.
    lost: u64,
    failures: Arc<AtomicU64>,
    format: LogFormat,
}

impl Worker {
    /// True when the thread must stop.
    fn handle(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Line { day, text } => {
                self.echo(&text);
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
                self.roll();
                let _ = ack.send(());
                false
            }
            Msg::Stop => true,
        }
    }

    /// Rotates if the day changed, then flushes.
    fn roll(&mut self) {
        let rolled = self.file.roll_to(self.clock.today());
        self.after_write(rolled);
        self.flush();
    }

    fn echo(&self, text: &str) {
        if self.echo_stderr {
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
    }

    fn after_write(&mut self, result: std::io::Result<Option<Rotation>>) {
        match result {
            Ok(Some(rotation)) => {
                if let Some(name) = rotation.archived {
                    let message = format!("journal de la veille archivé dans {name}");
                    self.own_line(Level::INFO, "logs.rotate", "ok", message);
                }
                self.retention();
            }
            // A tick or a flush must not clear `failed` (a full disk reported each tick).
            Ok(None) => {}
            Err(e) => {
                if !self.failed {
                    let path = self.file.files().current();
                    eprintln!("journal: écriture impossible dans {}: {e}", path.display());
                }
                self.failed = true;
            }
        }
    }

    /// Writing works again: says so, with the lines lost, so a reader knows of the hole.
    fn recovered(&mut self) {
        if !self.failed {
            return;
        }
        self.failed = false;
        let lost = std::mem::take(&mut self.lost);
        let path = self.file.files().current();
        let shown = path.display();
        eprintln!("journal: écriture rétablie dans {shown} ({lost} ligne(s) perdue(s))");
        let message = format!(
            "{lost} ligne(s) du journal perdue(s): écriture impossible dans {shown} (disque plein ou en lecture seule?), rétablie"
        );
        self.own_line(Level::WARN, "logs.write", "error", message);
    }

    /// Deletes the files older than `[logs] retention_days`.
    fn retention(&mut self) {
        let days = self.retention_days.load(Ordering::Relaxed);
        let today = self.clock.today();
        match self.file.files().apply_retention(today, days) {
            Ok(deleted) if deleted.is_empty() => {}
            Ok(deleted) => {
                let (n, names) = (deleted.len(), deleted.join(", "));
                let message =
                    format!("{n} fichier(s) de plus de {days} jours supprimé(s): {names}");
                self.own_line(Level::INFO, "logs.retention", "ok", message);
            }
            Err(e) => {
                let message = format!("suppression des anciens journaux impossible: {e}");
                self.own_line(Level::ERROR, "logs.retention", "error", message);
            }
        }
    }

    fn own_line(&mut self, level: Level, op: &str, outcome: &str, message: String) {
        let now = self.clock.now();
        let text = self
            .format
            .line(now, level, &Entry::own(op, outcome, message));
        self.echo(&text);
        if let Err(e) = self.file.write_line(now.date_naive(), text.as_bytes()) {
            eprintln!("journal: écriture impossible: {e}");
        }
    }

    fn flush(&mut self) {
        let _ = self.file.flush();
    }
}
