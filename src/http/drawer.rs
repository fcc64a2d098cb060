//! `/open-cash-drawer` (local only, the Odoo module's call) and `/drawer` (network).
//! Owns these routes and their answer types; opening is [`crate::drawer`]'s. Must not
//! import `app`, `cli` or other routes.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::drawer::DrawerState;
use crate::error::ApiError;
use crate::escpos::PrinterStatus;
use crate::http::access::Peer;
use crate::state::AppState;

/// A completed action.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "success", "message": "Tiroir-caisse ouvert"}))]
pub struct Done {
    /// Always `success`.
    status: &'static str,
    message: String,
    /// The printer's problem when the real-time pulse opened the drawer anyway. Absent
    /// otherwise, and left out of the schema, whose properties are the usual answer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    warning: Option<String>,
}

impl Done {
    pub fn new(message: impl Into<String>) -> Self {
        Done {
            status: "success",
            message: message.into(),
            warning: None,
        }
    }
}

/// `GET /drawer`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "success", "drawer": "closed", "printer": "tcp://192.168.1.50:9100", "printer_status": {"online": true, "cover_open": false, "paper": "ok", "drawer_pin3_high": false, "error": false}}))]
pub struct DrawerAnswer {
    /// `success`.
    status: &'static str,
    /// `open`, `closed` or `unknown`.
    #[schema(value_type = String)]
    drawer: DrawerState,
    /// The drawer printer's target.
    printer: String,
    /// `online`, `cover_open`, `paper` (`ok`, `near_end`, `empty`), `drawer_pin3_high`,
    /// `error`; `null` when the transport cannot read the status.
    #[schema(value_type = Option<Object>)]
    printer_status: Option<PrinterStatus>,
}

#[utoipa::path(
    get,
    path = "/open-cash-drawer",
    tag = "drawer",
    summary = "Open the cash drawer (the Odoo module's call)",
    description = "Access level: **local** (loopback callers only, and a known Host header).\n\nSends the configured `[cashdrawer] command` to the drawer printer `[printer] name`. On a printer that can report its status, the status (`DLE EOT`) is asked first: a dead or stalled printer is an error naming the cause, and nothing is sent. An offline printer (no paper, cover open, error) gets the real-time pulse `DLE DC4 1 m t` (`[cashdrawer] offline_kick = realtime`, the default: 200 with a `warning` naming the printer's problem) or nothing (`refuse`: 503). A kick is never left queued in the printer. A printer with 8 requests already waiting answers 503 at once.",
    responses(
        (status = 200, description = "Drawer opened; `warning` (optional) names the printer's problem when the real-time pulse opened it", body = Done),
        super::apidoc::LocalRefusal,
        (status = 503, description = "The printer could not be reached or refused the job", body = super::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Erreur lors de l'ouverture du tiroir: imprimante tcp://192.168.1.50:9100: plus de papier"})),
    )
)]
pub(super) async fn open_cash_drawer(
    State(state): State<AppState>,
    axum::Extension(peer): axum::Extension<Peer>,
) -> Result<Json<Done>, ApiError> {
    let printer = state.config().printer.target.to_string();
    let (peer, label) = (peer.label(), crate::domain::DEFAULT_LABEL);
    match kick(&state, crate::metrics::Route::Module).await {
        Ok(kicked) => {
            let ms = kicked.outcome.elapsed.as_millis() as u64;
            let mut answer = Done::new("Tiroir-caisse ouvert");
            match &kicked.warning {
                None => op!(info, "drawer.open", "ok"; ms, peer = %peer, printer = label,
                    "tiroir-caisse ouvert via {printer}"),
                Some(warning) => op!(warn, "drawer.open", "warning"; ms, peer = %peer,
                    printer = label, "tiroir-caisse ouvert via {printer}, mais {warning}"),
            }
            answer.warning = kicked.warning;
            Ok(Json(answer))
        }
        Err(e) => {
            op!(error, "drawer.open", "error"; peer = %peer, printer = label,
                "échec de l'ouverture du tiroir: {e}");
            let message = format!("Erreur lors de l'ouverture du tiroir: {e}");
            Err(ApiError::Unavailable(message))
        }
    }
}

/// Opens the drawer on the drawer printer, counted for `route`.
pub(super) async fn kick(
    state: &AppState,
    route: crate::metrics::Route,
) -> Result<crate::drawer::Kicked, crate::printer::PrinterError> {
    let (printer, config) = (state.drawer_printer(), state.config());
    let opened = crate::drawer::open(&printer, &config.cashdrawer);
    state.metrics().kick(route, opened).await
}

#[utoipa::path(
    get,
    path = "/drawer",
    tag = "drawer",
    summary = "Drawer sensor and printer status, read live",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nAsks the drawer printer for its status (`DLE EOT`) now. `drawer` is `open`, `closed` or `unknown` (transport that cannot read, e.g. a spooler queue); its meaning follows `[cashdrawer] sensor_open_level`.",
    responses(
        (status = 200, description = "Live state", body = DrawerAnswer),
        super::apidoc::NetworkRefusal,
        (status = 503, description = "The printer did not answer", body = super::apidoc::ErrorBody),
    )
)]
pub(super) async fn drawer_state(
    State(state): State<AppState>,
) -> Result<Json<DrawerAnswer>, ApiError> {
    let report = crate::drawer::report(&state.drawer_printer(), &state.config().cashdrawer).await?;
    Ok(Json(DrawerAnswer {
        status: "success",
        drawer: report.drawer,
        printer: report.printer,
        printer_status: report.status,
    }))
}
