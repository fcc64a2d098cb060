//! Attacks on the real binary over real sockets (issue 13, SECURITY.md "Security 1.1"):
//! one file per class of the 1.0.0 adversarial review. Each test was checked to fail on
//! 1.0.0. Network callers come from a network namespace (`crate::helpers::netns`).

/// §2: the web admin has the service's settings, not the machine's files.
mod admin_reach;
/// §5: authentication under concurrency and faults.
mod auth_race;
/// §1: config writes are typed; nothing from a form reaches config.ini as raw text.
mod config_write;
/// §4: the shop network cannot exhaust the service.
#[cfg(target_os = "linux")]
mod exhaustion;
/// §4: a stalled or busy printer answers every waiting request within its bound.
mod printer_stall;
/// §3: no website drives the till (DNS rebinding, cross-origin reads, first run).
mod rebinding;
/// §6: smaller ones (incremental PDFs, bidirectional characters in the log).
mod small;
