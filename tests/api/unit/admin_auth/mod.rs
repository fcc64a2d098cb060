//! Tests of src/http/admin and src/auth.

mod csrf;
mod english_errors;
mod fields;
mod host;
mod i18n;
mod login;
mod odoo_card;
mod odoo_check;
mod password;
mod printers_field;
mod session;
mod throttle;
