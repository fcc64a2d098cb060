//! odoo-pos-cashdrawer: a local service that lets a web point of sale (Odoo POS first)
//! open the cash drawer and print on the till's printers.
//!
//! `main.rs` only parses the command line; everything that can be tested lives here.
//! One module per capability:
//! - [`domain`]: the values and their parsers, typed bilingual errors (the bottom layer);
//! - [`config`]: config.ini, its typed values and atomic writes;
//! - [`printer`]: printer targets, transports and the per-printer serialized queue;
//! - [`drawer`]: the drawer-kick command and the drawer sensor;
//! - [`http`]: routes, access levels, CORS, and the listener;
//! - [`invoices`]: automatic printing of the invoice PDFs downloaded from Odoo;
//! - [`logs`]: the operations log;
//! - [`platform`]: OS-specific paths and system printers;
//! - [`odoo`]: stock Odoo POS protocols (Epson ePOS-Print, IoT box `hw_proxy`).
//! - [`auth`]: admin password, sessions, CSRF, login throttling, Host check;
//! - [`metrics`]: Prometheus metrics (`/metrics`), hooks and scrape-time gauges;
//! - [`atomic_file`]: the one "temp file, fsync, rename" write every file goes through.

pub mod app;
pub mod atomic_file;
pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod drawer;
pub mod error;
pub mod escpos;
pub mod http;
pub mod invoices;
pub mod logs;
pub mod metrics;
pub mod odoo;
pub mod platform;
pub mod printer;
pub mod shutdown;
pub mod state;

pub use app::Application;

/// The version shown in `/status`, `--version` and the Windows file properties.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
