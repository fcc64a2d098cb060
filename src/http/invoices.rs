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

#[utoipa::path(
    get,
    path = "/invoice-printer/status",
    tag = "invoices",
    summary = "Automatic invoice printing: configuration and queue",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nThe original's keys (`autoprint`, `printer_name`, `download_folder`, `scan_frequency`) plus the watcher's and queue's live state. Reads counters only, never waits for a printer.",
    responses(
        (status = 200, description = "Invoice printing state", body = super::apidoc::InvoicePrinterStatus),
        (status = 403, description = "Caller's network not allowed", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("network")))
)]
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

#[utoipa::path(
    get,
    path = "/invoice-printer/purge",
    tag = "invoices",
    summary = "Purge the download folder of handled invoices",
    description = "Access level: **local** (loopback callers only, and a known Host header).\n\nDeletes the PDF files already printed (or older than the stale age); files still waiting or being printed are kept and listed.",
    responses(
        (status = 200, description = "Folder purged", body = super::apidoc::InvoicePurge),
        (status = 403, description = "Network caller, or Host header not accepted", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Accès refusé - Local uniquement"})),
        (status = 500, description = "Unexpected failure (details in the operations log)", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("local")))
)]
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
