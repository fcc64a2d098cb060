//! `/invoice-printer/status` (network) and `/invoice-printer/purge` (local): the
//! original's routes and keys, plus the queue's live state. Neither waits for a
//! printer: status reads counters, purge only touches files.

use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::http::access::Peer;
use crate::state::AppState;

pub fn network_router() -> Router<AppState> {
    Router::new().route("/invoice-printer/status", get(status))
}

pub fn local_router() -> Router<AppState> {
    Router::new().route("/invoice-printer/purge", get(purge))
}

async fn status(State(state): State<AppState>, Extension(peer): Extension<Peer>) -> Json<Value> {
    let invoices = state.invoices();
    let config = invoices.config();
    let live = invoices.status();
    Json(json!({
        "status": "running",
        "autoprint": if config.autoprint { "enabled" } else { "disabled" },
        "printer_name": config.name,
        "download_folder": config.download_folder.display().to_string(),
        "scan_frequency": config.scan_frequency.as_secs().to_string(),
        "remote_addr": peer.ip().to_string(),
        "scheme": peer.scheme.as_str(),
        "watching": live.watching,
        "routes": live.routes,
        "queue_length": live.queue_length,
        "in_progress": live.in_progress,
        "printed": live.printed,
        "last_printed": live.last_printed,
        "failures": live.failures,
        "printer": live.printer,
    }))
}

async fn purge(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let invoices = state.invoices().clone();
    let report = tokio::task::spawn_blocking(move || invoices.purge())
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("purge interrompue: {e}")))?;
    Ok(Json(json!({
        "status": "success",
        "message": format!(
            "Dossier {} purgé: {} fichier(s) supprimé(s), {} conservé(s)",
            report.folder,
            report.removed.len(),
            report.kept.len()
        ),
        "removed": report.removed,
        "kept": report.kept,
    })))
}
