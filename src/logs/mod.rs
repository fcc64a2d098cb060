//! The operations log: one line per event ([`line`](mod@line)), written by a background
//! thread, rotated at local midnight, pruned after `[logs] retention_days`; also to
//! journald ([`journald`]) or stderr, and on Windows the Event Log ([`event_log`]). Other
//! modules only emit `tracing` events (`op`, `outcome`, `ms`, `peer`; caller text through
//! [`escape`]). Must not import the layers above (no HTTP, no service state).

pub mod clock;
pub mod event_log;
pub mod flood;
pub mod journald;
pub mod line;
pub mod repeats;
pub mod rotate;
pub mod tail;
pub mod writer;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use ini::Ini;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub use clock::{Clock, SharedClock, TEST_CLOCK_ENV};
pub use rotate::{LogFile, LogFiles};
pub use writer::LogGuard;

use crate::config::Config;

/// Escapes controls and backslashes, so caller text cannot imitate another entry.
pub fn escape(text: &str) -> String {
    line::escaped(text, true)
}

/// The log files of a data folder (`[logs] folder` is relative to it unless absolute).
pub fn log_files(data_dir: &Path, logs: &crate::config::LogsConfig) -> LogFiles {
    LogFiles::new(data_dir.join(&logs.folder), logs.filename.clone())
}

struct Control {
    sink: writer::Sink,
    clock: SharedClock,
}

/// The running writer; the default one has none (nothing to flush, nothing lost).
#[derive(Clone, Default)]
pub struct LogControl(Option<Arc<Control>>);

/// Opens the log, starts the writer, installs the subscriber (once). Keep the guard.
pub fn init(data_dir: &Path, config: &Config) -> anyhow::Result<(LogControl, LogGuard)> {
    let clock = clock::process_clock();
    let files = log_files(data_dir, &config.logs);
    let current = files.current();
    let (file, rotation) = rotate::RotatingFile::open(files, clock.today())
        .with_context(|| format!("ouverture du journal {}", current.display()))?;
    let retention_days = Arc::new(AtomicU32::new(config.logs.retention_days));
    let format = config.logs.format;
    // Under systemd, stderr would only repeat the journal's events as plain text.
    let journal = journald::Journald::detect();
    let echo_stderr = journal.is_none();
    let (sink, guard) = writer::spawn(file, clock.clone(), retention_days, echo_stderr, format)
        .context("démarrage du fil d'écriture du journal")?;
    let layer = line::LineLayer {
        clock: clock.clone(),
        sink: sink.clone(),
        format,
        journal,
        repeats: Default::default(),
        refusals: Default::default(),
    };
    #[cfg(windows)]
    let event_log = event_log::windows_layer();
    #[cfg(not(windows))]
    let event_log: Option<tracing_subscriber::layer::Identity> = None;
    let registry = tracing_subscriber::registry().with(layer);
    let _ = registry.with(event_log).try_init();
    let control = LogControl(Some(Arc::new(Control { sink, clock })));
    if !echo_stderr {
        op!(info, "logs.journald", "ok";
            "événements envoyés au journal de systemd (journald), champs OP, OUTCOME, PEER, MS");
    }
    if let Some(name) = rotation.archived {
        op!(info, "logs.rotate", "ok";
            "journal d'un jour précédent archivé au démarrage dans {name}");
    }
    Ok((control, guard))
}

impl LogControl {
    /// Today for the log: the writer's clock when it runs, the local date otherwise.
    pub fn today(&self) -> chrono::NaiveDate {
        self.0
            .as_ref()
            .map_or_else(|| clock::SystemClock.today(), |c| c.clock.today())
    }

    /// Waits (at most `within`) until the lines logged so far are in the file.
    pub fn flush(&self, within: Duration) -> bool {
        self.0.as_ref().is_some_and(|c| c.sink.flush(within))
    }

    /// Lines lost since the start (`cashdrawer_log_write_failures_total`).
    pub fn write_failures(&self) -> u64 {
        self.0.as_ref().map_or(0, |c| c.sink.failures())
    }
}

/// `section.key` of each key changed; the password hash and salt as `auth.password`.
pub fn changed_keys(old: &Ini, new: &Ini) -> Vec<String> {
    let value =
        |ini: &Ini, s: Option<&str>, k: &str| ini.get_from(s, k).map(str::trim).map(str::to_string);
    let mut names = BTreeSet::new();
    for (a, b) in [(old, new), (new, old)] {
        for (section, props) in a.iter() {
            for (key, _) in props.iter() {
                if value(a, section, key) != value(b, section, key) {
                    let section = section.unwrap_or("");
                    names.insert(match (section, key) {
                        ("auth", "password_hash" | "salt") => "auth.password".to_string(),
                        _ => format!("{}.{}", escape(section), escape(key)),
                    });
                }
            }
        }
    }
    names.into_iter().collect()
}
