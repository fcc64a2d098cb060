//! Tests of src/invoices and src/logs.
mod invoices;
mod invoices_check;
mod invoices_ipps;
mod invoices_journal;
mod invoices_test_page;
mod invoices_transport;
mod logs;
mod logs_line;
mod logs_rotate;
mod logs_rotate_clock_jump;
mod logs_tail;
