//! Tests of `src/app.rs`.

/// The soft limit ends at the hard one (or at macOS's `OPEN_MAX`).
#[cfg(unix)]
#[test]
fn the_soft_descriptor_limit_is_raised_to_the_hard_one() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: as in the function under test.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    let lowered = libc::rlimit {
        rlim_cur: lim.rlim_max.min(256),
        rlim_max: lim.rlim_max,
    };
    // SAFETY: lowering the soft limit is always allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lowered) }, 0);
    let obtained = cashdrawer::app::raise_open_files_limit().unwrap();
    // SAFETY: as above.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    #[allow(clippy::useless_conversion)]
    let soft = u64::try_from(lim.rlim_cur).unwrap();
    assert_eq!(obtained, soft);
    assert!(
        lim.rlim_cur == lim.rlim_max || (cfg!(target_os = "macos") && lim.rlim_cur == 10240),
        "soft {} hard {}",
        lim.rlim_cur,
        lim.rlim_max
    );
}
