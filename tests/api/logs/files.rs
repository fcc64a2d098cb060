//! Rotation, retention and download of past days, with the clock moved to just before
//! midnight (`CASHDRAWER_TEST_CLOCK`, honoured by debug builds only).

use std::fs;
use std::time::Duration;

use crate::helpers::binary::Binary;
use crate::helpers::client;
use crate::helpers::ini;
use crate::helpers::log_lines::lines;

const CLOCK: &str = "CASHDRAWER_TEST_CLOCK";

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn rotates_at_local_midnight_and_serves_the_past_day() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    fs::create_dir_all(&logs).unwrap();
    for d in ["2026-10-20", "2026-10-26", "2026-10-27"] {
        fs::write(logs.join(format!("cashdrawer.log.{d}")), format!("{d}\n")).unwrap();
    }
    let svc = Binary::start_with_config(
        dir.path(),
        None,
        &[(CLOCK, "2026-11-25T23:59:58.500+01:00")],
    );
    let http = client();
    http.get(svc.url("/before-midnight")).send().await.unwrap();
    svc.wait_log_line("before midnight", |l| l.contains("/before-midnight"));
    // The only real wait: the shifted clock crosses midnight.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    http.get(svc.url("/after-midnight")).send().await.unwrap();
    let current = svc.wait_log_line("after midnight", |l| l.contains("/after-midnight"));

    let archived = fs::read_to_string(logs.join("cashdrawer.log.2026-11-25")).unwrap();
    for line in lines(&archived) {
        assert_eq!(line.time.format("%F %:z").to_string(), "2026-11-25 +01:00");
    }
    assert!(archived.contains(" service.start ok ") && archived.contains("/before-midnight"));
    assert!(
        archived.contains("logs.retention ok") && archived.contains("cashdrawer.log.2026-10-20")
    );
    let today = lines(&current);
    assert!(today
        .iter()
        .all(|l| l.time.format("%F").to_string() == "2026-11-26"));
    assert_eq!(today[0].op, "logs.rotate", "{current}");
    assert!(today[0].message.contains("cashdrawer.log.2026-11-25"));
    let retention = today
        .iter()
        .find(|l| l.op == "logs.retention")
        .expect(&current);
    assert!(
        retention.message.contains("cashdrawer.log.2026-10-26"),
        "31 days old after midnight"
    );
    assert_eq!(
        names(&logs),
        [
            "cashdrawer.log",
            "cashdrawer.log.2026-10-27",
            "cashdrawer.log.2026-11-25"
        ]
    );

    let res = http
        .get(svc.url("/logs?date=2026-11-25"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"cashdrawer.log.2026-11-25\""
    );
    assert_eq!(res.text().await.unwrap(), archived);
    for path in ["/logs", "/logs?date=2026-11-26"] {
        let res = http.get(svc.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-disposition"],
            "attachment; filename=\"cashdrawer.log\""
        );
        let body = res.text().await.unwrap();
        assert!(body.contains("/after-midnight") && !body.contains("/before-midnight"));
    }
    let res = http
        .get(svc.url("/logs?date=2026-11-24"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let list: serde_json::Value = http
        .get(svc.url("/logs/list"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let files = list["files"].as_array().unwrap();
    let listed: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["date"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [
            ("cashdrawer.log", "2026-11-26"),
            ("cashdrawer.log.2026-11-25", "2026-11-25"),
            ("cashdrawer.log.2026-10-27", "2026-10-27"),
        ]
    );
    assert_eq!(files[1]["size"].as_u64().unwrap(), archived.len() as u64);
}

#[tokio::test]
async fn retention_follows_the_configured_days_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    fs::create_dir_all(&logs).unwrap();
    for day in 10..=25 {
        let d = format!("2026-11-{day:02}");
        fs::write(logs.join(format!("cashdrawer.log.{d}")), format!("{d}\n")).unwrap();
    }
    fs::write(logs.join("notes.txt"), "pas un journal").unwrap();
    // Left by a service stopped on the 20th: archived under its own day at start.
    fs::write(
        logs.join("cashdrawer.log"),
        "2026-11-20T18:00:00.000+01:00 INFO  service.stop ok - - service arrêté\n",
    )
    .unwrap();
    let clock = [(CLOCK, "2026-11-26T10:00:00+01:00")];
    let svc = Binary::start_with_config(
        dir.path(),
        Some(&ini(&[("logs", "retention_days", "10")])),
        &clock,
    );
    svc.wait_log_line("retention", |l| l.contains("logs.retention ok"));
    let mut expected: Vec<String> = (16..=25)
        .map(|d| format!("cashdrawer.log.2026-11-{d}"))
        .collect();
    expected.insert(0, "cashdrawer.log".into());
    expected.push("notes.txt".into());
    assert_eq!(
        names(&logs),
        expected,
        "older than 10 days: 10th to 15th deleted"
    );
    let day20 = fs::read_to_string(logs.join("cashdrawer.log.2026-11-20")).unwrap();
    assert_eq!(
        day20,
        "2026-11-20\n2026-11-20T18:00:00.000+01:00 INFO  service.stop ok - - service arrêté\n"
    );
    svc.stop();

    let svc = Binary::start_with_config(
        dir.path(),
        Some(&ini(&[("logs", "retention_days", "3")])),
        &clock,
    );
    let text = svc.wait_log_line("retention 3", |l| l.contains("de plus de 3 jours"));
    assert!(text.contains("7 fichier(s)"), "{text}");
    assert_eq!(
        names(&logs),
        [
            "cashdrawer.log",
            "cashdrawer.log.2026-11-23",
            "cashdrawer.log.2026-11-24",
            "cashdrawer.log.2026-11-25",
            "notes.txt"
        ]
    );
}
