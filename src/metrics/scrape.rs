//! The metrics read at scrape time from the state that already holds them: printer
//! health, the invoice backlog, log write failures, the certificate, the process.
//! Built into a fresh registry per scrape, so a printer removed from the
//! configuration disappears from the metrics with it.

use std::time::SystemTime;

use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::registry::{Registry, Unit};

use super::cert::ExpiryCache;
use super::labels::{ConditionLabels, PrinterLabels};
use super::process;
use crate::escpos::{PaperState, PrinterStatus};
use crate::printer::PrinterHealth;
use crate::state::AppState;

pub fn registry(state: &AppState, certificate: &ExpiryCache, started: SystemTime) -> Registry {
    let mut root = Registry::default();
    let registry = root.sub_registry_with_prefix("cashdrawer");
    printers(registry, state);
    invoices(registry, state);
    registry.register(
        "log_write_failures",
        "Operations log lines lost: write errors (disk full, read-only) or a stalled writer",
        ConstCounter::new(state.log().write_failures()),
    );
    if let Some(expiry) = certificate.not_after(state) {
        registry.register_with_unit(
            "tls_certificate_expiry_timestamp",
            "End of validity of the HTTPS certificate (Unix time)",
            Unit::Seconds,
            ConstGauge::new(unix_seconds(expiry)),
        );
    }
    process::register(root.sub_registry_with_prefix("process"), started);
    root
}

/// Reachability and last status of the drawer printer (`[printer] name`) and of the
/// invoice printer (the route of the last print attempt). Nothing is probed: a dead
/// printer never slows a scrape.
fn printers(registry: &mut Registry, state: &AppState) {
    let reachable = Family::<PrinterLabels, Gauge>::default();
    let conditions = Family::<ConditionLabels, Gauge>::default();
    let drawer = state.drawer_printer();
    let health = drawer.health();
    let labels = PrinterLabels {
        role: "drawer",
        printer: drawer.target().to_string(),
    };
    drawer_gauges(&reachable, &conditions, labels, &health);
    if let Some(reach) = state.invoices().status().printer {
        let labels = PrinterLabels {
            role: "invoice",
            printer: reach.route,
        };
        reachable
            .get_or_create(&labels)
            .set(i64::from(reach.reachable));
    }
    registry.register(
        "printer_reachable",
        "1 when the printer answered its last operation (an offline printer that answers counts), 0 when it did not; absent before the first operation",
        reachable,
    );
    registry.register(
        "printer_condition",
        "1 when the printer's last status reported this condition (paper_out, paper_near_end, cover_open, offline, error)",
        conditions,
    );
}

fn drawer_gauges(
    reachable: &Family<PrinterLabels, Gauge>,
    conditions: &Family<ConditionLabels, Gauge>,
    labels: PrinterLabels,
    health: &PrinterHealth,
) {
    if let Some(up) = health.reachable {
        reachable.get_or_create(&labels).set(i64::from(up));
    }
    let Some(status) = health.status else {
        return;
    };
    for (condition, on) in status_conditions(&status) {
        conditions
            .get_or_create(&ConditionLabels {
                role: labels.role,
                printer: labels.printer.clone(),
                condition,
            })
            .set(i64::from(on));
    }
}

/// Every condition is always listed (0 or 1), so an alert can tell "cleared" from
/// "not reported".
pub fn status_conditions(status: &PrinterStatus) -> [(&'static str, bool); 5] {
    [
        ("paper_out", status.paper == PaperState::Empty),
        ("paper_near_end", status.paper == PaperState::NearEnd),
        ("cover_open", status.cover_open),
        ("offline", !status.online),
        ("error", status.error),
    ]
}

fn invoices(registry: &mut Registry, state: &AppState) {
    let invoices = state.invoices();
    let status = invoices.status();
    registry.register(
        "invoice_queue_length",
        "Invoices detected and not printed yet (queued or printing)",
        ConstGauge::new((status.queue_length + status.in_progress) as i64),
    );
    registry.register(
        "invoices_printed",
        "Invoices printed since the service started",
        ConstCounter::new(status.printed),
    );
    registry.register(
        "invoices_failed",
        "Invoices moved to failed/ after every attempt failed, since the service started",
        ConstCounter::new(status.failures.failed_files),
    );
    registry.register(
        "invoices_rejected",
        "Files moved to rejected/ (not a printable PDF), since the service started",
        ConstCounter::new(status.failures.rejected_files),
    );
    let age = invoices
        .oldest_waiting_ms()
        .map(|ms| (crate::invoices::journal::now_ms() - ms).max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    registry.register_with_unit(
        "invoice_oldest_queued_age",
        "Age of the longest-waiting invoice (since it was queued or its current attempt began); 0 when none waits",
        Unit::Seconds,
        ConstGauge::new(age),
    );
}

pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}
