//! The TLS side of IPPS for [`super::ipp`]. Printers show self-signed certificates, so the
//! certificate is pinned by its SHA-256 (`[invoice_printer] ipps_fingerprint`); unpinned,
//! the link is encrypted and the fingerprint seen is logged so the admin can pin it (trust
//! on first use, as CUPS). Handshake signatures are verified either way.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::domain::Fingerprint;

impl Fingerprint {
    pub fn of(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }
}

/// Accepts the pinned certificate (any, unpinned), and remembers the one seen.
#[derive(Debug)]
struct PinVerifier {
    pin: Option<Fingerprint>,
    seen: Mutex<Option<Fingerprint>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = Fingerprint::of(end_entity);
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen);
        match self.pin {
            Some(pin) if pin != seen => Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            )),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, self.algorithms())
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, self.algorithms())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms().supported_schemes()
    }
}

impl PinVerifier {
    /// A pinned certificate's handshake signatures must verify too.
    fn algorithms(&self) -> &rustls::crypto::WebPkiSupportedAlgorithms {
        &self.provider.signature_verification_algorithms
    }
}

/// With a pin, another certificate is an error naming both; without, the one seen is logged.
pub async fn connect(
    tcp: TcpStream,
    host: &str,
    port: u16,
    pin: Option<Fingerprint>,
) -> Result<TlsStream<TcpStream>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinVerifier {
        pin,
        seen: Mutex::new(None),
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("versions TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| format!("nom d'hôte {host:?} invalide pour TLS"))?;
    let connector = TlsConnector::from(Arc::new(config));
    let result = connector.connect(name, tcp).await;
    let seen = *verifier.seen.lock().unwrap_or_else(|p| p.into_inner());
    let stream = match (result, pin, seen) {
        (Err(_), Some(pin), Some(seen)) if pin != seen => {
            return Err(format!(
                "certificat de l'imprimante {host}:{port} refusé: son empreinte SHA-256 est \
                 {seen}, ipps_fingerprint attend {pin} (certificat changé ou autre machine; \
                 si le changement est voulu, mettez la nouvelle empreinte dans \
                 [invoice_printer] ipps_fingerprint)"
            ))
        }
        (Err(e), _, _) => return Err(format!("négociation TLS avec {host}:{port}: {e}")),
        (Ok(stream), _, _) => stream,
    };
    if let (None, Some(seen)) = (pin, seen) {
        op!(info, "invoice.print", "ok";
            "ipps {}:{port}: chiffré, certificat non vérifié (ipps_fingerprint vide); empreinte \
             SHA-256 vue: {seen}; pour l'épingler: [invoice_printer] ipps_fingerprint = {seen}",
            crate::logs::escape(host));
    }
    Ok(stream)
}
