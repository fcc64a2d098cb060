//! The print queue: one worker per printer (arrival order), retries with growing delays,
//! then `failed/`; a printed file is removed (or moved to `printed/`) after `open_delay`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::journal::{JobState, Key};
use super::{
    document, file_name, move_into, now_text, transport, Activity, LastPrinted, Reach, Runtime,
    Shared, FAILED_DIR, PRINTED_DIR,
};

const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub path: PathBuf,
    pub key: Key,
}

/// Hands the job to the printer's worker, started on first use.
pub(crate) fn enqueue(shared: &Arc<Shared>, rt: &mut Runtime, path: PathBuf, key: Key) {
    let tx = rt.queue.get_or_insert_with(|| {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::runtime::Handle::current().spawn(worker(shared.clone(), rx));
        tx
    });
    let _ = tx.send(Job { path, key });
}

async fn worker(shared: Arc<Shared>, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut stop = shared.stop.subscribe();
    loop {
        let job = tokio::select! {
            _ = super::stopping(&mut stop) => return,
            job = jobs.recv() => match job { Some(j) => j, None => return },
        };
        if !process(&shared, job, &mut stop).await {
            return;
        }
    }
}

/// Prints one job, with retries; `false` when stopping (the job stays unconfirmed).
async fn process(
    shared: &Arc<Shared>,
    job: Job,
    stop: &mut tokio::sync::watch::Receiver<bool>,
) -> bool {
    let config = &shared.config;
    let name = crate::logs::escape(&job.key.name);
    let mut attempt = 0u32;
    loop {
        let doc = match open_unchanged(&job).await {
            Ok(doc) => doc,
            Err(why) => {
                op!(warn, "invoice.print", "error"; "{name}: {why}");
                let mut rt = shared.lock();
                rt.active.remove(&job.key);
                rt.journal_do(|j| j.set_state(&job.key, JobState::Done, Some(why)));
                return true;
            }
        };
        let size = doc.size;
        {
            let mut rt = shared.lock();
            rt.active.insert(job.key.clone(), Activity::Printing);
            rt.journal_do(|j| j.set_state(&job.key, JobState::Printing, None));
        }
        let started = Instant::now();
        let mut errors = Vec::new();
        let mut printed_by = None;
        for route in &shared.routes {
            let result = transport::send(route, &job.path, &doc, config.print_timeout).await;
            let reach = Reach {
                reachable: result.is_ok(),
                route: route.to_string(),
                checked_at: now_text(),
                error: result.as_ref().err().cloned(),
            };
            shared.lock().reach = Some(reach);
            match result {
                Ok(()) => {
                    printed_by = Some(route.to_string());
                    break;
                }
                Err(e) => errors.push(format!("{route}: {e}")),
            }
        }
        if shared.routes.is_empty() {
            errors.push(
                "aucune voie d'impression configurée (printer_ip, ipp_uri, name ou command)".into(),
            );
        }
        let ms = started.elapsed().as_millis() as u64;
        if let Some(route) = printed_by {
            op!(info, "invoice.print", "ok"; ms, bytes = size,
                "{name}: imprimé via {route} ({size} octets, {ms} ms)");
            {
                let mut rt = shared.lock();
                rt.active.remove(&job.key);
                rt.printed_count += 1;
                rt.last_printed = Some(LastPrinted {
                    file: job.key.name.clone(),
                    at: now_text(),
                    ms,
                    bytes: size as usize,
                    route,
                });
                rt.journal_do(|j| j.set_state(&job.key, JobState::Printed, None));
            }
            schedule_removal(shared.clone(), job.key, job.path, config.open_delay);
            return true;
        }
        attempt += 1;
        let error = errors.join("; ");
        {
            let mut rt = shared.lock();
            rt.failures.failed_attempts += 1;
            rt.failures.last_error = Some(format!("{}: {error}", job.key.name));
        }
        if attempt >= config.retries {
            fail(shared, &job, &error, attempt);
            return true;
        }
        let delay = (config.retry_delay * 2u32.saturating_pow(attempt - 1)).min(MAX_RETRY_DELAY);
        op!(warn, "invoice.print", "error"; ms,
            "{name}: essai {attempt}/{} échoué, nouvel essai dans {} s: {}", config.retries,
            delay.as_secs(), crate::logs::escape(&error));
        {
            let mut rt = shared.lock();
            rt.active.insert(job.key.clone(), Activity::Queued);
            rt.journal_do(|j| j.set_state(&job.key, JobState::Queued, Some(error)));
        }
        tokio::select! {
            _ = super::stopping(stop) => return false,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// Opens the job's file and checks through that handle that it is what was detected.
async fn open_unchanged(job: &Job) -> Result<document::Document, String> {
    let (path, expected) = (job.path.clone(), job.key.sha256.clone());
    let opened = tokio::task::spawn_blocking(move || {
        let mut doc = document::Document::open(&path)?;
        let sha256 = doc.sha256()?;
        Ok::<_, std::io::Error>((doc, sha256))
    })
    .await
    .map_err(|e| format!("lecture interrompue ({e})"))?;
    match opened {
        Ok((doc, sha256)) if sha256 == expected => Ok(doc),
        Ok(_) => Err("modifié depuis sa détection (il sera repris tel quel)".to_string()),
        Err(e) => Err(format!("disparu avant impression ({e})")),
    }
}

/// Every attempt failed: to `failed/`, then the journal says `failed` (the file is there).
fn fail(shared: &Shared, job: &Job, error: &str, attempts: u32) {
    let moved = move_into(&job.path, FAILED_DIR);
    {
        let mut rt = shared.lock();
        rt.active.remove(&job.key);
        rt.failures.failed_files += 1;
        rt.journal_do(|j| j.set_state(&job.key, JobState::Failed, Some(error.to_string())));
    }
    let to = moved.as_ref().map_or_else(
        |e| format!("non déplacé: {e}"),
        |p| format!("déplacé dans {}", p.display()),
    );
    op!(error, "invoice.print", "error";
        "{}: impression impossible après {attempts} essais, {to}: {}",
        crate::logs::escape(&job.key.name), crate::logs::escape(error));
}

/// After `delay`, removes a printed file (or moves it to `printed/`) and closes its entry.
pub(crate) fn schedule_removal(shared: Arc<Shared>, key: Key, path: PathBuf, delay: Duration) {
    if !shared.lock().removing.insert(key.clone()) {
        return;
    }
    let mut stop = shared.stop.subscribe();
    tokio::runtime::Handle::current().spawn(async move {
        tokio::select! {
            _ = super::stopping(&mut stop) => return,
            _ = tokio::time::sleep(delay) => {}
        }
        // Only the printed content is removed; a new download of that name is left.
        let same = document::sha256_file(&path).map(|sha256| sha256 == key.sha256);
        let result = match same {
            Ok(false) => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
            _ if shared.config.keep_printed => move_into(&path, PRINTED_DIR).map(|_| ()),
            _ => std::fs::remove_file(&path),
        };
        let name = crate::logs::escape(&file_name(&path));
        let mut rt = shared.lock();
        rt.removing.remove(&key);
        match result {
            Ok(()) => {
                rt.journal_do(|j| j.set_state(&key, JobState::Done, None));
                drop(rt);
                let what = if shared.config.keep_printed {
                    "rangé dans printed/"
                } else {
                    "supprimé"
                };
                op!(info, "invoice.remove", "ok"; "{name}: imprimé, {what}");
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                rt.journal_do(|j| j.set_state(&key, JobState::Done, None));
            }
            Err(e) => {
                drop(rt);
                op!(error, "invoice.remove", "error";
                    "{name}: imprimé mais impossible de le retirer du dossier: {e}");
            }
        }
    });
}
