//! `/status` (network): the original's answer, plus version, uptime and printers.
//! Owns the route and its answer types; reads state only. Must not import `app`, `cli` or
//! other routes.

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::PrinterTarget;
use crate::drawer::DrawerState;
use crate::http::access::Peer;
use crate::printer::PrinterHealth;
use crate::state::AppState;

/// What the shop should fix, in French (monitoring and the admin page show it).
pub fn warnings(config: &crate::config::Config) -> Vec<String> {
    let any = config.server.allowed_origins == crate::domain::AllowedOrigins::Any;
    any.then(|| ANY_ORIGIN_WARNING.to_string())
        .into_iter()
        .collect()
}

/// The warning while `[server] allowed_origins = *`, in the page's two languages.
pub const ANY_ORIGIN_WARNINGS: [&str; 2] = [ANY_ORIGIN_WARNING, ANY_ORIGIN_WARNING_EN];

const ANY_ORIGIN_WARNING: &str = "[server] allowed_origins = * : n'importe quel site ouvert dans le navigateur de la caisse peut ouvrir le tiroir et imprimer. Indiquez l'adresse Odoo de la boutique (par exemple https://maboutique.odoo.com).";
const ANY_ORIGIN_WARNING_EN: &str = "[server] allowed_origins = *: any website open in the till's browser can open the drawer and print. Set it to the shop's Odoo address (for example https://myshop.odoo.com).";

/// `GET /status`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "running", "message": "Service actif", "remote_addr": "127.0.0.1", "scheme": "http", "version": "1.1.0", "uptime_s": 3600, "warnings": [], "printers": {"drawer": {"target": "TICKET", "kind": "system", "status_supported": false, "drawer": "unknown", "health": {"reachable": true, "status": null, "last_error": null, "last_ok_at": "2026-11-25T14:02:11+01:00", "last_error_at": null, "error_repeats": 0}}}}))]
pub struct ServiceStatus {
    /// What the shop should fix, in French: today, a warning while `[server]
    /// allowed_origins = *` (any website in the till's browser can open the drawer).
    warnings: Vec<String>,
    /// Always `running`.
    status: &'static str,
    /// `Service actif`.
    message: &'static str,
    /// The caller's address as the service sees it.
    remote_addr: String,
    /// `http` or `https`.
    scheme: &'static str,
    version: &'static str,
    /// Seconds since start.
    uptime_s: u64,
    printers: Printers,
}

/// Every printer's last known state (no printer is asked).
#[derive(Serialize, ToSchema)]
pub struct Printers {
    drawer: DrawerPrinter,
    /// The printers of `[printers]`, in the file's order.
    named: Vec<NamedPrinter>,
    invoice: InvoicePrinter,
}

/// What `/status` tells of any printer.
#[derive(Serialize, ToSchema)]
pub struct PrinterSummary {
    target: String,
    /// `tcp`, `usb`, `serial`, `system`, ...
    kind: &'static str,
    /// Whether the transport can read the printer's status (`DLE EOT`).
    status_supported: bool,
    /// `reachable`, last `status`, `last_error` and when, `error_repeats`.
    #[schema(value_type = Object)]
    health: PrinterHealth,
}

impl PrinterSummary {
    fn new(target: &PrinterTarget, health: PrinterHealth) -> Self {
        PrinterSummary {
            target: target.to_string(),
            kind: target.kind(),
            status_supported: target.can_report_status(),
            health,
        }
    }
}

/// The drawer printer (`[printer] name`).
#[derive(Serialize, ToSchema)]
pub struct DrawerPrinter {
    #[serde(flatten)]
    printer: PrinterSummary,
    /// `open`, `closed` or `unknown`, last known.
    #[schema(value_type = String)]
    drawer: DrawerState,
}

/// A `[printers]` printer.
#[derive(Serialize, ToSchema)]
pub struct NamedPrinter {
    name: String,
    /// `/<name>/cgi-bin/epos/service.cgi`.
    epos_path: String,
    #[serde(flatten)]
    printer: PrinterSummary,
}

/// The invoice printer: its routes in the order they are tried, and what the last
/// print attempt found (never a live probe).
#[derive(Serialize, ToSchema)]
pub struct InvoicePrinter {
    autoprint: bool,
    routes: Vec<String>,
    queue_length: usize,
    /// `reachable`, `route`, `checked_at`, `error`; `null` before the first attempt.
    #[schema(value_type = Option<Object>)]
    last_attempt: Option<crate::invoices::Reach>,
}

/// The `[printers]` printers by name, last known state only (no printer is asked).
fn named_printers(state: &AppState) -> Vec<NamedPrinter> {
    let config = state.config();
    let printers = state.printers();
    let health = |target| printers.get(target, config.printer.timeouts).health();
    config
        .printers
        .iter()
        .map(|(name, target)| NamedPrinter {
            name: name.as_str().to_string(),
            epos_path: format!("/{name}/cgi-bin/epos/service.cgi"),
            printer: PrinterSummary::new(target, health(target)),
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
        (status = 200, description = "Service running", body = ServiceStatus),
        super::apidoc::NetworkRefusal,
    )
)]
pub(super) async fn status(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
) -> Json<ServiceStatus> {
    let config = state.config();
    let drawer = state.drawer_printer();
    let health = drawer.health();
    let sensor = health.status.map_or(DrawerState::Unknown, |s| {
        DrawerState::from_pin3(s.drawer_pin3_high, config.cashdrawer.sensor_open_level)
    });
    let invoices = state.invoices().status();
    Json(ServiceStatus {
        warnings: warnings(&config),
        status: "running",
        message: "Service actif",
        remote_addr: peer.ip().to_string(),
        scheme: peer.scheme.as_str(),
        version: crate::VERSION,
        uptime_s: state.uptime().as_secs(),
        printers: Printers {
            drawer: DrawerPrinter {
                printer: PrinterSummary::new(drawer.target(), health),
                drawer: sensor,
            },
            named: named_printers(&state),
            invoice: InvoicePrinter {
                autoprint: state.invoices().config().autoprint,
                routes: invoices.routes,
                queue_length: invoices.queue_length,
                last_attempt: invoices.printer,
            },
        },
    })
}
