//! Tests of src/http/admin and src/auth.

mod csrf;
mod host;
mod password;
mod session;
mod throttle;
