//! What the metrics cost (issue 16): the time one `/metrics` exposition takes to build
//! (gathering the snapshot from the state and encoding it),
//! and the time the kick hook adds to one drawer kick.
//!
//! `cargo run --release --example metrics_bench` (a few seconds; `bench/run.sh` runs it
//! after the main table). The hook is measured
//! in-process against the same kick future without it, so the figure is the added cost
//! alone, without the printer's and the network's noise around a real kick.

use std::time::{Duration, Instant};

use cashdrawer::config::{Config, ConfigStore};
use cashdrawer::metrics::{Metrics, Route};
use cashdrawer::printer::{Outcome, PrinterError};
use cashdrawer::state::{AppState, Services};

fn ok() -> Result<Outcome, PrinterError> {
    Ok(Outcome {
        status: None,
        elapsed: Duration::from_millis(3),
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let metrics = Metrics::new();
        let rounds = 1_000_000u32;
        for (label, with_hook) in [("without hook", false), ("with hook", true)] {
            let started = Instant::now();
            for _ in 0..rounds {
                let result = if with_hook {
                    metrics.kick(Route::Module, async { ok() }).await
                } else {
                    async { ok() }.await
                };
                std::hint::black_box(result).ok();
            }
            let per = started.elapsed() / rounds;
            println!("kick future {label}: {per:?} per kick ({rounds} kicks)");
        }

        let dir = std::env::temp_dir().join(format!("metrics-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = ConfigStore::new(dir.join("config.ini"));
        let state = AppState::new(dir.clone(), store, Config::defaults(), Services::offline());
        for _ in 0..100 {
            let _ = state.metrics().kick(Route::Module, async { ok() }).await;
        }
        for (label, openmetrics) in [("Prometheus text", false), ("OpenMetrics", true)] {
            let mut times = Vec::with_capacity(5_000);
            let mut size = 0;
            for _ in 0..5_000 {
                let started = Instant::now();
                let body = state
                    .metrics()
                    .encode(&cashdrawer::http::metrics::snapshot(&state), openmetrics);
                times.push(started.elapsed());
                size = body.len();
            }
            times.sort();
            println!(
                "/metrics exposition ({label}, {size} bytes): p50 {:?}, p99 {:?}",
                percentile(&times, 0.5),
                percentile(&times, 0.99)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}
