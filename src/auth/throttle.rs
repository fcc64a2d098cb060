//! Login throttling per caller (IPv6: per /64): 5 free failures, then waits that double
//! up to 15 min; forgotten an hour after the last failure or at a success.
//! [`Throttle::begin`] counts the attempt as a failure *before* the bcrypt check, under
//! the lock that decides, and refuses a second check in flight from the same caller
//! ([`Denied::InFlight`]): a burst of concurrent guesses costs what sequential ones do.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const FREE_FAILURES: u32 = 5;
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
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
    /// A password check of this caller is running.
    in_flight: bool,
}

/// Why an attempt may not be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Too many failures: the caller waits this long.
    #[error("trop d'échecs, attente {} s", .0.as_secs() + 1)]
    Wait(Duration),
    /// Another check from the same caller is running.
    #[error("une autre vérification du mot de passe est en cours depuis cette adresse")]
    InFlight,
}

impl Denied {
    /// The seconds to tell the caller to wait (at least 1).
    pub fn seconds(self) -> u64 {
        match self {
            Denied::Wait(d) => d.as_secs() + 1,
            Denied::InFlight => 1,
        }
    }
}

/// A reserved attempt, already counted as a failure; [`Attempt::succeeded`] clears the
/// caller's counter, dropping it otherwise keeps the failure and frees the check slot.
#[must_use = "an attempt must end in succeeded() or failed()"]
pub struct Attempt<'a> {
    throttle: &'a Throttle,
    caller: IpAddr,
    count: u32,
    succeeded: bool,
}

impl Attempt<'_> {
    pub fn succeeded(mut self) {
        self.succeeded = true;
    }

    /// The password was wrong: the failures in a row, this one included.
    pub fn failed(self) -> u32 {
        self.count
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        let mut map = self.throttle.lock();
        if self.succeeded {
            map.remove(&self.caller);
        } else if let Some(entry) = map.get_mut(&self.caller) {
            entry.in_flight = false;
            entry.last = Instant::now();
        }
    }
}

/// The wait imposed after `count` failures.
pub fn wait_after(count: u32) -> Duration {
    if count < FREE_FAILURES {
        return Duration::ZERO;
    }
    let exp = (count - FREE_FAILURES).min(20);
    Duration::from_secs(1u64 << exp).min(MAX_WAIT)
}

/// The unit counted: an IPv4 address, or an IPv6 /64 (which one machine usually owns).
fn caller(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Entry>> {
        // A panic while holding the lock leaves counters that are still meaningful.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reserves a password check for `ip`, counted as a failure at once; refused while it
    /// must wait or another of its checks runs.
    pub fn begin(&self, ip: IpAddr) -> Result<Attempt<'_>, Denied> {
        let caller = caller(ip);
        let mut map = self.lock();
        let now = Instant::now();
        if map.len() >= MAX_TRACKED {
            map.retain(|_, e| e.in_flight || now.duration_since(e.last) < FORGET_AFTER);
        }
        let entry = map.entry(caller).or_insert(Entry {
            count: 0,
            last: now,
            in_flight: false,
        });
        if entry.in_flight {
            return Err(Denied::InFlight);
        }
        if now.duration_since(entry.last) >= FORGET_AFTER {
            entry.count = 0;
        }
        if let Some(wait) = (entry.last + wait_after(entry.count))
            .checked_duration_since(now)
            .filter(|d| !d.is_zero())
        {
            return Err(Denied::Wait(wait));
        }
        entry.count += 1;
        entry.last = now;
        entry.in_flight = true;
        Ok(Attempt {
            throttle: self,
            caller,
            count: entry.count,
            succeeded: false,
        })
    }

    /// How long `ip` must still wait before its next attempt, if at all.
    pub fn remaining(&self, ip: IpAddr) -> Option<Duration> {
        let map = self.lock();
        let entry = map.get(&caller(ip))?;
        (entry.last + wait_after(entry.count))
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(t: &Throttle, ip: IpAddr) -> u32 {
        t.begin(ip).expect("may try").failed()
    }

    #[test]
    fn counts_per_address_and_resets_on_success() {
        let t = Throttle::default();
        let a: IpAddr = "192.168.1.20".parse().unwrap();
        let b: IpAddr = "192.168.1.21".parse().unwrap();
        for _ in 0..4 {
            fail(&t, a);
        }
        assert_eq!(t.remaining(a), None);
        assert_eq!(fail(&t, a), 5);
        assert!(t.remaining(a).is_some());
        assert!(matches!(t.begin(a), Err(Denied::Wait(_))));
        assert_eq!(t.remaining(b), None);
        t.lock().get_mut(&a).unwrap().last -= Duration::from_secs(2);
        t.begin(a).unwrap().succeeded();
        assert_eq!(t.remaining(a), None);
        assert_eq!(fail(&t, a), 1, "a success clears the counter");
    }

    #[test]
    fn one_check_in_flight_per_caller_and_it_counts_before_the_answer() {
        let t = Throttle::default();
        let a: IpAddr = "192.168.1.20".parse().unwrap();
        let first = t.begin(a).unwrap();
        assert_eq!(t.begin(a).err(), Some(Denied::InFlight));
        assert!(t.begin("192.168.1.21".parse().unwrap()).is_ok());
        assert_eq!(t.lock()[&a].count, 1, "reserved before the check ends");
        drop(first); // a cancelled request: still a failure, slot freed
        assert_eq!(fail(&t, a), 2);
    }
}
