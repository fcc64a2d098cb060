//! Stock Odoo POS routes: Epson ePOS-Print (`/cgi-bin/epos/service.cgi`) and the IoT box
//! `hw_proxy` routes, local only unless `[odoo] epos_allowed_networks`/`iot_allowed_networks`
//! allow the caller, 404 when switched off (`[odoo] epos`, `iot`).
//! Owns these routes and the IoT box's JSON-RPC shapes; the protocols are [`crate::odoo`]'s.
//! Must not import `app`, `cli` or other routes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoResponses, ToSchema};

use super::apidoc::{EposRefusal, IotRefusal};
use crate::error::ApiError;
use crate::http::access::{require_epos, require_iot, Peer};
use crate::odoo::epos::{self, Options};
use crate::odoo::epos_answer::{asb, envelope, EposCode};
use crate::odoo::iot::{self, Action};
use crate::printer::{Outcome, Printer, PrinterError};
use crate::state::AppState;

/// Receipts are pictures: a long ticket at 576 dots is a few hundred KB of base64.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// How long `/hw_proxy/status_json` waits for the printer (Odoo gives up at 2.5 s).
const STATUS_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

pub fn router(state: AppState) -> Router<AppState> {
    let epos = Router::new()
        .route("/cgi-bin/epos/service.cgi", post(epos_print))
        .route("/{name}/cgi-bin/epos/service.cgi", post(epos_print_named))
        .route_layer(from_fn_with_state(state.clone(), require_epos));
    let iot = Router::new()
        .route("/hw_proxy/hello", get(hello).post(hello))
        .route("/hw_proxy/handshake", get(handshake).post(handshake))
        .route("/hw_proxy/status_json", get(status_json).post(status_json))
        .route("/hw_proxy/default_printer_action", post(printer_action))
        .route(
            "/hw_proxy/open_cashbox",
            get(open_cashbox).post(open_cashbox),
        )
        .route_layer(from_fn_with_state(state, require_iot));
    Router::new()
        .merge(epos)
        .merge(iot)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

#[utoipa::path(
    post,
    path = "/cgi-bin/epos/service.cgi",
    tag = "odoo-epos",
    summary = "Epson ePOS-Print emulation (stock Odoo POS, \"ePOS printer\")",
    description = "Access level: **local**, or a caller in `[odoo] epos_allowed_networks`. Answers 404 when `[odoo] epos = false`.\n\nTakes an ePOS-Print SOAP envelope (images, text, feed, cut, pulse, sound), prints it as ESC/POS on the drawer printer and answers like an Epson printer: always 200 with a `response` element whose `success`, `code` and `status` (ASB bits) come from the printer's real status. Only `devid=local_printer` exists (otherwise `code=\"DeviceNotFound\"`); an unreadable envelope gives `code=\"SchemaError\"`. Bodies up to 16 MiB.",
    params(
        ("devid" = String, Query, description = "Device id: `local_printer`"),
        ("timeout" = Option<u32>, Query, description = "Sent by Odoo, not used"),
    ),
    request_body(content = String, content_type = "text/xml", description = "SOAP envelope with an `epos-print` element"),
    responses(
        (status = 200, description = "Epson answer envelope", content_type = "text/xml", body = String,
            example = json!("<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><response success=\"true\" code=\"\" status=\"2\" battery=\"0\" xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\"></response></s:Body></s:Envelope>")),
        EposRefusal,
    )
)]
async fn epos_print(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (label, printer) = (crate::domain::DEFAULT_LABEL, state.drawer_printer());
    serve_epos(&state, &peer, &query, body, label, printer).await
}

