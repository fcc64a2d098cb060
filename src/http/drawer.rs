//! `/open-cash-drawer` (local only, the Odoo module's call) and `/drawer` (network).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::http::access::Peer;
use crate::state::AppState;

/// Routes that open the drawer: wrapped in the local-only layer by [`super::router`].
pub fn local_router() -> Router<AppState> {
    Router::new().route("/open-cash-drawer", get(open_cash_drawer))
}

pub fn network_router() -> Router<AppState> {
    Router::new().route("/drawer", get(drawer_state))
}

#[utoipa::path(
    get,
    path = "/open-cash-drawer",
    tag = "drawer",
    summary = "Open the cash drawer (the Odoo module's call)",
    description = "Access level: **local** (loopback callers only, and a known Host header).\n\nSends the configured `[cashdrawer] command` to the drawer printer `[printer] name`. On a printer that can report its status, the status (`DLE EOT`) is asked first: a dead or stalled printer is an error naming the cause, and nothing is sent. An offline printer (no paper, cover open, error) gets the real-time pulse `DLE DC4 1 m t` (`[cashdrawer] offline_kick = realtime`, the default: 200 with a `warning` naming the printer's problem) or nothing (`refuse`: 503). A kick is never left queued in the printer. A printer with 8 requests already waiting answers 503 at once.",
    responses(
        (status = 200, description = "Drawer opened; `warning` (optional) names the printer's problem when the real-time pulse opened it", body = super::apidoc::Done,
            example = json!({"status": "success", "message": "Tiroir-caisse ouvert"})),
        (status = 403, description = "Network caller, or Host header not accepted", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Accès refusé - Local uniquement"})),
        (status = 503, description = "The printer could not be reached or refused the job", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Erreur lors de l'ouverture du tiroir: imprimante tcp://192.168.1.50:9100: plus de papier"})),
    ),
    extensions(("x-access-level" = json!("local")))
)]
async fn open_cash_drawer(
    State(state): State<AppState>,
    axum::Extension(peer): axum::Extension<Peer>,
) -> Result<Json<Value>, ApiError> {
    let printer = state.config().printer.target.to_string();
    match state
        .metrics()
        .kick(crate::metrics::Route::Module, crate::drawer::open(&state))
        .await
    {
        Ok(kicked) => {
            let ms = kicked.outcome.elapsed.as_millis() as u64;
            let mut answer = json!({"status": "success", "message": "Tiroir-caisse ouvert"});
            match kicked.warning {
                None => {
                    tracing::info!(op = "drawer.open", outcome = "ok", ms, peer = %peer.label(), printer = crate::domain::DEFAULT_LABEL,
                    "tiroir-caisse ouvert via {printer}")
                }
                Some(warning) => {
                    tracing::warn!(op = "drawer.open", outcome = "warning", ms, peer = %peer.label(), printer = crate::domain::DEFAULT_LABEL,
                        "tiroir-caisse ouvert via {printer}, mais {warning}");
                    answer["warning"] = json!(warning);
                }
            }
            Ok(Json(answer))
        }
        Err(e) => {
            tracing::error!(op = "drawer.open", outcome = "error", peer = %peer.label(), printer = crate::domain::DEFAULT_LABEL, "échec de l'ouverture du tiroir: {e}");
            Err(ApiError::Unavailable(format!(
                "Erreur lors de l'ouverture du tiroir: {e}"
            )))
        }
    }
}

#[utoipa::path(
    get,
    path = "/drawer",
    tag = "drawer",
    summary = "Drawer sensor and printer status, read live",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nAsks the drawer printer for its status (`DLE EOT`) now. `drawer` is `open`, `closed` or `unknown` (transport that cannot read, e.g. a spooler queue); its meaning follows `[cashdrawer] sensor_open_level`.",
    responses(
        (status = 200, description = "Live state", body = super::apidoc::DrawerAnswer),
        (status = 403, description = "Caller's network not allowed", body = super::apidoc::ErrorBody),
        (status = 503, description = "The printer did not answer", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("network")))
)]
async fn drawer_state(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let report = crate::drawer::report(&state).await?;
    Ok(Json(json!({
        "status": "success",
        "drawer": report.drawer,
        "printer": report.printer,
        "printer_status": report.status,
    })))
}
