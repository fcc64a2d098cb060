//! HTTP: routes by capability, merged here under their access level (local: loopback
//! only; network: `[server] allowed_networks`; authenticated: an admin session), and the
//! listener. Around them, outermost first: the Host check, CORS ([`cors`]), the request
//! log, the body limit. Layer 6: never imports `app` or `cli`, which start it.

pub mod access;
pub mod admin;
pub mod apidoc;
pub mod auth;
pub mod cors;
mod drawer;
mod host_check;
mod invoices;
pub mod limits;
pub mod logs;
pub mod metrics;
pub(crate) mod odoo;
pub mod request_log;
pub mod server;
mod status;
pub mod tls;

use axum::extract::Request;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;
use access::require_allowed_network;
use host_check::require_known_host;

pub fn router(state: AppState) -> Router {
    // The routes that act on the till (open the drawer, delete files): loopback only.
    let local = Router::new()
        .route("/open-cash-drawer", get(drawer::open_cash_drawer))
        .route("/invoice-printer/purge", get(invoices::purge))
        .route_layer(from_fn_with_state(state.clone(), access::require_local));
    let network = Router::new()
        .route("/status", get(status::status))
        .route("/drawer", get(drawer::drawer_state))
        .route("/invoice-printer/status", get(invoices::status))
        .route("/logs", get(logs::download))
        .route("/logs/list", get(logs::list))
        // Tail and purge check the admin session themselves.
        .route("/logs/tail", get(logs::tail))
        .route("/logs/purge", get(logs::purge).post(logs::purge))
        .route("/openapi.json", get(apidoc::openapi_json))
        .route("/docs", get(apidoc::docs_page))
        .route("/docs/assets/{file}", get(apidoc::docs_asset))
        .merge(metrics::router())
        .route_layer(from_fn_with_state(state.clone(), require_allowed_network));
    Router::new()
        .merge(local)
        .merge(network)
        .merge(odoo::router(state.clone()))
        .merge(admin::router(state.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), limits::limit_body))
        .layer(from_fn(request_log::request_log))
        .layer(from_fn_with_state(state.clone(), cors::cors))
        // Outermost: a request sent to a name not ours is a DNS rebinding, whatever the route.
        .layer(from_fn_with_state(state.clone(), require_known_host))
        .with_state(state)
}

async fn not_found(req: Request) -> Response {
    ApiError::NotFound(format!(
        "Route inconnue: {} (voir /status, /open-cash-drawer, /drawer)",
        crate::logs::escape(req.uri().path())
    ))
    .into_response()
}

async fn method_not_allowed(req: Request) -> Response {
    ApiError::MethodNotAllowed(format!(
        "Méthode {} non acceptée sur {}",
        req.method(),
        crate::logs::escape(req.uri().path())
    ))
    .into_response()
}