/// `<name>` of `/<name>/cgi-bin/epos/service.cgi` (one segment, any text).
pub fn named_epos_path(path: &str) -> Option<&str> {
    let name = path
        .strip_suffix("/cgi-bin/epos/service.cgi")?
        .strip_prefix('/')?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

/// Whether the body of an ePOS request to `path` will be read: not for an unknown printer.
pub fn epos_body_wanted(state: &AppState, path: &str) -> bool {
    named_epos_path(path).is_none_or(|raw| {
        // As axum's `Path` gives it: percent-decoded, lossy.
        let name = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        state.config().printers.get(&name).is_some()
    })
}

/// An ePOS request for a `[printers]` printer, on its own queue; Odoo's "Epson Printer IP"
/// `127.0.0.1:22548/kitchen` gives `/kitchen/cgi-bin/epos/service.cgi`.
#[utoipa::path(
    post,
    path = "/{name}/cgi-bin/epos/service.cgi",
    tag = "odoo-epos",
    summary = "Epson ePOS-Print emulation for a named printer (Odoo preparation printers)",
    description = "Access level: **local**, or a caller in `[odoo] epos_allowed_networks`. Answers 404 when `[odoo] epos = false`.\n\nThe same request and answer as `/cgi-bin/epos/service.cgi`, printed on the printer `name` of `[printers]` (its own queue: a dead kitchen printer never delays the receipt printer or the drawer). In Odoo, the preparation printer's \"Epson Printer IP\" is `127.0.0.1:22548/<name>`. An unknown name answers 404 naming the configured printers.",
    params(
        ("name" = String, Path, description = "A name of `[printers]`, e.g. `kitchen`"),
        ("devid" = String, Query, description = "Device id: `local_printer`"),
        ("timeout" = Option<u32>, Query, description = "Sent by Odoo, not used"),
    ),
    request_body(content = String, content_type = "text/xml", description = "SOAP envelope with an `epos-print` element"),
    responses(
        (status = 200, description = "Epson answer envelope", content_type = "text/xml", body = String),
        EposRefusal,
    )
)]
async fn epos_print_named(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(printer) = state.named_printer(&name) else {
        let shown = crate::logs::escape(&name.chars().take(64).collect::<String>());
        let known = state.config().printers.names_text();
        op!(warn, "odoo.epos", "error"; peer = %peer.label(),
            "imprimante {shown:?} inconnue (imprimantes de [printers]: {known})");
        let listening = state.listener_control().current();
        let port = listening.map_or(state.config().server.port, |a| a.port());
        return ApiError::NotFound(format!(
            "Imprimante {shown:?} inconnue; imprimantes de [printers]: {known} (l'adresse ePOS est 127.0.0.1:{port}/<nom>)"
        ))
        .into_response();
    };
    serve_epos(&state, &peer, &query, body, &name, printer).await
}

