//! `/invoice-printer/status` (network) and `/invoice-printer/purge` (local): the original's
//! routes and keys, plus the queue's live state; neither waits for a printer. The queue is
//! [`crate::invoices`]'s; must not import `app`, `cli` or other routes.

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::access::Peer;
use crate::invoices::{Failures, LastPrinted, PurgeItem, Reach};
use crate::state::AppState;

/// `GET /invoice-printer/status`.
#[derive(Serialize, ToSchema)]
pub struct InvoicePrinterStatus {
    /// `running`.
    status: &'static str,
    /// `enabled` or `disabled` (`[invoice_printer] autoprint`).
    autoprint: &'static str,
    /// `[invoice_printer] name`.
    printer_name: String,
    download_folder: String,
    /// Seconds between safety rescans, as a string (as the original).
    scan_frequency: String,
    remote_addr: String,
    scheme: &'static str,
    /// The folder watcher is running.
    watching: bool,
    /// The print routes that will be tried, in order.
    routes: Vec<String>,
    queue_length: usize,
    in_progress: usize,
    /// Invoices printed since start.
    printed: u64,
    /// The last printed file and when; `null` before the first.
    #[schema(value_type = Option<Object>)]
    last_printed: Option<LastPrinted>,
    /// `failed_files`, `failed_attempts`, `rejected_files`, `last_error`.
    #[schema(value_type = Object)]
    failures: Failures,
    /// Whether the invoice printer was reachable at the last attempt; `null` before.
    #[schema(value_type = Option<Object>)]
    printer: Option<Reach>,
}

/// `GET /invoice-printer/purge`.
#[derive(Serialize, ToSchema)]
pub struct InvoicePurge {
    /// `success`.
    status: &'static str,
    message: String,
    /// The deleted files, each with `file` and the reason.
    #[schema(value_type = Vec<Object>)]
    removed: Vec<PurgeItem>,
    /// The files kept (waiting or printing), each with `file` and the reason.
    #[schema(value_type = Vec<Object>)]
    kept: Vec<PurgeItem>,
}

#[utoipa::path(
    get,
    path = "/invoice-printer/status",
    tag = "invoices",
    summary = "Automatic invoice printing: configuration and queue",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nThe original's keys (`autoprint`, `printer_name`, `download_folder`, `scan_frequency`) plus the watcher's and queue's live state. Reads counters only, never waits for a printer.",
    responses(
        (status = 200, description = "Invoice printing state", body = InvoicePrinterStatus),
        super::apidoc::NetworkRefusal,
    )
)]
pub(super) async fn status(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
) -> Json<InvoicePrinterStatus> {
    let invoices = state.invoices();
    let config = invoices.config();
    let live = invoices.status();
    Json(InvoicePrinterStatus {
        status: "running",
        autoprint: if config.autoprint {
            "enabled"
        } else {
            "disabled"
        },
        printer_name: config.name.clone(),
        download_folder: config.download_folder.display().to_string(),
        scan_frequency: config.scan_frequency.as_secs().to_string(),
        remote_addr: peer.ip().to_string(),
        scheme: peer.scheme.as_str(),
        watching: live.watching,
        routes: live.routes,
        queue_length: live.queue_length,
        in_progress: live.in_progress,
        printed: live.printed,
        last_printed: live.last_printed,
        failures: live.failures,
        printer: live.printer,
    })
}

#[utoipa::path(
    get,
    path = "/invoice-printer/purge",
    tag = "invoices",
    summary = "Purge the download folder of handled invoices",
    description = "Access level: **local** (loopback callers only, and a known Host header).\n\nDeletes the PDF files already printed (or older than the stale age); files still waiting or being printed are kept and listed.",
    responses(
        (status = 200, description = "Folder purged", body = InvoicePurge),
        super::apidoc::LocalRefusal,
        (status = 500, description = "Unexpected failure (details in the operations log)", body = super::apidoc::ErrorBody),
    )
)]
pub(super) async fn purge(State(state): State<AppState>) -> Result<Json<InvoicePurge>, ApiError> {
    let invoices = state.invoices().clone();
    let report = tokio::task::spawn_blocking(move || invoices.purge())
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("purge interrompue: {e}")))?;
    Ok(Json(InvoicePurge {
        status: "success",
        message: format!(
            "Dossier {} purgé: {} fichier(s) supprimé(s), {} conservé(s)",
            report.folder,
            report.removed.len(),
            report.kept.len()
        ),
        removed: report.removed,
        kept: report.kept,
    }))
}
