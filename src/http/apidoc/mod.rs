//! The API reference: the OpenAPI 3 document built from the handlers' `#[utoipa::path]`
//! annotations (`GET /openapi.json`, checked against the routes by `tests/api/openapi.rs`)
//! and a page rendering it (`GET /docs`), compiled in: the till may be offline.
//! Owns the document and the refusals each access level shares. Imports the `http` route
//! modules and nothing above `http`.

mod refusals;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::OpenApi as Document;
use utoipa::OpenApi;

pub(crate) use super::drawer::Done;
pub(crate) use crate::error::ErrorBody;
pub use refusals::*;

const HTML: &str = include_str!("../../../assets/apidoc/docs.html");
const JS: &str = include_str!("../../../assets/apidoc/docs.js");
const CSS: &str = include_str!("../../../assets/apidoc/docs.css");

/// Every route of the service but the admin ones ([`crate::http::admin::AdminApi`]).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "odoo-pos-cashdrawer",
        description = "Local service that lets Odoo POS open the cash drawer and print on the till's printers.\n\nEvery operation states its **access level** (also as the `x-access-level` extension):\n\n- `local`: loopback callers only (and a known Host header);\n- `network`: callers in `[server] allowed_networks` (everyone when empty);\n- `authenticated`: an admin session cookie, from an allowed network.\n\nErrors are JSON `{\"status\":\"error\",\"message\":\"...\"}` with French messages, except the ePOS route (Epson XML answers) and the admin page's HTML forms."
    ),
    paths(
        super::drawer::open_cash_drawer,
        super::drawer::drawer_state,
        super::status::status,
        super::metrics::metrics,
        super::invoices::status,
        super::invoices::purge,
        super::logs::download,
        super::logs::list,
        super::logs::tail,
        super::logs::purge,
        super::odoo::epos_print,
        super::odoo::epos_print_named,
        super::odoo::hello,
        super::odoo::handshake,
        super::odoo::status_json,
        super::odoo::printer_action,
        super::odoo::open_cashbox,
        openapi_json,
        docs_page,
        docs_asset,
    ),
    tags(
        (name = "drawer", description = "The cash drawer (the Odoo \"POS Cash Drawer Button\" module's calls)"),
        (name = "status", description = "Monitoring"),
        (name = "invoices", description = "Automatic PDF invoice printing"),
        (name = "logs", description = "Operations log"),
        (name = "odoo-epos", description = "Stock Odoo POS: Epson ePOS-Print emulation"),
        (name = "odoo-iot", description = "Stock Odoo POS: IoT box `hw_proxy` emulation"),
        (name = "admin", description = "Admin page, login and configuration"),
        (name = "docs", description = "This reference"),
    )
)]
pub struct ApiDoc;

/// The document, built on each call (cheap: a few hundred small objects).
pub fn document() -> Document {
    let mut doc = ApiDoc::openapi();
    doc.merge(super::admin::AdminApi::openapi());
    // `/config/` is `/config`'s handler, which carries one annotation: copied.
    if let Some(item) = doc.paths.paths.get("/config").cloned() {
        doc.paths.paths.insert("/config/".to_string(), item);
    }
    tag_access_levels(&mut doc);
    doc
}

/// Sets every operation's `x-access-level` from its description's `Access level: **…**`.
fn tag_access_levels(doc: &mut Document) {
    let items = doc.paths.paths.values_mut();
    let operations = items.flat_map(|i| {
        [
            &mut i.get,
            &mut i.put,
            &mut i.post,
            &mut i.delete,
            &mut i.options,
            &mut i.head,
            &mut i.patch,
            &mut i.trace,
        ]
    });
    for op in operations.flatten() {
        let stated = op.description.as_deref().unwrap_or_default();
        let level = stated
            .strip_prefix("Access level: **")
            .and_then(|d| d.split_once("**"));
        if let Some((level, _)) = level {
            let extensions = op.extensions.get_or_insert_with(Default::default);
            extensions.insert("x-access-level".to_string(), level.into());
        }
    }
}

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "docs",
    summary = "This API reference, as an OpenAPI 3 document",
    description = "Access level: **network** (`[server] allowed_networks`).",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json"),
        NetworkRefusal,
    )
)]
pub(super) async fn openapi_json() -> Json<Document> {
    Json(document())
}

#[utoipa::path(
    get,
    path = "/docs",
    tag = "docs",
    summary = "This API reference, as a readable page",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nRenders `/openapi.json` in the browser; no external resource.",
    responses(
        (status = 200, description = "The page", content_type = "text/html", body = String),
        NetworkRefusal,
    )
)]
pub(super) async fn docs_page() -> Response {
    page(HTML, "text/html; charset=utf-8")
}

#[utoipa::path(
    get,
    path = "/docs/assets/{file}",
    tag = "docs",
    summary = "The reference page's script and stylesheet",
    description = "Access level: **network** (`[server] allowed_networks`).\n\nCompiled into the binary.",
    params(("file" = String, Path, description = "`docs.js` or `docs.css`")),
    responses(
        (status = 200, description = "The file", content_type = "text/javascript", body = String),
        NetworkRefusal,
        (status = 404, description = "Any other file name", body = ErrorBody),
    )
)]
pub(super) async fn docs_asset(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "docs.js" => page(JS, "text/javascript; charset=utf-8"),
        "docs.css" => page(CSS, "text/css; charset=utf-8"),
        _ => {
            let file = crate::logs::escape(&file);
            let text = format!("Fichier {file:?} inconnu (acceptés: docs.js, docs.css)");
            crate::error::ApiError::NotFound(text).into_response()
        }
    }
}

/// A compiled-in file, allowed to load only from this service.
fn page(body: &'static str, kind: &'static str) -> Response {
    const CSP: &str = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'";
    let headers = [
        (header::CONTENT_TYPE, kind),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (StatusCode::OK, headers, body).into_response()
}
