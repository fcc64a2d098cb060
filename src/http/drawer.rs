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

async fn open_cash_drawer(
    State(state): State<AppState>,
    axum::Extension(peer): axum::Extension<Peer>,
) -> Result<Json<Value>, ApiError> {
    let printer = state.config().printer.target.to_string();
    match crate::drawer::open(&state).await {
        Ok(outcome) => {
            tracing::info!(
                op = "drawer.open",
                outcome = "ok",
                ms = outcome.elapsed.as_millis() as u64,
                peer = %peer.ip(),
                "tiroir-caisse ouvert via {printer}"
            );
            Ok(Json(
                json!({"status": "success", "message": "Tiroir-caisse ouvert"}),
            ))
        }
        Err(e) => {
            tracing::error!(op = "drawer.open", outcome = "error", peer = %peer.ip(), "échec de l'ouverture du tiroir: {e}");
            Err(ApiError::Unavailable(format!(
                "Erreur lors de l'ouverture du tiroir: {e}"
            )))
        }
    }
}

async fn drawer_state(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let report = crate::drawer::report(&state).await?;
    Ok(Json(json!({
        "status": "success",
        "drawer": report.drawer,
        "printer": report.printer,
        "printer_status": report.status,
    })))
}
