//! `/config/login` (login, and the first password, created locally) and `/config/logout`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};

use super::i18n::Texts;
use super::{html, AdminSession};
use crate::auth::session::{login_cookie, session_cookie, Sessions};
use crate::auth::{password, same_secret};
use crate::domain::Lang;
use crate::http::access::{Peer, Scheme};
use crate::http::auth::session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    t: &'static Texts,
    /// "login", "setup" (first run, local caller) or "remote" (first run, network caller).
    mode: &'static str,
    csrf: String,
    shown: Shown,
}

/// What a login page shows besides its mode and token; empty by default.
#[derive(Default)]
struct Shown {
    notice: String,
    error: String,
    /// First run: the Odoo address as typed, kept when the form is refused.
    origin: String,
}

impl Shown {
    fn error(error: String) -> Shown {
        Shown {
            error,
            ..Shown::default()
        }
    }
}

fn render(
    status: StatusCode,
    lang: Lang,
    mode: &'static str,
    csrf: String,
    shown: Shown,
) -> Response {
    let t = lang.texts();
    let page = LoginPage {
        t,
        mode,
        csrf,
        shown,
    };
    html(status, page.render())
}

/// The first-run page for a network caller: the password is created on the till.
fn remote(lang: Lang) -> Response {
    let status = StatusCode::FORBIDDEN;
    render(status, lang, "remote", String::new(), Shown::default())
}

pub(super) fn set_cookie(res: &mut Response, cookie: String) {
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[utoipa::path(
    get,
    path = "/config/login",
    tag = "admin",
    summary = "Login page (first-run password creation when none is set)",
    description = "Access level: **network** (`[server] allowed_networks` and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nWith no password yet: the creation form for a local caller, a 403 page explaining it for a network caller. With a valid session: redirect to `/config`.",
    params(("m" = Option<String>, Query, description = "Notice to show: `bye`, `changed` or `expired`")),
    responses(
        (status = 200, description = "Login or first-run form; sets the login CSRF cookie", content_type = "text/html", body = String),
        (status = 303, description = "Already logged in: redirect to `/config`"),
        (status = 403, description = "First run from the network: the password must be created on the till", content_type = "text/html", body = String),
    )
)]
pub async fn show(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let t = lang.texts();
    let hash = admin.password_hash();
    if hash.is_empty() && !peer.is_local() {
        return remote(lang);
    }
    if session(&admin, &headers, peer.scheme == Scheme::Https).is_some() {
        return Redirect::to("/config").into_response();
    }
    let notice = match query.get("m").map(String::as_str) {
        Some("bye") => t.logged_out,
        Some("changed") => t.password_changed,
        Some("expired") => t.session_expired,
        _ => "",
    };
    let sessions = &admin.auth().sessions;
    let (token, cookie) = sessions.login_token(peer.scheme == Scheme::Https);
    let mode = if hash.is_empty() { "setup" } else { "login" };
    let shown = Shown {
        notice: notice.into(),
        ..Shown::default()
    };
    let mut res = render(StatusCode::OK, lang, mode, token, shown);
    set_cookie(&mut res, cookie);
    res
}

#[utoipa::path(
    post,
    path = "/config/login",
    tag = "admin",
    summary = "Log in (or create the first password, local callers only)",
    description = "Access level: **network** (`[server] allowed_networks` and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nThe form carries the login page's CSRF token (field `csrf`). On success the session cookie is set (`__Secure-` names over HTTPS) for `[auth] session_minutes`.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`password` (and on first run `confirm`, and `odoo_origin`: the shop's Odoo address, optional, written to `[server] allowed_origins`), `csrf`"),
    responses(
        (status = 303, description = "Logged in: redirect to `/config` with the session cookie"),
        (status = 400, description = "First run: password too short or not confirmed, or an Odoo address that is not an origin (`https://myshop.odoo.com`); nothing is saved", content_type = "text/html", body = String),
        (status = 401, description = "Wrong password", content_type = "text/html", body = String),
        (status = 403, description = "Missing or expired login token, foreign Origin, or first run from the network", content_type = "text/html", body = String),
        (status = 429, description = "Too many failures from this address: wait the given seconds", content_type = "text/html", body = String),
    )
)]
pub async fn submit(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let cookies = crate::http::auth::cookie_header(&headers);
    let sessions = &admin.auth().sessions;
    let token = sessions.read_login_token(&cookies, peer.scheme == Scheme::Https);
    let token = token.unwrap_or_default();
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let hash = admin.password_hash();
    if hash.is_empty() {
        return setup(admin, peer, lang, token, &form).await;
    }
    let ip = peer.ip();
    let attempt = match admin.auth().throttle.begin(ip) {
        Ok(attempt) => attempt,
        Err(denied) => {
            admin.metrics().login_throttled();
            op!(warn, "auth.login", "denied"; peer = %ip, "connexion refusée depuis {ip}: {denied}");
            let shown = Shown::error(lang.texts().too_many(denied));
            return render(StatusCode::TOO_MANY_REQUESTS, lang, "login", token, shown);
        }
    };
    if password::verify_async(get("password"), hash.clone()).await {
        attempt.succeeded();
        op!(info, "auth.login", "ok"; peer = %ip, "connexion administrateur depuis {ip}");
        return open_session(&admin, &hash, peer);
    }
    let count = attempt.failed();
    admin.metrics().login_failed();
    op!(warn, "auth.login", "denied"; always = true, peer = %ip,
        "échec de connexion depuis {ip} ({count} échec(s) de suite)");
    let shown = Shown::error(lang.texts().wrong_password.into());
    render(StatusCode::UNAUTHORIZED, lang, "login", token, shown)
}

