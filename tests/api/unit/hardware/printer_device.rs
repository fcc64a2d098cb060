//! Moved from `src/printer/device.rs`.

#[cfg(unix)]
use std::path::Path;

#[cfg(unix)]
use cashdrawer::domain::{PrinterTarget, Timeouts};
use cashdrawer::printer::device::*;
#[cfg(unix)]
use cashdrawer::printer::Transport;

#[cfg(unix)]
#[test]
fn only_character_devices() {
    assert_eq!(check_path(Path::new("/dev/null")), Ok(()));
    assert_eq!(check_path(Path::new("/dev/usb/lp-not-plugged")), Ok(()));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.txt");
    std::fs::write(&file, "x").unwrap();
    let err = check_path(&file).unwrap_err().to_string();
    assert!(
        err.contains("n'est pas un périphérique (fichier ordinaire)"),
        "{err}"
    );
    assert!(check_path(dir.path())
        .unwrap_err()
        .to_string()
        .contains("dossier"));
    assert!(check_path(&dir.path().join("absent")).is_err());
}

#[cfg(unix)]
#[test]
fn a_regular_file_gets_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".bashrc");
    std::fs::write(&file, "garder").unwrap();
    let target = PrinterTarget::File {
        path: file.clone(),
        status: false,
    };
    let t = DeviceTransport::new(target, file.clone());
    let timeouts = Timeouts {
        connect: std::time::Duration::from_secs(1),
        write: std::time::Duration::from_secs(1),
    };
    let err = t.run(b"\x1bp\x00\x1a\xfa", false, &timeouts).unwrap_err();
    assert!(err.message.contains("n'est pas un périphérique"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "garder");
    let null = DeviceTransport::new(
        PrinterTarget::File {
            path: "/dev/null".into(),
            status: false,
        },
        "/dev/null".into(),
    );
    assert!(null.run(b"x", false, &timeouts).unwrap().is_none());
}

#[test]
fn windows_device_names() {
    for ok in [
        "COM3",
        "com10",
        "LPT1",
        "LPT1:",
        "\\\\.\\COM10",
        "\\\\?\\USB#VID_04B8&PID_0202#1",
    ] {
        assert!(is_windows_device_name(ok), "{ok}");
    }
    for bad in [
        "C:\\Users\\x\\.bashrc",
        "\\\\.\\PhysicalDrive0",
        "\\\\.\\C:",
        "COM",
        "COMX",
        "USB#x",
        "x.txt",
    ] {
        assert!(!is_windows_device_name(bad), "{bad}");
    }
}
