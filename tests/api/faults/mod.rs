//! Fault injection against the real service and real peers (issue 9): printer away and
//! back, data folder read-only or full, config.ini deleted or corrupted while running,
//! the clock set back, oversized and slow request bodies. One module per concern.

#[cfg(unix)]
mod clock;
mod config_file;
#[cfg(target_os = "linux")]
mod data_dir;
mod limits;
mod origins;
mod printer;
