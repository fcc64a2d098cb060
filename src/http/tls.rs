//! HTTPS on the service's own port: rustls (ring provider) behind the listener's
//! first-byte check. The certificate is `[server] cert_file`/`key_file` when set, else
//! a self-signed one generated on first run (localhost, 127.0.0.1, ::1 and the machine's
//! name) and kept in `<data dir>/tls/`, so browsers that were told to trust it keep
//! trusting it after a restart.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use super::server::{IoStream, TlsAccept, TlsTerminator};
use crate::config::ServerConfig;

const GENERATED_DIR: &str = "tls";
const GENERATED_CERT: &str = "cert.pem";
const GENERATED_KEY: &str = "key.pem";

pub struct RustlsTerminator {
    acceptor: TlsAcceptor,
    /// Where the certificate came from, for the start-up log line.
    pub cert_path: PathBuf,
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
pub fn load_pem_pair(cert: &Path, key: &Path) -> Result<Pair> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow::anyhow!("{}: certificat PEM illisible ({e})", cert.display()))?;
    if chain.is_empty() {
        anyhow::bail!("{}: aucun certificat PEM trouvé", cert.display());
    }
    let private = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow::anyhow!("{}: clé privée PEM illisible ({e})", key.display()))?;
    server_config(chain.clone(), private.clone_key()).with_context(|| {
        format!(
            "{} et {} ne vont pas ensemble",
            cert.display(),
            key.display()
        )
    })?;
    Ok((chain, private))
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("versions TLS")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("certificat ou clé refusé")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The names the generated certificate is valid for: loopback, the machine's name, its
/// shop-network addresses at the time of generation (so a tablet opening
/// `https://192.168.1.20:22548` sees a certificate for that address), and the names in
/// `[server] allowed_hosts`. An address that changes later is not covered: deleting the
/// `tls/` folder makes a new certificate at the next start (README, HTTPS).
pub fn generated_names(allowed_hosts: &[String]) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if let Some(machine) = crate::platform::machine_name() {
        names.push(machine.clone());
        names.push(format!("{machine}.local"));
    }
    names.extend(
        crate::platform::machine_addresses()
            .iter()
            .map(ToString::to_string),
    );
    names.extend(
        allowed_hosts
            .iter()
            .map(|h| crate::auth::host::host_name(h))
            .filter(|h| !h.is_empty()),
    );
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

/// The generated certificate's files in `data_dir`.
pub fn generated_paths(data_dir: &Path) -> (PathBuf, PathBuf) {
    let dir = data_dir.join(GENERATED_DIR);
    (dir.join(GENERATED_CERT), dir.join(GENERATED_KEY))
}

/// The TLS side of the listener for this configuration. A configured pair that does not
/// load is an error (the service must not silently serve another certificate).
pub fn load_or_generate(data_dir: &Path, server: &ServerConfig) -> Result<RustlsTerminator> {
    let (cert, key) = match (&server.cert_file, &server.key_file) {
        (Some(c), Some(k)) => (resolve(data_dir, c), resolve(data_dir, k)),
        (None, None) => {
            let (c, k) = generated_paths(data_dir);
            if !(c.exists() && k.exists()) {
                generate(&c, &k, &server.allowed_hosts)?;
            }
            (c, k)
        }
        _ => anyhow::bail!(
            "[server] cert_file et key_file vont ensemble: renseignez les deux ou aucun"
        ),
    };
    let (chain, private) = load_pem_pair(&cert, &key)?;
    let config = server_config(chain, private)?;
    Ok(RustlsTerminator {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        cert_path: cert,
    })
}

fn resolve(data_dir: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        data_dir.join(path)
    }
}

fn generate(cert: &Path, key: &Path, allowed_hosts: &[String]) -> Result<()> {
    let names = generated_names(allowed_hosts);
    let mut params = rcgen::CertificateParams::new(names.clone()).context("noms du certificat")?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "odoo-pos-cashdrawer");
    let key_pair = rcgen::KeyPair::generate().context("génération de la clé TLS")?;
    let certificate = params
        .self_signed(&key_pair)
        .context("génération du certificat")?;
    let dir = cert.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("création de {}", dir.display()))?;
    write_private(key, key_pair.serialize_pem().as_bytes())?;
    std::fs::write(cert, certificate.pem())
        .with_context(|| format!("écriture de {}", cert.display()))?;
    tracing::info!(
        op = "tls.generate",
        outcome = "ok",
        "certificat auto-signé créé: {} (noms: {})",
        cert.display(),
        names.join(", ")
    );
    Ok(())
}

/// The TLS key and certificate are written with the one atomic helper for secret files:
/// a crash mid-write never leaves a half key that would stop HTTPS at the next start.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic_file::write(path, bytes, crate::atomic_file::Access::Private)
        .with_context(|| format!("écriture de {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_and_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let server = crate::config::Config::defaults().server;
        let first = load_or_generate(dir.path(), &server).unwrap();
        let pem = std::fs::read(&first.cert_path).unwrap();
        let second = load_or_generate(dir.path(), &server).unwrap();
        assert_eq!(pem, std::fs::read(&second.cert_path).unwrap());
    }

    #[test]
    fn mismatched_pair_is_refused() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let (ca, _) = generated_paths(a.path());
        let (_, kb) = generated_paths(b.path());
        let server = crate::config::Config::defaults().server;
        load_or_generate(a.path(), &server).unwrap();
        load_or_generate(b.path(), &server).unwrap();
        let err = load_pem_pair(&ca, &kb).unwrap_err();
        assert!(
            format!("{err:#}").contains("ne vont pas ensemble"),
            "{err:#}"
        );
    }
}
