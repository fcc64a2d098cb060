//! The state every handler shares, passed explicitly (no globals): cheap to clone.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::config::{Config, ConfigStore};
use crate::invoices::Invoices;
use crate::printer::{Printer, PrinterPool};

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    data_dir: PathBuf,
    store: ConfigStore,
    config: RwLock<Arc<Config>>,
    printers: PrinterPool,
    started: Instant,
    /// Restarting the listener from the admin page (issue 3).
    listener: crate::http::restart::ListenerControl,
    /// Admin sessions and login counters (issue 3), loaded on first use.
    auth: std::sync::OnceLock<Arc<crate::auth::Auth>>,
    invoices: Invoices,
    /// `[logs]` as loaded at start: the folder and file name apply at the next start
    /// (the page says so), so the log served, tailed and purged is the one written now.
    logs_at_start: crate::config::LogsConfig,
    /// Prometheus metrics (issue 16), built with the state so every hook finds them.
    metrics: crate::metrics::Metrics,
    /// One receipt picture rendered at a time (ePOS images, IoT JPEGs): CPU-bound work
    /// that must never take every core from the drawer.
    raster: tokio::sync::Semaphore,
}

impl AppState {
    pub fn new(data_dir: PathBuf, store: ConfigStore, config: Config) -> AppState {
        let invoices = Invoices::new(&data_dir, config.invoice_printer.clone());
        let logs_at_start = config.logs.clone();
        AppState {
            inner: Arc::new(Inner {
                data_dir,
                store,
                config: RwLock::new(Arc::new(config)),
                printers: PrinterPool::new(),
                started: Instant::now(),
                listener: Default::default(),
                auth: std::sync::OnceLock::new(),
                invoices,
                logs_at_start,
                metrics: crate::metrics::Metrics::new(),
                raster: tokio::sync::Semaphore::new(1),
            }),
        }
    }

    /// A snapshot of the configuration: a request sees one consistent config even if
    /// the admin saves a new one meanwhile.
    pub fn config(&self) -> Arc<Config> {
        self.inner.config.read().expect("config lock").clone()
    }

    /// Makes `config` current (after it was validated and written by [`ConfigStore`]).
    pub fn replace_config(&self, config: Config) {
        *self.inner.config.write().expect("config lock") = Arc::new(config);
    }

    pub fn store(&self) -> &ConfigStore {
        &self.inner.store
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// The log files of this run (`[logs] folder` and `filename` as loaded at start).
    pub fn log_files(&self) -> crate::logs::LogFiles {
        crate::logs::LogFiles::new(
            self.inner.data_dir.join(&self.inner.logs_at_start.folder),
            self.inner.logs_at_start.filename.clone(),
        )
    }

    pub fn printers(&self) -> &PrinterPool {
        &self.inner.printers
    }

    /// The receipt printer the drawer hangs off (`[printer] name`).
    pub fn drawer_printer(&self) -> Arc<Printer> {
        let config = self.config();
        self.inner
            .printers
            .get(&config.printer.target, config.printer.timeouts)
    }

    /// The printer called `name` in `[printers]` (its own queue, unless it is the same
    /// device as another entry), or `None` when no such name is configured.
    pub fn named_printer(&self, name: &str) -> Option<Arc<Printer>> {
        let config = self.config();
        let target = config.printers.get(name)?;
        Some(self.inner.printers.get(target, config.printer.timeouts))
    }

    /// Automatic invoice printing (watcher, queue, journal).
    pub fn invoices(&self) -> &Invoices {
        &self.inner.invoices
    }

    /// The metrics served by `/metrics`; hooks call its methods where things happen.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    /// The turn to render a receipt picture, waited for at most 10 s (then the caller
    /// answers busy): pictures are rendered one at a time.
    pub async fn raster_permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ()> {
        match tokio::time::timeout(
            std::time::Duration::from_secs(10),
            self.inner.raster.acquire(),
        )
        .await
        {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(()),
        }
    }

    pub fn uptime(&self) -> std::time::Duration {
        self.inner.started.elapsed()
    }

    pub fn listener_control(&self) -> &crate::http::restart::ListenerControl {
        &self.inner.listener
    }

    /// The admin authentication state of this data folder: one per service, shared by
    /// the admin page and the other admin-only routes (`/logs/purge`, `/logs/tail`).
    pub fn auth(&self) -> &Arc<crate::auth::Auth> {
        self.inner
            .auth
            .get_or_init(|| Arc::new(crate::auth::Auth::load(&self.inner.data_dir)))
    }
}
