//! Tests of `src/http/tls/mod.rs`.
use std::path::Path;
use std::time::Duration;

use cashdrawer::http::tls::ca::LocalCa;
use cashdrawer::http::tls::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

#[test]
fn mismatched_pair_is_refused() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (ca, _) = generated_paths(a.path());
    let (_, kb) = generated_paths(b.path());
    let server = cashdrawer::config::Config::defaults().server;
    load_or_generate(a.path(), &server).unwrap();
    load_or_generate(b.path(), &server).unwrap();
    let err = load_pem_pair(&ca, &kb).unwrap_err();
    assert!(
        format!("{err:#}").contains("ne vont pas ensemble"),
        "{err:#}"
    );
}

fn leaf_der(path: &Path) -> CertificateDer<'static> {
    CertificateDer::from_pem_file(path).unwrap()
}

/// 1.0/1.1: a self-signed leaf and no CA. The CA is created and a leaf issued from it
/// replaces the old one.
#[test]
fn a_self_signed_leaf_of_an_older_version_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = generated_paths(dir.path());
    std::fs::create_dir_all(cert.parent().unwrap()).unwrap();
    let old_key = rcgen::KeyPair::generate().unwrap();
    let old = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .self_signed(&old_key)
        .unwrap();
    std::fs::write(&cert, old.pem()).unwrap();
    std::fs::write(&key, old_key.serialize_pem()).unwrap();
    let server = cashdrawer::config::Config::defaults().server;
    load_or_generate(dir.path(), &server).unwrap();
    let (ca, _) = LocalCa::load_or_create(&dir.path().join("tls")).unwrap();
    let leaf = leaf_der(&cert);
    assert_ne!(leaf.as_ref(), old.der().as_ref());
    assert!(ca.covers(&leaf, &["localhost".to_string()], Duration::ZERO));
    assert!(!ca.covers(old.der(), &["localhost".to_string()], Duration::ZERO));
}

/// A hand-configured pair is served as is: no CA is made for it.
#[test]
fn a_configured_pair_gets_no_ca() {
    let a = tempfile::tempdir().unwrap();
    let server = cashdrawer::config::Config::defaults().server;
    load_or_generate(a.path(), &server).unwrap();
    let b = tempfile::tempdir().unwrap();
    let mut configured = server.clone();
    let (c, k) = generated_paths(a.path());
    configured.cert_file = Some(c.clone());
    configured.key_file = Some(k);
    let t = load_or_generate(b.path(), &configured).unwrap();
    assert_eq!(t.cert_path, c);
    assert!(t.renewal.is_none());
    assert!(!b.path().join("tls").exists());
}

/// Half a CA is an error naming both files, and nothing is overwritten.
#[test]
fn half_a_ca_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let server = cashdrawer::config::Config::defaults().server;
    load_or_generate(dir.path(), &server).unwrap();
    let tls = dir.path().join("tls");
    std::fs::remove_file(tls.join("ca-key.pem")).unwrap();
    let before = std::fs::read(tls.join("ca.pem")).unwrap();
    let err = format!("{:#}", load_or_generate(dir.path(), &server).err().unwrap());
    assert!(
        err.contains("ca.pem") && err.contains("ca-key.pem"),
        "{err}"
    );
    assert_eq!(before, std::fs::read(tls.join("ca.pem")).unwrap());
}
