//! Browser access: the POS page (Odoo's origin, often https) calls us on localhost.
//!
//! Preflights are answered here, including Chrome's Private/Local Network Access
//! (`Access-Control-Request-Private-Network: true`). `[server] allowed_origins` is
//! enforced on the server side, not only by CORS headers: the Odoo module uses
//! `mode: 'no-cors'`, which the browser sends without asking, so a refused origin must be
//! refused here or it would still open the drawer.
//!
//! # Who may read which answer (`Access-Control-Allow-Origin`)
//!
//! Acting is one question (`allowed_origins`, and the Host check before it); *reading*
//! the answer is another. With the default `allowed_origins = *` any website open in the
//! till's browser passes the origin check, so an answer that holds shop data must never
//! be made readable to it. Only the routes the POS page needs to read are:
//!
//! | Route | Readable by another origin |
//! |---|---|
//! | `/open-cash-drawer`, `/cgi-bin/epos/service.cgi`, `/hw_proxy/*` | yes: any origin `allowed_origins` lets through (`*` included). The POS reads these answers (the Odoo module, Odoo's ePOS and IoT printer classes) |
//! | `/status`, `/drawer`, `/openapi.json` | yes, the same: service and drawer state, no shop data; pages such as the module's may check the service is there |
//! | `/logs`, `/logs?date=`, `/logs/list`, `/logs/tail`, `/logs/purge` | **never**: the operations log names invoices, printers, callers' addresses |
//! | `/invoice-printer/status`, `/invoice-printer/purge` | **never**: file names of the shop's invoices and the download folder |
//! | `/config*` (admin) and any other route | **never** |
//!
//! "Never" means no `Access-Control-Allow-Origin` for a foreign origin, even one listed in
//! `allowed_origins`: the listed origin is the POS, which has no use for the logs, and
//! the POS page runs code of every installed Odoo module. The service's own pages (an
//! `Origin` equal to a *known* `Host`) need no CORS. Non-browser callers (curl, scripts,
//! monitoring) ignore CORS and are unaffected. The request itself is not refused for
//! that: a foreign page that cannot read `/logs` has gained nothing by sending it.
//!
//! An `Origin` equal to the `Host` counts as our own page only when that Host is one of
//! the machine's names ([`crate::auth::host`]): under DNS rebinding a hostile page has
//! `Origin: http://evil.example` and `Host: evil.example`, which 1.0.0 took for our own.
//!
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

/// An `Origin` equal to the address the request was sent to is our own page, provided
/// that address is one of our names: an unknown Host is a rebinding page, whose origin
/// matches the Host by construction.
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

/// Routes whose answers another origin may read (see the module's table). Everything
/// else is readable by our own pages only, so a new route starts private.
pub fn readable_cross_origin(path: &str) -> bool {
    matches!(
        path,
        "/open-cash-drawer" | "/status" | "/drawer" | "/openapi.json" | "/cgi-bin/epos/service.cgi"
    ) || path.starts_with("/hw_proxy/")
        || crate::http::odoo::named_epos_path(path).is_some()
}

/// The `Access-Control-Allow-Origin` value for an origin that passed the origin check:
/// none on the private routes unless it is our own page.
fn allow_origin_for(
    state: &AppState,
    origin: &str,
    headers: &HeaderMap,
    path: &str,
) -> Option<HeaderValue> {
    if !readable_cross_origin(path) && !same_origin(state, origin, headers) {
        return None;
    }
    Some(HeaderValue::from_str(origin).unwrap_or(HeaderValue::from_static("null")))
}

fn origin_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)?
        .to_str()
        .ok()
        .map(str::to_string)
}

/// The origin part (`scheme://host[:port]`) of a `Referer`.
fn referer_origin(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (scheme, rest) = referer.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Browsers send no `Origin` with a GET in no-cors mode: an `<img>` or `fetch(...,
/// {mode: 'no-cors'})` from any page would pass a check of `Origin` alone. When
/// `allowed_origins` is a list, such a request is judged by its `Referer`; without one, a
/// browser saying `Sec-Fetch-Site: cross-site` (or `same-site`) is refused. Callers that
/// are not browsers (curl, scripts, the till's own tools) send neither and pass.
/// Returns the refusal, if any.
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

/// A browser fetch that says it comes from another site (`Sec-Fetch-Site`), named for
/// the refusal when it carries neither `Origin` nor `Referer`.
fn cross_site_fetch(headers: &HeaderMap) -> Option<String> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let site = site.unwrap_or("");
    (site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site"))
        .then(|| "une page d'un autre site (sans Origin ni Referer)".to_string())
}

/// The refusal of `origin` on `path`, logged: not in `allowed_origins`, or (`only_ours`)
/// on a route no other site may call at all.
fn refuse_origin(origin: &str, path: &str, only_ours: bool) -> Response {
    let (logged, answered) = match only_ours {
        true => (
            " (jamais depuis un autre site)",
            "cette route n'accepte que les pages du service",
        ),
        false => ("", "autorisées: voir [server] allowed_origins"),
    };
    tracing::warn!(
        op = "access.denied",
        outcome = "denied",
        "origine refusée {} pour {}{logged}",
        crate::logs::escape(origin),
        crate::logs::escape(path)
    );
    ApiError::Forbidden(format!("Origine refusée: {origin} ({answered})")).into_response()
}

/// Routes that delete things: no other website may trigger them, whatever
/// `allowed_origins` says (with the default `*` the drawer stays open to any page, as
/// in the original service, but a purge never is). Our own pages, and tools that send
/// neither `Origin`, `Referer` nor `Sec-Fetch-Site`, pass.
fn only_our_own_pages(path: &str) -> bool {
    matches!(path, "/invoice-printer/purge" | "/logs/purge")
}

/// The other site a browser request comes from, if any.
fn foreign_site(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let origin = origin_of(headers).or_else(|| referer_origin(headers));
    match origin {
        Some(o) if same_origin(state, &o, headers) => None,
        Some(o) => Some(o),
        None => cross_site_fetch(headers),
    }
}

pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if only_our_own_pages(req.uri().path()) {
        if let Some(site) = foreign_site(&state, req.headers()) {
            return refuse_origin(&site, req.uri().path(), true);
        }
    }
    let Some(origin) = origin_of(req.headers()) else {
        if let Some(refused) = refuse_originless(&state, req.headers(), req.uri().path()) {
            return refused;
        }
        return next.run(req).await;
    };
    let config = state.config();
    if !config.server.allowed_origins.allows(&origin)
        && !same_origin(&state, &origin, req.headers())
    {
        return refuse_origin(&origin, req.uri().path(), false);
    }
    let allow_origin = allow_origin_for(&state, &origin, req.headers(), req.uri().path());
    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        // A private route: no CORS grant at all, so the browser stops there.
        let Some(allow_origin) = allow_origin else {
            return res;
        };
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        if let Some(asked) = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        if req
            .headers()
            .get(PNA_REQUEST)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
        {
            h.insert(PNA_ALLOW, HeaderValue::from_static("true"));
        }
        return res;
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Some(allow_origin) = allow_origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    }
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    res
}
