//! Builds the service from a data folder and runs it: load config, bind, serve.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use tokio::net::TcpListener;

use crate::config::ConfigStore;
use crate::http::server::{self, Limits};
use crate::state::AppState;

/// What the command line decided.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Overrides `[server] host`/`port` (tests bind 127.0.0.1:0).
    pub listen: Option<SocketAddr>,
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Loads (or creates) config.ini and binds the listener; fails with a message naming
    /// the bad value or the busy port.
    pub async fn build(settings: Settings) -> Result<Application> {
        let store = ConfigStore::new(settings.data_dir.join("config.ini"));
        let (config, _) = store.load_or_create()?;
        let addr = settings
            .listen
            .unwrap_or_else(|| SocketAddr::new(config.server.host, config.server.port));
        let listener = TcpListener::bind(addr).await.with_context(|| {
            format!("impossible d'écouter sur {addr} (port déjà utilisé ? voir [server] port)")
        })?;
        let state = AppState::new(settings.data_dir, store, config);
        Ok(Application { listener, state })
    }

    /// Same, on a listener the caller already bound (tests, service managers).
    pub fn with_listener(state: AppState, listener: TcpListener) -> Application {
        Application { listener, state }
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener")
    }

    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until `shutdown` resolves.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send,
    ) -> Result<()> {
        // Invoice printing runs beside the server, never blocks it, and stops with it.
        self.state.invoices().start();
        let router = crate::http::router(self.state.clone());
        server::serve(self.listener, router, None, Limits::default(), shutdown).await;
        self.state.invoices().stop();
        Ok(())
    }
}
