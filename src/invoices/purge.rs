//! `GET /invoice-printer/purge`: clears the watched folder of what was printed, never of
//! an invoice queued, printing or not printed yet.

use serde::Serialize;

use super::check::name_matches;
use super::document::sha256_file;
use super::journal::{JobState, Key};
use super::{file_name, Activity, Shared};

#[derive(Debug, Clone, Serialize)]
pub struct PurgeReport {
    pub folder: String,
    pub removed: Vec<PurgeItem>,
    pub kept: Vec<PurgeItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PurgeItem {
    pub file: String,
    pub reason: String,
}

pub(super) fn purge(shared: &Shared) -> PurgeReport {
    let folder = &shared.config.download_folder;
    let mut report = PurgeReport {
        folder: folder.display().to_string(),
        removed: Vec::new(),
        kept: Vec::new(),
    };
    let Ok(dir) = std::fs::read_dir(folder) else {
        return report;
    };
    let mut paths: Vec<_> = dir
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && name_matches(p, &shared.config.file_extensions))
        .collect();
    paths.sort();
    for path in paths {
        let file = file_name(&path);
        let item = |reason: &str| PurgeItem {
            file: file.clone(),
            reason: reason.to_string(),
        };
        let Ok(sha256) = sha256_file(&path) else {
            report.kept.push(item("illisible (en cours d'écriture ?)"));
            continue;
        };
        let key = Key {
            name: file.clone(),
            sha256,
        };
        // Locked while deciding and removing, so the queue cannot take the file between.
        let rt = shared.lock();
        let state = rt
            .journal
            .as_ref()
            .and_then(|j| j.get(&key))
            .map(|e| e.state);
        let reason = match (rt.active.get(&key), state) {
            (Some(Activity::Queued), _) => Some("en file d'attente d'impression"),
            (Some(Activity::Printing), _) => Some("en cours d'impression"),
            (None, Some(JobState::Printed)) => None,
            (None, Some(JobState::Stale)) => {
                Some("jamais imprimé (ancien fichier du premier démarrage): à retirer à la main")
            }
            (None, Some(JobState::Queued | JobState::Printing)) => {
                Some("impression non confirmée: sera imprimé")
            }
            (None, _) => Some("pas encore imprimé"),
        };
        match reason {
            Some(r) => report.kept.push(item(r)),
            None => match std::fs::remove_file(&path) {
                Ok(()) => report.removed.push(item("déjà imprimé")),
                Err(e) => report
                    .kept
                    .push(item(&format!("suppression impossible: {e}"))),
            },
        }
    }
    op!(info, "invoice.purge", "ok"; "purge de {}: {} supprimé(s), {} conservé(s)", report.folder,
        report.removed.len(), report.kept.len());
    report
}