/// One ePOS request on `printer` (`label` names it in the log: `default` or its name).
async fn serve_epos(
    state: &AppState,
    peer: &Peer,
    query: &HashMap<String, String>,
    body: Bytes,
    label: &str,
    printer: Arc<Printer>,
) -> Response {
    let started = Instant::now();
    let devid = query.get("devid").map(String::as_str).unwrap_or("");
    if devid != "local_printer" {
        let devid = crate::logs::escape(devid);
        op!(warn, "odoo.epos", "error"; peer = %peer.label(), printer = label,
            "devid {devid:?} inconnu (seul local_printer existe)");
        return xml(envelope(Some(EposCode::DeviceNotFound), 0));
    }
    let config = state.config();
    let opts = Options {
        paper_width: config.odoo.paper_width as usize,
        drawer_command: config.cashdrawer.command.bytes().to_vec(),
    };
    // Rasterising: on the blocking pool, one at a time, so drawer requests never wait on it.
    let Ok(permit) = state.raster_permit().await else {
        return xml(envelope(Some(EposCode::Timeout), 0));
    };
    let encoded = tokio::task::spawn_blocking(move || {
        let text = String::from_utf8_lossy(&body);
        epos::parse(&text).and_then(|els| epos::encode(&els, &opts))
    })
    .await
    .unwrap_or_else(|e| Err(epos::SchemaError(format!("rendu interrompu: {e}"))));
    drop(permit); // for rendering only, not for waiting on the printer
    let job = match encoded {
        Ok(job) => job,
        Err(e) => {
            let e = crate::logs::escape(&e.to_string());
            op!(warn, "odoo.epos", "error"; peer = %peer.label(), printer = label, "{e}");
            return xml(envelope(Some(EposCode::SchemaError), 0));
        }
    };
    let what = match (job.prints, job.pulses) {
        (true, 0) => "ticket",
        (true, _) => "ticket + tiroir",
        (false, 0) => "commande",
        (false, _) => "tiroir",
    };
    let (bytes, kicks) = (job.bytes.len(), job.pulses > 0);
    let send = async {
        if !job.prints && kicks {
            let policy = config.cashdrawer.offline_kick;
            let kicked = crate::drawer::kick(&printer, job.bytes.clone(), policy).await;
            kicked.map(|k| (k.outcome, k.warning))
        } else {
            let sent = run(&printer, job.bytes.clone(), job.prints).await;
            sent.map(|o| (o, None))
        }
    };
    let metrics = state.metrics();
    let result = metrics.epos(job.prints, kicks, printer.target(), bytes, send);
    let result = result.await;
    let ms = started.elapsed().as_millis() as u64;
    let peer = peer.label();
    match result {
        Ok((outcome, warning)) => {
            match warning {
                None => op!(info, "odoo.epos", "ok"; ms, peer = %peer, printer = label, bytes,
                    "ePOS {what}: {bytes} octets envoyés"),
                Some(w) => op!(warn, "odoo.epos", "warning"; ms, peer = %peer, printer = label,
                    "ePOS {what}: tiroir ouvert, mais {w}"),
            }
            // The ASB bits carry the printer's problem (paper end, cover open) to Odoo.
            xml(envelope(None, asb(outcome.status.as_ref(), true, true)))
        }
        Err(e) => {
            let code = EposCode::for_error(&e);
            op!(error, "odoo.epos", "error"; ms, peer = %peer, printer = label, bytes,
                "ePOS {what}: {} ({e})", code.as_str());
            let status = asb(e.status.as_ref(), false, e.status.is_some());
            xml(envelope(Some(code), status))
        }
    }
}

/// Sends a job, a printing one after a status query: a printer without paper refuses it
/// now, not later, when the POS, told it failed, has printed it again.
async fn run(printer: &Printer, job: Vec<u8>, prints: bool) -> Result<Outcome, PrinterError> {
    if prints {
        printer.query_status().await?;
    }
    printer.send(job, true).await
}

/// Odoo's JSON-RPC call to the IoT box routes; only `id` (and `params` for actions)
/// is read, and a body that is not a JSON object reads as `{"id": null, "params": null}`.
#[derive(Default, Deserialize, ToSchema)]
#[schema(example = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"data": {"action": "cashbox"}}}))]
pub struct JsonRpcCall {
    #[serde(default)]
    #[schema(value_type = Object)]
    id: Value,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    params: Value,
}

impl JsonRpcCall {
    /// Never fails: the IoT box answers whatever the body. Moved, not cloned: `params`
    /// holds a receipt's base64.
    fn read(body: &Bytes) -> JsonRpcCall {
        match serde_json::from_slice(body) {
            Ok(object @ Value::Object(_)) => serde_json::from_value(object).unwrap_or_default(),
            _ => JsonRpcCall::default(),
        }
    }

    /// The JSON-RPC 2.0 answer to this call (`result` is what Odoo's `rpc()` returns).
    fn answer(self, result: Value) -> Json<JsonRpcAnswer> {
        Json(JsonRpcAnswer {
            jsonrpc: "2.0",
            id: self.id,
            result,
        })
    }

    fn done(self, done: bool) -> RpcDone {
        RpcDone(self.answer(json!(done)).0)
    }
}

/// Done (`result: true`) or not (`result: false`)
#[derive(IntoResponses)]
#[response(status = 200, example = json!({"jsonrpc": "2.0", "id": 1, "result": true}))]
pub struct RpcDone(JsonRpcAnswer);

