//! Tests of the library's modules through their public interface, one folder per area of
//! `src/`: they moved here from `#[cfg(test)]` modules in `src/` (issue 15: `src/` holds
//! the service, `tests/` its tests). Each test keeps its name.

mod admin_auth;
mod base;
mod hardware;
mod http;
mod invoices_logs;
mod raster;
