//! The real binary: start-up errors, the CLI commands, graceful shutdown.

use std::process::Command;
use std::time::Duration;

use crate::helpers::binary::{run, BIN};
use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::ORIGINAL_INI;

fn data_dir_with(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.ini"), config).unwrap();
    dir
}

#[test]
fn bad_value_stops_start_up_with_a_precise_message() {
    let dir =
        data_dir_with(&ORIGINAL_INI.replace("retention_days = 30", "retention_days = trente"));
    let out = run(dir.path(), &["serve", "--host", "127.0.0.1", "--port", "0"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.ini"), "{err}");
    assert!(err.contains("[logs] retention_days = \"trente\""), "{err}");
    assert!(err.contains("entre 1 et 3650"), "{err}");
}

#[test]
fn version_flag_prints_the_cargo_version() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn open_drawer_command_kicks_once() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let dir = data_dir_with(&crate::helpers::ini(&[
        ("printer", "name", &peer.target()),
        ("cashdrawer", "command", "1b70011afa"),
    ]));
    let out = run(dir.path(), &["open-drawer"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        peer.wait_jobs(1, Duration::from_secs(2)),
        vec![vec![0x1b, 0x70, 0x01, 0x1a, 0xfa]]
    );
}

#[test]
fn open_drawer_command_fails_clearly_on_a_dead_printer() {
    let dir = data_dir_with(&crate::helpers::ini(&[(
        "printer",
        "name",
        &format!("tcp://{}", crate::helpers::peer::refusing_addr()),
    )]));
    let out = run(dir.path(), &["open-drawer"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("injoignable"));
}

#[test]
fn printers_command_shows_the_configured_printer_and_its_state() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let dir = data_dir_with(&crate::helpers::ini(&[("printer", "name", &peer.target())]));
    let out = run(dir.path(), &["printers"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&peer.target()), "{text}");
    assert!(text.contains("online: true"), "{text}");
}

#[cfg(unix)]
mod unix {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    use super::BIN;

    #[test]
    fn serves_and_stops_gracefully_on_sigterm() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args([
                "--data-dir",
                dir.path().to_str().unwrap(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
            ])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("start-up line").unwrap();
            if let Some(rest) = line.split("à l'écoute sur http://").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // A fresh data folder gets a config.ini with the defaults (virtual printer here).
        let config = std::fs::read_to_string(dir.path().join("config.ini")).unwrap();
        assert!(config.contains("name = virtual"), "{config}");
        let body = raw_http::get(&format!("http://{addr}/open-cash-drawer"));
        assert!(body.contains("Tiroir-caisse ouvert"), "{body}");
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "exit status {status:?}");
    }

    mod raw_http {
        /// A minimal blocking GET over a raw socket (keeps this test free of a runtime).
        pub fn get(url: &str) -> String {
            use std::io::{Read, Write};
            let rest = url.strip_prefix("http://").unwrap();
            let (host, path) = rest
                .split_once('/')
                .map(|(h, p)| (h, format!("/{p}")))
                .unwrap();
            let mut s = std::net::TcpStream::connect(host).unwrap();
            write!(
                s,
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        }
    }
}
