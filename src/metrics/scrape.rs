//! The metrics read at scrape time, from a [`Snapshot`] the caller gathered, into a
//! fresh registry per scrape: a printer removed from the configuration disappears.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::registry::{Registry, Unit};

use super::cert::ExpiryCache;
use super::labels::{ConditionLabels, PrinterLabels};
use super::process;
use crate::escpos::{PaperState, PrinterStatus};
use crate::invoices::StatusSnapshot;
use crate::printer::PrinterHealth;

/// The states a scrape reports, read from the running service by the caller.
pub struct Snapshot {
    /// The drawer printer's label, and its health.
    pub drawer_printer: String,
    pub drawer_health: PrinterHealth,
    pub invoices: StatusSnapshot,
    pub oldest_invoice_age: Duration,
    pub log_write_failures: u64,
    /// The certificate file the HTTPS listener serves (may not exist).
    pub certificate: PathBuf,
}

pub fn registry(now: &Snapshot, certificate: &ExpiryCache, started: SystemTime) -> Registry {
    let mut root = Registry::default();
    let registry = root.sub_registry_with_prefix("cashdrawer");
    printers(registry, now);
    invoices(registry, now);
    registry.register(
        "log_write_failures",
        "Operations log lines lost: write errors (disk full, read-only) or a stalled writer",
        ConstCounter::new(now.log_write_failures),
    );
    if let Some(expiry) = certificate.not_after(&now.certificate) {
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

/// The drawer and invoice printers' last reach and status: nothing is probed, so a
/// dead printer never slows a scrape.
fn printers(registry: &mut Registry, now: &Snapshot) {
    let reachable = Family::<PrinterLabels, Gauge>::default();
    let conditions = Family::<ConditionLabels, Gauge>::default();
    let labels = PrinterLabels {
        role: "drawer",
        printer: now.drawer_printer.clone(),
    };
    if let Some(up) = now.drawer_health.reachable {
        reachable.get_or_create(&labels).set(i64::from(up));
    }
    for (condition, on) in now.drawer_health.status.iter().flat_map(status_conditions) {
        let labels = ConditionLabels {
            role: labels.role,
            printer: labels.printer.clone(),
            condition,
        };
        conditions.get_or_create(&labels).set(i64::from(on));
    }
    if let Some(reach) = &now.invoices.printer {
        let labels = PrinterLabels {
            role: "invoice",
            printer: reach.route.clone(),
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

/// Every condition, so an alert can tell "cleared" from "not reported".
pub fn status_conditions(status: &PrinterStatus) -> [(&'static str, bool); 5] {
    [
        ("paper_out", status.paper == PaperState::Empty),
        ("paper_near_end", status.paper == PaperState::NearEnd),
        ("cover_open", status.cover_open),
        ("offline", !status.online),
        ("error", status.error),
    ]
}

fn invoices(registry: &mut Registry, now: &Snapshot) {
    let status = &now.invoices;
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
    registry.register_with_unit(
        "invoice_oldest_queued_age",
        "Age of the longest-waiting invoice (since it was queued or its current attempt began); 0 when none waits",
        Unit::Seconds,
        ConstGauge::new(now.oldest_invoice_age.as_secs_f64()),
    );
}

pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}
