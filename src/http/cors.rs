//! Browser access: preflights (with Chrome's Private Network Access), and `[server]
//! allowed_origins` enforced here, not only by CORS headers: the Odoo module sends
//! `mode: 'no-cors'` requests, so a refused origin would still open the drawer.
//! Reading is another question than acting: only the routes the POS reads
//! ([`readable_cross_origin`]) get `Access-Control-Allow-Origin` for a foreign origin;
//! the logs, invoices and admin page (shop data) only for our own pages (an `Origin` equal
//! to a *known* Host: under DNS rebinding `Origin` and `Host` match too).
//! Owns the CORS and origin middleware; must not import routes, `app` or `cli`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
const PNA_REQUEST: &str = "access-control-request-private-network";
const PNA_ALLOW: &str = "access-control-allow-private-network";

/// An `Origin` naming the Host the request was sent to, a Host that is one of our names.
fn same_origin(state: &AppState, origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    origin_names_host(origin, host) && crate::http::host_check::header_is_known(state, host)
}

/// `origin` is `http://HOST` or `https://HOST`, with `host` exactly as the Host header.
pub fn origin_names_host(origin: &str, host: &str) -> bool {
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

/// Routes another origin may read (drawer, status, Odoo protocols); the others (logs,
/// invoices, admin: shop data) only our own pages, so a new route starts private.
pub fn readable_cross_origin(path: &str) -> bool {
    matches!(
        path,
        "/open-cash-drawer" | "/status" | "/drawer" | "/openapi.json" | "/cgi-bin/epos/service.cgi"
    ) || path.starts_with("/hw_proxy/")
        || crate::http::odoo::named_epos_path(path).is_some()
}

fn origin_of(headers: &HeaderMap) -> Option<String> {
    Some(headers.get(header::ORIGIN)?.to_str().ok()?.to_string())
}

/// The origin part (`scheme://host[:port]`) of a `Referer`.
fn referer_origin(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (scheme, rest) = referer.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// No `Origin` (a no-cors GET, an `<img>`): with an `allowed_origins` list, judged by the
/// `Referer`, else by `Sec-Fetch-Site`. Non-browser callers send neither and pass.
fn refuse_originless(state: &AppState, headers: &HeaderMap, path: &str) -> Option<Response> {
    let config = state.config();
    if config.server.allowed_origins == crate::domain::AllowedOrigins::Any {
        return None;
    }
    let claimed = match referer_origin(headers) {
        Some(origin) if config.server.allowed_origins.allows(&origin) => return None,
        Some(origin) if same_origin(state, &origin, headers) => return None,
        Some(origin) => origin,
        None => cross_site_fetch(headers)?,
    };
    Some(refuse_origin(&claimed, path, false))
}

/// A browser fetch from another site (`Sec-Fetch-Site`), named for the refusal.
fn cross_site_fetch(headers: &HeaderMap) -> Option<String> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let site = site.unwrap_or("");
    (site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site"))
        .then(|| "une page d'un autre site (sans Origin ni Referer)".to_string())
}

/// The logged refusal of `origin`: not allowed, or (`only_ours`) on a route of ours only.
fn refuse_origin(origin: &str, path: &str, only_ours: bool) -> Response {
    let (logged, answered) = match only_ours {
        true => (
            " (jamais depuis un autre site)",
            "cette route n'accepte que les pages du service",
        ),
        false => ("", "autorisées: voir [server] allowed_origins"),
    };
    let (shown, path) = (crate::logs::escape(origin), crate::logs::escape(path));
    op!(warn, "access.denied", "denied"; "origine refusée {shown} pour {path}{logged}");
    ApiError::Forbidden(format!("Origine refusée: {origin} ({answered})")).into_response()
}

/// Routes that delete things: no other website may trigger them, whatever
/// `allowed_origins` says.
fn only_our_own_pages(path: &str) -> bool {
    matches!(path, "/invoice-printer/purge" | "/logs/purge")
}

/// The other site a browser request comes from, if any.
fn foreign_site(state: &AppState, headers: &HeaderMap) -> Option<String> {
    match origin_of(headers).or_else(|| referer_origin(headers)) {
        Some(o) if same_origin(state, &o, headers) => None,
        Some(o) => Some(o),
        None => cross_site_fetch(headers),
    }
}

pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (path, headers) = (req.uri().path(), req.headers());
    if only_our_own_pages(path) {
        if let Some(site) = foreign_site(&state, headers) {
            return refuse_origin(&site, path, true);
        }
    }
    let Some(origin) = origin_of(headers) else {
        if let Some(refused) = refuse_originless(&state, headers, path) {
            return refused;
        }
        return next.run(req).await;
    };
    let ours = || same_origin(&state, &origin, headers);
    if !state.config().server.allowed_origins.allows(&origin) && !ours() {
        return refuse_origin(&origin, path, false);
    }
    // None on the private routes unless it is our own page.
    let value = HeaderValue::from_static;
    let allow_origin = (readable_cross_origin(path) || ours())
        .then(|| HeaderValue::from_str(&origin).unwrap_or(value("null")));
    if req.method() == Method::OPTIONS
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert(header::VARY, value("Origin"));
        // A private route: no CORS grant at all, so the browser stops there.
        let Some(allow_origin) = allow_origin else {
            return res;
        };
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, value(ALLOW_METHODS));
        if let Some(asked) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        h.insert(header::ACCESS_CONTROL_MAX_AGE, value("600"));
        let pna = headers.get(PNA_REQUEST);
        if pna.is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true")) {
            h.insert(PNA_ALLOW, value("true"));
        }
        return res;
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Some(allow_origin) = allow_origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    }
    h.append(header::VARY, value("Origin"));
    res
}
