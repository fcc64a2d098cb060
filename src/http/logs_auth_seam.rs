//! PLACEHOLDER, to be connected to `crate::auth` (issue 3, built in parallel): the only
//! two questions the log routes ask about authentication.
//!
//! Today both refuse everything, so `/logs/purge` and `/logs/tail` are closed until
//! the admin session exists. To connect: make [`require_admin`] return the caller's
//! admin session (401 `Authentification requise` without one) and [`check_csrf`]
//! compare `token` with the session's CSRF token (403 when missing or wrong). The
//! handlers in `super::logs` need nothing else.

use axum::http::HeaderMap;

use crate::error::ApiError;
use crate::state::AppState;

/// The admin session of a request, as the log routes need it.
#[derive(Debug, Clone)]
pub struct AdminSession {
    /// Who is logged in, for the "purged by" line (the admin page has one account:
    /// "admin", plus whatever the session knows, e.g. its start time).
    pub user: String,
    /// The session's anti-CSRF token, compared by [`check_csrf`].
    pub csrf: String,
}

/// The caller's admin session, or 401 `Authentification requise`.
///
/// Placeholder: no session exists yet, every caller is refused.
pub fn require_admin(_state: &AppState, _headers: &HeaderMap) -> Result<AdminSession, ApiError> {
    Err(ApiError::Unauthorized(
        "Authentification requise".to_string(),
    ))
}

/// Checks the CSRF token sent with a state-changing request (query or form field
/// `csrf` or `csrf_token`, or header `X-CSRF-Token`) against the session's, and the
/// `Origin` in `headers`; 403 otherwise.
///
/// Placeholder: no session has a token yet, every token is refused.
pub fn check_csrf(
    _state: &AppState,
    _session: &AdminSession,
    _headers: &HeaderMap,
    _token: Option<&str>,
) -> Result<(), ApiError> {
    Err(ApiError::Forbidden(
        "Jeton CSRF manquant ou invalide: rechargez la page d'administration".to_string(),
    ))
}
