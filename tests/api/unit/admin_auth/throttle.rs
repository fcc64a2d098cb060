use std::net::IpAddr;
use std::time::Duration;

use cashdrawer::auth::throttle::{wait_after, Throttle, FREE_FAILURES, MAX_WAIT};

fn fail(t: &Throttle, ip: IpAddr) -> u32 {
    t.begin(ip).expect("may try").failed()
}

#[test]
fn waits_grow_after_five_failures() {
    assert_eq!(wait_after(4), Duration::ZERO);
    assert_eq!(wait_after(5), Duration::from_secs(1));
    assert_eq!(wait_after(6), Duration::from_secs(2));
    assert_eq!(wait_after(9), Duration::from_secs(16));
    assert_eq!(wait_after(40), MAX_WAIT);
}

#[test]
fn a_burst_of_threads_gets_no_more_checks_than_one_by_one() {
    let t = Throttle::default();
    let a: IpAddr = "10.0.0.9".parse().unwrap();
    let checked = std::sync::atomic::AtomicU32::new(0);
    std::thread::scope(|s| {
        for _ in 0..40 {
            s.spawn(|| {
                for _ in 0..20 {
                    if let Ok(attempt) = t.begin(a) {
                        checked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(1));
                        attempt.failed();
                    }
                }
            });
        }
    });
    assert_eq!(checked.into_inner(), FREE_FAILURES);
}

#[test]
fn an_ipv6_slash_64_counts_as_one_caller() {
    let t = Throttle::default();
    for i in 0..5 {
        fail(&t, format!("2001:db8:1:2::{i}").parse().unwrap());
    }
    assert!(t
        .remaining("2001:db8:1:2:ffff::9".parse().unwrap())
        .is_some());
    assert_eq!(t.remaining("2001:db8:1:3::1".parse().unwrap()), None);
}
