//! Why a certificate/key pair given in config.ini does not load ([`super::load_pem_pair`]):
//! told at start-up and in the log in French, on the English admin page in English.

use std::path::PathBuf;

use crate::domain::{Lang, Message};

#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::Fr))]
pub enum PemError {
    CertUnreadable {
        path: PathBuf,
        detail: String,
    },
    NoCert {
        path: PathBuf,
    },
    KeyUnreadable {
        path: PathBuf,
        detail: String,
    },
    /// rustls refused the pair (the key is not the certificate's).
    Mismatch {
        cert: PathBuf,
        key: PathBuf,
        detail: String,
    },
}

impl Message for PemError {
    fn message(&self, lang: Lang) -> String {
        let [fr, en] = match self {
            PemError::CertUnreadable { path, detail } => [
                format!("{}: certificat PEM illisible ({detail})", path.display()),
                format!("{}: unreadable PEM certificate ({detail})", path.display()),
            ],
            PemError::NoCert { path } => [
                format!("{}: aucun certificat PEM trouvé", path.display()),
                format!("{}: no PEM certificate found", path.display()),
            ],
            PemError::KeyUnreadable { path, detail } => [
                format!("{}: clé privée PEM illisible ({detail})", path.display()),
                format!("{}: unreadable PEM private key ({detail})", path.display()),
            ],
            PemError::Mismatch { cert, key, detail } => [
                format!(
                    "{} et {} ne vont pas ensemble: certificat ou clé refusé: {detail}",
                    cert.display(),
                    key.display()
                ),
                format!(
                    "{} and {} do not match: certificate or key refused: {detail}",
                    cert.display(),
                    key.display()
                ),
            ],
        };
        lang.pick([fr, en])
    }
}
