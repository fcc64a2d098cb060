//! Fault injection against the real service and real peers (issue 9): printer away and
//! back, data folder read-only or full, config.ini deleted or corrupted while running,
//! the clock set back, oversized and slow request bodies. One test binary, several files.

#[path = "../common/mod.rs"]
mod common;

#[path = "../admin/support.rs"]
#[allow(dead_code)]
mod admin;

#[cfg(unix)]
mod clock;
mod config_file;
#[cfg(target_os = "linux")]
mod data_dir;
mod limits;
mod origins;
mod printer;
#[cfg(unix)]
mod support;
