//! Tests of src/http/admin and src/auth.
