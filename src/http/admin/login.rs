//! `/config/login` (login, and the first-run password creation, local callers only) and
//! `/config/logout`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};

use super::i18n::{Lang, Texts};
use super::{html, session_of, AdminSession, AdminState};
use crate::auth::session::{login_cookie, session_cookie, Sessions};
use crate::auth::{password, same_secret};
use crate::http::access::{Peer, Scheme};

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    t: &'static Texts,
    /// "login", "setup" (first run, local caller) or "remote" (first run, network caller).
    mode: &'static str,
    csrf: String,
    notice: String,
    error: String,
}

fn render(
    status: StatusCode,
    lang: Lang,
    mode: &'static str,
    csrf: String,
    notice: String,
    error: String,
    cookie: Option<String>,
) -> Response {
    let page = LoginPage {
        t: lang.texts(),
        mode,
        csrf,
        notice,
        error,
    };
    let mut res = html(status, page.render());
    if let Some(cookie) = cookie {
        if let Ok(v) = cookie.parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
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
    ),
    extensions(("x-access-level" = json!("network")))
)]
pub async fn show(
    State(admin): State<AdminState>,
    Extension(peer): Extension<Peer>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let t = lang.texts();
    let hash = password::current_hash(&admin.app);
    if hash.is_empty() && !peer.is_local() {
        return render(
            StatusCode::FORBIDDEN,
            lang,
            "remote",
            String::new(),
            String::new(),
            String::new(),
            None,
        );
    }
    if session_of(&headers, peer.scheme == Scheme::Https, &admin).is_some() {
        return Redirect::to("/config").into_response();
    }
    let notice = match query.get("m").map(String::as_str) {
        Some("bye") => t.logged_out,
        Some("changed") => t.password_changed,
        Some("expired") => t.session_expired,
        _ => "",
    };
    let (token, cookie) = admin
        .auth
        .sessions
        .login_token(peer.scheme == Scheme::Https);
    let mode = if hash.is_empty() { "setup" } else { "login" };
    render(
        StatusCode::OK,
        lang,
        mode,
        token,
        notice.into(),
        String::new(),
        Some(cookie),
    )
}

#[utoipa::path(
    post,
    path = "/config/login",
    tag = "admin",
    summary = "Log in (or create the first password, local callers only)",
    description = "Access level: **network** (`[server] allowed_networks` and a known Host header; with `[server] https_only`, plain HTTP is redirected to HTTPS on the same port).\n\nThe form carries the login page's CSRF token (field `csrf`). On success the session cookie is set (`__Secure-` names over HTTPS) for `[auth] session_minutes`.",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`password` (and `confirm` on first run), `csrf`"),
    responses(
        (status = 303, description = "Logged in: redirect to `/config` with the session cookie"),
        (status = 400, description = "First run: password too short or not confirmed", content_type = "text/html", body = String),
        (status = 401, description = "Wrong password", content_type = "text/html", body = String),
        (status = 403, description = "Missing or expired login token, foreign Origin, or first run from the network", content_type = "text/html", body = String),
        (status = 429, description = "Too many failures from this address: wait the given seconds", content_type = "text/html", body = String),
    ),
    extensions(("x-access-level" = json!("network")))
)]
pub async fn submit(
    State(admin): State<AdminState>,
    Extension(peer): Extension<Peer>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let token = admin
        .auth
        .sessions
        .read_login_token(&headers, peer.scheme == Scheme::Https)
        .unwrap_or_default();
    let given = form.get("password").cloned().unwrap_or_default();
    let hash = password::current_hash(&admin.app);
    if hash.is_empty() {
        return setup(
            admin,
            peer,
            lang,
            token,
            given,
            form.get("confirm").cloned().unwrap_or_default(),
        )
        .await;
    }
    let ip = peer.ip();
    if let Some(wait) = admin.auth.throttle.remaining(ip) {
        admin.app.metrics().login_throttled();
        tracing::warn!(op = "auth.login", outcome = "denied", peer = %ip, "connexion refusée depuis {ip}: trop d'échecs, attente {} s", wait.as_secs() + 1);
        let msg = lang
            .texts()
            .too_many
            .replace("{s}", &(wait.as_secs() + 1).to_string());
        return render(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            "login",
            token,
            String::new(),
            msg,
            None,
        );
    }
    if password::verify_async(given, hash.clone()).await {
        admin.auth.throttle.success(ip);
        tracing::info!(op = "auth.login", outcome = "ok", peer = %ip, "connexion administrateur depuis {ip}");
        return open_session(&admin, &hash, peer);
    }
    let count = admin.auth.throttle.failure(ip);
    admin.app.metrics().login_failed();
    tracing::warn!(op = "auth.login", outcome = "denied", peer = %ip, "échec de connexion depuis {ip} ({count} échec(s) de suite)");
    render(
        StatusCode::UNAUTHORIZED,
        lang,
        "login",
        token,
        String::new(),
        lang.texts().wrong_password.into(),
        None,
    )
}

