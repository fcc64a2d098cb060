//! Request body limits, for every route, before any handler or authentication runs.
//!
//! axum's own limit (`DefaultBodyLimit`, 2 MiB unless a route sets another) answers a
//! too-large body with a plain-text 413 from inside the extractor, and a body that
//! trickles in holds its task for as long as the client likes. Here every body is read
//! up front, under a size limit fitting its route and the `[server] header_timeout_s`
//! deadline, and refused with the usual JSON error. Forms (admin page, log purge) are a
//! few hundred bytes: 64 KiB leaves room and keeps an anonymous caller from making the
//! service buffer megabytes. The Odoo routes carry receipt pictures: they keep their
//! own limit ([`ODOO_LIMIT`]).
//!
//! Before any of that, the caller's access level is decided from the head alone
//! ([`crate::http::access::early_refusal`]): a refused caller is answered at once with
//! `Connection: close`, and its body is never read. A body no handler will look at (a
//! path no route has, an admin action without a session) is not read either.
//!
//! Owns the body-limit middleware; must not import routes, `app` or `cli`.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::http::access::{self, Level, Peer};
use crate::state::AppState;

/// Any route but Odoo's.
pub const FORM_LIMIT: usize = 64 * 1024;
/// The ePOS and IoT routes (receipt pictures, base64); the same as their `DefaultBodyLimit`.
pub const ODOO_LIMIT: usize = 16 * 1024 * 1024;

/// The body limit of a route's access level: only the Odoo routes themselves take
/// receipt pictures (not every path under `/cgi-bin/` or `/hw_proxy/`).
pub fn limit_for(level: Level) -> usize {
    match level {
        Level::Epos | Level::Iot => ODOO_LIMIT,
        _ => FORM_LIMIT,
    }
}

fn too_large(limit: usize) -> Response {
    let mut res = ApiError::BadRequest(format!(
        "Corps de requête trop gros (au plus {} Kio sur cette route)",
        limit / 1024
    ))
    .into_response();
    *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    closing(res)
}

/// The rest of the body is never read: the connection cannot carry another request,
/// and the client is told so instead of finding out on its next request.
fn closing(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Whether the request carries a body: announced by `Content-Length` (not 0) or
/// `Transfer-Encoding`.
fn has_body(req: &Request) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes().trim_ascii() != b"0")
}

/// Decides the caller's access on the head, then reads the whole body under the route's
/// limit and the header deadline, and hands the request on with the body in memory.
pub async fn limit_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let level = access::level_of(req.uri().path());
    let peer = req.extensions().get::<Peer>().copied();
    if let Some(refused) = access::early_refusal(level, peer, req.uri().path(), &state) {
        return closing(refused);
    }
    // An announced size over the route's limit is refused first, as in 1.0.0 (no session
    // is needed to be told a body is too large); either way no body byte is read.
    let limit = limit_for(level);
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if level != access::Level::Unrouted && announced.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    if !access::body_needed(level, &req, &state) {
        let unread = has_body(&req);
        let (parts, _) = req.into_parts();
        let res = next.run(Request::from_parts(parts, Body::empty())).await;
        return if unread { closing(res) } else { res };
    }
    let (parts, body) = req.into_parts();
    let deadline = state.config().server.header_timeout;
    let bytes = match tokio::time::timeout(deadline, to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) if is_length_error(&e) => return too_large(limit),
        Ok(Err(_)) => {
            return ApiError::BadRequest("Corps de requête interrompu".into()).into_response()
        }
        Err(_) => {
            let mut res = ApiError::BadRequest(format!(
                "Corps de requête trop lent: pas reçu en entier en {} s",
                deadline.as_secs()
            ))
            .into_response();
            *res.status_mut() = StatusCode::REQUEST_TIMEOUT;
            return closing(res);
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `to_bytes` reports an exceeded limit as an error whose source chain holds
/// `http_body_util::LengthLimitError`: found by its type, not by its text.
fn is_length_error(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}
