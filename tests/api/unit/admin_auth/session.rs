use std::time::Duration;

use cashdrawer::auth::session::{Sessions, REVOKED_FILE};
use cookie::Key;

/// The `Cookie` header a browser sends back for this `Set-Cookie`.
fn headers_with(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

const HASH: &str = "$2b$12$NSQqshq9D.sbHM.8dfvJ5eFCI6o8C9td9YhsoLBlQANpLMJ2F0QS.";
const OTHER: &str = "$2b$12$AAAAshq9D.sbHM.8dfvJ5eFCI6o8C9td9YhsoLBlQANpLMJ2F0QS.";

#[test]
fn round_trip_revoke_and_password_change() {
    let s = Sessions::with_key(Key::generate());
    let life = Duration::from_secs(3600);
    let session = s.open(HASH);
    let set = s.cookie(&session, true, life);
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
    assert!(set.contains("Secure") && set.contains("Path=/;"));
    assert!(set.starts_with("__Secure-cashdrawer_session="));
    assert!(!set.contains(&session.csrf), "the cookie is encrypted");
    let h = headers_with(&set);
    assert_eq!(s.read(&h, true, HASH, life), Some(session.clone()));
    assert_eq!(
        s.read(&h, false, HASH, life),
        None,
        "an HTTPS session is not an HTTP one"
    );
    assert_eq!(s.read(&h, true, OTHER, life), None, "new password ends it");
    assert_eq!(s.read(&h, true, "", life), None);
    s.revoke(&session, life).unwrap();
    assert_eq!(s.read(&h, true, HASH, life), None, "logged out");
}

#[test]
fn logouts_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let life = Duration::from_secs(3600);
    let first = Sessions::load_or_create(dir.path());
    let kept = first.open(HASH);
    let gone = first.open(HASH);
    let (hk, hg) = (
        headers_with(&first.cookie(&kept, false, life)),
        headers_with(&first.cookie(&gone, false, life)),
    );
    first.revoke(&gone, life).unwrap();
    let second = Sessions::load_or_create(dir.path());
    assert_eq!(
        second.read(&hk, false, HASH, life),
        Some(kept),
        "same key after restart"
    );
    assert_eq!(
        second.read(&hg, false, HASH, life),
        None,
        "still logged out"
    );
}

#[test]
fn a_logout_that_cannot_be_written_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let life = Duration::from_secs(3600);
    let sessions = Sessions::load_or_create(dir.path());
    // A folder where the list goes: the rename fails, even for root.
    std::fs::create_dir(dir.path().join(REVOKED_FILE)).unwrap();
    let session = sessions.open(HASH);
    let h = headers_with(&sessions.cookie(&session, false, life));
    let err = sessions.revoke(&session, life).unwrap_err();
    assert!(err.to_string().contains(REVOKED_FILE), "{err}");
    assert_eq!(sessions.read(&h, false, HASH, life), None, "out in memory");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temp file left: {leftovers:?}");
}

#[test]
fn another_key_cannot_read_and_tampering_fails() {
    let a = Sessions::with_key(Key::generate());
    let b = Sessions::with_key(Key::generate());
    let life = Duration::from_secs(3600);
    let set = a.cookie(&a.open(HASH), false, life);
    assert!(!set.contains("Secure"));
    assert_eq!(b.read(&headers_with(&set), false, HASH, life), None);
    let mut tampered = set.clone();
    tampered.replace_range(25..26, if &set[25..26] == "A" { "B" } else { "A" });
    assert_eq!(a.read(&headers_with(&tampered), false, HASH, life), None);
}

#[test]
fn a_clock_set_back_does_not_extend_or_break_sessions_beyond_the_jump() {
    let s = Sessions::with_key(Key::generate());
    let life = Duration::from_secs(3600);
    let session = s.open(HASH);
    let h = headers_with(&s.cookie(&session, false, life));
    let issued = session.issued;
    let read = |now| s.read_at(&h, false, HASH, life, now);
    assert!(read(issued + 10).is_some());
    // Set back an hour right after login: a session "from the future" is refused.
    assert_eq!(read(issued + 10 - 3600), None);
    // Expired, then set back an hour: valid again only while inside its lifetime as
    // the clock now reads it, never past `issued + lifetime`.
    assert_eq!(read(issued + 3600 + 60), None);
    assert!(read(issued + 3600 + 60 - 3600).is_some());
    assert_eq!(read(issued + 3600), None);
    // A logged-out session stays out whatever the clock says.
    s.revoke(&session, life).unwrap();
    for now in [issued + 10 - 3600, issued + 10, issued + 3600 - 1] {
        assert_eq!(read(now), None, "{now}");
    }
}
