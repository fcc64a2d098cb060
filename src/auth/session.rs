//! Cookie sessions, encrypted (the `cookie` crate's private jar) under a key kept in the
//! data folder; only logged-out ids are stored. A session ends with its lifetime, its
//! logout, or a new password (it carries a fingerprint of the hash). Works on header
//! texts: no HTTP types.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::{Deserialize, Serialize};

/// The session cookie's name: `__Secure-` over HTTPS, since plain HTTP may never
/// overwrite a `Secure` cookie of the same name (no HTTP login after an HTTPS one).
pub fn session_cookie(secure: bool) -> &'static str {
    ["cashdrawer_session", "__Secure-cashdrawer_session"][usize::from(secure)]
}

/// The name of the cookie with the login and first-run forms' anti-CSRF token.
pub fn login_cookie(secure: bool) -> &'static str {
    ["cashdrawer_login", "__Secure-cashdrawer_login"][usize::from(secure)]
}

const KEY_FILE: &str = "session.key";
const LOGIN_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    /// Sent back by every state-changing request.
    pub csrf: String,
    /// Login time, seconds since the Unix epoch.
    pub issued: u64,
    /// The checksum part of the bcrypt hash in force at login.
    pub pw: String,
}

/// A logout that could not be recorded in the data folder.
#[derive(Debug, thiserror::Error)]
#[error("écriture de {} impossible ({source}): la session est fermée jusqu'au prochain redémarrage du service seulement, une copie du cookie redeviendrait valable ensuite", path.display())]
pub struct RevokeError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

pub struct Sessions {
    key: Key,
    /// Logged-out session ids, with the time they would have expired anyway.
    revoked: Mutex<HashMap<String, u64>>,
    revoked_file: Option<PathBuf>,
}

pub const REVOKED_FILE: &str = "sessions.revoked";
/// The longest `[auth] session_minutes` allows: a revoked id is remembered that long.
const MAX_LIFETIME_SECS: u64 = 24 * 60 * 60;

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The part of a bcrypt hash that changes with every new password (salt and checksum).
fn fingerprint(hash: &str) -> String {
    hash.get(7..).unwrap_or_default().to_string()
}

