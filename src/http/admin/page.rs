//! `GET /config` (the page), `POST /config/save`, `POST /config/password`,
//! `POST /config/test-drawer`, `POST /config/test-print`.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use ini::Ini;
use serde_json::json;

use super::fields::{self, GroupView};
use super::i18n::Texts;
use super::printers_field;
use super::{html, AdminSession};
use crate::auth::password;
use crate::auth::session::{session_cookie, Sessions};
use crate::config::SaveError;
use crate::domain::Lang;
use crate::error::ApiError;
use crate::http::access::{Peer, Scheme};
use crate::metrics::Route;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/config.html")]
struct ConfigPage {
    t: &'static Texts,
    csrf: String,
    shown: Shown,
    version: &'static str,
    uptime: String,
    printer_target: String,
    printer_state: String,
    sensor: String,
    groups: Vec<GroupView>,
    named: printers_field::NamedView,
    printers: Vec<String>,
    /// (hex, label) of the usual drawer commands.
    presets: Vec<(String, String)>,
    last_ops: Vec<String>,
    /// Shown while `[server] allowed_origins = *` (empty otherwise).
    origins_warning: &'static str,
    odoo: super::odoo_card::OdooCard,
    /// The "Advanced" section's title, and whether it is open (one of its fields refused).
    advanced: &'static str,
    advanced_open: bool,
}

/// Operations worth showing in the status card (no requests, decoding, start/stop).
fn is_operation(line: &str) -> bool {
    let op = line.split_whitespace().nth(2).unwrap_or("");
    !(op.starts_with("http.")
        || op.starts_with("printer.virtual")
        || op.starts_with("service.")
        || op == "-")
}

/// The last `n` operations in today's log, newest first.
fn last_operations(admin: &AppState, n: usize) -> Vec<String> {
    let path = admin.log_files().current();
    crate::logs::tail::tail(&path, 300, tracing::Level::INFO)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .filter(|l| is_operation(l))
        .take(n)
        .collect()
}

/// What differs between one rendering of the page and another; nothing by default.
#[derive(Default)]
struct Shown {
    errors: BTreeMap<String, crate::domain::Text>,
    notice: String,
    error: String,
    restart: bool,
    pw_error: String,
    /// The `[printers]` text as just submitted, shown back when the save was refused.
    named_text: Option<String>,
}

/// The page for a request with `headers` (its `Host` names the port the browser used).
async fn render(
    admin: &AppState,
    status: StatusCode,
    lang: Lang,
    headers: &HeaderMap,
    csrf: String,
    ini: &Ini,
    mut shown: Shown,
) -> Response {
    let config = admin.config();
    let drawer = admin.drawer_printer();
    let health = drawer.health();
    let printer_state = match health.reachable {
        None => "—".to_string(),
        _ => printers_field::health_text(lang, &health),
    };
    let level = config.cashdrawer.sensor_open_level;
    let sensor = health.status.map_or("—".to_string(), |s| {
        let state = crate::drawer::DrawerState::from_pin3(s.drawer_pin3_high, level);
        format!("{state:?}").to_lowercase()
    });
    let printers = tokio::time::timeout(
        Duration::from_secs(3),
        tokio::task::spawn_blocking(crate::printer::system_printers),
    )
    .await
    .ok()
    .and_then(|r| r.ok()?.ok())
    .unwrap_or_default();
    let origins_warning = if crate::http::status::warnings(&admin.config()).is_empty() {
        ""
    } else {
        lang.pick(crate::http::status::ANY_ORIGIN_WARNINGS)
    };
    let addresses = tokio::task::spawn_blocking(crate::platform::machine_addresses)
        .await
        .unwrap_or_default();
    let value_of = |f: &fields::Field| fields::raw_value(ini, f.section, f.key);
    let groups = fields::views(lang, value_of, &shown.errors);
    let odoo = super::odoo_card::card(lang, headers, &config, &addresses);
    let csp = odoo.content_security_policy();
    let port = admin
        .listener_control()
        .current()
        .map_or(config.server.port, |a| a.port());
    let named_text = shown.named_text.take();
    let named_text = named_text.unwrap_or_else(|| printers_field::text_of(ini));
    let page = ConfigPage {
        advanced_open: groups
            .iter()
            .any(|g| g.advanced && g.fields.iter().any(|f| !f.error.is_empty())),
        groups,
        odoo,
        advanced: lang.pick(["Avancé", "Advanced"]),
        origins_warning,
        t: lang.texts(),
        csrf,
        version: crate::VERSION,
        uptime: human_duration(admin.uptime()),
        printer_target: drawer.target().to_string(),
        printer_state,
        sensor,
        named: printers_field::view(
            lang,
            named_text,
            shown.errors.get(&printers_field::form_name()),
            &config.printers,
            port,
            |t| admin.printers().get(t, config.printer.timeouts).health(),
        ),
        printers,
        presets: crate::domain::PRESETS
            .iter()
            .map(|(_, hex, label)| (hex.to_string(), format!("{} ({hex})", lang.pick(*label))))
            .collect(),
        shown,
        last_ops: last_operations(admin, 8),
    };
    let mut res = html(status, page.render());
    // IPv4 addresses and a port, formatted by us: always a valid header value.
    if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
        res.headers_mut()
            .insert(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
    res
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
        _ => format!("{} j {} h", s / 86400, s % 86400 / 3600),
    }
}

