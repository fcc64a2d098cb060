//! Tests of `src/atomic_file.rs`.
use cashdrawer::atomic_file::*;
use std::{fs, io};

#[test]
fn replaces_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ini");
    write(&path, b"one", Access::Shared).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"one");
    let refused = write_checked(&path, b"two", Access::Shared, |tmp| {
        assert_eq!(fs::read(tmp).unwrap(), b"two");
        Err(io::Error::other("différent"))
    });
    assert!(matches!(refused, Err(AtomicWriteError::Refused(_))));
    assert_eq!(fs::read(&path).unwrap(), b"one", "old file kept");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp left");
}

#[cfg(unix)]
#[test]
fn private_files_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key");
    write(&path, b"secret", Access::Private).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
