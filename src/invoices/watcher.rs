//! Finds complete invoices in the watched folder (notify events, and a rescan every
//! `scan_frequency`): size and mtime stable for `stable_ms`, not open for writing, within
//! `max_size_mb`, a whole PDF. "Not open for writing" (Linux: the events; Windows: the
//! sharing mode) makes an incremental PDF update written in place print once, complete.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode};
use notify::Watcher;
use tokio::sync::mpsc;

use super::check::{name_matches, Content};
use super::document::Document;
use super::journal::{now_ms, Entry, JobState, Key};
use super::{file_name, move_into, queue, Activity, Shared, FAILED_DIR, REJECTED_DIR};

/// A truncated PDF may be a slow writer: set aside only after this (or `stable_ms` x 4).
const TRUNCATED_GRACE: Duration = Duration::from_secs(2);

/// A file written and never closed is judged by its content alone after this.
const WRITER_PATIENCE: Duration = Duration::from_secs(60);

/// Files written to and not closed yet, with the last write seen (Linux events).
type Writers = Arc<std::sync::Mutex<HashMap<PathBuf, Instant>>>;

struct Observation {
    size: u64,
    mtime: SystemTime,
    since: Instant,
    /// Decided: not looked at again until it changes.
    done: bool,
}

struct Scanner {
    shared: Arc<Shared>,
    seen: HashMap<PathBuf, Observation>,
    /// Present at start: the only ones the backlog rule covers.
    initial: HashSet<PathBuf>,
    folder_error: bool,
    writers: Writers,
}

pub(super) async fn run(shared: Arc<Shared>) {
    let folder = shared.config.download_folder.clone();
    // A missing folder is not created (a wrong path must leave no stray folder).
    let (tx, mut events) = mpsc::unbounded_channel::<()>();
    let mut watcher = None;
    let mut stop = shared.stop.subscribe();
    let mut scanner = Scanner {
        shared: shared.clone(),
        seen: HashMap::new(),
        initial: HashSet::new(),
        folder_error: false,
        writers: Writers::default(),
    };
    scanner.initial = scanner.list().into_iter().map(|(p, _, _)| p).collect();
    if !scanner.folder_error && folder.is_dir() {
        // A kill between removing a printed file and saving "done" left it "printed".
        // Whether the file is there, not whether the listing keeps it: one left out by
        // `file_extensions` today is still printed, and must not print again tomorrow.
        let mut rt = shared.lock();
        rt.journal_do(|j| j.finish_removed(|name| folder.join(name).exists()));
    }
    loop {
        if watcher.is_none() && folder.is_dir() {
            watcher = watch_events(&folder, tx.clone(), scanner.writers.clone());
        }
        let scan = tokio::task::spawn_blocking(move || {
            scanner.scan();
            scanner
        });
        scanner = match scan.await {
            Ok(s) => s,
            Err(e) => {
                op!(error, "invoice.watch", "error"; "analyse du dossier interrompue: {e}");
                return;
            }
        };
        let wait = if scanner.seen.values().any(|o| !o.done) {
            shared.config.stable_wait
        } else {
            shared.config.scan_frequency
        };
        tokio::select! {
            _ = super::stopping(&mut stop) => return,
            _ = tokio::time::sleep(wait) => {}
            Some(()) = events.recv() => {
                // A burst of events becomes one scan.
                tokio::time::sleep(Duration::from_millis(20)).await;
                while events.try_recv().is_ok() {}
            }
        }
    }
}

/// Starts the notify watcher; `None` (rescan only) if the platform refuses.
fn watch_events(
    folder: &Path,
    tx: mpsc::UnboundedSender<()>,
    writers: Writers,
) -> Option<notify::RecommendedWatcher> {
    // Access events (the scan's own reads) are ignored, but for a writer's close.
    let close_write = AccessKind::Close(AccessMode::Write);
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            note_writers(&writers, &event);
            if !matches!(event.kind, notify::EventKind::Access(k) if k != close_write) {
                let _ = tx.send(());
            }
        }
    };
    notify::recommended_watcher(handler)
        .and_then(|mut w| {
            w.watch(folder, notify::RecursiveMode::NonRecursive)
                .map(|_| w)
        })
        .map_err(|e| {
            op!(warn, "invoice.watch", "error";
                "événements du dossier {} indisponibles ({e}); analyse périodique seule",
                folder.display())
        })
        .ok()
}

