//! Windows-only code: the print spooler and the service mode.

pub mod service;
pub mod spooler;
