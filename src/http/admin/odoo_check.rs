//! `POST /config/odoo-check`: the server half of the Odoo card's test, what the page's
//! script cannot see: whether the Odoo origin passes `[server] allowed_origins`, whether
//! a stock-Odoo mode is on, the drawer printer's state (asked without kicking).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form, Json};
use serde::Serialize;
use serde_json::json;

use super::AdminSession;
use crate::config::Config;
use crate::domain::AllowedOrigins;
use crate::domain::Lang;
use crate::escpos::{PaperState, PrinterStatus};
use crate::http::access::Peer;
use crate::printer::PrinterError;
use crate::state::AppState;

/// Longest origin accepted: a scheme, a DNS name (253) and a port.
const MAX_ORIGIN_LEN: usize = 300;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    /// Odoo works, but something is worth changing.
    Warn,
    /// Odoo's request will fail.
    Error,
}

#[derive(Debug, Serialize)]
pub struct Check {
    /// `origin`, `modes` or `printer`.
    pub check: &'static str,
    pub level: Level,
    pub message: String,
}

/// The Odoo page's origins as typed, reduced as on the first-run form.
pub fn parse_origins(text: &str, lang: Lang) -> Result<Vec<String>, String> {
    if text.len() > MAX_ORIGIN_LEN {
        return Err(lang
            .pick([
                "Adresse Odoo trop longue (au plus {max} caractères) : indiquez l'adresse de l'Odoo de la boutique, par exemple https://maboutique.odoo.com",
                "Odoo address too long (at most {max} characters): give the address of the shop's Odoo, for example https://myshop.odoo.com",
            ])
            .replace("{max}", &MAX_ORIGIN_LEN.to_string()));
    }
    let origins = super::login::first_run_origins(text, lang.is_en())?;
    Ok(origins
        .map(|list| list.split(", ").map(str::to_string).collect())
        .unwrap_or_default())
}

/// Does `[server] allowed_origins` let the Odoo page call the ePOS and drawer routes?
pub fn origin_check(lang: Lang, config: &Config, origins: &[String]) -> Check {
    let allowed = &config.server.allowed_origins;
    let refused: Vec<&str> = origins
        .iter()
        .filter(|o| !allowed.allows(o))
        .map(String::as_str)
        .collect();
    let (level, message) = match (origins.is_empty(), allowed) {
        (_, AllowedOrigins::Any) => (Level::Warn, lang.pick([
            "⚠ Toute page web ouverte sur la caisse peut imprimer et ouvrir le tiroir (origines autorisées = *) : indiquez l'adresse de votre Odoo et enregistrez.",
            "⚠ Any web page open on the till may print and open the drawer (allowed origins = *): enter your Odoo address and save."]).to_string()),
        (true, AllowedOrigins::List(_)) => (Level::Warn, lang.pick([
            "⚠ Aucune adresse Odoo à tester : tapez celle de votre page Odoo (https://maboutique.odoo.com).",
            "⚠ No Odoo address to test: type the address of your Odoo page (https://myshop.odoo.com)."]).to_string()),
        (false, _) if refused.is_empty() => (Level::Ok, lang.pick([
            "✓ Origine autorisée : {origin}.", "✓ Origin allowed: {origin}."]).replace("{origin}", &origins.join(", "))),
        (false, AllowedOrigins::List(list)) => (Level::Error, lang.pick([
            "✗ Origine non autorisée : {origin} n'est pas dans les origines autorisées ({list}) ; le service refusera les appels d'Odoo. Ajoutez-la au champ « Adresse de votre Odoo » et enregistrez.",
            "✗ Origin not allowed: {origin} is not among the allowed origins ({list}); the service will refuse Odoo's calls. Add it to the field “Your Odoo address” and save."])
            .replace("{origin}", &refused.join(", ")).replace("{list}", &list.join(", "))),
    };
    Check {
        check: "origin",
        level,
        message,
    }
}

/// Is one of the stock-Odoo protocols (ePOS, IoT box) on?
pub fn modes_check(lang: Lang, config: &Config) -> Check {
    let (level, message) = match (config.odoo.epos, config.odoo.iot) {
        (true, _) => (Level::Ok, lang.pick(["✓ Imprimante ePOS émulée active.", "✓ Emulated ePOS printer on."])),
        (false, true) => (Level::Warn, lang.pick([
            "⚠ Imprimante ePOS émulée désactivée ([odoo] epos = false) : seul le mode IoT box répond.",
            "⚠ Emulated ePOS printer off ([odoo] epos = false): only the IoT box mode answers."])),
        (false, false) => (Level::Error, lang.pick([
            "✗ ePOS et IoT box désactivés ([odoo] epos et iot = false) : Odoo sans module ne peut ni imprimer ni ouvrir le tiroir.",
            "✗ ePOS and IoT box off ([odoo] epos and iot = false): stock Odoo can neither print nor open the drawer."])),
    };
    Check {
        check: "modes",
        level,
        message: message.to_string(),
    }
}