/// A data write marks the file as being written; its close, removal or rename clears it.
fn note_writers(writers: &Writers, event: &notify::Event) {
    use notify::event::{ModifyKind, RemoveKind};
    use notify::EventKind;
    let mut map = writers.lock().unwrap_or_else(|e| e.into_inner());
    for path in &event.paths {
        match event.kind {
            EventKind::Modify(ModifyKind::Data(_)) => {
                map.insert(path.clone(), Instant::now());
            }
            EventKind::Modify(ModifyKind::Name(_))
            | EventKind::Remove(RemoveKind::File)
            | EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                map.remove(path);
            }
            _ => {}
        }
    }
}

fn being_written(writers: &Writers, path: &Path) -> bool {
    let mut map = writers.lock().unwrap_or_else(|e| e.into_inner());
    map.retain(|_, last| last.elapsed() < WRITER_PATIENCE);
    map.contains_key(path) || open_for_writing_elsewhere(path)
}

/// Opening while denying writers fails while a writer's handle is open.
#[cfg(windows)]
fn open_for_writing_elsewhere(path: &Path) -> bool {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    const ERROR_SHARING_VIOLATION: i32 = 32;
    std::fs::OpenOptions::new()
        .read(true)
        .share_mode(FILE_SHARE_READ)
        .open(path)
        .is_err_and(|e| e.raw_os_error() == Some(ERROR_SHARING_VIOLATION))
}

#[cfg(not(windows))]
fn open_for_writing_elsewhere(_path: &Path) -> bool {
    false
}

impl Scanner {
    /// Candidate files, oldest first so a restart keeps the arrival order.
    fn list(&mut self) -> Vec<(PathBuf, u64, SystemTime)> {
        let config = &self.shared.config;
        let dir = match std::fs::read_dir(&config.download_folder) {
            Ok(d) => d,
            Err(e) => {
                if !self.folder_error {
                    op!(error, "invoice.watch", "error"; "lecture du dossier {}: {e}",
                        config.download_folder.display());
                }
                self.folder_error = true;
                return Vec::new();
            }
        };
        self.folder_error = false;
        let mut out: Vec<_> = dir
            .flatten()
            .filter_map(|entry| {
                let path = entry.path();
                let meta = entry.metadata().ok()?;
                let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                (meta.is_file() && name_matches(&path, &config.file_extensions)).then_some((
                    path,
                    meta.len(),
                    mtime,
                ))
            })
            .collect();
        out.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
        out
    }

    fn scan(&mut self) {
        let files = self.list();
        let present: HashSet<PathBuf> = files.iter().map(|f| f.0.clone()).collect();
        self.seen.retain(|p, _| present.contains(p));
        let now = Instant::now();
        let stable = self.shared.config.stable_wait;
        for (path, size, mtime) in files {
            if *self.shared.stop.borrow() {
                return;
            }
            let ripe = match self.seen.get(&path) {
                Some(o) if o.size == size && o.mtime == mtime => {
                    (!o.done && now - o.since >= stable).then_some(o.since)
                }
                _ => {
                    let seen = Observation {
                        size,
                        mtime,
                        since: now,
                        done: false,
                    };
                    self.seen.insert(path.clone(), seen);
                    None
                }
            };
            if let Some(since) = ripe {
                let done = self.decide(&path, size, mtime, since);
                if let Some(o) = self.seen.get_mut(&path) {
                    o.done = done;
                }
            }
        }
    }

    /// Judges a stable file through one handle; `true` when done with it until it changes.
    fn decide(&mut self, path: &Path, size: u64, mtime: SystemTime, since: Instant) -> bool {
        if being_written(&self.writers, path) {
            return false;
        }
        let Some(mut doc) = Document::open(path).ok().filter(|d| d.size == size) else {
            return false;
        };
        let limit = self.shared.config.max_size;
        if size > limit {
            self.too_large(path, size, limit);
            return true;
        }
        let grace = TRUNCATED_GRACE.max(self.shared.config.stable_wait * 4);
        let content = match doc.content() {
            Ok(Content::Empty) => return true,
            Ok(Content::Truncated) if since.elapsed() < grace => return false,
            Ok(content) => content,
            Err(_) => return false,
        };
        let Ok(sha256) = doc.sha256() else {
            return false;
        };
        match content {
            Content::CompletePdf => {
                let key = Key {
                    name: file_name(path),
                    sha256,
                };
                let initial = self.initial.contains(path);
                offer(&self.shared, path, key, size, mtime, initial);
            }
            other => self.set_aside(path, size, sha256, other),
        }
        true
    }

