//! The HTTPS certificate's end of validity, for the "expiring soon" alert: parsed when
//! the file changed, by a minimal DER walk to `tbsCertificate.validity.notAfter` (RFC
//! 5280 §4.1), no X.509 crate for one field.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// The last parsed file: path, modification time, end of validity.
#[derive(Default)]
pub struct ExpiryCache {
    last: Mutex<Option<(PathBuf, SystemTime, Option<SystemTime>)>>,
}

impl ExpiryCache {
    /// `notAfter` of the served chain's first certificate; `None` when there is none.
    pub fn not_after(&self, path: &Path) -> Option<SystemTime> {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((p, m, expiry)) = last.as_ref() {
            if p == path && *m == modified {
                return *expiry;
            }
        }
        let first = CertificateDer::pem_file_iter(path)
            .ok()
            .and_then(|mut c| c.next()?.ok());
        let expiry = first.and_then(|der| not_after(der.as_ref()));
        *last = Some((path.to_path_buf(), modified, expiry));
        expiry
    }
}

/// One DER element: (tag, content, rest).
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
/// `[0] EXPLICIT Version` of a v3 certificate.
const VERSION_TAG: u8 = 0xa0;

pub fn not_after(der: &[u8]) -> Option<SystemTime> {
    let mut rest = sequence(sequence(der)?)?;
    let (tag, _, after) = element(rest)?;
    if tag == VERSION_TAG {
        rest = after;
    }
    // serialNumber, signature, issuer, then validity.
    for _ in 0..3 {
        rest = element(rest)?.2;
    }
    let (_, _, after_not_before) = element(sequence(rest)?)?;
    let (tag, time, _) = element(after_not_before)?;
    parse_time(tag, std::str::from_utf8(time).ok()?)
}

/// The content of the SEQUENCE that `der` starts with.
fn sequence(der: &[u8]) -> Option<&[u8]> {
    let (tag, content, _) = element(der)?;
    (tag == SEQUENCE).then_some(content)
}

/// UTCTime `YYMMDDHHMMSSZ` (1950–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`.
fn parse_time(tag: u8, text: &str) -> Option<SystemTime> {
    let digits = text.strip_suffix('Z')?;
    let full = match (tag, digits.len()) {
        (UTC_TIME, 12) => {
            let yy: u32 = digits[..2].parse().ok()?;
            let century = if yy >= 50 { "19" } else { "20" };
            format!("{century}{digits}")
        }
        (GENERALIZED_TIME, 14) => digits.to_string(),
        _ => return None,
    };
    let time = chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S").ok()?;
    let secs = time.and_utc().timestamp();
    if secs >= 0 {
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64))
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    }
}