impl IntoResponse for RpcDone {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// The JSON-RPC answer of the IoT box routes.
#[derive(Serialize, ToSchema)]
pub struct JsonRpcAnswer {
    /// `2.0`.
    jsonrpc: &'static str,
    /// The call's `id`, echoed.
    #[schema(value_type = Object)]
    id: Value,
    /// `true`/`false`, or an object (`status_json`).
    #[schema(value_type = Object)]
    result: Value,
}

#[utoipa::path(
    method(get, post),
    path = "/hw_proxy/hello",
    tag = "odoo-iot",
    summary = "IoT box presence check",
    description = "Access level: **local**, or a caller in `[odoo] iot_allowed_networks`. Answers 404 when `[odoo] iot = false`.\n\nAnswers `ping` as an IoT box does.",
    responses(
        (status = 200, description = "The box is there", content_type = "text/plain", body = String, example = json!("ping")),
        IotRefusal,
    )
)]
async fn hello() -> &'static str {
    "ping"
}

#[utoipa::path(
    method(get, post),
    path = "/hw_proxy/handshake",
    tag = "odoo-iot",
    summary = "IoT box handshake",
    description = "Access level: **local**, or a caller in `[odoo] iot_allowed_networks`. Answers 404 when `[odoo] iot = false`.\n\nJSON-RPC answer with `result: true`.",
    request_body = JsonRpcCall,
    responses(
        (status = 200, description = "Handshake accepted", body = JsonRpcAnswer,
            example = json!({"jsonrpc": "2.0", "id": 1, "result": true})),
        IotRefusal,
    )
)]
async fn handshake(body: Bytes) -> Json<JsonRpcAnswer> {
    JsonRpcCall::read(&body).answer(json!(true))
}

/// The query runs in its own task, never cancelled halfway, so the printer's queue stays
/// whole.
#[utoipa::path(
    method(get, post),
    path = "/hw_proxy/status_json",
    tag = "odoo-iot",
    summary = "IoT box printer status (polled by the POS every 5 s)",
    description = "Access level: **local**, or a caller in `[odoo] iot_allowed_networks`. Answers 404 when `[odoo] iot = false`.\n\nAsks the printer live for at most 1.5 s (Odoo gives up at 2.5 s); if it is busy, the last known state is given. `result.printer.status` is `connected`, `error` (no paper, cover open, printer error) or `disconnected`, with a French message.",
    request_body = JsonRpcCall,
    responses(
        (status = 200, description = "Printer status", body = JsonRpcAnswer,
            example = json!({"jsonrpc": "2.0", "id": 1, "result": {"printer": {"status": "connected", "messages": ["Imprimante prête"]}}})),
        IotRefusal,
    )
)]
async fn status_json(State(state): State<AppState>, body: Bytes) -> Json<JsonRpcAnswer> {
    let call = JsonRpcCall::read(&body);
    let printer = state.drawer_printer();
    let asked = printer.clone();
    let live = tokio::spawn(async move { asked.query_status().await });
    let status = match tokio::time::timeout(STATUS_WAIT, live).await {
        Ok(Ok(Ok(s))) => Ok(s),
        Ok(Ok(Err(e))) if e.status.is_some() => Ok(e.status),
        // A full queue says nothing new about the printer: the last known state below.
        Ok(Ok(Err(e))) if e.kind != crate::printer::PrinterErrorKind::Busy => Err(e.to_string()),
        _ => match printer.health() {
            health if health.reachable == Some(true) => Ok(health.status),
            health => Err(health
                .last_error
                .unwrap_or_else(|| "l'imprimante ne répond pas".to_string())),
        },
    };
    call.answer(json!({"printer": iot::printer_status(status)}))
}

