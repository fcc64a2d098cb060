//! The admin password: rules for a new one, bcrypt hashing (cost 12) and checking,
//! including hashes written by the original Python service (`$2b$`).

use anyhow::{Context, Result};

use crate::config::{Config, ConfigStore};

pub const BCRYPT_COST: u32 = 12;
/// The original accepted 6; 8 is the least a shop network deserves.
pub const MIN_CHARS: usize = 8;
/// bcrypt ignores bytes past 72: refuse them rather than silently ignore them.
pub const MAX_BYTES: usize = 72;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Mismatch,
}

impl PasswordProblem {
    pub fn message(self, english: bool) -> String {
        use PasswordProblem::*;
        match (self, english) {
            (TooShort, false) => format!("Au moins {MIN_CHARS} caractères sont nécessaires."),
            (TooShort, true) => format!("At least {MIN_CHARS} characters."),
            (TooLong, false) => {
                format!("{MAX_BYTES} octets au plus (environ {MAX_BYTES} caractères sans accents).")
            }
            (TooLong, true) => format!("At most {MAX_BYTES} bytes."),
            (Mismatch, false) => "La confirmation ne correspond pas au mot de passe.".into(),
            (Mismatch, true) => "The confirmation does not match.".into(),
        }
    }
}

pub fn check_new(password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
    if password.chars().count() < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if password.len() > MAX_BYTES {
        return Err(PasswordProblem::TooLong);
    }
    if password != confirmation {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

pub fn hash(password: &str) -> Result<String> {
    bcrypt::hash(password, BCRYPT_COST).context("calcul de l'empreinte bcrypt")
}

/// Whether `password` matches `hash` (`$2a$`, `$2b$`, `$2y$`; a malformed one never).
pub fn verify(password: &str, hash: &str) -> bool {
    !hash.is_empty() && bcrypt::verify(password, hash).unwrap_or(false)
}

/// bcrypt is deliberately slow (~0.3 s): run it off the async workers.
pub async fn verify_async(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &hash))
        .await
        .unwrap_or(false)
}

pub async fn hash_async(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .context("calcul de l'empreinte bcrypt")?
}

/// Writes `hash` into `[auth] password_hash`, keeping every other key. The file must be
/// readable: writing only `[auth]` would reset the rest to the defaults.
pub fn store_hash(store: &ConfigStore, hash: &str) -> Result<Config> {
    let mut ini = store.read_ini()?;
    ini.with_section(Some("auth")).set("password_hash", hash);
    store.save(&ini)
}

/// `[auth] password_hash` of the file, if it reads and is a bcrypt hash or empty.
pub fn hash_on_disk(store: &ConfigStore) -> Option<String> {
    store
        .read_ini()
        .ok()
        .and_then(|ini| {
            ini.get_from(Some("auth"), "password_hash")
                .map(|h| h.trim().to_string())
        })
        .filter(|h| h.is_empty() || (h.len() == 60 && h.starts_with("$2")))
}
