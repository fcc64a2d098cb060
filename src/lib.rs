//! odoo-pos-cashdrawer: a local service that lets a web point of sale (Odoo POS first)
//! open the cash drawer and print on the till's printers; `main.rs` only parses the
//! command line. A module imports only its own layer and those below it (checked by
//! `tests/api/layering.rs`): 1. [`domain`], [`escpos`], [`atomic_file`]; 2. [`config`];
//! 3. [`platform`]; 4. [`printer`], [`invoices`], [`logs`], [`auth`], [`metrics`];
//! 5. [`drawer`], [`odoo`]; 6. [`state`], [`http`], [`error`]; 7. [`app`], [`shutdown`];
//! 8. [`cli`].

/// One line of the operations log, its `op` and `outcome` fields first:
/// `op!(info, "invoice.remove", "ok"; peer = %ip, "{name}: supprimé")`.
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
