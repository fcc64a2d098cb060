//! HTTPS on the service's own port: rustls (ring) behind the listener's first-byte check.
//! The certificate is `[server] cert_file`/`key_file` as is, else a leaf of the local CA
//! ([`ca`]) in `<data dir>/tls/`, reissued when the machine's addresses change ([`renew`]).
//! Owns the certificates and the TLS terminator; must not import routes, `app` or `cli`.

pub mod ca;
mod pem;
pub mod renew;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

pub use self::pem::PemError;

use self::ca::LocalCa;
use self::renew::{LeafResolver, Renewal};
use super::server::{IoStream, TlsAccept, TlsTerminator};
use crate::config::ServerConfig;

const GENERATED_DIR: &str = "tls";
const GENERATED_CERT: &str = "cert.pem";
const GENERATED_KEY: &str = "key.pem";

pub struct RustlsTerminator {
    acceptor: TlsAcceptor,
    /// Where the certificate came from, for the start-up log line.
    pub cert_path: PathBuf,
    /// The leaf in service, swapped by the address watcher.
    resolver: Arc<LeafResolver>,
    /// How to reissue it: `None` for a hand-configured pair.
    pub renewal: Option<(Renewal, Vec<String>)>,
}

impl RustlsTerminator {
    /// Starts the address watcher ([`renew::watch`]) for a generated leaf (in a runtime).
    pub fn watch_addresses(&mut self, every: std::time::Duration) {
        if let Some((renewal, names)) = self.renewal.take() {
            renew::watch(renewal, Arc::downgrade(&self.resolver), names, every);
        }
    }
}

impl TlsTerminator for RustlsTerminator {
    fn accept(&self, stream: TcpStream) -> TlsAccept {
        let acceptor = self.acceptor.clone();
        Box::pin(async move {
            let tls = acceptor.accept(stream).await?;
            Ok(Box::new(tls) as Box<dyn IoStream>)
        })
    }
}

type Pair = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// Reads a PEM certificate chain and its private key, and checks they go together.
pub fn load_pem_pair(cert: &Path, key: &Path) -> Result<Pair, PemError> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| PemError::CertUnreadable {
            path: cert.to_path_buf(),
            detail: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(PemError::NoCert {
            path: cert.to_path_buf(),
        });
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| PemError::KeyUnreadable {
        path: key.to_path_buf(),
        detail: e.to_string(),
    })?;
    let checked = server_builder()
        .and_then(|builder| Ok(builder.with_single_cert(chain.clone(), private.clone_key())?));
    checked.map_err(|e| PemError::Mismatch {
        cert: cert.to_path_buf(),
        key: key.to_path_buf(),
        detail: e.root_cause().to_string(),
    })?;
    Ok((chain, private))
}

/// rustls with the ring provider, default protocol versions, no client certificates.
fn server_builder(
) -> Result<rustls::ConfigBuilder<rustls::ServerConfig, rustls::server::WantsServerCert>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("versions TLS")?
        .with_no_client_auth())
}

