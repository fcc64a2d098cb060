//! Tests of src/http (but src/http/admin).

mod access;
mod auth;
mod cors;
mod metrics;
mod request_log;
mod server;
mod tls;
