//! Tests of src/invoices and src/logs.
