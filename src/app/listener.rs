//! Restarting the listener from the admin page, so a new port, address or certificate
//! applies without restarting the service: [`crate::state::Listener::restart`] binds the
//! new address at once (a busy port is told to the admin right away) and hands it to the
//! serving loop of [`super::Application`], which keeps its router.

use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

pub enum Rebind {
    /// Same address: keep the socket (no connection refused), reload certificate.
    Keep,
    /// Serve this listener from now on.
    New(TcpListener),
}

type Attached = Option<(mpsc::UnboundedSender<Rebind>, SocketAddr)>;

/// The link between the admin page and the running [`super::Application`].
#[derive(Default)]
pub struct ListenerControl {
    inner: Mutex<Attached>,
}

impl ListenerControl {
    pub fn attach(&self, current: SocketAddr) -> mpsc::UnboundedReceiver<Rebind> {
        let (tx, rx) = mpsc::unbounded_channel();
        *self.lock() = Some((tx, current));
        rx
    }

    pub fn set_current(&self, current: SocketAddr) {
        if let Some((_, addr)) = self.lock().as_mut() {
            *addr = current;
        }
    }

    fn lock(&self) -> MutexGuard<'_, Attached> {
        self.inner.lock().expect("listener control")
    }
}

impl crate::state::Listener for ListenerControl {
    fn current(&self) -> Option<SocketAddr> {
        self.lock().as_ref().map(|(_, a)| *a)
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
        let sent = self.lock().as_ref().map(|(tx, _)| tx.send(message).is_ok());
        if sent != Some(true) {
            anyhow::bail!("le service est en cours d'arrêt");
        }
        Ok(served)
    }
}
