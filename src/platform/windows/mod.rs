//! Windows-only code: the print spooler. (The service mode lives beside it.)

pub mod shell_print;
pub mod spooler;
