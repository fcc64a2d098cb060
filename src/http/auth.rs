//! Being an admin over HTTP: the one [`AdminSession`] extractor and the one CSRF check
//! ([`check_csrf`]), for the admin page (`/config/...`) and the admin-only log routes
//! (`/logs/tail`, `/logs/purge`). The decisions are [`crate::auth`]'s; this module reads
//! the request for them and turns refusals into answers, each route keeping its text.
//! Part of the HTTP layer: it must not import `app` or `cli`.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::csrf::{self, Refusal};
use crate::auth::Session;
use crate::error::ApiError;
use crate::http::access::{Peer, Scheme};
use crate::state::AppState;

/// A logged-in administrator. Without a valid session: browsers asking for HTML are
/// sent to the login page, API callers get 401 JSON.
pub struct AdminSession(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for AdminSession
where
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let state = AppState::from_ref(state);
        let peer = parts.extensions.get::<Peer>();
        let https = peer.is_some_and(|p| p.scheme == Scheme::Https);
        if let Some(s) = route_session(&state, parts.uri.path(), &parts.headers, https) {
            return Ok(AdminSession(s));
        }
        // The admin-only log routes answer refusals in their own words (the original's)
        // and log them under their operation (`logs.tail` for `/logs/tail`).
        let log_route = parts
            .uri
            .path()
            .strip_prefix("/logs/")
            .map(|r| format!("logs.{r}"));
        Err(match log_route {
            Some(op) => refuse_log_route(
                &op,
                peer,
                &parts.headers,
                ApiError::Unauthorized("Authentification requise".to_string()),
            ),
            None if wants_html(&parts.headers) => Redirect::to("/config/login").into_response(),
            None => ApiError::Unauthorized(
                "Connexion administrateur requise (voir /config/login)".into(),
            )
            .into_response(),
        })
    }
}

/// The admin session a request to `path` carries, as that route takes it. The log routes
/// have always taken either cookie name: browsers send the `__Secure-` one over HTTPS
/// only, so this grants nothing more.
pub fn route_session(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    https: bool,
) -> Option<Session> {
    if path.starts_with("/logs/") {
        session(state, headers, true).or_else(|| session(state, headers, false))
    } else {
        session(state, headers, https)
    }
}

/// The valid admin session of a request (`https`: it came over TLS), if any.
pub fn session(state: &AppState, headers: &HeaderMap, https: bool) -> Option<Session> {
    let hash = state.password_hash();
    let lifetime = state.config().auth.session_lifetime;
    let cookies = cookie_header(headers);
    state.auth().sessions.read(&cookies, https, &hash, lifetime)
}

/// Every `Cookie` header of the request as one text (HTTP/2 may send several).
pub fn cookie_header(headers: &HeaderMap) -> String {
    let values: Vec<&str> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .collect();
    values.join("; ")
}

/// The token sent in the `X-CSRF-Token` header, if any.
pub fn header_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// An `Origin` naming another site than the one the request was sent to.
pub fn cross_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    csrf::foreign_origin(text(header::ORIGIN), text(header::HOST))
}

/// The one CSRF check of a state-changing request: no foreign `Origin` in `headers`,
/// and the token `given` is the one `expected` (the session's, or the login form's).
pub fn check_csrf(
    headers: &HeaderMap,
    expected: Option<&str>,
    given: Option<&str>,
) -> Result<(), Refusal> {
    csrf::check(cross_origin(headers), expected, given)
}

/// The admin page's 403, logged with the caller's address: a short page for a browser
/// that asked for HTML (a form post), the usual JSON error otherwise.
pub fn refuse_csrf(peer: &str, path: &str, refusal: Refusal, html: bool) -> Response {
    let why = refusal.why();
    tracing::warn!(
        op = "auth.csrf",
        outcome = "denied",
        peer = %peer,
        "requête refusée sur {} depuis {peer}: {why}",
        crate::logs::escape(path)
    );
    // `why` is one of our fixed texts, never caller input: no escaping needed.
    let message =
        format!("Requête refusée: {why}. Rechargez la page d'administration et recommencez.");
    if html {
        let body = format!(
            "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>403</title><link rel=\"stylesheet\" href=\"/config/assets/admin.css\"></head>\
             <body><main><p class=\"alert\" id=\"error\">{message}</p>\
             <p><a class=\"button\" href=\"/config\">/config</a></p></main></body></html>"
        );
        return crate::http::admin::html(StatusCode::FORBIDDEN, Ok(body));
    }
    ApiError::Forbidden(message).into_response()
}

/// A log route's refusal: a `denied` line under `op`, then `err`, except that a browser
/// asking for HTML without a session is sent to the login page.
pub fn refuse_log_route(
    op: &str,
    peer: Option<&Peer>,
    headers: &HeaderMap,
    err: ApiError,
) -> Response {
    let peer = peer.map_or_else(|| "inconnu".to_string(), Peer::label);
    tracing::warn!(
        op,
        outcome = "denied",
        peer = %peer,
        "refusé: {}",
        err.public_message()
    );
    if wants_html(headers) && err.status() == StatusCode::UNAUTHORIZED {
        return Redirect::to("/config/login").into_response();
    }
    err.into_response()
}

/// Whether the caller asked for an HTML page (a browser) rather than JSON.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}