#[utoipa::path(
    post,
    path = "/hw_proxy/default_printer_action",
    tag = "odoo-iot",
    summary = "IoT box printer action: print a receipt or open the drawer",
    description = "Access level: **local**, or a caller in `[odoo] iot_allowed_networks`. Answers 404 when `[odoo] iot = false`.\n\n`params.data.action` is `print_receipt` (with `receipt`: a base64 JPEG, printed as an ESC/POS raster at `[odoo] paper_width`) or `cashbox` (opens the drawer). `result` is `true` when done, `false` otherwise (the reason is in the operations log). Bodies up to 16 MiB.",
    request_body = JsonRpcCall,
    responses(RpcDone, IotRefusal)
)]
async fn printer_action(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    body: Bytes,
) -> RpcDone {
    let call = JsonRpcCall::read(&body);
    let done = match Action::from_params(&call.params) {
        Action::Cashbox => kick(&state, &peer).await,
        Action::PrintReceipt(receipt) => print_receipt(&state, &peer, receipt).await,
        Action::Unknown(other) => {
            let other = crate::logs::escape(&other);
            op!(warn, "odoo.iot", "ignored"; peer = %peer.label(),
                "action IoT {other:?} non prise en charge");
            false
        }
    };
    call.done(done)
}

#[utoipa::path(
    method(get, post),
    path = "/hw_proxy/open_cashbox",
    tag = "odoo-iot",
    summary = "IoT box: open the cash drawer",
    description = "Access level: **local**, or a caller in `[odoo] iot_allowed_networks`. Answers 404 when `[odoo] iot = false`.\n\n`result` is `true` when the drawer was opened.",
    request_body = JsonRpcCall,
    responses(RpcDone, IotRefusal)
)]
async fn open_cashbox(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    body: Bytes,
) -> RpcDone {
    let done = kick(&state, &peer).await;
    JsonRpcCall::read(&body).done(done)
}

async fn kick(state: &AppState, peer: &Peer) -> bool {
    let peer = peer.label();
    match super::drawer::kick(state, crate::metrics::Route::HwProxy).await {
        Ok(k) => {
            let ms = k.outcome.elapsed.as_millis() as u64;
            match k.warning {
                None => op!(info, "odoo.iot", "ok"; ms, peer = %peer, "IoT: tiroir-caisse ouvert"),
                Some(w) => op!(warn, "odoo.iot", "warning"; ms, peer = %peer,
                    "IoT: tiroir-caisse ouvert, mais {w}"),
            }
            true
        }
        Err(e) => {
            op!(error, "odoo.iot", "error"; peer = %peer,
                "IoT: échec de l'ouverture du tiroir: {e}");
            false
        }
    }
}

async fn print_receipt(state: &AppState, peer: &Peer, receipt: String) -> bool {
    let started = Instant::now();
    let paper = state.config().odoo.paper_width as usize;
    let peer = peer.label();
    let Ok(permit) = state.raster_permit().await else {
        op!(warn, "odoo.iot", "busy"; peer = %peer, "IoT: rendu d'images occupé, ticket refusé");
        return false;
    };
    let job = tokio::task::spawn_blocking(move || {
        iot::decode_receipt(&receipt).map(|g| {
            let size = (g.width, g.height);
            (iot::receipt_job(g, paper), size)
        })
    })
    .await;
    drop(permit);
    let (job, (w, h)) = match job {
        Ok(Ok(j)) => j,
        Ok(Err(e)) => {
            op!(warn, "odoo.iot", "error"; peer = %peer, "IoT: {e}");
            return false;
        }
        Err(e) => {
            op!(error, "odoo.iot", "error"; "IoT: conversion interrompue: {e}");
            return false;
        }
    };
    let size = job.len();
    let (config, printer) = (state.config(), state.drawer_printer());
    let (route, target) = (crate::metrics::Route::HwProxy, &config.printer.target);
    let sent = run(&printer, job, true);
    let result = state.metrics().print(route, target, size, sent).await;
    let ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(_) => {
            op!(info, "odoo.iot", "ok"; ms, peer = %peer, bytes = size,
                "IoT: ticket {w}x{h} imprimé ({size} octets)");
            true
        }
        Err(e) => {
            op!(error, "odoo.iot", "error"; ms, peer = %peer, bytes = size,
                "IoT: ticket {w}x{h} non imprimé: {e}");
            false
        }
    }
}
