//! Every integration test, in one crate (one binary to build and link): the service
//! started in-process on 127.0.0.1 port 0 (`helpers::TestApp`), or the real binary
//! (`helpers::binary::Binary`) for what is process-wide (the log writer and its files,
//! start-up faults, signals, the CLI). Both talk over real TCP to real printer peers;
//! browsers are headless Chromium; network callers come from network namespaces.
//!
//! One process is enough: the in-process service installs no global state (no tracing
//! subscriber, no log writer: those belong to the binary), so tests run side by side.
//! Run one area with `cargo test --test api <module>::`, e.g. `cargo test --test api
//! admin::`.

mod helpers;

mod admin;
mod attacks;
mod binary;
mod drawer;
mod faults;
mod hostile_http;
mod invoices;
mod layering;
mod lna_browser;
mod logs;
mod metrics;
#[cfg(target_os = "linux")]
mod network_caller;
mod odoo_browser;
mod odoo_epos;
mod odoo_iot;
mod openapi;
mod printers;
mod readme;
mod self_connection;
mod service_cli;
mod soak;
mod tls_renewal;
mod transports;
mod unit;
