//! Unit tests of `invoices::journal`.

use cashdrawer::invoices::journal::*;

fn entry(name: &str, sha: &str, state: JobState) -> Entry {
    Entry::new(name.into(), 10, sha.into(), state)
}

#[test]
fn survives_reload_and_keeps_one_entry_per_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::load(dir.path()).unwrap();
    assert!(j.first_start);
    j.record(entry("a.pdf", "11", JobState::Queued)).unwrap();
    j.record(entry("a.pdf", "22", JobState::Queued)).unwrap();
    let key = entry("a.pdf", "11", JobState::Queued).key();
    j.set_state(&key, JobState::Printing, None).unwrap();
    j.set_state(&key, JobState::Printed, None).unwrap();
    let j = Journal::load(dir.path()).unwrap();
    assert!(!j.first_start);
    assert_eq!(j.entries().len(), 2);
    let e = j.get(&key).unwrap();
    assert_eq!((e.state, e.attempts), (JobState::Printed, 1));
}

#[test]
fn a_corrupt_journal_is_set_aside_and_is_not_a_first_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(JOURNAL_FILE), b"{not json").unwrap();
    let j = Journal::load(dir.path()).unwrap();
    assert!(!j.first_start);
    assert!(dir.path().join("invoices-journal.json.corrupt").exists());
}