/// config.ini as on disk; if gone, say so rather than show a form built from nothing.
fn read_ini(admin: &AppState) -> Result<Ini, ApiError> {
    admin.store().read_ini().map_err(|e| {
        let path = admin.store().path().display().to_string();
        op!(error, "config.read", "error"; "{:#}", e);
        ApiError::Unavailable(format!(
            "{path} est absent ou illisible ({}): le service continue avec la dernière configuration valide chargée; rien ne peut être enregistré avant que le fichier soit rétabli (ou le service redémarré, qui le recrée avec les valeurs par défaut s'il manque)",
            crate::logs::escape(&format!("{:#}", e.root_cause()))
        ))
    })
}

#[utoipa::path(
    get,
    path = "/config",
    tag = "admin",
    summary = "Admin page (configuration form)",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nThe HTML page: status, drawer test, every `config.ini` key, password change, log tail. French by default, English with `Accept-Language: en`. `/config/` is the same page.",
    params(
        ("saved" = Option<String>, Query, description = "Show the \"saved\" notice"),
        ("restart" = Option<String>, Query, description = "Offer the listener restart"),
        ("restarted" = Option<String>, Query, description = "Show the \"restarted\" notice"),
        ("restart_failed" = Option<String>, Query, description = "Show the restart failure"),
    ),
    responses(
        (status = 200, description = "The page", content_type = "text/html", body = String),
        (status = 303, description = "Browser without a session: redirect to `/config/login`"),
        crate::http::apidoc::AdminRefusal,
        (status = 308, description = "`https_only`: the same URL over HTTPS"),
    )
)]
pub async fn show(
    State(admin): State<AppState>,
    AdminSession(session): AdminSession,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    let ini = read_ini(&admin)?;
    let t = lang.texts();
    let notice = if query.contains_key("restarted") {
        t.restarted
    } else if query.contains_key("saved") {
        t.saved
    } else {
        ""
    };
    let error = if query.contains_key("restart_failed") {
        t.restart_failed
    } else {
        ""
    };
    let shown = Shown {
        notice: notice.into(),
        error: error.into(),
        restart: query.contains_key("restart"),
        ..Shown::default()
    };
    let status = StatusCode::OK;
    let page = render(&admin, status, lang, &headers, session.csrf, &ini, shown);
    Ok(page.await)
}