/// What stops a printer, in the page's language.
fn cause(lang: Lang, s: &PrinterStatus) -> Option<&'static str> {
    let pair = if s.cover_open {
        ["capot ouvert", "cover open"]
    } else if s.paper == PaperState::Empty {
        ["plus de papier", "no paper"]
    } else if s.error {
        [
            "erreur de l'imprimante (massicot, surchauffe...)",
            "printer error (cutter, overheating...)",
        ]
    } else if !s.online {
        ["hors ligne", "offline"]
    } else {
        return None;
    };
    Some(lang.pick(pair))
}

/// The drawer printer's answer to a status request (nothing printed, no kick).
pub fn printer_check(
    lang: Lang,
    target: &str,
    answer: Result<Option<PrinterStatus>, PrinterError>,
) -> Check {
    let pick = |pair: [&str; 2]| lang.pick(pair).replace("{target}", target);
    let problem = |why: &str| {
        pick([
            "✗ Imprimante du tiroir hors service ({target}) : {why}. Odoo affichera « impression échouée ».",
            "✗ Drawer printer not ready ({target}): {why}. Odoo will show “printing failed”.",
        ])
        .replace("{why}", why)
    };
    let (level, message) = match answer {
        Ok(Some(status)) => match cause(lang, &status) {
            Some(why) => (Level::Error, problem(why)),
            None => (Level::Ok, pick(["✓ Imprimante du tiroir prête ({target}).", "✓ Drawer printer ready ({target})."])),
        },
        Ok(None) => (Level::Warn, pick([
            "⚠ L'imprimante {target} (file d'attente système) ne donne pas son état : ouvrez le tiroir avec le bouton de test.",
            "⚠ The printer {target} (system queue) does not report its state: open the drawer with the test button.",
        ])),
        Err(e) => {
            let why = e.status.as_ref().and_then(|s| cause(lang, s));
            (Level::Error, problem(why.unwrap_or(&e.message)))
        }
    };
    Check {
        check: "printer",
        level,
        message,
    }
}

#[utoipa::path(
    post,
    path = "/config/odoo-check",
    tag = "admin",
    summary = "Check what Odoo's request needs (the Odoo card's test)",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nState-changing in form only (it asks the printer): the form carries the session's CSRF token (field `csrf`, or header `X-CSRF-Token`) and no foreign `Origin`. Reports whether the Odoo page's origin passes `[server] allowed_origins`, whether the ePOS / IoT box emulation is on, and the drawer printer's state (asked without kicking). Messages in the page's language (`Accept-Language`).",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`origin` (the Odoo page's address, `https://myshop.odoo.com`; may be empty), `csrf`"),
    responses(
        (status = 200, description = "The checks ran; `ready` is false when one of them is an error", body = serde_json::Value,
            example = json!({"status": "success", "ready": false, "checks": [
                {"check": "origin", "level": "error", "message": "✗ Origine non autorisée : https://autre.odoo.com n'est pas dans les origines autorisées (https://maboutique.odoo.com) ; ..."},
                {"check": "modes", "level": "ok", "message": "✓ Imprimante ePOS émulée active."},
                {"check": "printer", "level": "ok", "message": "✓ Imprimante du tiroir prête (tcp://192.168.1.50:9100)."}]})),
        (status = 400, description = "`origin` is not an origin", body = crate::http::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Adresse Odoo invalide: origine \"https://x/pos\" invalide: ...; attendu : https://maboutique.odoo.com (schéma et hôte, port permis, sans chemin)"})),
        crate::http::apidoc::AdminRefusal,
    )
)]
pub async fn odoo_check(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(_): AdminSession,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let typed = form.get("origin").map(String::as_str).unwrap_or("");
    let origins = match parse_origins(typed, lang) {
        Ok(origins) => origins,
        Err(message) => {
            op!(warn, "config.odoo_check", "error"; peer = %peer.label(), "test Odoo refusé: {}", crate::logs::escape(&message));
            let body = json!({"status": "error", "message": message});
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };
    let (config, printer) = (admin.config(), admin.drawer_printer());
    let target = printer.target().to_string();
    let checks = [
        origin_check(lang, &config, &origins),
        modes_check(lang, &config),
        printer_check(lang, &target, printer.query_status().await),
    ];
    let ready = checks.iter().all(|c| c.level != Level::Error);
    let summary: Vec<&str> = checks.iter().map(|c| c.message.as_str()).collect();
    op!(info, "config.odoo_check", if ready { "ok" } else { "error" }; peer = %peer.label(), "test Odoo ({}): {}", crate::logs::escape(&origins.join(", ")), crate::logs::escape(&summary.join(" ")));
    Json(json!({"status": "success", "ready": ready, "checks": checks})).into_response()
}
