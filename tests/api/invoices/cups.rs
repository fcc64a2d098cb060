//! Invoices through a real CUPS server: `cupsd` started here on a loopback port with its
//! own configuration folder, a raw queue `FACTURE` whose backend (`socket://`) delivers
//! to a raw TCP printer. Printed once through IPP (Print-Job) by the in-process service,
//! once over IPPS (CUPS' own self-signed certificate, unpinned then pinned), once
//! through `lp` by the real binary (pointed at this server with CUPS_SERVER).
//! Skipped, with the reason printed, where cupsd cannot be started.
#![cfg(unix)]

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::binary::Binary;
use crate::helpers::invoices::*;
use crate::helpers::TestApp;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use sha2::{Digest, Sha256};

const CUPSD: &str = "/usr/sbin/cupsd";
const LPADMIN: &str = "/usr/sbin/lpadmin";

struct Cups {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Cups {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Cups {
    fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/error_log")).unwrap_or_default()
    }
}

/// Starts cupsd with a queue `FACTURE` delivering to `printer`, or says why it cannot.
fn start_cups(printer: SocketAddr) -> Result<Cups, String> {
    for tool in [CUPSD, LPADMIN, "/usr/bin/lp"] {
        if !Path::new(tool).exists() {
            return Err(format!("{tool} absent (paquet Debian cups / cups-client)"));
        }
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path();
    // The backend runs as user lp and reads the spool files: the folder must be readable.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
    }
    for sub in ["conf", "conf/ssl", "spool", "cache", "state", "log", "tmp"] {
        std::fs::create_dir_all(root.join(sub)).map_err(|e| e.to_string())?;
    }
    let port = free_addr().port();
    let allow = "  Order allow,deny\n  Allow all\n";
    std::fs::write(
        root.join("conf/cupsd.conf"),
        format!(
            "Listen 127.0.0.1:{port}\nLogLevel warn\nWebInterface no\nBrowsing off\nDefaultAuthType None\n\
             <Location />\n{allow}</Location>\n<Location /admin>\n{allow}</Location>\n\
             <Policy default>\n  <Limit All>\n{allow}  </Limit>\n</Policy>\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let p = |s: &str| root.join(s).display().to_string();
    std::fs::write(
        root.join("conf/cups-files.conf"),
        format!(
            "ServerRoot {}\nRequestRoot {}\nCacheDir {}\nStateDir {}\nTempDir {}\n\
             AccessLog {}\nErrorLog {}\nPageLog {}\nSystemGroup root\n\
             ServerKeychain {}\nCreateSelfSignedCerts yes\n",
            p("conf"),
            p("spool"),
            p("cache"),
            p("state"),
            p("tmp"),
            p("log/access_log"),
            p("log/error_log"),
            p("log/page_log"),
            p("conf/ssl")
        ),
    )
    .map_err(|e| e.to_string())?;
    let child = Command::new(CUPSD)
        .args(["-f", "-c"])
        .arg(root.join("conf/cupsd.conf"))
        .arg("-s")
        .arg(root.join("conf/cups-files.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cupsd ne démarre pas: {e}"))?;
    let cups = Cups { child, port, dir };
    let listening = wait_until(Duration::from_secs(10), || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    if !listening {
        return Err(format!(
            "cupsd n'écoute pas sur 127.0.0.1:{port}: {}",
            cups.error_log()
        ));
    }
    let out = Command::new(LPADMIN)
        .args(["-h", &cups.server(), "-p", "FACTURE", "-v"])
        .arg(format!("socket://{printer}"))
        .arg("-E")
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "lpadmin: {} {}",
            String::from_utf8_lossy(&out.stderr),
            cups.error_log()
        ));
    }
    Ok(cups)
}

macro_rules! cups_or_skip {
    ($printer:expr) => {
        match start_cups($printer) {
            Ok(c) => c,
            Err(why) => {
                println!("SKIPPED: serveur CUPS de test impossible ici: {why}");
                eprintln!("SKIPPED: serveur CUPS de test impossible ici: {why}");
                return;
            }
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_through_ipp_to_a_real_cups_queue() {
    let printer = RawPrinter::start();
    let cups = cups_or_skip!(printer.addr);
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let uri = format!("ipp://{}/printers/FACTURE", cups.server());
    let ini = invoice_ini(folder.path(), None, &[("ipp_uri", &uri)]);
    let svc = TestApp::spawn_in(data.path(), &ini).await;
    let doc = pdf("ipp", 150_000);
    drop_file(folder.path(), "FAC-IPP.pdf", &doc);
    let printed = wait_async(Duration::from_secs(30), || printer.copies_of(&doc) == 1).await;
    assert!(
        printed,
        "CUPS delivered the PDF byte-exact; cups log: {}",
        cups.error_log()
    );
    assert!(
        wait_async(Duration::from_secs(10), || files_in(folder.path())
            .is_empty())
        .await
    );
    let status = svc.state.invoices().status();
    assert_eq!(status.last_printed.unwrap().route, format!("ipp {uri}"));
    assert_eq!(printer.jobs().len(), 1);
}

#[test]
fn an_unknown_ipp_queue_is_an_error_then_failed_not_a_silent_success() {
    let printer = RawPrinter::start();
    let cups = cups_or_skip!(printer.addr);
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let uri = format!("ipp://{}/printers/NOPE", cups.server());
    std::fs::write(
        data.path().join("config.ini"),
        invoice_ini(folder.path(), None, &[("ipp_uri", &uri), ("retries", "1")]),
    )
    .unwrap();
    let mut bin = Binary::start(data.path(), &[]);
    drop_file(folder.path(), "x.pdf", &pdf("x", 2000));
    let failed = wait_until(Duration::from_secs(20), || {
        sub(folder.path(), "failed").join("x.pdf").exists()
    });
    bin.kill();
    assert!(failed, "moved to failed/");
    assert!(printer.jobs().is_empty());
}

#[test]
fn prints_through_lp_with_the_real_binary() {
    let printer = RawPrinter::start();
    let cups = cups_or_skip!(printer.addr);
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("config.ini"),
        invoice_ini(folder.path(), None, &[("name", "FACTURE")]),
    )
    .unwrap();
    let mut bin = Binary::start(data.path(), &[("CUPS_SERVER", &cups.server())]);
    let doc = pdf("lp", 150_000);
    drop_file(folder.path(), "FAC-LP.pdf", &doc);
    let printed = wait_until(Duration::from_secs(30), || printer.copies_of(&doc) == 1);
    let cleaned = wait_until(Duration::from_secs(10), || {
        files_in(folder.path()).is_empty()
    });
    std::thread::sleep(Duration::from_millis(1000));
    bin.kill();
    assert!(
        printed,
        "lp -d FACTURE reached the printer; cups log: {}",
        cups.error_log()
    );
    assert!(cleaned);
    assert_eq!(printer.jobs().len(), 1);
    assert!(log_text(data.path()).contains("imprimé via système FACTURE"));
}

/// CUPS serves IPP over TLS on the same port with a self-signed certificate it creates
/// itself, as printers do: a real peer for `ipps://`, unpinned then pinned to the
/// certificate CUPS wrote in its `ssl/` folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_through_ipps_to_a_real_cups_queue_then_pinned_to_its_certificate() {
    let printer = RawPrinter::start();
    let cups = cups_or_skip!(printer.addr);
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let uri = format!("ipps://{}/printers/FACTURE", cups.server());
    let svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(folder.path(), None, &[("ipp_uri", &uri)]),
    )
    .await;
    let doc = pdf("ipps", 120_000);
    drop_file(folder.path(), "FAC-IPPS.pdf", &doc);
    let printed = wait_async(Duration::from_secs(30), || printer.copies_of(&doc) == 1).await;
    let status = svc.state.invoices().status();
    assert!(
        printed,
        "CUPS delivered the PDF received over TLS; status: {:?}; cups log: {}",
        status.failures.last_error,
        cups.error_log()
    );
    svc.stop();
    drop(svc);

    // The certificate CUPS created for this connection, pinned.
    let ssl = cups.dir.path().join("conf/ssl");
    let crts: Vec<_> = std::fs::read_dir(&ssl)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "crt"))
        .collect();
    assert_eq!(crts.len(), 1, "CUPS wrote one certificate: {crts:?}");
    let crt = &crts[0];
    let der = CertificateDer::from_pem_file(crt).unwrap();
    let pin: String = Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let data = tempfile::tempdir().unwrap();
    let _svc = TestApp::spawn_in(
        data.path(),
        &invoice_ini(
            folder.path(),
            None,
            &[("ipp_uri", &uri), ("ipps_fingerprint", &pin)],
        ),
    )
    .await;
    let doc = pdf("ipps-pinned", 80_000);
    drop_file(folder.path(), "FAC-IPPS-2.pdf", &doc);
    assert!(
        wait_async(Duration::from_secs(30), || printer.copies_of(&doc) == 1).await,
        "printed with the pin; cups log: {}",
        cups.error_log()
    );
}
