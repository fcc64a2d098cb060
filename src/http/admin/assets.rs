//! The page's stylesheet and script, compiled in: the till may have no Internet.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../../assets/admin/admin.css");
const JS: &str = include_str!("../../../assets/admin/admin.js");

#[utoipa::path(
    get,
    path = "/config/assets/{file}",
    tag = "admin",
    summary = "The admin page's stylesheet and script",
    description = "Access level: **network** (`[server] allowed_networks` and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nCompiled into the binary (no CDN).",
    params(("file" = String, Path, description = "`admin.css` or `admin.js`")),
    responses(
        (status = 200, description = "The file", content_type = "text/css", body = String),
        (status = 404, description = "Any other file name"),
    )
)]
pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "admin.css" => (CSS, "text/css; charset=utf-8"),
        "admin.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
