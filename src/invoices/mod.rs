//! Automatic invoice printing: PDFs downloaded into the watched folder are printed once
//! each, then removed. Owns that folder (`failed/`, `rejected/`, `printed/`) and the
//! print journal. No HTTP request ever waits for a printer: handlers read
//! [`Invoices::status`]. Layer 4: imports only `domain`, `escpos`, `atomic_file`,
//! `config`, `platform` and `logs`; never `drawer`, `odoo`, `http`, `state`, `app`, `cli`.

pub mod check;
pub mod document;
pub mod ipp;
pub mod ipps;
pub mod journal;
mod purge;
mod queue;
pub mod test_page;
pub mod transport;
mod watcher;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::config::InvoicePrinterConfig;
use journal::{Journal, Key};
pub use purge::{PurgeItem, PurgeReport};
use transport::Route;

/// Subfolders of the watched folder; never scanned.
pub const FAILED_DIR: &str = "failed";
pub const REJECTED_DIR: &str = "rejected";
pub const PRINTED_DIR: &str = "printed";

#[derive(Clone)]
pub struct Invoices {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    config: InvoicePrinterConfig,
    routes: Vec<Route>,
    runtime: Mutex<Runtime>,
    stop: watch::Sender<bool>,
    /// Before the journal is first written: the backlog rule applies then only.
    first_start: bool,
    started_at: SystemTime,
}

/// What is happening now; the journal is the part that survives restarts.
#[derive(Default)]
pub(crate) struct Runtime {
    journal: Option<Journal>,
    active: HashMap<Key, Activity>,
    /// Printed, waiting for `open_delay` before removal.
    removing: HashSet<Key>,
    /// The printer's worker, started on first use.
    queue: Option<mpsc::UnboundedSender<queue::Job>>,
    watching: bool,
    last_printed: Option<LastPrinted>,
    printed_count: u64,
    failures: Failures,
    reach: Option<Reach>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Queued,
    Printing,
}

#[derive(Debug, Clone, Serialize)]
pub struct LastPrinted {
    pub file: String,
    pub at: String,
    pub ms: u64,
    pub bytes: usize,
    pub route: String,
}

/// The printer as last seen by a print attempt (status never probes it).
#[derive(Debug, Clone, Serialize)]
pub struct Reach {
    pub reachable: bool,
    pub route: String,
    pub checked_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The live part of `/invoice-printer/status`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusSnapshot {
    pub watching: bool,
    pub routes: Vec<String>,
    pub queue_length: usize,
    pub in_progress: usize,
    pub printed: u64,
    pub last_printed: Option<LastPrinted>,
    pub failures: Failures,
    pub printer: Option<Reach>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Failures {
    pub failed_files: u64,
    pub failed_attempts: u64,
    pub rejected_files: u64,
    pub last_error: Option<String>,
}

pub(crate) fn now_text() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

impl Invoices {
    /// Loads the journal; starts nothing (see [`Invoices::start`]).
    pub fn new(data_dir: &Path, config: InvoicePrinterConfig) -> Invoices {
        let journal = Journal::load(data_dir)
            .map_err(|e| {
                op!(error, "invoice.journal", "error";
                    "journal des factures inutilisable, impression automatique arrêtée: {e:#}")
            })
            .ok();
        let first_start = journal.as_ref().is_some_and(|j| j.first_start);
        Invoices {
            shared: Arc::new(Shared {
                routes: transport::routes(&config),
                config,
                runtime: Mutex::new(Runtime {
                    journal,
                    ..Runtime::default()
                }),
                stop: watch::channel(false).0,
                first_start,
                started_at: SystemTime::now(),
            }),
        }
    }

    pub fn config(&self) -> &InvoicePrinterConfig {
        &self.shared.config
    }

    /// Starts the watcher, unless autoprint is off or the journal unusable. Returns at once.
    pub fn start(&self) {
        let shared = self.shared.clone();
        {
            let mut rt = shared.lock();
            if !shared.config.autoprint || rt.journal.is_none() || rt.watching {
                return;
            }
            rt.watching = true;
            rt.journal_do(|j| j.ensure_exists());
        }
        op!(info, "invoice.start", "ok";
            "impression automatique des factures: dossier {}, voies: {}",
            shared.config.download_folder.display(), shared.route_names().join(", "));
        tokio::spawn(watcher::run(shared));
    }

    /// Stops the watcher and the workers after their current step.
    pub fn stop(&self) {
        self.shared.stop.send_replace(true);
        self.shared.lock().watching = false;
    }

    /// Drops a one-page test invoice into the watched folder, printed like a download.
    pub fn print_test_page(&self) -> Result<std::path::PathBuf, String> {
        let config = &self.shared.config;
        if !config.autoprint {
            return Err(
                "impression automatique désactivée ([invoice_printer] autoprint = false)".into(),
            );
        }
        if !self.status().watching {
            return Err("la surveillance du dossier n'est pas active (voir le journal)".into());
        }
        let shown = config.download_folder.display();
        if !config.download_folder.is_dir() {
            return Err(format!("dossier de téléchargement introuvable: {shown}"));
        }
        let when = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
        let routes = self.shared.route_names().join(", ");
        let pdf = test_page::test_pdf(&[
            "odoo-pos-cashdrawer",
            "Test d'impression des factures / invoice test print",
            &when,
            &format!("Voies / routes: {routes}"),
        ]);
        test_page::drop_into(&config.download_folder, &pdf)
            .map_err(|e| format!("écriture dans {shown}: {e}"))
    }

    pub fn status(&self) -> StatusSnapshot {
        let rt = self.shared.lock();
        let count = |a: Activity| rt.active.values().filter(|v| **v == a).count();
        StatusSnapshot {
            watching: rt.watching,
            routes: self.shared.route_names(),
            queue_length: count(Activity::Queued),
            in_progress: count(Activity::Printing),
            printed: rt.printed_count,
            last_printed: rt.last_printed.clone(),
            failures: rt.failures.clone(),
            printer: rt.reach.clone(),
        }
    }

    /// Journal time (Unix ms) of the longest-waiting invoice of this run, for the metrics.
    pub fn oldest_waiting_ms(&self) -> Option<i64> {
        let rt = self.shared.lock();
        let journal = rt.journal.as_ref()?;
        rt.active
            .keys()
            .filter_map(|k| journal.get(k))
            .map(|e| e.time_ms)
            .min()
    }

    /// Removes the printed files still in the folder. Blocking: call from `spawn_blocking`.
    pub fn purge(&self) -> PurgeReport {
        purge::purge(&self.shared)
    }
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Runtime> {
        self.runtime.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn route_names(&self) -> Vec<String> {
        self.routes.iter().map(ToString::to_string).collect()
    }
}

impl Runtime {
    /// A failure is logged and printing goes on: a lost journal risks a reprint, no more.
    fn journal_do(&mut self, what: impl FnOnce(&mut Journal) -> anyhow::Result<()>) {
        if let Some(Err(e)) = self.journal.as_mut().map(what) {
            op!(error, "invoice.journal", "error"; "écriture du journal des factures: {e:#}");
        }
    }
}

pub(crate) async fn stopping(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Moves `path` into `folder/sub/`, adding ` (2)`, ` (3)`... if the name is taken.
pub(crate) fn move_into(path: &Path, sub: &str) -> std::io::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new(".")).join(sub);
    std::fs::create_dir_all(&dir)?;
    let mut target = dir.join(path.file_name().unwrap_or_default());
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{stem} ({n}){ext}"));
        n += 1;
    }
    std::fs::rename(path, &target)?;
    Ok(target)
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}
