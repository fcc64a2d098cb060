//! Serial and device-file transports against real peers: a pseudo-terminal that behaves
//! like a serial printer, and a pty's character device standing for /dev/usb/lp0.

use crate::helpers::TestApp;

#[cfg(unix)]
#[cfg(unix)]
mod serial {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use crate::helpers::odoo::PIN2;
    use crate::helpers::TestApp;
    use serialport::SerialPort;

    /// A serial "printer" on the master side of a pty pair: records bytes, answers DLE EOT.
    fn serial_peer() -> (String, Arc<Mutex<Vec<u8>>>, serialport::TTYPort) {
        let (mut master, slave) = serialport::TTYPort::pair().expect("pty pair");
        let path = slave.name().expect("slave has a path");
        master.set_timeout(Duration::from_millis(50)).unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        std::thread::spawn(move || {
            let status = crate::helpers::peer::ok_status();
            let mut pending = Vec::new();
            let mut buf = [0u8; 256];
            loop {
                match master.read(&mut buf) {
                    Ok(0) => continue,
                    Ok(n) => pending.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                    Err(_) => break,
                }
                while let Some(pos) = pending
                    .windows(3)
                    .position(|w| w[0] == 0x10 && w[1] == 0x04)
                {
                    rec.lock().unwrap().extend_from_slice(&pending[..pos]);
                    let answer = status.answer_to(pending[pos + 2]).unwrap();
                    master.write_all(&[answer]).unwrap();
                    pending.drain(..pos + 3);
                }
                // Bytes after the last query (the kick follows the status answer) are
                // recorded too; a DLE that may start a query waits for its end.
                let keep = match pending.as_slice() {
                    [.., 0x10] => 1,
                    [.., 0x10, 0x04] => 2,
                    _ => 0,
                };
                let done = pending.len() - keep;
                rec.lock().unwrap().extend(pending.drain(..done));
            }
        });
        (path, received, slave)
    }

    /// A `file:` target on a character device (a pty's slave side, as /dev/usb/lp0 would
    /// be; a regular file is refused since 1.1, see attacks::admin_reach) gets
    /// the exact bytes.
    #[tokio::test(flavor = "multi_thread")]
    async fn device_file_receives_the_exact_bytes() {
        let (mut master, slave) = serialport::TTYPort::pair().expect("pty pair");
        let path = slave.name().expect("slave has a path");
        master.set_timeout(Duration::from_millis(50)).unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            loop {
                match master.read(&mut buf) {
                    Ok(n) => rec.lock().unwrap().extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                    Err(_) => break,
                }
            }
        });
        let app = TestApp::with_printer(&format!("file:{path}"), &[]).await;
        assert_eq!(app.odoo_open_drawer().await.0, 200);
        assert_eq!(app.odoo_open_drawer().await.0, 200);
        let want = [PIN2, PIN2].concat();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while *received.lock().unwrap() != want && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(*received.lock().unwrap(), want);
        // Device files do not read back by default: the drawer state is unknown, not guessed.
        assert_eq!(app.get_json("/drawer").await.1["drawer"], "unknown");
        drop(slave);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn serial_printer_gets_the_kick_and_answers_status() {
        let (path, received, _slave) = serial_peer();
        let app = TestApp::with_printer(&format!("serial:{path}?baud=19200"), &[]).await;
        let (code, body) = app.odoo_open_drawer().await;
        assert_eq!(code, 200, "{body}");
        // The kick is written right behind the status answer: the peer reads it shortly.
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while received.lock().unwrap().len() < PIN2.len() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(received.lock().unwrap().as_slice(), PIN2);
        let (code, body) = app.get_json("/drawer").await;
        assert_eq!(code, 200, "{body}");
        assert_eq!(body["drawer"], "closed");
        assert_eq!(body["printer_status"]["online"], true);
    }
}

#[tokio::test]
async fn serial_port_that_does_not_exist_is_a_clear_error() {
    let app = TestApp::with_printer("serial:/dev/ttyNOPE42?baud=9600", &[]).await;
    let (code, body) = app.odoo_open_drawer().await;
    assert_eq!(code, 503);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("serial:/dev/ttyNOPE42"),
        "{body}"
    );
}

#[tokio::test]
async fn missing_device_file_is_a_clear_error() {
    let app = TestApp::with_printer("file:/dev/usb/lp-does-not-exist", &[]).await;
    let (code, body) = app.odoo_open_drawer().await;
    assert_eq!(code, 503);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("/dev/usb/lp-does-not-exist"),
        "{body}"
    );
}
