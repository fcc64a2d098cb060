//! CSRF: every state-changing admin request carries a token bound to the session (or
//! the login cookie), in the field `csrf` or the header `X-CSRF-Token`, and no foreign
//! `Origin`; this covers browsers that ignore SameSite. Decides on header texts only.

pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "csrf";

/// Why a state-changing request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    ForeignOrigin,
    Missing,
    /// Nothing to compare the token with (login cookie expired or absent).
    Expired,
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

/// The `csrf` field of a form body (tokens are hex: no percent-decoding).
pub fn form_field(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == FIELD)
        .map(|(_, v)| v.to_string())
}

/// Whether `Origin` (if any) names another site than `Host` (`null` does).
pub fn foreign_origin(origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return false;
    };
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    !origin_host.is_some_and(|o| o.eq_ignore_ascii_case(host.unwrap_or_default()))
}

/// No foreign origin, and the token `given` is the `expected` one (constant time).
pub fn check(foreign: bool, expected: Option<&str>, given: Option<&str>) -> Result<(), Refusal> {
    match (foreign, expected, given) {
        (true, _, _) => Err(Refusal::ForeignOrigin),
        (_, Some(e), Some(g)) if super::same_secret(e, g) => Ok(()),
        (_, _, None) => Err(Refusal::Missing),
        (_, None, Some(_)) => Err(Refusal::Expired),
        (_, Some(_), Some(_)) => Err(Refusal::Invalid),
    }
}