#[utoipa::path(
    post,
    path = "/config/save",
    tag = "admin",
    summary = "Save the configuration",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nState-changing: the form carries the session's CSRF token (field `csrf`, or header `X-CSRF-Token`) and no foreign `Origin`. Every field is validated server-side; if one is invalid nothing is saved and the page comes back with a message per field. The invoice `command` cannot be set from the web.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "The form fields of the page (`section.key=value`) and `csrf`"),
    responses(
        (status = 303, description = "Saved: redirect to `/config?saved=1` (with `&restart=1` when the address, port or certificate changed)"),
        (status = 400, description = "Invalid fields: the page with a message per field", content_type = "text/html", body = String),
        crate::http::apidoc::AdminRefusal,
    )
)]
pub async fn save(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(session): AdminSession,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    let mut ini = read_ini(&admin)?;
    let file = admin.store().path().display().to_string();
    let listening = Vec::from_iter(admin.listener_control().current().map(|a| a.port()));
    let checked = fields::check_form(&mut ini, &form, admin.data_dir(), &file, &listening);
    let (config, changed) = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            let bad: Vec<&str> = errors.keys().map(String::as_str).collect();
            op!(warn, "config.save", "error"; peer = %peer.label(), "configuration refusée, rien n'est enregistré (champs invalides: {})", bad.join(", "));
            let shown = Shown {
                errors,
                error: lang.texts().not_saved.into(),
                named_text: form.get(&printers_field::form_name()).cloned(),
                ..Shown::default()
            };
            let status = StatusCode::BAD_REQUEST;
            return Ok(render(&admin, status, lang, &headers, session.csrf, &ini, shown).await);
        }
    };
    let names: Vec<String> = changed.iter().map(|f| fields::form_name(f)).collect();
    match admin.store().save_checked(&ini) {
        Ok(saved) => {
            debug_assert_eq!(saved, config);
            admin.replace_config(saved);
            op!(info, "config.save", "ok"; peer = %peer.label(), "configuration enregistrée (modifié: {})", if names.is_empty() { "rien".to_string() } else { names.join(", ") });
            let restart = changed.iter().any(|f| f.restart);
            Ok(Redirect::to(if restart {
                "/config?saved=1&restart=1"
            } else {
                "/config?saved=1"
            })
            .into_response())
        }
        Err(e @ (SaveError::Mismatch { .. } | SaveError::Unreadable(_))) => {
            // Not the admin's typing: our writer and reader disagree. Nothing was written.
            let message = e.to_string();
            op!(error, "config.save", "error"; peer = %peer.label(), "{message}");
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            if !crate::http::auth::wants_html(&headers) {
                let body = json!({"status": "error", "message": message});
                return Ok((status, Json(body)).into_response());
            }
            let shown = Shown {
                error: message,
                ..Shown::default()
            };
            Ok(render(&admin, status, lang, &headers, session.csrf, &ini, shown).await)
        }
        Err(e) => Err(ApiError::Internal(
            anyhow::Error::new(e).context("enregistrement de config.ini"),
        )),
    }
}

#[utoipa::path(
    post,
    path = "/config/password",
    tag = "admin",
    summary = "Change the admin password",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nState-changing: the form carries the session's CSRF token (field `csrf`, or header `X-CSRF-Token`) and no foreign `Origin`. Needs the current password; the new one twice. Throttled after repeated failures. Every session is closed on success.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`current`, `new`, `confirm`, `csrf`"),
    responses(
        (status = 303, description = "Changed: redirect to `/config/login?m=changed`"),
        (status = 400, description = "Wrong current password, too short or not confirmed: the page with the message", content_type = "text/html", body = String),
        crate::http::apidoc::AdminRefusal,
    )
)]
pub async fn change_password(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(session): AdminSession,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let ip = peer.ip();
    let hash = admin.password_hash();
    let problem = match admin.auth().throttle.begin(ip) {
        Err(denied) => {
            op!(warn, "auth.password", "denied"; always = true, peer = %ip, "changement de mot de passe refusé depuis {ip}: {denied}");
            Some(lang.texts().too_many(denied))
        }
        Ok(attempt) => {
            if password::verify_async(get("current"), hash).await {
                attempt.succeeded();
                password::check_new(&get("new"), &get("confirm"))
                    .err()
                    .map(|p| p.message(lang.is_en()))
            } else {
                let count = attempt.failed();
                op!(warn, "auth.password", "denied"; always = true, peer = %ip, "changement de mot de passe refusé depuis {ip}: mot de passe actuel faux ({count} échec(s))");
                Some(lang.texts().wrong_password.to_string())
            }
        }
    };
    if let Some(pw_error) = problem {
        let ini = read_ini(&admin)?;
        let shown = Shown {
            pw_error,
            ..Shown::default()
        };
        let status = StatusCode::BAD_REQUEST;
        return Ok(render(&admin, status, lang, &headers, session.csrf, &ini, shown).await);
    }
    let hash = password::hash_async(get("new")).await;
    let config = hash.and_then(|hash| password::store_hash(admin.store(), &hash));
    admin.replace_config(config.map_err(ApiError::Internal)?);
    op!(info, "auth.password", "ok"; peer = %ip, "mot de passe administrateur changé; toutes les sessions sont fermées");
    let mut res = Redirect::to("/config/login?m=changed").into_response();
    let secure = peer.scheme == Scheme::Https;
    let cleared = Sessions::clear(session_cookie(secure), "/", secure);
    super::login::set_cookie(&mut res, cleared);
    Ok(res)
}

