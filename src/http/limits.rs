//! Request body limits, for every route, before any handler or authentication runs.
//! axum's `DefaultBodyLimit` answers a plain-text 413 from inside the extractor and lets a
//! trickling body hold its task: here every body is read up front, under its route's limit
//! and the `[server] header_timeout_s` deadline, refused with the usual JSON error. A
//! caller refused on the head ([`access::early_refusal`]), or a body no handler will read,
//! is never read. Owns the body-limit middleware; must not import routes, `app` or `cli`.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::http::access::{self, Level, Peer};
use crate::state::AppState;

/// Any route but Odoo's: forms are a few hundred bytes.
pub const FORM_LIMIT: usize = 64 * 1024;
/// The ePOS and IoT routes (receipt pictures, base64); the same as their `DefaultBodyLimit`.
pub const ODOO_LIMIT: usize = 16 * 1024 * 1024;

/// The body limit of a route's access level: only the Odoo routes take receipt pictures.
pub fn limit_for(level: Level) -> usize {
    match level {
        Level::Epos | Level::Iot => ODOO_LIMIT,
        _ => FORM_LIMIT,
    }
}

fn too_large(limit: usize) -> Response {
    let text = format!(
        "Corps de requête trop gros (au plus {} Kio sur cette route)",
        limit / 1024
    );
    closing_error(StatusCode::PAYLOAD_TOO_LARGE, text)
}

/// The usual JSON error under `status`, closing the connection.
fn closing_error(status: StatusCode, text: String) -> Response {
    let mut res = ApiError::BadRequest(text).into_response();
    *res.status_mut() = status;
    closing(res)
}

/// The rest of the body is never read: the client is told the connection ends.
fn closing(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Whether the request announces a body (`Content-Length` not 0, or `Transfer-Encoding`).
fn has_body(req: &Request) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes().trim_ascii() != b"0")
}

/// Decides access on the head, then reads the body under the route's limit and deadline.
pub async fn limit_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let level = access::level_of(req.uri().path());
    let peer = req.extensions().get::<Peer>().copied();
    if let Some(refused) = access::early_refusal(level, peer, req.uri().path(), &state) {
        return closing(refused);
    }
    // An announced size over the limit is refused first (no session needed to be told).
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
            let secs = deadline.as_secs();
            let text = format!("Corps de requête trop lent: pas reçu en entier en {secs} s");
            return closing_error(StatusCode::REQUEST_TIMEOUT, text);
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// An exceeded limit: `LengthLimitError` in the error's source chain (found by type).
fn is_length_error(e: &axum::Error) -> bool {
    let first: &(dyn std::error::Error + 'static) = e;
    std::iter::successors(Some(first), |err| err.source())
        .any(|err| err.is::<http_body_util::LengthLimitError>())
}
