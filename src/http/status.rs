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

/// What the shop should fix, in French (monitoring and the admin page show it).
/// Additive: the original's keys are unchanged.
pub fn warnings(config: &crate::config::Config) -> Vec<String> {
    let mut out = Vec::new();
    if config.server.allowed_origins == crate::domain::AllowedOrigins::Any {
        out.push(ANY_ORIGIN_WARNING.to_string());
    }
    out
}

/// The warning while `[server] allowed_origins = *`, in the page's two languages.
pub const ANY_ORIGIN_WARNINGS: [&str; 2] = [ANY_ORIGIN_WARNING, ANY_ORIGIN_WARNING_EN];

const ANY_ORIGIN_WARNING: &str = "[server] allowed_origins = * : n'importe quel site ouvert dans le navigateur de la caisse peut ouvrir le tiroir et imprimer. Indiquez l'adresse Odoo de la boutique (par exemple https://maboutique.odoo.com).";
const ANY_ORIGIN_WARNING_EN: &str = "[server] allowed_origins = *: any website open in the till's browser can open the drawer and print. Set it to the shop's Odoo address (for example https://myshop.odoo.com).";

/// The `[printers]` printers by name, last known state only (no printer is asked).
fn named_printers(state: &AppState) -> Vec<Value> {
    let config = state.config();
    config
        .printers
        .iter()
        .map(|(name, target)| {
            let printer = state.printers().get(target, config.printer.timeouts);
            json!({
                "name": name.as_str(),
                "epos_path": format!("/{name}/cgi-bin/epos/service.cgi"),
                "target": target.to_string(),
                "kind": target.kind(),
                "status_supported": target.can_report_status(),
                "health": printer.health(),
            })
        })
        .collect()
}

#[utoipa::path(
    get,
    path = "/status",
    tag = "status",
    summary = "Service status (monitoring)",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nThe original service's answer (`status`, `message`, `remote_addr`, `scheme`) plus version, uptime and the last known state of every printer: the drawer printer (`printers.drawer`), each `[printers]` printer by name (`printers.named`) and the invoice printer. Never waits for a printer.",
    responses(
        (status = 200, description = "Service running", body = super::apidoc::ServiceStatus),
        (status = 403, description = "Caller's network not allowed", body = super::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("network")))
)]
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
        "warnings": warnings(&config),
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
            "named": named_printers(&state),
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