async fn setup(
    admin: AdminState,
    peer: Peer,
    lang: Lang,
    token: String,
    new: String,
    confirm: String,
) -> Response {
    let ip = peer.ip();
    if !peer.is_local() {
        tracing::warn!(op = "auth.setup", outcome = "denied", peer = %ip, "création du mot de passe refusée depuis {ip} (local uniquement)");
        return render(
            StatusCode::FORBIDDEN,
            lang,
            "remote",
            String::new(),
            String::new(),
            String::new(),
            None,
        );
    }
    let _guard = admin.auth.setup_lock.lock().await;
    if !password::current_hash(&admin.app).is_empty() {
        return Redirect::to("/config/login").into_response(); // someone was faster
    }
    if let Err(problem) = password::check_new(&new, &confirm) {
        return render(
            StatusCode::BAD_REQUEST,
            lang,
            "setup",
            token,
            String::new(),
            problem.message(lang.is_en()),
            None,
        );
    }
    let stored = match password::hash_async(new).await {
        Ok(hash) => password::store_hash(admin.app.store(), &hash).map(|c| (hash, c)),
        Err(e) => Err(e),
    };
    match stored {
        Ok((hash, config)) => {
            admin.app.replace_config(config);
            tracing::info!(op = "auth.setup", outcome = "ok", peer = %ip, "mot de passe administrateur créé");
            open_session(&admin, &hash, peer)
        }
        Err(e) => crate::error::ApiError::Internal(e).into_response(),
    }
}

fn open_session(admin: &AdminState, hash: &str, peer: Peer) -> Response {
    let secure = peer.scheme == Scheme::Https;
    let session = admin.auth.sessions.open(hash);
    let lifetime = admin.app.config().auth.session_lifetime;
    let mut res = Redirect::to("/config").into_response();
    for c in [
        admin.auth.sessions.cookie(&session, secure, lifetime),
        Sessions::clear(login_cookie(secure), "/config/login", secure),
    ] {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Ends the session and sends the browser to the login page.
fn close_session(admin: &AdminState, session: &crate::auth::Session, peer: Peer) -> Response {
    admin
        .auth
        .sessions
        .revoke(session, admin.app.config().auth.session_lifetime);
    tracing::info!(op = "auth.logout", outcome = "ok", peer = %peer.ip(), "déconnexion administrateur");
    let mut res = Redirect::to("/config/login?m=bye").into_response();
    let secure = peer.scheme == Scheme::Https;
    if let Ok(v) = Sessions::clear(session_cookie(secure), "/", secure).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
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
        (status = 403, description = "Network not allowed or unknown Host", body = crate::http::apidoc::ErrorBody),
    ),
    extensions(("x-access-level" = json!("authenticated")))
)]
pub async fn logout_link(
    State(admin): State<AdminState>,
    Extension(peer): Extension<Peer>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(session) = session_of(&headers, peer.scheme == Scheme::Https, &admin) else {
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
        (status = 401, description = "No admin session (API callers; browsers asking for HTML are redirected to `/config/login`)", body = crate::http::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Connexion administrateur requise (voir /config/login)"})),
        (status = 403, description = "Network not allowed, unknown Host, foreign Origin or bad CSRF token (HTML page for form posts, JSON otherwise)", body = crate::http::apidoc::ErrorBody,
            example = json!({"status": "error", "message": "Accès refusé - le réseau de 192.168.2.7 n'est pas autorisé ([server] allowed_networks)"})),
    ),
    extensions(("x-access-level" = json!("authenticated")))
)]
pub async fn logout(
    State(admin): State<AdminState>,
    Extension(peer): Extension<Peer>,
    AdminSession(session): AdminSession,
) -> Response {
    close_session(&admin, &session, peer)
}
