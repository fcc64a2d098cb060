//! The state every handler shares (no globals): cheap to clone, built whole at start.
//! Owns the [`Listener`] trait the serving loop implements; must not import `http`,
//! `app` or `cli`: what they lend it comes in through [`Services`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::auth::Auth;
use crate::config::{Config, ConfigStore};
use crate::invoices::Invoices;
use crate::logs::LogControl;
use crate::printer::{Printer, PrinterPool};

/// The running listener as handlers see it; the defaults are a state nothing serves
/// (one-shot commands such as `open-drawer`).
pub trait Listener: Send + Sync {
    /// The address served now; `None` when nothing serves this state.
    fn current(&self) -> Option<SocketAddr> {
        None
    }

    /// Moves the service to `want` (port 0 = any free port); returns the address served.
    fn restart(&self, _want: SocketAddr) -> anyhow::Result<SocketAddr> {
        anyhow::bail!("le service n'est pas démarré par l'application")
    }
}

struct NotServed;
impl Listener for NotServed {}

pub struct Services {
    pub auth: Auth,
    pub log: LogControl,
    pub listener: Arc<dyn Listener>,
}

impl Services {
    /// For a state nothing serves: sessions in memory only, no log writer, no listener.
    pub fn offline() -> Services {
        Services {
            auth: Auth::in_memory(),
            log: LogControl::default(),
            listener: Arc::new(NotServed),
        }
    }
}

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
    services: Services,
    invoices: Invoices,
    /// `[logs]` as loaded at start: the log served and purged is the one written now.
    logs_at_start: crate::config::LogsConfig,
    metrics: crate::metrics::Metrics,
    /// One receipt picture rendered at a time: it must never take every core.
    raster: tokio::sync::Semaphore,
}

impl AppState {
    pub fn new(
        data_dir: PathBuf,
        store: ConfigStore,
        config: Config,
        services: Services,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                invoices: Invoices::new(&data_dir, config.invoice_printer.clone()),
                logs_at_start: config.logs.clone(),
                data_dir,
                store,
                config: RwLock::new(Arc::new(config)),
                printers: PrinterPool::new(),
                started: Instant::now(),
                services,
                metrics: crate::metrics::Metrics::new(),
                raster: tokio::sync::Semaphore::new(1),
            }),
        }
    }

    /// A snapshot: a request sees one config even if the admin saves one meanwhile.
    pub fn config(&self) -> Arc<Config> {
        self.inner.config.read().expect("config lock").clone()
    }

    /// Makes `config` (validated and written by [`ConfigStore`]) current.
    pub fn replace_config(&self, config: Config) {
        *self.inner.config.write().expect("config lock") = Arc::new(config);
    }

    pub fn store(&self) -> &ConfigStore {
        &self.inner.store
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    pub fn log_files(&self) -> crate::logs::LogFiles {
        crate::logs::log_files(&self.inner.data_dir, &self.inner.logs_at_start)
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

    pub fn named_printer(&self, name: &str) -> Option<Arc<Printer>> {
        let config = self.config();
        let target = config.printers.get(name)?;
        Some(self.inner.printers.get(target, config.printer.timeouts))
    }

    pub fn invoices(&self) -> &Invoices {
        &self.inner.invoices
    }

    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    /// The turn to render a receipt picture, waited for at most 10 s (then: busy).
    pub async fn raster_permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ()> {
        let permit = self.inner.raster.acquire();
        match tokio::time::timeout(std::time::Duration::from_secs(10), permit).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(()),
        }
    }

    pub fn uptime(&self) -> std::time::Duration {
        self.inner.started.elapsed()
    }

    pub fn listener_control(&self) -> &dyn Listener {
        &*self.inner.services.listener
    }

    /// The admin authentication state: one per service, for every admin-only route.
    pub fn auth(&self) -> &Auth {
        &self.inner.services.auth
    }

    pub fn log(&self) -> &LogControl {
        &self.inner.services.log
    }

    /// The admin password hash in force: the file's (`set-password` may have changed it
    /// while the service runs), which the running configuration then takes.
    pub fn password_hash(&self) -> String {
        let in_memory = self.config().auth.password_hash.clone();
        match crate::auth::password::hash_on_disk(self.store()) {
            Some(h) if h != in_memory => {
                let mut config = (*self.config()).clone();
                config.auth.password_hash = h.clone();
                self.replace_config(config);
                h
            }
            _ => in_memory,
        }
    }
}
