//! Why a system print queue (CUPS, the Windows spooler) did not take a job: the
//! platform's own error, so the OS code needs nothing from the printer layer above it.
//! `crate::printer` maps it to its own error kinds; the text is the French one the
//! caller shows and logs.

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

/// What failed, with what the system said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueCause {
    /// The system knows no queue of that name.
    #[error("imprimante inconnue du système")]
    UnknownQueue,
    /// The queue exists but cannot be opened (or does not exist; Windows does not tell).
    #[error("imprimante inconnue ou inaccessible ({0})")]
    CannotOpen(String),
    /// CUPS' `lp` command cannot be started.
    #[error("commande lp introuvable ({0}); CUPS est-il installé ?")]
    NoLpCommand(String),
    /// `lp` refused the job, with its message.
    #[error("lp a échoué: {0}")]
    LpFailed(String),
    /// The job was not taken within the time limit.
    #[error("délai dépassé")]
    Timeout,
    /// The queue cannot print now (paused, offline, out of paper); nothing was sent.
    #[error("{0}; rien n'a été envoyé")]
    NotReady(&'static str),
    /// A spooler call failed.
    #[error("{call}: {error}")]
    Call { call: &'static str, error: String },
    /// The spooler took only part of the job (it was aborted).
    #[error("WritePrinter: {sent} octets écrits sur {total} ({error})")]
    PartlyWritten {
        sent: usize,
        total: usize,
        error: String,
    },
    /// The queue or the job reported a problem after submission; the job was cancelled.
    #[error("{problem}; travail {job} annulé")]
    JobRefused { problem: &'static str, job: u32 },
    /// The job still waited in the queue at the time limit; it was cancelled.
    #[error("le travail attend toujours dans la file après {ms} ms; travail {job} annulé")]
    JobStillWaiting { ms: u128, job: u32 },
    /// Waiting for the print command failed.
    #[error("{0}")]
    Wait(String),
}