impl Sessions {
    /// Reads `session.key` from the data folder, or creates it. If the folder is not
    /// writable the key lives in memory only: sessions then end with the process.
    pub fn load_or_create(data_dir: &Path) -> Sessions {
        let path = data_dir.join(KEY_FILE);
        let key = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 64 => Key::from(&bytes),
            _ => {
                let key = Key::generate();
                if let Err(e) = write_private(&path, key.master()) {
                    op!(error, "auth.key", "error";
                        "clé de session non enregistrée dans {}: {e} (les sessions ne survivront pas à un redémarrage)", path.display());
                }
                key
            }
        };
        let revoked_file = data_dir.join(REVOKED_FILE);
        let now = now_secs();
        let revoked = std::fs::read_to_string(&revoked_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' '))
            .filter_map(|(id, until)| Some((id.to_string(), until.parse::<u64>().ok()?)))
            .filter(|(_, until)| *until > now)
            .collect();
        Sessions {
            revoked: Mutex::new(revoked),
            revoked_file: Some(revoked_file),
            ..Sessions::with_key(key)
        }
    }

    /// Sessions under `key`, remembered in memory only.
    pub fn with_key(key: Key) -> Sessions {
        Sessions {
            key,
            revoked: Mutex::new(HashMap::new()),
            revoked_file: None,
        }
    }

    pub fn open(&self, hash: &str) -> Session {
        Session {
            id: crate::auth::random_token(),
            csrf: crate::auth::random_token(),
            issued: now_secs(),
            pw: fingerprint(hash),
        }
    }

    /// The `Set-Cookie` value carrying `session`.
    pub fn cookie(&self, session: &Session, secure: bool, lifetime: Duration) -> String {
        let value = serde_json::to_string(session).expect("session serializes");
        // Path `/`: `/logs/purge` and `/logs/tail` are admin-only too.
        self.encrypted(session_cookie(secure), value, "/", secure, lifetime)
    }

    /// The valid session in `cookies` (the `Cookie` headers joined by `; `), if any.
    pub fn read(
        &self,
        cookies: &str,
        secure: bool,
        hash: &str,
        lifetime: Duration,
    ) -> Option<Session> {
        self.read_at(cookies, secure, hash, lifetime, now_secs())
    }

    /// [`Sessions::read`] at `now` (Unix seconds); one issued after `now` is refused.
    pub fn read_at(
        &self,
        cookies: &str,
        secure: bool,
        hash: &str,
        lifetime: Duration,
        now: u64,
    ) -> Option<Session> {
        if hash.is_empty() {
            return None;
        }
        let value = self.decrypt(cookies, session_cookie(secure))?;
        let session: Session = serde_json::from_str(&value).ok()?;
        let fresh =
            session.issued <= now + 5 && now.saturating_sub(session.issued) < lifetime.as_secs();
        let same_password = crate::auth::same_secret(&session.pw, &fingerprint(hash));
        let revoked = self
            .revoked
            .lock()
            .expect("revoked lock")
            .contains_key(&session.id);
        (fresh && same_password && !revoked).then_some(session)
    }

    /// Logs `session` out for good, so that a copy of its cookie fails too: at once in
    /// this process; the error says the logout would not survive a restart.
    pub fn revoke(&self, session: &Session, lifetime: Duration) -> Result<(), RevokeError> {
        let now = now_secs();
        let mut revoked = self.revoked.lock().expect("revoked lock");
        revoked.retain(|_, until| *until > now);
        let until = session.issued + lifetime.as_secs().max(MAX_LIFETIME_SECS);
        revoked.insert(session.id.clone(), until);
        let Some(path) = &self.revoked_file else {
            return Ok(());
        };
        let text: String = revoked
            .iter()
            .map(|(id, t)| format!("{id} {t}\n"))
            .collect();
        write_private(path, text.as_bytes()).map_err(|source| RevokeError {
            path: path.clone(),
            source,
        })
    }

    /// A fresh anti-CSRF token for the login form, and its cookie.
    pub fn login_token(&self, secure: bool) -> (String, String) {
        let token = crate::auth::random_token();
        let value = format!("{}.{token}", now_secs());
        let name = login_cookie(secure);
        let cookie = self.encrypted(name, value, "/config/login", secure, LOGIN_TOKEN_LIFETIME);
        (token, cookie)
    }

    /// The login form token this browser was given, if still valid.
    pub fn read_login_token(&self, cookies: &str, secure: bool) -> Option<String> {
        let value = self.decrypt(cookies, login_cookie(secure))?;
        let (issued, token) = value.split_once('.')?;
        let issued: u64 = issued.parse().ok()?;
        (now_secs().saturating_sub(issued) < LOGIN_TOKEN_LIFETIME.as_secs())
            .then(|| token.to_string())
    }

    /// A `Set-Cookie` value that deletes cookie `name`.
    pub fn clear(name: &'static str, path: &'static str, secure: bool) -> String {
        set_cookie(name, String::new(), path, secure, Duration::ZERO)
    }

    fn encrypted(
        &self,
        name: &'static str,
        value: String,
        path: &'static str,
        secure: bool,
        lifetime: Duration,
    ) -> String {
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key).add(Cookie::new(name, value));
        let sealed = jar
            .get(name)
            .expect("cookie just added")
            .value()
            .to_string();
        set_cookie(name, sealed, path, secure, lifetime)
    }

    fn decrypt(&self, cookies: &str, name: &str) -> Option<String> {
        let jar = CookieJar::new();
        let private = jar.private(&self.key);
        cookies
            .split(';')
            .filter_map(|c| Cookie::parse(c.trim().to_string()).ok())
            .filter(|c| c.name() == name)
            .find_map(|c| private.decrypt(c))
            .map(|c| c.value().to_string())
    }
}

/// A `Set-Cookie` value kept from other sites and scripts, HTTPS-only when `secure`.
fn set_cookie(name: &str, value: String, path: &str, secure: bool, lifetime: Duration) -> String {
    Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(lifetime.as_secs() as i64))
        .build()
        .to_string()
}

/// Writes a secret file atomically: half a revoked list would revive sessions.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::atomic_file::write(path, bytes, crate::atomic_file::Access::Private)
}
