//! HTTPS and HTTP on the same port with a real TLS client, https_only, and the
//! generated certificate kept across restarts.

use std::time::Duration;

use crate::helpers::admin::*;

/// A client that trusts exactly the local CA the service generated in `data_dir`,
/// and resolves localhost to the service's address.
fn tls_client(data_dir: &std::path::Path, addr: std::net::SocketAddr) -> reqwest::Client {
    let pem = std::fs::read(data_dir.join("tls/ca.pem")).unwrap();
    reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .resolve("localhost", addr)
        .cookie_store(true)
        .tls_info(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn peer_certificate(res: &reqwest::Response) -> Vec<u8> {
    res.extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|i| i.peer_certificate())
        .expect("TLS info")
        .to_vec()
}

#[tokio::test]
async fn https_and_http_share_the_port_and_https_cookies_are_secure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.ini"), ini_with_password(&[])).unwrap();
    let app = https_app(dir.path()).await;
    let port = app.addr.port();
    let tls = tls_client(dir.path(), app.addr);

    let res = tls
        .get(format!("https://localhost:{port}/status"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["scheme"], "https");
    let res = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{port}/status"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["scheme"], "http");

    let ok = login(&tls, &format!("https://localhost:{port}"), PYTHON_PASSWORD).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let cookie = ok
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Secure-cashdrawer_session="))
        .unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(
        get_html(&tls, &format!("https://localhost:{port}/config"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn https_only_redirects_the_admin_page_but_not_the_drawer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.ini"),
        ini_with_password(&[("server", "https_only", "true")]),
    )
    .unwrap();
    let app = https_app(dir.path()).await;
    let port = app.addr.port();
    let plain = browser();
    for path in ["/config", "/config/login?m=bye"] {
        let res = get_html(&plain, &format!("http://127.0.0.1:{port}{path}")).await;
        assert_eq!(res.status, 308, "{path}");
        assert_eq!(res.location, format!("https://127.0.0.1:{port}{path}"));
    }
    let drawer = plain
        .get(format!("http://127.0.0.1:{port}/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(drawer.status().as_u16(), 200);
    let tls = tls_client(dir.path(), app.addr);
    let res = get_html(&tls, &format!("https://localhost:{port}/config/login")).await;
    assert_eq!(res.status, 200);
}

#[tokio::test]
async fn the_generated_certificate_is_reused_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.ini"), ini_with_password(&[])).unwrap();
    let first = {
        let app = https_app(dir.path()).await;
        let res = tls_client(dir.path(), app.addr)
            .get(format!("https://localhost:{}/status", app.addr.port()))
            .send()
            .await
            .unwrap();
        peer_certificate(&res)
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let app = https_app(dir.path()).await;
    let res = tls_client(dir.path(), app.addr)
        .get(format!("https://localhost:{}/status", app.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        peer_certificate(&res),
        first,
        "same certificate after a restart"
    );

    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("config.ini"), ini_with_password(&[])).unwrap();
    let fresh = https_app(other.path()).await;
    let res = tls_client(other.path(), fresh.addr)
        .get(format!("https://localhost:{}/status", fresh.addr.port()))
        .send()
        .await
        .unwrap();
    assert_ne!(
        peer_certificate(&res),
        first,
        "another data folder, another certificate"
    );
}

/// The generated certificate names the machine's shop-network addresses and the names in
/// `[server] allowed_hosts`, so a tablet on the shop network gets a certificate valid for
/// the address or name it typed. Each name is asked for in a real TLS handshake (over
/// loopback, to the service itself), and a name the certificate was not made for fails.
#[tokio::test]
async fn the_generated_certificate_names_the_lan_addresses_and_allowed_hosts() {
    use rustls::pki_types::ServerName;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.ini"),
        ini_with_password(&[("server", "allowed_hosts", "caisse.boutique.lan")]),
    )
    .unwrap();
    let app = https_app(dir.path()).await;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_der(&dir.path().join("tls/ca.pem")).into())
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let handshake = |name: ServerName<'static>| {
        let connector = connector.clone();
        let addr = app.addr;
        async move {
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            connector.connect(name, tcp).await.map(|_| ())
        }
    };
    let mut names = vec![
        ServerName::try_from("caisse.boutique.lan").unwrap(),
        ServerName::try_from("localhost").unwrap(),
    ];
    let addresses = cashdrawer::platform::machine_addresses();
    names.extend(
        addresses
            .iter()
            .map(|ip| ServerName::IpAddress((*ip).into())),
    );
    for name in names {
        handshake(name.clone())
            .await
            .unwrap_or_else(|e| panic!("certificate valid for {name:?}: {e}"));
    }
    let refused = handshake(ServerName::try_from("autre.example").unwrap()).await;
    assert!(refused.is_err(), "a name it was not made for is refused");
    eprintln!("certificate checked for the LAN addresses {addresses:?}");
}

#[tokio::test]
async fn a_configured_certificate_is_served_and_a_broken_one_stops_the_start() {
    let gen = tempfile::tempdir().unwrap();
    cashdrawer::http::tls::load_or_generate(
        gen.path(),
        &cashdrawer::config::Config::defaults().server,
    )
    .unwrap();
    let (cert, key) = cashdrawer::http::tls::generated_paths(gen.path());
    let dir = tempfile::tempdir().unwrap();
    let ini = ini_with_password(&[
        ("server", "cert_file", cert.to_str().unwrap()),
        ("server", "key_file", key.to_str().unwrap()),
    ]);
    std::fs::write(dir.path().join("config.ini"), ini).unwrap();
    let app = https_app(dir.path()).await;
    let res = tls_client(gen.path(), app.addr)
        .get(format!("https://localhost:{}/status", app.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(peer_certificate(&res), rustls_der(&cert));
    assert!(
        !dir.path().join("tls").exists(),
        "nothing generated when a pair is configured"
    );
    drop(app);

    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("bad.pem"), "pas un certificat").unwrap();
    let ini = ini_with_password(&[
        ("server", "cert_file", "bad.pem"),
        ("server", "key_file", key.to_str().unwrap()),
    ]);
    std::fs::write(broken.path().join("config.ini"), ini).unwrap();
    let err = cashdrawer::app::Application::build(cashdrawer::app::Settings {
        data_dir: broken.path().to_path_buf(),
        listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .err()
    .expect("a broken certificate stops the start");
    assert!(format!("{err:#}").contains("bad.pem"), "{err:#}");
}

fn rustls_der(pem_path: &std::path::Path) -> Vec<u8> {
    let text = std::fs::read_to_string(pem_path).unwrap();
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64_decode(&b64)
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        buf = buf << 6 | A.iter().position(|a| *a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}
