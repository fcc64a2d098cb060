//! §2: the web admin has the service's settings, not the machine. Against the real
//! binary over real sockets, with a logged-in admin (password assumed stolen): the log
//! cannot be pointed at a file outside the data folder (the unauthenticated `GET /logs`
//! serves it, `/logs/purge` empties it), a `file:` printer must be a device (1.0.0
//! appended ePOS text to any file), and "at the next start" means the next start.
//!
//! Unix: the tests use symbolic links, FIFOs and character devices (the Windows device
//! names are unit-tested in `src/printer/device.rs`).
#![cfg(unix)]

use std::time::{Duration, Instant};

use crate::attacks::config_write::{admin, config_text, save, start_with};
use crate::helpers::binary::Binary;

/// Absolute paths, `..`, drive letters, UNC paths and a symlink out of the data folder:
/// all refused on the log folder, with a field error saying what is accepted.
#[tokio::test(flavor = "multi_thread")]
async fn the_page_cannot_point_the_log_outside_the_data_folder() {
    let (dir, bin) = start_with(&[]);
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("sortie")).unwrap();
    let (client, csrf) = admin(&bin).await;
    let before = config_text(dir.path());
    for folder in [
        "/etc",
        "../..",
        "logs/../../etc",
        "C:\\Windows",
        "C:relative",
        "\\\\serveur\\partage",
        "\\etc",
        "sortie",
        "sortie/sous-dossier",
    ] {
        let res = save(&client, &bin, &csrf, &[("logs.folder", folder)]).await;
        assert_eq!(res.status, 400, "logs.folder={folder:?} accepted");
        assert!(
            res.body.contains("dossier de données"),
            "{folder:?}: the error says what is accepted:\n{}",
            res.body
        );
        assert_eq!(config_text(dir.path()), before, "{folder:?} written");
    }
    let res = save(
        &client,
        &bin,
        &csrf,
        &[("logs.filename", "../../etc/passwd")],
    )
    .await;
    assert_eq!(res.status, 400);
    // Inside the data folder, the log is still only a log: not config.ini (the password
    // hash, served by the unauthenticated GET /logs) nor a key file.
    for name in ["config.ini", "session.key"] {
        let res = save(
            &client,
            &bin,
            &csrf,
            &[("logs.folder", "."), ("logs.filename", name)],
        )
        .await;
        assert_eq!(res.status, 400, "logs.filename={name} accepted");
        assert!(res.body.contains(".log attendu"), "{}", res.body);
        assert_eq!(config_text(dir.path()), before, "{name} written");
    }
    // Inside the data folder is fine, and applies at the next start.
    let res = save(&client, &bin, &csrf, &[("logs.folder", "journal/caisse")]).await;
    assert_eq!(res.status, 303, "{}", res.body);
}