/// The first-run Odoo address as `[server] allowed_origins` holds it: `None` when empty
/// (`*` stays), else the origins, lower-case, each cut to `scheme://host[:port]` (a
/// pasted URL is fine). Hosts are letters, digits and `.-:[]` only, so nothing but an
/// origin reaches config.ini; the key's own parser then checks the result.
pub fn first_run_origins(input: &str, en: bool) -> Result<Option<String>, String> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let refused = |what: &str| {
        let what = crate::logs::escape(what);
        Err(if en {
            format!("Odoo address \"{what}\" not accepted: give the address of the shop's Odoo, scheme and host, for example https://myshop.odoo.com (or leave it empty)")
        } else {
            format!("Adresse Odoo « {what} » refusée: indiquez l'adresse de l'Odoo de la boutique, schéma et nom, par exemple https://maboutique.odoo.com (ou laissez vide)")
        })
    };
    let mut origins = Vec::new();
    for item in input.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let lower = item.to_ascii_lowercase();
        let Some((scheme, rest)) = lower.split_once("://") else {
            return refused(item);
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
        if !matches!(scheme, "http" | "https") || !host_ok {
            return refused(item);
        }
        origins.push(format!("{scheme}://{host}"));
    }
    let value = origins.join(", ");
    match crate::domain::parse_origins(&value) {
        Ok(crate::domain::AllowedOrigins::List(_)) => Ok(Some(value)),
        Ok(crate::domain::AllowedOrigins::Any) | Err(_) => refused(input),
    }
}

/// Writes the first hash, and `[server] allowed_origins` when given, in one save.
fn store_first_run(
    store: &crate::config::ConfigStore,
    hash: &str,
    origins: Option<&str>,
) -> anyhow::Result<crate::config::Config> {
    let mut ini = store.read_ini()?;
    ini.with_section(Some("auth")).set("password_hash", hash);
    if let Some(origins) = origins {
        ini.with_section(Some("server"))
            .set("allowed_origins", origins);
    }
    store.save(&ini)
}

/// The first-run form: `password`, `confirm` and `odoo_origin` (may be empty).
async fn setup(
    admin: AppState,
    peer: Peer,
    lang: Lang,
    token: String,
    form: &HashMap<String, String>,
) -> Response {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (ip, password, origin) = (peer.ip(), get("password"), get("odoo_origin"));
    if !peer.is_local() {
        op!(warn, "auth.setup", "denied"; peer = %ip, "création du mot de passe refusée depuis {ip} (local uniquement)");
        return remote(lang);
    }
    let _guard = admin.auth().setup_lock.lock().await;
    if !admin.password_hash().is_empty() {
        return Redirect::to("/config/login").into_response(); // someone was faster
    }
    let checked = password::check_new(&password, &get("confirm"))
        .map_err(|problem| problem.message(lang.is_en()))
        .and_then(|()| first_run_origins(&origin, lang.is_en()));
    let origins = match checked {
        Ok(origins) => origins,
        Err(message) => {
            op!(warn, "auth.setup", "error"; peer = %ip,
                "création du mot de passe refusée: {}", crate::logs::escape(&message));
            let shown = Shown {
                origin,
                ..Shown::error(message)
            };
            return render(StatusCode::BAD_REQUEST, lang, "setup", token, shown);
        }
    };
    let stored = password::hash_async(password).await.and_then(|hash| {
        store_first_run(admin.store(), &hash, origins.as_deref()).map(|c| (hash, c))
    });
    let (hash, config) = match stored {
        Ok(stored) => stored,
        Err(e) => return crate::error::ApiError::Internal(e).into_response(),
    };
    admin.replace_config(config);
    match &origins {
        Some(o) => op!(info, "auth.setup", "ok"; peer = %ip,
            "mot de passe administrateur créé; [server] allowed_origins = {o}"),
        None => op!(info, "auth.setup", "ok"; peer = %ip,
            "mot de passe administrateur créé; [server] allowed_origins reste * (aucune adresse Odoo donnée)"),
    }
    open_session(&admin, &hash, peer)
}