    /// Over `max_size_mb`: never read nor hashed, moved to `failed/` at once.
    fn too_large(&self, path: &Path, size: u64, limit: u64) {
        let name = file_name(path);
        let why = format!(
            "{size} octets, plus que la limite de {} Mo ([invoice_printer] max_size_mb)",
            limit / (1024 * 1024)
        );
        let entry = Entry {
            error: Some(why.clone()),
            ..Entry::new(name.clone(), size, String::new(), JobState::Failed)
        };
        let moved = move_into(path, FAILED_DIR);
        {
            let mut rt = self.shared.lock();
            rt.failures.failed_files += 1;
            rt.failures.last_error = Some(format!("{name}: {why}"));
            rt.journal_do(|j| j.record(entry));
        }
        match moved {
            Ok(to) => op!(error, "invoice.reject", "error";
                "{}: {why}; non imprimé, déplacé dans {}", crate::logs::escape(&name),
                crate::logs::escape(&to.display().to_string())),
            Err(e) => op!(error, "invoice.reject", "error";
                "{}: {why}; non imprimé, impossible de le déplacer dans {FAILED_DIR}/: {e}",
                crate::logs::escape(&name)),
        }
    }

    fn set_aside(&self, path: &Path, size: u64, sha256: String, content: Content) {
        let name = file_name(path);
        let entry = Entry {
            error: Some(content.describe().to_string()),
            ..Entry::new(name.clone(), size, sha256, JobState::Rejected)
        };
        {
            let mut rt = self.shared.lock();
            rt.failures.rejected_files += 1;
            rt.journal_do(|j| j.record(entry));
        }
        match move_into(path, REJECTED_DIR) {
            Ok(to) => op!(warn, "invoice.reject", "error";
                "{}: {}, non imprimé, mis de côté dans {}", crate::logs::escape(&name),
                content.describe(), crate::logs::escape(&to.display().to_string())),
            Err(e) => op!(error, "invoice.reject", "error";
                "{}: {}, non imprimé; impossible de le mettre de côté: {e}",
                crate::logs::escape(&name), content.describe()),
        }
    }
}

/// From the journal: print a complete PDF, finish removing it, or leave it.
fn offer(shared: &Arc<Shared>, path: &Path, key: Key, size: u64, mtime: SystemTime, initial: bool) {
    let mut rt = shared.lock();
    if rt.active.contains_key(&key) || rt.removing.contains(&key) {
        return;
    }
    let known = rt.journal.as_ref().and_then(|j| j.get(&key)).cloned();
    let name = crate::logs::escape(&key.name);
    match known.as_ref().map(|e| (e.state, e.time_ms)) {
        Some((JobState::Printed, printed_ms)) => {
            drop(rt);
            let delay = if shared.config.purge_on_start {
                Duration::ZERO
            } else {
                let elapsed = Duration::from_millis((now_ms() - printed_ms).max(0) as u64);
                shared.config.open_delay.saturating_sub(elapsed)
            };
            op!(info, "invoice.detect", "ok";
                "{name}: déjà imprimé (journal), pas de réimpression; retrait");
            queue::schedule_removal(shared.clone(), key, path.to_path_buf(), delay);
            return;
        }
        Some((JobState::Stale, _)) => return,
        Some((state, _)) if state.unconfirmed() => {
            op!(warn, "invoice.detect", "ok";
                "{name}: impression non confirmée avant l'arrêt du service, nouvel essai");
        }
        _ if initial && is_stale(shared, mtime) => {
            let entry = Entry::new(key.name.clone(), size, key.sha256.clone(), JobState::Stale);
            rt.journal_do(|j| j.record(entry));
            drop(rt);
            let age = shared.config.stale_age.as_secs() / 60;
            if shared.config.purge_on_start {
                let removed = std::fs::remove_file(path);
                op!(info, "invoice.stale", if removed.is_ok() { "ok" } else { "error" };
                    "{name}: plus ancien que {age} min au premier démarrage, jamais imprimé; supprimé (purge_on_start): {removed:?}");
            } else {
                op!(info, "invoice.stale", "ok";
                    "{name}: plus ancien que {age} min au premier démarrage, laissé tel quel et jamais imprimé");
            }
            return;
        }
        _ => {
            op!(info, "invoice.detect", "ok";
                "{name}: facture complète ({size} octets), mise en file");
        }
    }
    let entry = Entry {
        attempts: known
            .as_ref()
            .filter(|e| e.state.unconfirmed())
            .map_or(0, |e| e.attempts),
        ..Entry::new(key.name.clone(), size, key.sha256.clone(), JobState::Queued)
    };
    rt.active.insert(key.clone(), Activity::Queued);
    rt.journal_do(|j| j.record(entry));
    queue::enqueue(shared, &mut rt, path.to_path_buf(), key);
}

/// The backlog rule: first start, files there at start, older than `stale_age` (0: off).
fn is_stale(shared: &Shared, mtime: SystemTime) -> bool {
    let age = shared.config.stale_age;
    shared.first_start
        && !age.is_zero()
        && shared
            .started_at
            .duration_since(mtime)
            .is_ok_and(|d| d > age)
}