/// The restriction is the page's: a config.ini edited on the till may still put the log
/// in an absolute folder, and the service logs there and serves it.
#[tokio::test(flavor = "multi_thread")]
async fn a_hand_edited_absolute_log_folder_still_works() {
    let logs = tempfile::tempdir().unwrap();
    let folder = logs.path().to_str().unwrap().to_string();
    let (_dir, bin) = start_with(&[("logs", "folder", &folder)]);
    let file = logs.path().join("cashdrawer.log");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&file).is_ok_and(|t| t.contains("service.")) {
        assert!(Instant::now() < deadline, "no log in {folder}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let res = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(bin.url("/logs"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("service."));
}

/// The log folder and file name are "applied at the next start" (the page says so):
/// until then the service keeps writing, serving and purging the log it started with.
/// 1.0.0 switched `/logs`, `/logs/purge` and the page's last operations to the new
/// folder at once, while the writer stayed on the old one.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_log_folder_applies_at_the_next_start_and_no_earlier() {
    let (dir, bin) = start_with(&[]);
    let (client, csrf) = admin(&bin).await;
    let res = save(
        &client,
        &bin,
        &csrf,
        &[("logs.folder", "nouveau"), ("logs.filename", "caisse.log")],
    )
    .await;
    assert_eq!(
        (res.status, res.location.as_str()),
        (303, "/config?saved=1&restart=1")
    );
    bin.wait_log("configuration enregistrée");
    let plain = reqwest::Client::builder().no_proxy().build().unwrap();
    let res = plain.get(bin.url("/logs")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let served = res.text().await.unwrap();
    assert!(
        served.contains("configuration enregistrée"),
        "/logs still serves the running log:\n{served}"
    );
    assert!(!dir.path().join("nouveau").join("caisse.log").exists());
    bin.stop();
    let again = Binary::start(dir.path(), &[]);
    let moved = dir.path().join("nouveau").join("caisse.log");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !moved.exists() {
        assert!(
            Instant::now() < deadline,
            "the next start logs in nouveau/caisse.log"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let res = plain.get(again.url("/logs")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

/// A `file:` (or `usb:`) printer must be a character device: a regular file, a folder,
/// a symlink to a regular file or a FIFO is refused on save; `/dev/null` and the
/// page's own `usb:///dev/usb/lp0` form are accepted as such.
#[tokio::test(flavor = "multi_thread")]
async fn the_page_cannot_make_a_printer_of_a_regular_file() {
    let (dir, bin) = start_with(&[]);
    let files = tempfile::tempdir().unwrap();
    let plain = files.path().join("x.txt");
    std::fs::write(&plain, "garder").unwrap();
    let link = files.path().join("lien");
    std::os::unix::fs::symlink(&plain, &link).unwrap();
    let fifo = files.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (client, csrf) = admin(&bin).await;
    let before = config_text(dir.path());
    for target in [
        format!("file://{}", plain.display()),
        format!("file:{}", plain.display()),
        format!("usb://{}", plain.display()),
        format!("file://{}", link.display()),
        format!("file://{}", files.path().display()),
        format!("file://{}", fifo.display()),
    ] {
        let res = save(&client, &bin, &csrf, &[("printer.name", &target)]).await;
        assert_eq!(res.status, 400, "{target} accepted");
        assert!(res.body.contains("périphérique"), "{target}:\n{}", res.body);
        assert_eq!(config_text(dir.path()), before, "{target} written");
    }
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), "garder");
    for device in ["file:///dev/null", "usb:///dev/null"] {
        let res = save(&client, &bin, &csrf, &[("printer.name", device)]).await;
        assert_eq!(res.status, 303, "{device}: {}", res.body);
    }
}

/// config.ini edited by hand to a regular file: the drawer route refuses to write to it,
/// with an error naming the reason, and the file is unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn a_hand_edited_regular_file_printer_is_refused_when_sent() {
    let files = tempfile::tempdir().unwrap();
    let bashrc = files.path().join(".bashrc");
    std::fs::write(&bashrc, "alias ll='ls -l'\n").unwrap();
    let target = format!("file:{}", bashrc.display());
    let (_dir, bin) = start_with(&[("printer", "name", &target)]);
    let res = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(bin.url("/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "error");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("pas un périphérique"), "{message}");
    assert_eq!(
        std::fs::read_to_string(&bashrc).unwrap(),
        "alias ll='ls -l'\n"
    );
}

/// The watched folder, its extensions and the TLS files: from the page, the watcher
/// (which prints what it finds, to an address the page also sets, then deletes it) only
/// takes PDF files from the default download folder or the data folder, and the TLS
/// files are read only from the data folder (1.0.0 accepted any folder, any extension,
/// any path: a stolen password printed out and deleted another folder's files, and
/// probed any file through the certificate error).
#[tokio::test(flavor = "multi_thread")]
async fn the_page_cannot_point_the_watcher_or_the_tls_files_outside() {
    let (dir, bin) = start_with(&[]);
    let (client, csrf) = admin(&bin).await;
    let before = config_text(dir.path());
    let secret = tempfile::tempdir().unwrap();
    let folder = secret.path().display().to_string();
    let refusals: [(&str, &str, &str); 6] = [
        (
            "invoice_printer.download_folder",
            &folder,
            "config.ini sur la caisse",
        ),
        (
            "invoice_printer.download_folder",
            "/etc",
            "config.ini sur la caisse",
        ),
        (
            "invoice_printer.file_extensions",
            ".pdf,.docx",
            ".pdf seulement",
        ),
        ("invoice_printer.file_extensions", ".dll", ".pdf seulement"),
        ("server.cert_file", "/etc/shadow", "dossier de données"),
        (
            "server.key_file",
            "/etc/ssh/ssh_host_ed25519_key",
            "dossier de données",
        ),
    ];
    for (field, value, says) in refusals {
        let res = save(&client, &bin, &csrf, &[(field, value)]).await;
        assert_eq!(res.status, 400, "{field}={value:?} accepted");
        assert!(res.body.contains(says), "{field}={value:?}:\n{}", res.body);
        assert!(
            ![
                "PEM illisible",
                "aucun certificat",
                "certificat ou clé refusé"
            ]
            .iter()
            .any(|leak| res.body.contains(leak)),
            "{field}: the answer describes the file it names:\n{}",
            res.body
        );
        assert_eq!(config_text(dir.path()), before, "{field}={value:?} written");
    }
    // Inside the data folder, and PDF in any case, is fine.
    let inside = dir.path().join("factures").display().to_string();
    std::fs::create_dir_all(&inside).unwrap();
    let res = save(
        &client,
        &bin,
        &csrf,
        &[
            ("invoice_printer.download_folder", inside.as_str()),
            ("invoice_printer.file_extensions", ".pdf,.PDF"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    drop(bin);
}
