//! Prometheus metrics served by `GET /metrics`. Events (kicks, print jobs, login
//! failures) are counted by the hooks when they happen; states (printer health, invoice
//! backlog, certificate, process) are read at scrape time from a [`Snapshot`] the route
//! gathers, so they never drift from `/status`. Labels are closed enums and configured
//! printers only. Imports lower layers and `printer`/`invoices` values; never the state
//! or HTTP.

pub mod cert;
mod labels;
pub mod process;
mod scrape;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

pub use labels::Route;
use labels::{JobLabels, KickLabels, RouteLabels};
pub use scrape::Snapshot;

use crate::domain::PrinterTarget;
use crate::printer::PrinterError;

/// Seconds: a kick is a few ms on a healthy printer; the timeouts bound the slow end.
const KICK_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Seconds: a raster receipt takes longer.
const RECEIPT_BUCKETS: [f64; 12] = [
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// The service's metrics, held by the service state; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    /// The hooks' families; the scrape-time ones are built per scrape.
    registry: Registry,
    kicks: Family<KickLabels, Counter>,
    kick_seconds: Family<RouteLabels, Histogram>,
    jobs: Family<JobLabels, Counter>,
    job_bytes: Family<JobLabels, Counter>,
    receipt_seconds: Family<RouteLabels, Histogram>,
    login_failures: Counter,
    login_throttled: Counter,
    /// The start time Prometheus sees: a change of it is a restart.
    started: SystemTime,
    certificate: cert::ExpiryCache,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Inner {
            registry: Registry::with_prefix("cashdrawer"),
            kicks: Family::default(),
            kick_seconds: Family::new_with_constructor(|| Histogram::new(KICK_BUCKETS)),
            jobs: Family::default(),
            job_bytes: Family::default(),
            receipt_seconds: Family::new_with_constructor(|| Histogram::new(RECEIPT_BUCKETS)),
            login_failures: Counter::default(),
            login_throttled: Counter::default(),
            started: SystemTime::now(),
            certificate: cert::ExpiryCache::default(),
        };
        let r = &mut m.registry;
        r.register(
            "drawer_kicks",
            "Drawer kicks by route (module, epos, hw_proxy, admin) and outcome (ok or the printer error kind)",
            m.kicks.clone(),
        );
        r.register_with_unit(
            "drawer_kick_duration",
            "Time from the kick request to the printer's confirmation (or failure)",
            Unit::Seconds,
            m.kick_seconds.clone(),
        );
        r.register(
            "print_jobs",
            "Receipt print jobs by printer (configured target) and outcome",
            m.jobs.clone(),
        );
        r.register_with_unit(
            "print",
            "Bytes of receipt print jobs by printer and outcome",
            Unit::Bytes,
            m.job_bytes.clone(),
        );
        r.register_with_unit(
            "receipt_duration",
            "Time to print one receipt (status check, job, confirmation) by route",
            Unit::Seconds,
            m.receipt_seconds.clone(),
        );
        r.register(
            "admin_login_failures",
            "Admin logins refused for a wrong password",
            m.login_failures.clone(),
        );
        r.register(
            "admin_login_throttled",
            "Admin login attempts refused because the address is throttled",
            m.login_throttled.clone(),
        );
        r.register(
            "build",
            "Version of the service",
            Info::new(vec![("version".to_string(), crate::VERSION.to_string())]),
        );
        Metrics { inner: Arc::new(m) }
    }

    /// Hook: runs a drawer kick and counts it under `route`, with its latency.
    pub async fn kick<F, T>(&self, route: Route, kick: F) -> Result<T, PrinterError>
    where
        F: Future<Output = Result<T, PrinterError>>,
    {
        let started = Instant::now();
        let result = kick.await;
        self.record_kick(route, &result, Some(started.elapsed()));
        result
    }

    /// Hook: runs a receipt job of `bytes` bytes sent to `printer` and counts it.
    pub async fn print<F, T>(
        &self,
        route: Route,
        printer: &PrinterTarget,
        bytes: usize,
        job: F,
    ) -> Result<T, PrinterError>
    where
        F: Future<Output = Result<T, PrinterError>>,
    {
        let started = Instant::now();
        let result = job.await;
        self.record_print(route, printer, bytes, &result, started.elapsed());
        result
    }

    /// Hook for one ePOS-Print job: a print job when it prints, a kick when it pulses
    /// the drawer; timed as a receipt when it prints, else as a kick.
    pub async fn epos<F, T>(
        &self,
        prints: bool,
        kicks: bool,
        printer: &PrinterTarget,
        bytes: usize,
        job: F,
    ) -> Result<T, PrinterError>
    where
        F: Future<Output = Result<T, PrinterError>>,
    {
        let started = Instant::now();
        let result = job.await;
        let elapsed = started.elapsed();
        if prints {
            self.record_print(Route::Epos, printer, bytes, &result, elapsed);
        }
        if kicks {
            self.record_kick(Route::Epos, &result, (!prints).then_some(elapsed));
        }
        result
    }

    pub fn login_failed(&self) {
        self.inner.login_failures.inc();
    }

    pub fn login_throttled(&self) {
        self.inner.login_throttled.inc();
    }

    fn record_kick<T>(
        &self,
        route: Route,
        result: &Result<T, PrinterError>,
        elapsed: Option<Duration>,
    ) {
        let outcome = labels::outcome(result);
        self.inner
            .kicks
            .get_or_create(&KickLabels { route, outcome })
            .inc();
        if let Some(elapsed) = elapsed {
            self.observe(&self.inner.kick_seconds, route, elapsed);
        }
    }

    fn record_print<T>(
        &self,
        route: Route,
        printer: &PrinterTarget,
        bytes: usize,
        result: &Result<T, PrinterError>,
        elapsed: Duration,
    ) {
        let labels = JobLabels::new(printer, labels::outcome(result));
        self.inner.jobs.get_or_create(&labels).inc();
        self.inner
            .job_bytes
            .get_or_create(&labels)
            .inc_by(bytes as u64);
        self.observe(&self.inner.receipt_seconds, route, elapsed);
    }

    fn observe(&self, family: &Family<RouteLabels, Histogram>, route: Route, elapsed: Duration) {
        family
            .get_or_create(&RouteLabels { route })
            .observe(elapsed.as_secs_f64());
    }

    /// Every metric, as OpenMetrics text (what Prometheus asks for) or text format 0.0.4.
    pub fn encode(&self, now: &Snapshot, openmetrics: bool) -> String {
        let now = scrape::registry(now, &self.inner.certificate, self.inner.started);
        let mut out = String::with_capacity(8 * 1024);
        let written = if openmetrics {
            use prometheus_client::encoding::text;
            text::encode_registry(&mut out, &self.inner.registry)
                .and_then(|()| text::encode_registry(&mut out, &now))
                .and_then(|()| text::encode_eof(&mut out))
        } else {
            use prometheus_client::encoding::prometheus_text;
            prometheus_text::encode(&mut out, &self.inner.registry)
                .and_then(|()| prometheus_text::encode(&mut out, &now))
        };
        written.expect("encoding metrics into a String");
        out
    }
}
