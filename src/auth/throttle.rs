//! Login throttling per caller address (IPv6: per /64): 5 free failures, then waits that double
//! (1 s, 2 s, 4 s, ... up to 15 min). Counters are forgotten one hour after the last
//! failure, and a successful login clears them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const FREE_FAILURES: u32 = 5;
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Bounds memory if many addresses fail (a scan of the network).
const MAX_TRACKED: usize = 10_000;

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<IpAddr, Entry>>,
}

#[derive(Clone, Copy)]
struct Entry {
    count: u32,
    last: Instant,
}

/// The wait imposed after `count` failures.
pub fn wait_after(count: u32) -> Duration {
    if count < FREE_FAILURES {
        return Duration::ZERO;
    }
    let exp = (count - FREE_FAILURES).min(20);
    Duration::from_secs(1u64 << exp).min(MAX_WAIT)
}

/// The unit counted: an IPv4 address, or an IPv6 /64 (one machine usually owns a whole
/// /64 and could otherwise change address at every attempt).
fn caller(ip: IpAddr) -> IpAddr {
    match crate::http::access::canonical_ip(ip) {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

impl Throttle {
    /// How long `ip` must still wait before its next attempt, if at all.
    pub fn remaining(&self, ip: IpAddr) -> Option<Duration> {
        let ip = caller(ip);
        let map = self.failures.lock().expect("throttle lock");
        let entry = map.get(&ip)?;
        let until = entry.last + wait_after(entry.count);
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }

    /// Records a failure; returns the number of failures in a row.
    pub fn failure(&self, ip: IpAddr) -> u32 {
        let ip = caller(ip);
        let mut map = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        if map.len() >= MAX_TRACKED {
            map.retain(|_, e| now.duration_since(e.last) < FORGET_AFTER);
        }
        let entry = map.entry(ip).or_insert(Entry {
            count: 0,
            last: now,
        });
        if now.duration_since(entry.last) >= FORGET_AFTER {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
        entry.count
    }

    pub fn success(&self, ip: IpAddr) {
        let ip = caller(ip);
        self.failures.lock().expect("throttle lock").remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_five_failures() {
        assert_eq!(wait_after(4), Duration::ZERO);
        assert_eq!(wait_after(5), Duration::from_secs(1));
        assert_eq!(wait_after(6), Duration::from_secs(2));
        assert_eq!(wait_after(9), Duration::from_secs(16));
        assert_eq!(wait_after(40), MAX_WAIT);
    }

    #[test]
    fn counts_per_address_and_resets_on_success() {
        let t = Throttle::default();
        let a: IpAddr = "192.168.1.20".parse().unwrap();
        let b: IpAddr = "192.168.1.21".parse().unwrap();
        for _ in 0..4 {
            t.failure(a);
        }
        assert_eq!(t.remaining(a), None);
        assert_eq!(t.failure(a), 5);
        assert!(t.remaining(a).is_some());
        assert_eq!(t.remaining(b), None);
        t.success(a);
        assert_eq!(t.remaining(a), None);
    }

    #[test]
    fn an_ipv6_slash_64_counts_as_one_caller() {
        let t = Throttle::default();
        for i in 0..5 {
            t.failure(format!("2001:db8:1:2::{i}").parse().unwrap());
        }
        assert!(t
            .remaining("2001:db8:1:2:ffff::9".parse().unwrap())
            .is_some());
        assert_eq!(t.remaining("2001:db8:1:3::1".parse().unwrap()), None);
    }
}
