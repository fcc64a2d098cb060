//! The local certificate authority: created once in `<data>/tls/`, trusted once by each
//! device (the Windows installer adds it to the Root store), issuer of every leaf served,
//! so a leaf can be reissued (DHCP) with no new trust step. `ca-key.pem` is 0600 on Unix,
//! behind the data folder's ACL on Windows, and never sent, logged or copied. Must not
//! import routes, `app` or `cli`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::atomic_file::Access;
use anyhow::{Context, Result};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SerialNumber,
};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

pub const CA_CERT: &str = "ca.pem";
pub const CA_KEY: &str = "ca-key.pem";

/// A leaf's lifetime: Apple refuses more than 825 days even from a user-added root.
const LEAF_DAYS: u64 = 397;
/// A leaf this close to its end is reissued.
pub const RENEW_BEFORE: Duration = Duration::from_secs(30 * 86_400);

/// The CA: its certificate as written in `ca.pem`, and what signs the leaves.
pub struct LocalCa {
    pub cert_path: PathBuf,
    der: CertificateDer<'static>,
    key: KeyPair,
    /// The CA rebuilt from its key (same subject and key identifier), for rcgen.
    issuer: rcgen::Certificate,
}

/// A leaf certificate and its key, PEM.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

/// Whether the CA was there or had to be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Loaded,
    Created,
}

/// The CA's subject, from its key alone, distinct per till: `odoo-pos-cashdrawer CA 1a2b3c4d5e6f`.
fn ca_params(key: &KeyPair) -> CertificateParams {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.public_key_raw());
    let tag: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let mut params = CertificateParams::default();
    let mut subject = rcgen::DistinguishedName::new();
    subject.push(DnType::CommonName, format!("odoo-pos-cashdrawer CA {tag}"));
    subject.push(DnType::OrganizationName, "odoo-pos-cashdrawer");
    params.distinguished_name = subject;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

impl LocalCa {
    /// Loads `dir/ca.pem` + `dir/ca-key.pem`, or creates both when neither exists. Half a
    /// pair is an error: replacing a CA the shop trusts would break every device silently.
    pub fn load_or_create(dir: &Path) -> Result<(LocalCa, Origin)> {
        let (cert_path, key_path) = (dir.join(CA_CERT), dir.join(CA_KEY));
        match (cert_path.exists(), key_path.exists()) {
            (false, false) => Ok((Self::create(cert_path, &key_path)?, Origin::Created)),
            (true, true) => Ok((Self::load(cert_path, &key_path)?, Origin::Loaded)),
            _ => anyhow::bail!(
                "{} et {} vont ensemble et l'un manque: remettez-le, ou supprimez les deux pour créer une nouvelle autorité (à faire approuver de nouveau par chaque appareil)",
                cert_path.display(),
                key_path.display()
            ),
        }
    }

    fn create(cert_path: PathBuf, key_path: &Path) -> Result<LocalCa> {
        let key = KeyPair::generate().context("génération de la clé de l'autorité locale")?;
        let mut params = ca_params(&key);
        params.serial_number = Some(random_serial()?);
        let cert = params
            .self_signed(&key)
            .context("génération de l'autorité locale")?;
        let dir = cert_path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("création de {}", dir.display()))?;
        super::write_file(key_path, key.serialize_pem().as_bytes(), Access::Private)?;
        super::write_file(&cert_path, cert.pem().as_bytes(), Access::Shared)?;
        op!(warn, "tls.ca", "ok";
            "autorité de certification locale créée: {}. Faites-lui confiance une fois sur chaque appareil qui ouvre https://…:22548 (l'installateur Windows le fait pour ce poste); les certificats suivants en sont émis sans nouvelle approbation",
            cert_path.display());
        Self::from_parts(cert_path, cert.der().clone(), key)
    }

    fn load(cert_path: PathBuf, key_path: &Path) -> Result<LocalCa> {
        let pem = std::fs::read_to_string(key_path)
            .with_context(|| format!("lecture de {}", key_path.display()))?;
        let key = KeyPair::from_pem(&pem)
            .map_err(|e| anyhow::anyhow!("{}: clé PEM illisible ({e})", key_path.display()))?;
        let der = CertificateDer::from_pem_file(&cert_path).map_err(|e| {
            anyhow::anyhow!("{}: certificat PEM illisible ({e})", cert_path.display())
        })?;
        Self::from_parts(cert_path, der, key)
    }

    fn from_parts(
        cert_path: PathBuf,
        der: CertificateDer<'static>,
        key: KeyPair,
    ) -> Result<LocalCa> {
        let issuer = ca_params(&key)
            .self_signed(&key)
            .context("autorité locale")?;
        let ca = LocalCa {
            cert_path,
            der,
            key,
            issuer,
        };
        // The key must be the one of ca.pem: a leaf it signs has to verify against it.
        let localhost = ["localhost".to_string()];
        let probe = ca.issue(&localhost)?;
        let probe = CertificateDer::from_pem_slice(probe.cert_pem.as_bytes())
            .context("certificat d'essai")?;
        if !ca.covers(&probe, &localhost, Duration::ZERO) {
            anyhow::bail!(
                "{} et {} ne vont pas ensemble",
                ca.cert_path.display(),
                ca.cert_path.with_file_name(CA_KEY).display()
            );
        }
        Ok(ca)
    }

    /// A new leaf for `names` (DNS names and IP literals), for server authentication.
    pub fn issue(&self, names: &[String]) -> Result<Leaf> {
        let mut params = CertificateParams::new(names.to_vec()).context("noms du certificat")?;
        let mut subject = rcgen::DistinguishedName::new();
        subject.push(DnType::CommonName, "odoo-pos-cashdrawer");
        params.distinguished_name = subject;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        params.serial_number = Some(random_serial()?);
        let since_epoch = since_epoch();
        let epoch = rcgen::date_time_ymd(1970, 1, 1);
        params.not_before = epoch + since_epoch.saturating_sub(Duration::from_secs(86_400));
        params.not_after = epoch + since_epoch + Duration::from_secs(LEAF_DAYS * 86_400);
        let key = KeyPair::generate().context("génération de la clé TLS")?;
        let cert = params
            .signed_by(&key, &self.issuer, &self.key)
            .context("émission du certificat")?;
        Ok(Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// Whether `leaf` chains to this CA and is valid for each of `names` (but those no
    /// client could ask for) for `margin` more.
    pub fn covers(
        &self,
        leaf: &CertificateDer<'static>,
        names: &[String],
        margin: Duration,
    ) -> bool {
        let mut roots = rustls::RootCertStore::empty();
        if roots.add(self.der.clone()).is_err() {
            return false;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let Ok(verifier) =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
        else {
            return false;
        };
        let at = UnixTime::since_unix_epoch(since_epoch() + margin);
        names.iter().all(|name| {
            let Ok(server) = ServerName::try_from(name.as_str()) else {
                return true;
            };
            verifier
                .verify_server_cert(leaf, &[], &server, &[], at)
                .is_ok()
        })
    }
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

/// 16 random bytes, first bit clear (a positive serial, as RFC 5280 asks).
fn random_serial() -> Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("aléa du système: {e}"))?;
    bytes[0] &= 0x7f;
    Ok(SerialNumber::from_slice(&bytes))
}