fn open_session(admin: &AppState, hash: &str, peer: Peer) -> Response {
    let secure = peer.scheme == Scheme::Https;
    let session = admin.auth().sessions.open(hash);
    let lifetime = admin.config().auth.session_lifetime;
    let mut res = Redirect::to("/config").into_response();
    let cookie = admin.auth().sessions.cookie(&session, secure, lifetime);
    set_cookie(&mut res, cookie);
    let cleared = Sessions::clear(login_cookie(secure), "/config/login", secure);
    set_cookie(&mut res, cleared);
    res
}

/// Ends the session and sends the browser to the login page; if the logout could not be
/// recorded (data folder read-only, disk full), a 500 says so instead of pretending.
fn close_session(admin: &AppState, session: &crate::auth::Session, peer: Peer) -> Response {
    let lifetime = admin.config().auth.session_lifetime;
    let mut res = match admin.auth().sessions.revoke(session, lifetime) {
        Ok(()) => {
            op!(info, "auth.logout", "ok"; peer = %peer.label(), "déconnexion administrateur");
            Redirect::to("/config/login?m=bye").into_response()
        }
        Err(e) => {
            op!(error, "auth.logout", "error"; peer = %peer.label(), "déconnexion non enregistrée: {e}");
            let body = serde_json::json!({"status": "error", "message": format!("Déconnexion non enregistrée: {e}")});
            (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
        }
    };
    let secure = peer.scheme == Scheme::Https;
    let cleared = Sessions::clear(session_cookie(secure), "/", secure);
    set_cookie(&mut res, cleared);
    res
}

/// The original's `GET /config/logout`, kept for links: it acts only with the session's
/// token in the query (`?csrf=`), so another site cannot log the admin out.
#[utoipa::path(
    get,
    path = "/config/logout",
    tag = "admin",
    summary = "Log out by link (original's GET form)",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nActs only with the session's token in the query, so another site cannot log the admin out; otherwise back to `/config`.",
    params(("csrf" = String, Query, description = "The session's CSRF token")),
    responses(
        (status = 303, description = "Logged out: redirect to `/config/login?m=bye`; without the token: to `/config`; without a session: to `/config/login`"),
        (status = 500, description = "The logout could not be recorded in the data folder (it would not survive a restart); the message names the file", body = crate::http::apidoc::ErrorBody),
        (status = 403, description = "Network not allowed or unknown Host", body = crate::http::apidoc::ErrorBody),
    )
)]
pub async fn logout_link(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(session) = session(&admin, &headers, peer.scheme == Scheme::Https) else {
        return Redirect::to("/config/login").into_response();
    };
    match query.get("csrf") {
        Some(t) if same_secret(t, &session.csrf) => close_session(&admin, &session, peer),
        _ => Redirect::to("/config").into_response(),
    }
}

#[utoipa::path(
    post,
    path = "/config/logout",
    tag = "admin",
    summary = "Log out",
    description = "Access level: **authenticated** (admin session cookie, from an allowed network and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nState-changing: the form carries the session's CSRF token (field `csrf`, or header `X-CSRF-Token`) and no foreign `Origin`. Ends the session on the server too.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`csrf`"),
    responses(
        (status = 303, description = "Logged out: redirect to `/config/login?m=bye`"),
        (status = 500, description = "The logout could not be recorded in the data folder (it would not survive a restart); the message names the file", body = crate::http::apidoc::ErrorBody),
        crate::http::apidoc::AdminRefusal,
    )
)]
pub async fn logout(
    State(admin): State<AppState>,
    Extension(peer): Extension<Peer>,
    AdminSession(session): AdminSession,
) -> Response {
    close_session(&admin, &session, peer)
}
