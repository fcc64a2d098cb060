//! Restarting the listener from the admin page, so a new port, address or certificate
//! applies without touching the Windows service.
//!
//! The admin handler asks [`crate::state::Listener::restart`], which binds the new
//! address at once (so "port already in use" is told to the admin right away) and hands
//! the listener to the serving loop of [`super::Application`], which stops serving the
//! old one (open requests finish) and serves the new one. Sessions and login counters
//! survive: the router is not rebuilt.

use std::net::SocketAddr;
use std::sync::Mutex;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// What the running listener should do.
pub enum Rebind {
    /// Same address: keep the socket (no connection refused), reload certificate.
    Keep,
    /// Serve this listener from now on.
    New(TcpListener),
}

/// The link between the admin page and the running [`super::Application`].
#[derive(Default)]
pub struct ListenerControl {
    inner: Mutex<Option<(mpsc::UnboundedSender<Rebind>, SocketAddr)>>,
}

impl ListenerControl {
    /// Called by the application when it starts serving on `current`.
    pub fn attach(&self, current: SocketAddr) -> mpsc::UnboundedReceiver<Rebind> {
        let (tx, rx) = mpsc::unbounded_channel();
        *self.inner.lock().expect("listener control") = Some((tx, current));
        rx
    }

    pub fn set_current(&self, current: SocketAddr) {
        if let Some((_, addr)) = self.inner.lock().expect("listener control").as_mut() {
            *addr = current;
        }
    }
}

impl crate::state::Listener for ListenerControl {
    fn current(&self) -> Option<SocketAddr> {
        self.inner
            .lock()
            .expect("listener control")
            .as_ref()
            .map(|(_, a)| *a)
    }

    fn restart(&self, want: SocketAddr) -> Result<SocketAddr> {
        let current = self
            .current()
            .context("le service n'est pas démarré par l'application")?;
        let (message, served) = if want == current && want.port() != 0 {
            (Rebind::Keep, current)
        } else {
            let listener = crate::http::server::bind(want).with_context(|| {
                format!("impossible d'écouter sur {want} (port déjà utilisé ?)")
            })?;
            let served = listener.local_addr()?;
            (Rebind::New(listener), served)
        };
        let sent = self
            .inner
            .lock()
            .expect("listener control")
            .as_ref()
            .map(|(tx, _)| tx.send(message).is_ok());
        if sent != Some(true) {
            anyhow::bail!("le service est en cours d'arrêt");
        }
        Ok(served)
    }
}
