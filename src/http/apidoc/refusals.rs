//! The refusals each access level shares, written once and listed by every route of
//! that level (`responses(..., NetworkRefusal)`). They describe what
//! [`crate::http::access`] and the admin session check already answer; the answers
//! themselves are [`ErrorBody`]. Imports only the error shape: no route, no state.

use utoipa::IntoResponses;

use crate::error::ErrorBody;

/// A `network` route refuses callers outside `[server] allowed_networks`.
#[derive(IntoResponses)]
pub enum NetworkRefusal {
    /// Caller's network not allowed
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// A `local` route refuses every caller but the till itself.
#[derive(IntoResponses)]
pub enum LocalRefusal {
    /// Network caller, or Host header not accepted
    #[response(status = 403, example = json!({"status": "error", "message": "Accès refusé - Local uniquement"}))]
    Forbidden(ErrorBody),
}

/// An `authenticated` route refuses callers without an admin session, and changes
/// without the session's CSRF token.
#[derive(IntoResponses)]
pub enum AdminRefusal {
    /// No admin session (API callers; browsers asking for HTML are redirected to `/config/login`)
    #[response(status = 401, example = json!({"status": "error", "message": "Connexion administrateur requise (voir /config/login)"}))]
    Unauthorized(ErrorBody),
    /// Network not allowed, unknown Host, foreign Origin or bad CSRF token (HTML page for form posts, JSON otherwise)
    #[response(status = 403, example = json!({"status": "error", "message": "Accès refusé - le réseau de 192.168.2.7 n'est pas autorisé ([server] allowed_networks)"}))]
    Forbidden(ErrorBody),
}

/// The ePOS routes: local unless `[odoo] epos_allowed_networks`, 404 when switched off.
#[derive(IntoResponses)]
pub enum EposRefusal {
    /// Caller neither local nor in `[odoo] epos_allowed_networks`
    #[response(status = 403, example = json!({"status": "error", "message": "Accès refusé - Local uniquement"}))]
    Forbidden(ErrorBody),
    /// ePOS emulation switched off (`[odoo] epos = false`), or no printer of that name in `[printers]`
    #[response(status = 404, example = json!({"status": "error", "message": "Imprimante \"bar\" inconnue; imprimantes de [printers]: kitchen (l'adresse ePOS est 127.0.0.1:22548/<nom>)"}))]
    NotFound(ErrorBody),
}

/// The IoT box routes: local unless `[odoo] iot_allowed_networks`, 404 when switched off.
#[derive(IntoResponses)]
pub enum IotRefusal {
    /// Caller neither local nor in `[odoo] iot_allowed_networks`
    #[response(status = 403, example = json!({"status": "error", "message": "Accès refusé - Local uniquement"}))]
    Forbidden(ErrorBody),
    /// IoT emulation switched off
    #[response(status = 404, example = json!({"status": "error", "message": "Protocole Odoo iot désactivé (voir [odoo] iot dans config.ini)"}))]
    NotFound(ErrorBody),
}
