//! The two questions the log routes ask about authentication, answered by
//! [`crate::auth`] and the admin session of [`crate::http::admin`] (issue 3).

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
/// The route does not say whether it came over HTTPS, so both cookie names are tried:
/// browsers send the `__Secure-` one over HTTPS only, so this grants nothing more.
pub fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<AdminSession, ApiError> {
    crate::http::admin::service_session(state, headers, true)
        .or_else(|| crate::http::admin::service_session(state, headers, false))
        .map(|s| AdminSession {
            user: "admin".to_string(),
            csrf: s.csrf,
        })
        .ok_or_else(|| ApiError::Unauthorized("Authentification requise".to_string()))
}

/// Checks the CSRF token sent with a state-changing request (query or form field
/// `csrf` or `csrf_token`, or header `X-CSRF-Token`) against the session's, and the
/// `Origin` in `headers`; 403 otherwise (the caller logs the refusal).
pub fn check_csrf(
    _state: &AppState,
    session: &AdminSession,
    headers: &HeaderMap,
    token: Option<&str>,
) -> Result<(), ApiError> {
    let refused = || {
        ApiError::Forbidden(
            "Jeton CSRF manquant ou invalide: rechargez la page d'administration".to_string(),
        )
    };
    if crate::auth::csrf::cross_origin(headers) {
        return Err(refused());
    }
    match token {
        Some(t) if crate::auth::same_secret(t, &session.csrf) => Ok(()),
        _ => Err(refused()),
    }
}
