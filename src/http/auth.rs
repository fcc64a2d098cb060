//! Being an admin over HTTP: the [`AdminSession`] extractor and the CSRF check
//! ([`check_csrf`]) of the admin page and the admin-only log routes. The decisions are
//! [`crate::auth`]'s; this reads the request for them and answers refusals. Must not
//! import `app` or `cli`.

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
        let (path, headers) = (parts.uri.path(), &parts.headers);
        let peer = parts.extensions.get::<Peer>();
        let https = peer.is_some_and(|p| p.scheme == Scheme::Https);
        if let Some(s) = route_session(&state, path, headers, https) {
            return Ok(AdminSession(s));
        }
        // The log routes refuse in the original's words, logged as `logs.tail`...
        Err(
            match path.strip_prefix("/logs/").map(|r| format!("logs.{r}")) {
                Some(op) => {
                    let err = ApiError::Unauthorized("Authentification requise".to_string());
                    refuse_log_route(&op, peer, headers, err)
                }
                None if wants_html(headers) => Redirect::to("/config/login").into_response(),
                None => {
                    let text = "Connexion administrateur requise (voir /config/login)";
                    ApiError::Unauthorized(text.into()).into_response()
                }
            },
        )
    }
}

/// The admin session a request to `path` carries. The log routes take either cookie name
/// (browsers send the `__Secure-` one over HTTPS only, so this grants nothing more).
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
    let values = headers.get_all(header::COOKIE).iter();
    values
        .filter_map(|h| h.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The token sent in the `X-CSRF-Token` header, if any.
pub fn header_token(headers: &HeaderMap) -> Option<String> {
    Some(headers.get(csrf::HEADER)?.to_str().ok()?.to_string())
}

/// An `Origin` naming another site than the one the request was sent to.
pub fn cross_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    csrf::foreign_origin(text(header::ORIGIN), text(header::HOST))
}

/// The CSRF check of a state-changing request: no foreign `Origin`, and `given` is `expected`.
pub fn check_csrf(
    headers: &HeaderMap,
    expected: Option<&str>,
    given: Option<&str>,
) -> Result<(), Refusal> {
    csrf::check(cross_origin(headers), expected, given)
}

/// The admin page's 403, logged: a short page for a form post (`html`), else JSON.
pub fn refuse_csrf(peer: &str, path: &str, refusal: Refusal, html: bool) -> Response {
    let why = refusal.why();
    let path = crate::logs::escape(path);
    op!(warn, "auth.csrf", "denied"; peer = %peer,
        "requête refusée sur {path} depuis {peer}: {why}");
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

/// A log route's refusal, logged under `op`; a sessionless browser goes to the login page.
pub fn refuse_log_route(
    op: &str,
    peer: Option<&Peer>,
    headers: &HeaderMap,
    err: ApiError,
) -> Response {
    let peer = peer.map_or_else(|| "inconnu".to_string(), Peer::label);
    op!(warn, op, "denied"; peer = %peer, "refusé: {}", err.public_message());
    if wants_html(headers) && err.status() == StatusCode::UNAUTHORIZED {
        return Redirect::to("/config/login").into_response();
    }
    err.into_response()
}

pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}
