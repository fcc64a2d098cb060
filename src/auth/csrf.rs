//! CSRF: every state-changing admin request carries a token bound to the session (or,
//! for the login and first-run forms, to the login cookie), in the form field `csrf`
//! or the header `X-CSRF-Token`, and no foreign `Origin`. SameSite=Strict cookies
//! already keep other sites' requests out; the token also covers browsers that ignore
//! SameSite. This module decides on the texts of the request; the HTTP layer reads them
//! and answers.

pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "csrf";

/// Why a state-changing request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `Origin` names another site than the one the request was sent to.
    ForeignOrigin,
    /// No token sent.
    Missing,
    /// A token sent, but nothing to compare it with (login cookie expired or absent).
    Expired,
    /// A token sent that is not the expected one.
    Invalid,
}

impl Refusal {
    /// The reason, as the refusal page and the log line give it (fixed texts only).
    pub fn why(self) -> &'static str {
        match self {
            Refusal::ForeignOrigin => "origine étrangère",
            Refusal::Missing => "jeton CSRF manquant",
            Refusal::Expired => "jeton de connexion expiré ou absent",
            Refusal::Invalid => "jeton CSRF invalide",
        }
    }
}

/// The `csrf` field of an `application/x-www-form-urlencoded` body. Tokens are hex, so
/// a value needing percent-decoding is simply not a token.
pub fn form_field(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == FIELD)
        .map(|(_, v)| v.to_string())
}

/// Whether an `Origin` header names another site than the `Host` the request was sent
/// to (`null`, from a sandboxed page or a redirect, is foreign too). No `Origin`: not a
/// cross-site browser request.
pub fn foreign_origin(origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return false;
    };
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    !origin_host.is_some_and(|o| o.eq_ignore_ascii_case(host.unwrap_or_default()))
}

/// The one check of a state-changing request: no foreign origin, and the token `given`
/// is the `expected` one (compared in constant time).
pub fn check(foreign: bool, expected: Option<&str>, given: Option<&str>) -> Result<(), Refusal> {
    match (foreign, expected, given) {
        (true, _, _) => Err(Refusal::ForeignOrigin),
        (_, Some(e), Some(g)) if super::same_secret(e, g) => Ok(()),
        (_, _, None) => Err(Refusal::Missing),
        (_, None, Some(_)) => Err(Refusal::Expired),
        (_, Some(_), Some(_)) => Err(Refusal::Invalid),
    }
}
