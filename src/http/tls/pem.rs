//! Why a certificate/key pair given in config.ini does not load ([`super::load_pem_pair`]):
//! told at start-up and in the log in French, on the English admin page in English.
//! Imports only the domain's message machinery.

use std::path::PathBuf;

use crate::domain::{told, Lang, Message};

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

#[rustfmt::skip]
impl Message for PemError {
    fn message(&self, lang: Lang) -> String {
        match self {
            PemError::CertUnreadable { path, detail } => {
                let path = path.display();
                told! {lang, "{path}: certificat PEM illisible ({detail})", "{path}: unreadable PEM certificate ({detail})"}
            }
            PemError::NoCert { path } => {
                let path = path.display();
                told! {lang, "{path}: aucun certificat PEM trouvé", "{path}: no PEM certificate found"}
            }
            PemError::KeyUnreadable { path, detail } => {
                let path = path.display();
                told! {lang, "{path}: clé privée PEM illisible ({detail})", "{path}: unreadable PEM private key ({detail})"}
            }
            PemError::Mismatch { cert, key, detail } => {
                let (cert, key) = (cert.display(), key.display());
                told! {lang,
                    "{cert} et {key} ne vont pas ensemble: certificat ou clé refusé: {detail}",
                    "{cert} and {key} do not match: certificate or key refused: {detail}"}
            }
        }
    }
}
