//! Failed logins, counted in memory per (account, IP) and per IP.
//!
//! The account counter includes the IP, so somebody guessing a user's
//! password from elsewhere locks out only themselves, never the user. The
//! per-IP counter, set higher, stops one address trying many accounts. Only
//! failures count; a success clears that account's counter for that IP.
//! Both maps are bounded: when full, expired windows go first, then the
//! oldest. The server sees the socket's peer address; it trusts no
//! forwarding header, so run it without a proxy in front or make the proxy
//! limit instead.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Length of a counting window; a locked key opens again when it ends.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures for one account from one IP within a window.
pub const ACCOUNT_FAILURES: u32 = 5;
/// Failures from one IP, over all accounts, within a window.
pub const IP_FAILURES: u32 = 30;
/// Keys remembered per map.
const MAX_KEYS: usize = 10_000;
/// Usernames are cut to this many characters in keys, so a long one costs
/// no more memory than a short one.
const KEY_CHARS: usize = 64;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

#[derive(Debug)]
struct Counter<K> {
    limit: u32,
    windows: HashMap<K, Window>,
}

impl<K: Hash + Eq + Clone> Counter<K> {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            windows: HashMap::new(),
        }
    }

    /// Time until `key` may try again, if it is locked.
    fn locked_for(&self, key: &K, now: Instant) -> Option<Duration> {
        let w = self.windows.get(key)?;
        let ends = w.started + WINDOW;
        (w.failures >= self.limit && ends > now).then(|| ends - now)
    }

    fn fail(&mut self, key: K, now: Instant) {
        if !self.windows.contains_key(&key) && self.windows.len() >= MAX_KEYS {
            self.make_room(now);
        }
        let w = self.windows.entry(key).or_insert(Window {
            started: now,
            failures: 0,
        });
        if w.started + WINDOW <= now {
            *w = Window {
                started: now,
                failures: 0,
            };
        }
        w.failures += 1;
    }

    fn make_room(&mut self, now: Instant) {
        self.windows.retain(|_, w| w.started + WINDOW > now);
        if self.windows.len() >= MAX_KEYS {
            let oldest = self
                .windows
                .iter()
                .min_by_key(|(_, w)| w.started)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.windows.remove(&k);
            }
        }
    }
}

#[derive(Debug)]
struct Counters {
    account: Counter<(String, IpAddr)>,
    ip: Counter<IpAddr>,
}

#[derive(Debug)]
pub struct LoginLimiter {
    counters: Mutex<Counters>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self {
            counters: Mutex::new(Counters {
                account: Counter::new(ACCOUNT_FAILURES),
                ip: Counter::new(IP_FAILURES),
            }),
        }
    }
}

fn account_key(username: &str, ip: IpAddr) -> (String, IpAddr) {
    (username.chars().take(KEY_CHARS).collect(), ip)
}

impl LoginLimiter {
    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        // Counters are plain numbers; a panic elsewhere cannot leave them torn.
        self.counters.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Err(wait)` when this attempt must be refused without checking the password.
    pub fn check(&self, username: &str, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let c = self.counters();
        let wait = [
            c.account.locked_for(&account_key(username, ip), now),
            c.ip.locked_for(&ip, now),
        ]
        .into_iter()
        .flatten()
        .max();
        wait.map_or(Ok(()), Err)
    }

    pub fn failed(&self, username: &str, ip: IpAddr, now: Instant) {
        let mut c = self.counters();
        c.account.fail(account_key(username, ip), now);
        c.ip.fail(ip, now);
    }

    pub fn succeeded(&self, username: &str, ip: IpAddr) {
        self.counters()
            .account
            .windows
            .remove(&account_key(username, ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const ELSEWHERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn an_account_locks_only_from_the_guessing_address_and_opens_after_the_window() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..ACCOUNT_FAILURES {
            assert!(limiter.check("wang", ELSEWHERE, t0).is_ok());
            limiter.failed("wang", ELSEWHERE, t0);
        }
        let wait = limiter.check("wang", ELSEWHERE, t0).unwrap_err();
        assert_eq!(wait, WINDOW);
        assert!(
            limiter.check("wang", HOME, t0).is_ok(),
            "the user is not locked out"
        );
        assert!(limiter.check("li", ELSEWHERE, t0).is_ok());
        assert!(limiter.check("wang", ELSEWHERE, t0 + WINDOW).is_ok());
    }

    #[test]
    fn an_address_trying_many_accounts_is_stopped() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        for i in 0..IP_FAILURES {
            limiter.failed(&format!("user{i}"), ELSEWHERE, t0);
        }
        assert!(limiter.check("someone_new", ELSEWHERE, t0).is_err());
        assert!(limiter.check("someone_new", HOME, t0).is_ok());
    }

    #[test]
    fn success_clears_the_account_counter_and_memory_stays_bounded() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..ACCOUNT_FAILURES - 1 {
            limiter.failed("wang", HOME, t0);
        }
        limiter.succeeded("wang", HOME);
        limiter.failed("wang", HOME, t0);
        assert!(limiter.check("wang", HOME, t0).is_ok());

        for i in 0..MAX_KEYS + 50 {
            let ip = IpAddr::V6(std::net::Ipv6Addr::from(i as u128));
            limiter.failed(&"x".repeat(1000), ip, t0);
        }
        let c = limiter.counters();
        assert!(c.account.windows.len() <= MAX_KEYS && c.ip.windows.len() <= MAX_KEYS);
        assert!(c.account.windows.keys().all(|(u, _)| u.len() <= KEY_CHARS));
    }
}