/// The page's "open the drawer" button: same path as the Odoo module's call.
#[utoipa::path(
    post,
    path = "/config/test-drawer",
    tag = "admin",
    summary = "Open the drawer from the admin page",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nState-changing: the form carries the session's CSRF token (field `csrf`, or header `X-CSRF-Token`) and no foreign `Origin`. Same path as `/open-cash-drawer`.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`csrf` (or the `X-CSRF-Token` header)"),
    responses(
        (status = 200, description = "Drawer opened", body = crate::http::apidoc::Done,
            example = json!({"status": "success", "message": "Tiroir-caisse ouvert via TICKET en 42 ms"})),
        crate::http::apidoc::AdminRefusal,
        (status = 503, description = "The printer could not be reached or refused the job", body = crate::http::apidoc::ErrorBody),
    )
)]
pub async fn test_drawer(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(_): AdminSession,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (config, printer) = (admin.config(), admin.drawer_printer());
    let target = config.printer.target.to_string();
    let kick = crate::drawer::open(&printer, &config.cashdrawer);
    match admin.metrics().kick(Route::Admin, kick).await {
        Ok(kicked) => {
            let ms = kicked.outcome.elapsed.as_millis();
            op!(info, "drawer.open", "ok"; ms = ms as u64, peer = %peer.label(), "tiroir-caisse ouvert via {target} (test depuis la page d'administration)");
            let mut answer = json!({"status": "success", "message": format!("Tiroir-caisse ouvert via {target} en {ms} ms")});
            if let Some(w) = kicked.warning {
                answer["warning"] = json!(w);
            }
            Ok(Json(answer))
        }
        Err(e) => {
            op!(error, "drawer.open", "error"; peer = %peer.label(), "test d'ouverture du tiroir: {e}");
            let message = format!("Erreur lors de l'ouverture du tiroir: {e}");
            Err(ApiError::Unavailable(message))
        }
    }
}

/// The page's "test print" button: a test invoice through the whole automatic pipeline.
#[utoipa::path(
    post,
    path = "/config/test-print",
    tag = "admin",
    summary = "Print a test invoice from the admin page",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nState-changing: the form carries the session's CSRF token (field `csrf`, or header `X-CSRF-Token`) and no foreign `Origin`. Drops a one-page test PDF into the watched download folder, where it is detected and printed like a real download.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`csrf` (or the `X-CSRF-Token` header)"),
    responses(
        (status = 200, description = "Test invoice dropped into the watched folder; it is printed next", body = crate::http::apidoc::Done,
            example = json!({"status": "success", "message": "Facture de test déposée (C:\\Users\\Public\\Downloads\\test-impression-20261126-143205123.pdf) : elle va être imprimée"})),
        crate::http::apidoc::AdminRefusal,
        (status = 503, description = "Automatic printing is off, not watching, or the folder is missing", body = crate::http::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Test d'impression impossible: impression automatique désactivée ([invoice_printer] autoprint = false)"})),
    )
)]
pub async fn test_print(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(_): AdminSession,
) -> Result<Json<serde_json::Value>, ApiError> {
    match admin.invoices().print_test_page() {
        Ok(path) => {
            op!(info, "invoice.test", "ok"; peer = %peer.label(), "facture de test déposée: {}", path.display());
            Ok(Json(json!({
                "status": "success",
                "message": format!("Facture de test déposée ({}) : elle va être imprimée", path.display())
            })))
        }
        Err(e) => {
            op!(warn, "invoice.test", "error"; peer = %peer.label(), "test d'impression refusé: {e}");
            let message = format!("Test d'impression impossible: {e}");
            Err(ApiError::Unavailable(message))
        }
    }
}
