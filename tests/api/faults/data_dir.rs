//! The data folder (config.ini, logs, session key) read-only at start, then full or
//! read-only while the service runs: it must keep answering, say so once, and write
//! again as soon as it can.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use crate::helpers::binary::Binary;
use crate::helpers::disk::*;

const INI: &str = "[printer]\nname = virtual\n\n[invoice_printer]\nautoprint = false\n";

/// A data folder the service user cannot write: root ignores file modes, so the binary
/// runs as `nobody` (setpriv), as the packaged service runs as its own user.
#[test]
fn read_only_data_folder_at_start_is_a_clear_error_naming_the_folder() {
    let base = tempfile::tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = base.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    let nobody = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ];
    let args = [
        "--data-dir",
        data.to_str().unwrap(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
    ];

    // No config.ini yet: the service would create it.
    let (status, stderr) = run_to_end(&nobody, &args, Duration::from_secs(20));
    assert!(!status.success(), "{stderr}");
    assert!(
        stderr.contains(data.to_str().unwrap()),
        "the folder is named: {stderr}"
    );

    // config.ini there and readable, but the logs folder cannot be created.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(data.join("config.ini"), INI).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    let (status, stderr) = run_to_end(&nobody, &args, Duration::from_secs(20));
    assert!(!status.success(), "{stderr}");
    assert!(
        stderr.contains(data.to_str().unwrap()),
        "the folder is named: {stderr}"
    );
}

/// The same on a read-only file system (which root cannot write either).
#[test]
fn read_only_file_system_at_start_is_a_clear_error_naming_the_folder() {
    if !can_mount() {
        eprintln!("SKIPPED: mounting a tmpfs needs root with CAP_SYS_ADMIN");
        return;
    }
    let disk = SmallDisk::mount("1m");
    std::fs::write(disk.path().join("config.ini"), INI).unwrap();
    disk.remount("ro");
    let dir = disk.path().to_str().unwrap();
    let args = [
        "--data-dir",
        dir,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
    ];
    let (status, stderr) = run_to_end(&[], &args, Duration::from_secs(20));
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains(dir), "the folder is named: {stderr}");
}

async fn status_ok(client: &reqwest::Client, svc: &Binary, tag: &str) {
    let res = client
        .get(svc.url(&format!("/status?{tag}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{tag}");
    let drawer = client
        .get(svc.url("/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        drawer.status(),
        200,
        "{tag}: {}",
        drawer.text().await.unwrap()
    );
}

/// Full, then space again: requests are answered all along, the failure is on stderr
/// once (not once per line, not once per idle tick), and once writing works the log
/// says how many lines were lost, then goes on.
///
/// "Read-only while running" cannot be made for real: Linux refuses to remount a file
/// system read-only (EBUSY) while a file on it is open for writing, and the log file
/// always is. What the service then sees is the same as here: writes that fail.
#[tokio::test]
async fn full_data_folder_while_running_keeps_answering_and_recovers() {
    if !can_mount() {
        eprintln!("SKIPPED: mounting a tmpfs needs root with CAP_SYS_ADMIN");
        return;
    }
    let disk = SmallDisk::mount("2m");
    std::fs::write(disk.path().join("config.ini"), INI).unwrap();
    let svc = Binary::start(disk.path(), &[]);
    let client = client();
    status_ok(&client, &svc, "before").await;
    svc.wait_log("/status?before");

    let filler = disk.fill();
    for i in 0..60 {
        status_ok(&client, &svc, &format!("during{i}")).await;
        if i == 30 {
            // Longer than the writer's idle tick: a tick must not re-arm the report.
            tokio::time::sleep(Duration::from_millis(1200)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        svc.stderr_lines("journal: écriture impossible").len(),
        1,
        "reported once: {:?}",
        svc.stderr_lines("journal:")
    );

    std::fs::remove_file(filler).unwrap();
    status_ok(&client, &svc, "after").await;
    let log = svc.wait_log("/status?after");
    let lost = log
        .lines()
        .find(|l| l.contains("logs.write") && l.contains("perdue(s)"))
        .unwrap_or_else(|| panic!("no line about the lost lines:\n{log}"));
    assert!(lost.contains(disk.path().to_str().unwrap()), "{lost}");
    assert_eq!(svc.stderr_lines("journal: écriture rétablie").len(), 1);
    svc.stop();
}
