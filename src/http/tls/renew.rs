//! The leaf in service, swapped while the service runs: when the machine's addresses
//! change, the local CA issues a new leaf, written to `tls/` and served to the next
//! handshake (no restart, no new trust step). Must not import routes, `app` or `cli`.

use std::path::PathBuf;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use anyhow::{Context, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use super::ca::{LocalCa, RENEW_BEFORE};
use crate::atomic_file::Access;

/// How often the machine's addresses are looked at: one `getifaddrs` and a comparison.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);
/// Test seam: the check period in milliseconds (50 ms to 60 s).
pub const TEST_CHECK_ENV: &str = "CASHDRAWER_TEST_ADDRESS_CHECK_MS";

/// The period of the address check: [`CHECK_EVERY`], or the test seam's value.
pub fn check_period() -> Duration {
    std::env::var(TEST_CHECK_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|ms| Duration::from_millis(ms.clamp(50, 60_000)))
        .unwrap_or(CHECK_EVERY)
}

/// Serves the leaf it holds; [`LeafResolver::set`] replaces it for the next handshakes.
#[derive(Debug)]
pub struct LeafResolver {
    current: RwLock<Arc<CertifiedKey>>,
}

impl LeafResolver {
    pub fn new(key: Arc<CertifiedKey>) -> LeafResolver {
        LeafResolver {
            current: RwLock::new(key),
        }
    }

    pub fn current(&self) -> Arc<CertifiedKey> {
        // A panic while swapping leaves an Arc that is still a whole certificate.
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set(&self, key: Arc<CertifiedKey>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = key;
    }
}

impl ResolvesServerCert for LeafResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

/// A chain and key ready for rustls (ring), checked to go together.
pub fn certified(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<CertifiedKey>> {
    let keys = rustls::crypto::ring::default_provider().key_provider;
    let signer = keys.load_private_key(key).context("clé privée refusée")?;
    let certified = CertifiedKey::new(chain, signer);
    certified
        .keys_match()
        .context("le certificat et la clé ne vont pas ensemble")?;
    Ok(Arc::new(certified))
}

/// What reissuing needs: the CA, where the leaf lives, the names to cover.
pub struct Renewal {
    pub ca: LocalCa,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub allowed_hosts: Vec<String>,
}

impl Renewal {
    /// Issues a leaf for `names` and writes it (key first, each file atomically).
    pub fn issue(&self, names: &[String]) -> Result<Arc<CertifiedKey>> {
        let leaf = self.ca.issue(names)?;
        super::write_file(&self.key, leaf.key_pem.as_bytes(), Access::Private)?;
        super::write_file(&self.cert, leaf.cert_pem.as_bytes(), Access::Shared)?;
        let chain =
            vec![CertificateDer::from_pem_slice(leaf.cert_pem.as_bytes())
                .context("certificat émis")?];
        let key = PrivateKeyDer::from_pem_slice(leaf.key_pem.as_bytes()).context("clé émise")?;
        certified(chain, key)
    }

    /// Whether the leaf is the CA's and valid for every name for [`RENEW_BEFORE`] more.
    pub fn still_covers(&self, leaf: &CertifiedKey, names: &[String]) -> bool {
        leaf.cert
            .first()
            .is_some_and(|der| self.ca.covers(der, names, RENEW_BEFORE))
    }

    /// One check: a new leaf (`Ok(true)`) when the names changed or are no longer covered.
    pub fn check(&self, resolver: &LeafResolver, last: &mut Vec<String>) -> Result<bool> {
        let names = super::generated_names(&self.allowed_hosts);
        if names == *last && self.still_covers(&resolver.current(), &names) {
            return Ok(false);
        }
        resolver.set(self.issue(&names)?);
        op!(info, "tls.renew", "ok";
            "adresses du poste changées: nouveau certificat émis par l'autorité locale, sans redémarrage ni nouvelle approbation: {} (noms: {})",
            self.cert.display(), names.join(", "));
        *last = names;
        Ok(true)
    }
}

/// Checks the machine's names every `every` and reissues the leaf when they change, until
/// the resolver is dropped (a listener restart).
pub fn watch(renewal: Renewal, resolver: Weak<LeafResolver>, names: Vec<String>, every: Duration) {
    tokio::spawn(async move {
        let mut last = names;
        let renewal = Arc::new(renewal);
        loop {
            tokio::time::sleep(every).await;
            let Some(resolver) = resolver.upgrade() else {
                return;
            };
            let (r, mut names) = (renewal.clone(), std::mem::take(&mut last));
            // Key generation and interface listing: off the async workers.
            let checked = move || (r.check(&resolver, &mut names), names);
            match tokio::task::spawn_blocking(checked).await {
                Ok((result, names)) => {
                    last = names;
                    if let Err(e) = result {
                        op!(error, "tls.renew", "error";
                            "nouveau certificat non émis, l'ancien reste en service (nouvel essai dans {} s): {e:#}",
                            every.as_secs());
                    }
                }
                Err(e) => op!(error, "tls.renew", "error"; "vérification des adresses: {e}"),
            }
        }
    });
}
