//! Tests of `src/domain/printer_target.rs`.
use cashdrawer::domain::*;

#[test]
fn parses_every_form() {
    assert_eq!(
        PrinterTarget::parse("TICKET").unwrap(),
        PrinterTarget::System("TICKET".into())
    );
    assert_eq!(
        PrinterTarget::parse("Virtual").unwrap(),
        PrinterTarget::Virtual
    );
    assert_eq!(
        PrinterTarget::parse("tcp://192.168.1.50:9100").unwrap(),
        PrinterTarget::Tcp {
            host: "192.168.1.50".into(),
            port: 9100,
            status: true
        }
    );
    assert_eq!(
        PrinterTarget::parse("tcp://printer.local?status=off").unwrap(),
        PrinterTarget::Tcp {
            host: "printer.local".into(),
            port: 9100,
            status: false
        }
    );
    assert_eq!(
        PrinterTarget::parse("tcp://[::1]:9101").unwrap(),
        PrinterTarget::Tcp {
            host: "::1".into(),
            port: 9101,
            status: true
        }
    );
    assert_eq!(
        PrinterTarget::parse("serial:COM3?baud=9600").unwrap(),
        PrinterTarget::Serial {
            path: "COM3".into(),
            baud: 9600,
            status: true
        }
    );
    assert_eq!(
        PrinterTarget::parse("serial:/dev/ttyUSB0?baud=19200").unwrap(),
        PrinterTarget::Serial {
            path: "/dev/ttyUSB0".into(),
            baud: 19200,
            status: true
        }
    );
    assert_eq!(
        PrinterTarget::parse("file:/dev/usb/lp0").unwrap(),
        PrinterTarget::File {
            path: "/dev/usb/lp0".into(),
            status: false
        }
    );
}

#[test]
fn usb_is_an_alias_of_file() {
    let file = PrinterTarget::File {
        path: "/dev/usb/lp0".into(),
        status: false,
    };
    assert_eq!(PrinterTarget::parse("usb:///dev/usb/lp0").unwrap(), file);
    assert_eq!(PrinterTarget::parse("usb:/dev/usb/lp0").unwrap(), file);
    assert!(PrinterTarget::parse("usb:").is_err());
}

#[test]
fn refuses_bad_targets_with_what_is_accepted() {
    for bad in [
        "",
        "tcp://",
        "tcp://host:0",
        "tcp://host:http",
        "serial:",
        "serial:COM1?baud=1",
        "ftp://x",
        "file:",
        "tcp://h:1?color=red",
    ] {
        assert!(PrinterTarget::parse(bad).is_err(), "{bad}");
    }
    assert!(PrinterTarget::parse("ftp://x")
        .unwrap_err()
        .to_string()
        .contains("tcp://"));
}

#[test]
fn display_roundtrips() {
    for s in [
        "TICKET",
        "tcp://10.0.0.2:9100",
        "tcp://[::1]:9100?status=off",
        "serial:COM3?baud=9600",
        "file:/dev/usb/lp0",
        "usb:///dev/usb/lp0",
        "virtual",
    ] {
        let t = PrinterTarget::parse(s).unwrap();
        assert_eq!(PrinterTarget::parse(&t.to_string()).unwrap(), t, "{s}");
    }
}
