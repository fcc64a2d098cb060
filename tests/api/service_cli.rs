//! `service ...` is the Windows service manager; elsewhere it must say so and fail, not
//! pretend (a script checking the exit code would believe a service was installed).
//! The Windows side is exercised under wine by scripts/test-windows.sh.

#![cfg(not(windows))]

use std::process::Command;

#[test]
fn service_subcommands_are_refused_outside_windows() {
    let data = tempfile::tempdir().unwrap();
    for action in [
        "install",
        "uninstall",
        "start",
        "stop",
        "status",
        "disable-legacy",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_odoo-pos-cashdrawer"))
            .args(["--data-dir"])
            .arg(data.path())
            .args(["service", action])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "service {action} succeeded");
        assert!(
            stderr.contains(&format!("`service {action}` n'existe que sous Windows")),
            "service {action}: {stderr}"
        );
    }
    assert!(
        std::fs::read_dir(data.path()).unwrap().next().is_none(),
        "the refused commands must not create files in the data folder"
    );
}

#[test]
fn service_run_is_hidden_from_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_odoo-pos-cashdrawer"))
        .args(["service", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for action in [
        "install",
        "uninstall",
        "start",
        "stop",
        "status",
        "disable-legacy",
    ] {
        assert!(help.contains(action), "{action} missing from: {help}");
    }
    assert!(
        !help.contains("\n  run "),
        "run is for the service manager only: {help}"
    );
}
