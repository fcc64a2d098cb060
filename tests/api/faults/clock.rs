//! The clock jumping back an hour (a wrong time corrected by hand or by NTP, a badly
//! handled DST change), across midnight: the log must not rotate backwards, lose or
//! overwrite lines. The log clock is set per process (`CASHDRAWER_TEST_CLOCK`, debug
//! builds), so the jump happens between two runs on the same data folder; the jump
//! inside one run is the unit test `logs::rotate::clock_jump`.
//!
//! Sessions and login throttling: the throttle counts with `Instant` (monotonic, not
//! moved by a clock change); session lifetimes are wall-clock times because sessions
//! survive restarts; a session "from the future" is refused (unit test
//! `auth::session::tests::a_clock_set_back_does_not_extend_or_break_sessions_beyond_the_jump`).

use crate::helpers::binary::Binary;
use crate::helpers::disk::*;

const INI: &str = "[printer]\nname = virtual\n\n[invoice_printer]\nautoprint = false\n";

async fn mark(svc: &Binary, tag: &str) {
    let res = client()
        .get(svc.url(&format!("/status?{tag}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    svc.wait_log(&format!("/status?{tag}"));
}

fn all_log_text(dir: &std::path::Path) -> (Vec<String>, String) {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("logs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let text = names
        .iter()
        .map(|n| std::fs::read_to_string(dir.join("logs").join(n)).unwrap())
        .collect();
    (names, text)
}

#[tokio::test]
async fn log_survives_the_clock_going_back_an_hour_over_midnight() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.ini"), INI).unwrap();
    let run = |at: &str, tag: &'static str| {
        let env = [("CASHDRAWER_TEST_CLOCK", at.to_string())];
        let path = dir.path().to_path_buf();
        async move {
            let svc = Binary::start(&path, &[(env[0].0, env[0].1.as_str())]);
            mark(&svc, tag).await;
            svc.stop();
        }
    };
    run("2026-11-25T22:00:00+01:00", "evening").await;
    run("2026-11-26T00:10:00+01:00", "after-midnight").await;
    // An hour back: the day is the 25th again.
    run("2026-11-25T23:10:00+01:00", "back-an-hour").await;
    run("2026-11-26T00:20:00+01:00", "forward-again").await;
    let (names, text) = all_log_text(dir.path());
    assert_eq!(
        names,
        ["cashdrawer.log", "cashdrawer.log.2026-11-25"],
        "one archive for the 25th, nothing dated in the future or overwritten"
    );
    for tag in ["evening", "after-midnight", "back-an-hour", "forward-again"] {
        assert_eq!(
            text.matches(&format!("/status?{tag}")).count(),
            1,
            "{tag} kept exactly once:\n{text}"
        );
    }
    let evening =
        std::fs::read_to_string(dir.path().join("logs/cashdrawer.log.2026-11-25")).unwrap();
    assert!(evening.contains("/status?evening"), "{evening}");
    // The next real midnight rotates once more and keeps everything.
    run("2026-11-27T00:00:05+01:00", "next-day").await;
    let (names, text2) = all_log_text(dir.path());
    assert!(
        names.contains(&"cashdrawer.log.2026-11-26".to_string()),
        "{names:?}"
    );
    for tag in [
        "evening",
        "after-midnight",
        "back-an-hour",
        "forward-again",
        "next-day",
    ] {
        assert_eq!(
            text2.matches(&format!("/status?{tag}")).count(),
            1,
            "{tag}:\n{text2}"
        );
    }
}
