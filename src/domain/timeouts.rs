//! `[printer] connect_timeout_ms` / `write_timeout_ms`, applied by `printer`.
//! Imports only `domain` itself.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting (TCP) or opening (serial, device, spooler).
    pub connect: Duration,
    /// Each write, and each status read.
    pub write: Duration,
}
