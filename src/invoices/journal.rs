//! The print journal: one entry per invoice (name, size, SHA-256, state, time), rewritten
//! atomically at each change, so that after a crash or a restart a printed file is never
//! printed again and an unconfirmed one is.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub const JOURNAL_FILE: &str = "invoices-journal.json";

/// Finished entries ([`JobState::finished`]) older than this are forgotten.
const KEEP_FINISHED_MS: i64 = 30 * 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    /// Being sent: unconfirmed, so printed again after a crash.
    Printing,
    /// The printer took it; the file awaits removal.
    Printed,
    /// Printed and removed (or moved to `printed/`).
    Done,
    /// Moved to `failed/`.
    Failed,
    /// Moved to `rejected/`.
    Rejected,
    /// Old at the first start: never printed.
    Stale,
}

impl JobState {
    /// Not confirmed: to print after a restart.
    pub fn unconfirmed(self) -> bool {
        matches!(self, JobState::Queued | JobState::Printing)
    }

    /// The file left the folder: forgotten after a while (`Stale` must never print: kept).
    pub fn finished(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed | JobState::Rejected)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub state: JobState,
    /// Unix ms of the last change of state.
    pub time_ms: i64,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The same name with other content is another invoice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub name: String,
    pub sha256: String,
}

impl Entry {
    /// Stamped now, no attempt, no error.
    pub fn new(name: String, size: u64, sha256: String, state: JobState) -> Entry {
        Entry {
            name,
            size,
            sha256,
            state,
            time_ms: now_ms(),
            attempts: 0,
            error: None,
        }
    }

    pub fn key(&self) -> Key {
        Key {
            name: self.name.clone(),
            sha256: self.sha256.clone(),
        }
    }

    fn is(&self, key: &Key) -> bool {
        self.name == key.name && self.sha256 == key.sha256
    }
}

pub struct Journal {
    path: PathBuf,
    entries: Vec<Entry>,
    /// No journal existed: the first start on this data folder.
    pub first_start: bool,
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Journal {
    /// An unreadable journal is renamed `.corrupt` and counts as existing (backlog rule).
    pub fn load(data_dir: &Path) -> Result<Journal> {
        let path = data_dir.join(JOURNAL_FILE);
        let (entries, first_start) = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<Vec<Entry>>(&bytes) {
                Ok(entries) => (entries, false),
                Err(e) => {
                    let aside = path.with_extension("json.corrupt");
                    op!(error, "invoice.journal", "error";
                        "journal des factures illisible ({e}), mis de côté dans {}",
                        aside.display());
                    std::fs::rename(&path, &aside).context("mise de côté du journal")?;
                    (Vec::new(), false)
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), true),
            Err(e) => return Err(e).with_context(|| format!("lecture de {}", path.display())),
        };
        Ok(Journal {
            path,
            entries,
            first_start,
        })
    }

    /// Writes the journal if missing, so the next start is no first start.
    pub fn ensure_exists(&mut self) -> Result<()> {
        if self.path.exists() {
            return Ok(());
        }
        self.save()
    }

    pub fn get(&self, key: &Key) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.is(key))
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Records `entry` (replacing the one with the same key) and writes the journal.
    pub fn record(&mut self, entry: Entry) -> Result<()> {
        self.entries
            .retain(|e| !(e.name == entry.name && e.sha256 == entry.sha256));
        self.entries.push(entry);
        self.save()
    }

    /// Changes the state of `key`, if known, and writes the journal.
    pub fn set_state(&mut self, key: &Key, state: JobState, error: Option<String>) -> Result<()> {
        if let Some(e) = self.entries.iter_mut().rev().find(|e| e.is(key)) {
            e.state = state;
            e.time_ms = now_ms();
            e.attempts += u32::from(state == JobState::Printing);
            e.error = error.or(e.error.take());
        }
        self.save()
    }

    /// Marks `done` each `printed` entry whose file is gone; writes only on a change.
    pub fn finish_removed(&mut self, present: impl Fn(&str) -> bool) -> Result<()> {
        let mut changed = false;
        for e in &mut self.entries {
            if e.state == JobState::Printed && !present(&e.name) {
                e.state = JobState::Done;
                e.time_ms = now_ms();
                changed = true;
            }
        }
        if changed {
            self.save()?;
        }
        Ok(())
    }

    /// Atomic (temp file, fsync, rename): a crash leaves the old or the new journal.
    fn save(&mut self) -> Result<()> {
        let cutoff = now_ms() - KEEP_FINISHED_MS;
        self.entries
            .retain(|e| !(e.state.finished() && e.time_ms < cutoff));
        let bytes = serde_json::to_vec_pretty(&self.entries)?;
        crate::atomic_file::write(&self.path, &bytes, crate::atomic_file::Access::Shared)
            .with_context(|| format!("écriture de {}", self.path.display()))?;
        self.first_start = false;
        Ok(())
    }
}
