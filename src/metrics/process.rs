//! Process metrics under their standard names (`process_*`), so stock dashboards work.
//! Linux reads `/proc/self`; elsewhere only the start time is exported.

use std::time::SystemTime;

use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};

/// Registers into the registry prefixed `process`; `started`: when the state was built.
pub fn register(process: &mut Registry, started: SystemTime) {
    process.register_with_unit(
        "start_time",
        "Start time of the process since the Unix epoch",
        Unit::Seconds,
        ConstGauge::new(super::scrape::unix_seconds(started)),
    );
    if !cfg!(target_os = "linux") {
        return;
    }
    let read = |path| std::fs::read_to_string(path).ok();
    if let Some(rss) = read("/proc/self/status").and_then(|s| parse_vm_rss(&s)) {
        process.register_with_unit(
            "resident_memory",
            "Resident memory size",
            Unit::Bytes,
            ConstGauge::new(rss as i64),
        );
    }
    if let Some(fds) = std::fs::read_dir("/proc/self/fd").ok().map(Iterator::count) {
        process.register(
            "open_fds",
            "Number of open file descriptors",
            ConstGauge::new(fds as i64),
        );
    }
    if let Some(max) = read("/proc/self/limits").and_then(|l| parse_max_open_files(&l)) {
        process.register(
            "max_fds",
            "Maximum number of open file descriptors",
            ConstGauge::new(max as i64),
        );
    }
}

/// `VmRSS` of `/proc/self/status` (kB), in bytes.
pub fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The soft limit, from `/proc/self/limits`.
pub fn parse_max_open_files(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files")
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
