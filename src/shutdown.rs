//! One shutdown future, fed by Ctrl-C, SIGTERM and the Windows service's stop request:
//! every way of stopping is graceful. Imports nothing of the crate.

use tokio::sync::watch;

/// A cloneable trigger: `trigger()` from anywhere, `wait()` in the server.
#[derive(Clone, Default)]
pub struct Shutdown {
    tx: watch::Sender<bool>,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// Resolves once `trigger` was called (immediately if it already was).
    pub fn wait(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.tx.subscribe();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }

    /// Triggers on Ctrl-C and, on Unix, SIGTERM.
    pub fn on_signals(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("SIGTERM handler");
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
            op!(info, "service.stop", "ok"; "arrêt demandé");
            this.trigger();
        });
    }
}