/// The server configuration serving whatever `resolver` holds, HTTP/1.1 only.
fn resolver_config(resolver: Arc<LeafResolver>) -> Result<rustls::ServerConfig> {
    let mut config = server_builder()?.with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The names the generated certificate is valid for: loopback, the machine's name, its
/// addresses now (a tablet opens `https://192.168.1.20:22548`), `[server] allowed_hosts`.
pub fn generated_names(allowed_hosts: &[String]) -> Vec<String> {
    let mut names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    if let Some(machine) = crate::platform::machine_name() {
        names.extend([machine.clone(), format!("{machine}.local")]);
    }
    let addresses = crate::platform::machine_addresses();
    names.extend(addresses.iter().map(ToString::to_string));
    let hosts = allowed_hosts
        .iter()
        .map(|h| crate::auth::host::host_name(h));
    names.extend(hosts.filter(|h| crate::config::is_host_name(h)));
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

pub fn generated_paths(data_dir: &Path) -> (PathBuf, PathBuf) {
    let dir = data_dir.join(GENERATED_DIR);
    (dir.join(GENERATED_CERT), dir.join(GENERATED_KEY))
}

/// The TLS side of the listener. A configured pair that does not load is an error (never
/// silently another certificate).
pub fn load_or_generate(data_dir: &Path, server: &ServerConfig) -> Result<RustlsTerminator> {
    let (cert, key, renewal) = match (&server.cert_file, &server.key_file) {
        (Some(c), Some(k)) => {
            let (c, k) = (resolve(data_dir, c), resolve(data_dir, k));
            let (chain, private) = load_pem_pair(&c, &k)?;
            (c, renew::certified(chain, private)?, None)
        }
        (None, None) => {
            let (c, k) = generated_paths(data_dir);
            let (ca, origin) = LocalCa::load_or_create(&data_dir.join(GENERATED_DIR))?;
            let renewal = Renewal {
                ca,
                cert: c.clone(),
                key: k,
                allowed_hosts: server.allowed_hosts.clone(),
            };
            let names = generated_names(&renewal.allowed_hosts);
            let key = generated_leaf(&renewal, &names, origin)?;
            (c, key, Some((renewal, names)))
        }
        _ => anyhow::bail!(
            "[server] cert_file et key_file vont ensemble: renseignez les deux ou aucun"
        ),
    };
    let resolver = Arc::new(LeafResolver::new(key));
    let config = resolver_config(resolver.clone())?;
    Ok(RustlsTerminator {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        cert_path: cert,
        resolver,
        renewal,
    })
}

/// The leaf in `tls/` if the CA issued it and it covers `names`, else a new one (a
/// self-signed leaf of 1.0 is replaced, and said so).
fn generated_leaf(
    renewal: &Renewal,
    names: &[String],
    origin: ca::Origin,
) -> Result<Arc<rustls::sign::CertifiedKey>> {
    let existing = load_pem_pair(&renewal.cert, &renewal.key)
        .ok()
        .and_then(|(chain, key)| renew::certified(chain, key).ok());
    match existing {
        Some(key) if renewal.still_covers(&key, names) => return Ok(key),
        Some(_) if origin == ca::Origin::Created => op!(warn, "tls.generate", "ok";
            "l'ancien certificat auto-signé {} est remplacé par un certificat émis par l'autorité locale {}: faites confiance à celle-ci une fois sur chaque appareil (docs/install-windows.md, docs/install-linux.md)",
            renewal.cert.display(), renewal.ca.cert_path.display()),
        _ => {}
    }
    let key = renewal.issue(names)?;
    op!(info, "tls.generate", "ok"; "certificat émis par l'autorité locale {}: {} (noms: {})",
        renewal.ca.cert_path.display(), renewal.cert.display(), names.join(", "));
    Ok(key)
}

fn resolve(data_dir: &Path, path: &Path) -> PathBuf {
    data_dir.join(path) // an absolute `path` replaces `data_dir`
}

/// Written atomically: a crash mid-write never leaves half a key that stops HTTPS.
fn write_file(path: &Path, bytes: &[u8], access: crate::atomic_file::Access) -> Result<()> {
    crate::atomic_file::write(path, bytes, access)
        .with_context(|| format!("écriture de {}", path.display()))
}

// These stay here: they compare the machine's names from one call to the next, which the
// `tests/api` binary changes while they run (its network namespaces add host addresses).
#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn leaf_der(path: &Path) -> CertificateDer<'static> {
        CertificateDer::from_pem_file(path).unwrap()
    }

    #[test]
    fn generates_once_and_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let server = crate::config::Config::defaults().server;
        let first = load_or_generate(dir.path(), &server).unwrap();
        let pem = std::fs::read(&first.cert_path).unwrap();
        let second = load_or_generate(dir.path(), &server).unwrap();
        assert_eq!(pem, std::fs::read(&second.cert_path).unwrap());
    }

    /// The CA is made once, its key private; the leaf chains to it, covers the machine's
    /// names, and is kept at the next start.
    #[test]
    fn the_leaf_is_issued_by_a_local_ca_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let server = crate::config::Config::defaults().server;
        let first = load_or_generate(dir.path(), &server).unwrap();
        let tls = dir.path().join("tls");
        let ca_pem = std::fs::read(tls.join("ca.pem")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for private in ["ca-key.pem", "key.pem"] {
                let mode = std::fs::metadata(tls.join(private))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{private}");
            }
        }
        let (ca, origin) = LocalCa::load_or_create(&tls).unwrap();
        assert_eq!(origin, ca::Origin::Loaded);
        let names = generated_names(&server.allowed_hosts);
        assert!(names.iter().any(|n| n == "127.0.0.1"));
        assert!(ca.covers(&leaf_der(&first.cert_path), &names, Duration::ZERO));
        let second = load_or_generate(dir.path(), &server).unwrap();
        assert_eq!(ca_pem, std::fs::read(tls.join("ca.pem")).unwrap());
        assert_eq!(
            leaf_der(&first.cert_path),
            leaf_der(&second.cert_path),
            "a leaf that still covers the names is kept"
        );
    }

    /// A name the leaf lacks (a new address) makes the check issue a new leaf from the
    /// same CA and put it in service; with nothing changed it does nothing.
    #[test]
    fn a_new_name_reissues_the_leaf_from_the_same_ca() {
        let dir = tempfile::tempdir().unwrap();
        let server = crate::config::Config::defaults().server;
        let mut t = load_or_generate(dir.path(), &server).unwrap();
        let (renewal, mut names) = t.renewal.take().unwrap();
        assert!(
            !renewal.check(&t.resolver, &mut names).unwrap(),
            "nothing changed"
        );
        let before = t.resolver.current();
        let mut stale = vec!["localhost".to_string()];
        assert!(renewal.check(&t.resolver, &mut stale).unwrap());
        let after = t.resolver.current();
        assert_ne!(before.cert[0], after.cert[0]);
        assert!(renewal.still_covers(&after, &names));
        assert_eq!(leaf_der(&t.cert_path), after.cert[0]);
    }
}
