//! Tests of src/http (but src/http/admin).
