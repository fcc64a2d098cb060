//! The admin page (`/config`): login, first-run password, the configuration form,
//! password change, drawer and print tests, the Odoo card, in French or English.
//! Every route sits behind, outside in: `[server] allowed_networks`, the Host check, the
//! HTTPS-only redirect, the CSRF check; [`AdminSession`] authenticates. Must not import
//! [`crate::app`] or [`crate::cli`].

mod assets;
pub mod fields;
pub mod i18n;
mod listener;
pub mod login;
pub mod odoo_card;
pub mod odoo_check;
mod page;
pub mod printers_field;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::auth::csrf::{form_field, Refusal};
use crate::error::ApiError;
use crate::http::access::{require_allowed_network, Peer, Scheme};
pub use crate::http::auth::AdminSession;
use crate::http::auth::{check_csrf, cross_origin, header_token, refuse_csrf, wants_html};
use crate::http::host_check::require_known_host;
use crate::state::AppState;

/// The admin routes, with their layers, ready to merge into the service's router.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/config", get(page::show))
        .route("/config/", get(page::show))
        .route("/config/save", post(page::save))
        .route("/config/password", post(page::change_password))
        .route("/config/test-drawer", post(page::test_drawer))
        .route("/config/test-print", post(page::test_print))
        .route("/config/odoo-check", post(odoo_check::odoo_check))
        .route("/config/restart", post(listener::restart))
        .route("/config/login", get(login::show).post(login::submit))
        .route(
            "/config/logout",
            get(login::logout_link).post(login::logout),
        )
        .route("/config/assets/{file}", get(assets::serve))
        .route_layer(from_fn_with_state(state.clone(), require_csrf))
        .route_layer(from_fn_with_state(state.clone(), https_only))
        .route_layer(from_fn(security_headers))
        .route_layer(from_fn_with_state(state.clone(), require_known_host))
        .route_layer(from_fn_with_state(state, require_allowed_network))
}

/// The admin routes' part of the API reference (`/openapi.json`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    page::show,
    page::save,
    page::change_password,
    page::test_drawer,
    page::test_print,
    odoo_check::odoo_check,
    listener::restart,
    login::show,
    login::submit,
    login::logout_link,
    login::logout,
    assets::serve,
))]
pub struct AdminApi;

/// The caller's address for the log, and whether it came over TLS.
fn peer_of(req_ext: &axum::http::Extensions) -> (String, bool) {
    match req_ext.get::<Peer>() {
        Some(p) => (p.ip().to_string(), p.scheme == Scheme::Https),
        None => ("inconnu".into(), false),
    }
}

const MAX_FORM_BYTES: usize = 64 * 1024;

/// A state-changing request carries its session's (or login cookie's) token and no
/// foreign `Origin`, or gets a 403; one without a session goes on to the handler's 401.
async fn require_csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (peer, https) = peer_of(req.extensions());
    let path = req.uri().path().to_string();
    let html = wants_html(req.headers());
    // Before the session: a foreign page learns nothing, not even whether one is open.
    if cross_origin(req.headers()) {
        return refuse_csrf(&peer, &path, Refusal::ForeignOrigin, html);
    }
    let expected = if path == "/config/login" {
        let cookies = crate::http::auth::cookie_header(req.headers());
        state.auth().sessions.read_login_token(&cookies, https)
    } else {
        match crate::http::auth::session(&state, req.headers(), https) {
            Some(session) => Some(session.csrf),
            None => return next.run(req).await,
        }
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        let too_big = format!("Formulaire trop grand (au plus {MAX_FORM_BYTES} octets)");
        return ApiError::BadRequest(too_big).into_response();
    };
    let given = header_token(&parts.headers).or_else(|| form_field(&bytes));
    match check_csrf(&parts.headers, expected.as_deref(), given.as_deref()) {
        Ok(()) => next.run(Request::from_parts(parts, bytes.into())).await,
        Err(refusal) => refuse_csrf(&peer, &path, refusal, html),
    }
}

/// With `[server] https_only`, plain-HTTP requests to the admin page go to HTTPS.
async fn https_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (_, https) = peer_of(req.extensions());
    if https || !state.config().server.https_only {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    let path = req.uri().path_and_query().map_or("/config", |p| p.as_str());
    let target = format!("https://{host}{path}");
    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, target)]).into_response()
}

/// The admin pages' Content-Security-Policy (the config page adds `connect-src`).
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Never framed, cached or loading from elsewhere (a page's own policy or cache wins).
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = HeaderValue::from_static;
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(set(CSP));
    h.insert(header::X_FRAME_OPTIONS, set("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, set("nosniff"));
    // Not `no-referrer`: Chromium then sends `Origin: null` on the page's own posts.
    h.insert(header::REFERRER_POLICY, set("same-origin"));
    h.entry(header::CACHE_CONTROL).or_insert(set("no-store"));
    res
}

/// An HTML answer from a rendered template.
pub(crate) fn html(status: StatusCode, body: Result<String, askama::Error>) -> Response {
    let html = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    match body {
        Ok(text) => (status, html, text).into_response(),
        Err(e) => ApiError::Internal(anyhow::anyhow!("rendu de la page: {e}")).into_response(),
    }
}

/// The save route's check of a form, without session or file, for the fuzz target.
pub fn check_config_form(
    ini: &mut ini::Ini,
    form: &std::collections::HashMap<String, String>,
    data_dir: &std::path::Path,
) -> Result<crate::config::Config, std::collections::BTreeMap<String, crate::domain::Text>> {
    fields::check_form(ini, form, data_dir, "config.ini", &[]).map(|(config, _)| config)
}
