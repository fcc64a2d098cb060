//! odoo-pos-cashdrawer: a local service that lets a web point of sale (Odoo POS first)
//! open the cash drawer and print on the till's printers.
//!
//! `main.rs` only parses the command line; everything that can be tested lives here.
//! One module per capability, in layers; a module imports only its own layer and those
//! below it (`tests/api/layering.rs` fails otherwise), and takes what it needs from
//! above as an argument:
//! 1. [`domain`] (values, their parsers, typed errors told in French or English),
//!    [`escpos`] (the printer language), [`atomic_file`];
//! 2. [`config`]: config.ini, loaded, checked and written whole;
//! 3. [`platform`]: OS paths, system print queues, the Windows Event Log, with its own
//!    error type;
//! 4. [`printer`] (transports and per-printer queues), [`invoices`] (the watched
//!    download folder), [`logs`] (the operations log, no HTTP), [`auth`] (password,
//!    sessions, CSRF and throttling decisions, no HTTP), [`metrics`] (encoding only);
//! 5. [`drawer`] and [`odoo`]: the services built on a printer (kick, sensor, ePOS and
//!    IoT-box protocols);
//! 6. [`state`] (what handlers share, built whole at start), [`http`] (extractors,
//!    middleware, routes, OpenAPI) and [`error`] (the error that maps to JSON);
//! 7. [`app`] (the listener, `serve_until`, its restart control) and [`shutdown`];
//! 8. [`cli`]: the commands and the Windows service entry.

/// One line of the operations log, with its two fields first:
/// `op!(info, "invoice.remove", "ok"; peer = %ip, "{name}: supprimé")`. The `op` and
/// `outcome` fields are what the log file, the Event Log and the metrics sort by; the
/// macro keeps every call site from spelling them out.
macro_rules! op {
    ($level:ident, $op:expr, $outcome:expr; $($rest:tt)+) => {
        ::tracing::$level!(op = $op, outcome = $outcome, $($rest)+)
    };
}

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
