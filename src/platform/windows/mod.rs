//! Windows-only code: the print spooler. (The service mode lives beside it.)

pub mod spooler;
