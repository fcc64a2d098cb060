//! Builds the service from a data folder (config, the whole state, the listener) and
//! runs the serving loop. May import every layer but `cli`, which calls it.

mod listener;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::net::TcpListener;

use crate::config::ConfigStore;
use crate::http::server::{self, ConnectionCaps, Connections, Limits, TlsTerminator};
use crate::logs::LogControl;
use crate::state::{AppState, Services};
use listener::{ListenerControl, Rebind};

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Overrides `[server] host`/`port` (tests bind 127.0.0.1:0).
    pub listen: Option<SocketAddr>,
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// The serving loop's end of [`crate::state::Listener`].
    control: Arc<ListenerControl>,
    /// HTTPS on the same port; `None` serves plain HTTP only.
    tls: Option<Arc<dyn TlsTerminator>>,
}

impl Application {
    /// Loads (or creates) config.ini and binds the listener; no log writer.
    pub async fn build(settings: Settings) -> Result<Application> {
        Self::build_logged(settings, LogControl::default()).await
    }

    /// [`Application::build`], with the log writer started by `crate::logs::init`.
    pub async fn build_logged(settings: Settings, log: LogControl) -> Result<Application> {
        let store = ConfigStore::new(settings.data_dir.join("config.ini"));
        let (config, _) = store.load_or_create()?;
        let addr = settings
            .listen
            .unwrap_or_else(|| SocketAddr::new(config.server.host, config.server.port));
        let listener = server::bind(addr).with_context(|| {
            format!("impossible d'écouter sur {addr} (port déjà utilisé ? voir [server] port)")
        })?;
        let tls =
            crate::http::tls::load_or_generate(&settings.data_dir, &config.server).map(watched);
        let tls = match (tls, config.server.cert_file.is_some()) {
            (Ok(t), _) => Some(t),
            // A configured certificate that does not load is the admin's to fix.
            (Err(e), true) => return Err(e.context("[server] cert_file / key_file")),
            (Err(e), false) => {
                op!(error, "tls.start", "error"; "HTTPS désactivé: {e:#}");
                None
            }
        };
        let control = Arc::new(ListenerControl::default());
        let services = Services {
            auth: crate::auth::Auth::load(&settings.data_dir),
            log,
            listener: control.clone(),
        };
        let state = AppState::new(settings.data_dir, store, config, services);
        Ok(Application {
            listener,
            state,
            control,
            tls,
        })
    }

    pub fn https_enabled(&self) -> bool {
        self.tls.is_some()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener")
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until `shutdown` resolves. The admin page may move the service meanwhile;
    /// the router (sessions, login counters) is kept across such restarts.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send,
    ) -> Result<()> {
        let Application {
            mut listener,
            state,
            control: listener_control,
            mut tls,
        } = self;
        let connections = Connections::new(connection_caps(raise_open_files_limit()));
        state.invoices().start();
        let router = crate::http::router(state.clone());
        let mut control = listener_control.attach(listener.local_addr()?);
        // One tracker for the whole run: connections outlive listener restarts.
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            // A duplicate, to serve the same address after a restart without a refusal.
            let std_listener = listener.into_std()?;
            let spare = std_listener.try_clone()?;
            let current = TcpListener::from_std(std_listener)?;
            let mut next = None;
            {
                let stop = async {
                    tokio::select! {
                        _ = &mut shutdown => {}
                        msg = control.recv() => next = msg,
                    }
                };
                let limits = Limits {
                    header_read_timeout: state.config().server.header_timeout,
                    ..Limits::default()
                };
                server::serve(
                    current,
                    router.clone(),
                    tls.clone(),
                    limits,
                    &connections,
                    &graceful,
                    stop,
                )
                .await;
            }
            listener = match next {
                None => {
                    drop(spare);
                    server::drain(graceful, std::time::Duration::from_secs(5)).await;
                    state.invoices().stop();
                    return Ok(());
                }
                Some(Rebind::Keep) => TcpListener::from_std(spare)?,
                Some(Rebind::New(l)) => l,
            };
            let addr = listener.local_addr()?;
            listener_control.set_current(addr);
            let config = state.config();
            match crate::http::tls::load_or_generate(state.data_dir(), &config.server) {
                Ok(t) => tls = Some(watched(t)),
                Err(e) => {
                    op!(error, "tls.start", "error"; "certificat non rechargé, l'ancien reste en service: {e:#}")
                }
            }
            op!(info, "service.restart", "ok"; "écoute redémarrée sur {addr}");
        }
    }
}

/// A TLS side whose generated leaf follows the machine's addresses.
fn watched(mut tls: crate::http::tls::RustlsTerminator) -> Arc<dyn TlsTerminator> {
    tls.watch_addresses(crate::http::tls::renew::check_period());
    Arc::new(tls)
}

/// The connection caps within `open_files` descriptors (`None`: no limit), logged once
/// so a shop can see what a flood will meet.
fn connection_caps(open_files: Option<u64>) -> ConnectionCaps {
    let caps = open_files.map_or_else(ConnectionCaps::default, |n| {
        ConnectionCaps::default().within(n)
    });
    let fds = open_files.map_or_else(|| "sans limite".to_string(), |n| n.to_string());
    op!(info, "service.limits", "ok"; "connexions: {} au plus, dont {} depuis le réseau et {} par adresse du réseau; {} réservées au poste (127.0.0.1); descripteurs de fichiers: {fds}",
        caps.total, caps.network, caps.per_address, caps.loopback_reserved);
    caps
}

/// Raises the soft `RLIMIT_NOFILE` to the hard limit (the usual 1024 ran out at about
/// 1,100 idle connections), or to macOS's `OPEN_MAX`, and returns the soft limit then.
#[cfg(unix)]
pub fn raise_open_files_limit() -> Option<u64> {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut current) } != 0 {
        let e = std::io::Error::last_os_error();
        op!(warn, "service.limits", "error"; "limite de fichiers ouverts illisible: {e}");
        return None;
    }
    const OPEN_MAX: libc::rlim_t = 10240;
    for want in [current.rlim_max, current.rlim_max.min(OPEN_MAX)] {
        if want <= current.rlim_cur {
            break;
        }
        let raised = libc::rlimit {
            rlim_cur: want,
            rlim_max: current.rlim_max,
        };
        // SAFETY: setrlimit reads one valid rlimit; the kernel checks the values.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            current.rlim_cur = want;
            break;
        }
    }
    // `rlim_t` is not u64 on every Unix target.
    #[allow(clippy::useless_conversion)]
    Some(u64::try_from(current.rlim_cur).unwrap_or(u64::MAX))
}

/// Windows has no such per-process descriptor limit.
#[cfg(not(unix))]
pub fn raise_open_files_limit() -> Option<u64> {
    None
}
