//! Windows-only code: the print spooler, PDF rendering for invoices. (The service mode
//! lives beside it.)

pub mod pdf_render;
pub mod shell_print;
pub mod spooler;
