//! Why a system print queue (CUPS, the Windows spooler) did not take a job: the
//! platform's own error, which the printer layer above maps to its kinds.

use std::fmt;

/// The print system that refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueSystem {
    Cups,
    WindowsSpooler,
}

impl fmt::Display for QueueSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QueueSystem::Cups => "CUPS",
            QueueSystem::WindowsSpooler => "spouleur Windows",
        })
    }
}

/// A job that queue `queue` of `system` did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("imprimante {queue} ({system}): {cause}")]
pub struct QueueError {
    pub queue: String,
    pub system: QueueSystem,
    pub cause: QueueCause,
}

/// What failed, with what the system said. Windows does not tell an unknown queue from
/// one it cannot open ([`QueueCause::CannotOpen`]); [`QueueCause::NotReady`] sent
/// nothing; the `Job…` ones were submitted, then cancelled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueCause {
    #[error("imprimante inconnue du système")]
    UnknownQueue,
    #[error("imprimante inconnue ou inaccessible ({0})")]
    CannotOpen(String),
    #[error("commande lp introuvable ({0}); CUPS est-il installé ?")]
    NoLpCommand(String),
    #[error("lp a échoué: {0}")]
    LpFailed(String),
    #[error("délai dépassé")]
    Timeout,
    #[error("{0}; rien n'a été envoyé")]
    NotReady(&'static str),
    #[error("{call}: {error}")]
    Call { call: &'static str, error: String },
    #[error("WritePrinter: {sent} octets écrits sur {total} ({error})")]
    PartlyWritten {
        sent: usize,
        total: usize,
        error: String,
    },
    #[error("{problem}; travail {job} annulé")]
    JobRefused { problem: &'static str, job: u32 },
    #[error("le travail attend toujours dans la file après {ms} ms; travail {job} annulé")]
    JobStillWaiting { ms: u128, job: u32 },
    #[error("{0}")]
    Wait(String),
}
