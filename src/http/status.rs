//! `/status` (network): the original's answer, plus version, uptime and printers.

use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use crate::drawer::DrawerState;
use crate::http::access::Peer;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/status", get(status))
}

/// Never touches a printer: it reports the last known state, so monitoring stays fast
/// and cannot be slowed by a dead printer.
async fn status(State(state): State<AppState>, Extension(peer): Extension<Peer>) -> Json<Value> {
    let config = state.config();
    let drawer = state.drawer_printer();
    let health = drawer.health();
    let sensor = health.status.map_or(DrawerState::Unknown, |s| {
        DrawerState::from_pin3(s.drawer_pin3_high, config.cashdrawer.sensor_open_level)
    });
    let invoices = state.invoices().status();
    Json(json!({
        "status": "running",
        "message": "Service actif",
        "remote_addr": peer.ip().to_string(),
        "scheme": peer.scheme.as_str(),
        "version": crate::VERSION,
        "uptime_s": state.uptime().as_secs(),
        "printers": {
            "drawer": {
                "target": drawer.target().to_string(),
                "kind": drawer.target().kind(),
                "status_supported": drawer.target().can_report_status(),
                "drawer": sensor,
                "health": health,
            },
            // The invoice printer: its routes in the order they are tried, and what the
            // last print attempt found (never a live probe).
            "invoice": {
                "autoprint": state.invoices().config().autoprint,
                "routes": invoices.routes,
                "queue_length": invoices.queue_length,
                "last_attempt": invoices.printer,
            },
        },
    }))
}
