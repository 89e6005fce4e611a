//! A bounded cache of the nonces seen, for refusing replays
//! (UsernameToken Profile 1.1 §3.1: "a nonce ... MUST NOT be accepted twice
//! within the freshness window").
//!
//! Each entry is the SHA-1 of the nonce (20 bytes, whatever the nonce's
//! length) and the token's `Created`. Two rules keep it bounded and safe:
//!
//! - An entry is dropped once its `Created` has left the freshness window:
//!   a replay of it is refused as expired anyway.
//! - When the cache is full of entries still inside the window (a flood of
//!   fresh nonces), the entry with the oldest `Created` is evicted and the
//!   cache remembers that `Created` as a floor: from then on a token created
//!   at or before the floor is refused as expired too. So an evicted nonce
//!   can never be replayed; a flood only narrows the window for honest
//!   tokens, and only nonces of tokens that authenticated are recorded, so
//!   only a valid user can cause it.

use std::collections::{BTreeSet, HashMap};

use ring::digest;

use crate::time::Millis;

type Key = [u8; 20];

/// Nonces seen inside the freshness window, at most `capacity` of them.
#[derive(Debug)]
pub struct ReplayCache {
    capacity: usize,
    seen: HashMap<Key, Millis>,
    by_created: BTreeSet<(Millis, Key)>,
    /// Tokens created at or before this are refused (see the module docs).
    floor: Option<Millis>,
}

/// What the cache says of a nonce.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// New: recorded.
    Fresh,
    /// Seen before inside the window.
    Replayed,
    /// Older than an evicted entry: cannot be checked, so refused as expired.
    TooOld,
}

impl ReplayCache {
    /// A cache of at most `capacity` nonces (at least 1).
    pub fn new(capacity: usize) -> Self {
        ReplayCache {
            capacity: capacity.max(1),
            seen: HashMap::new(),
            by_created: BTreeSet::new(),
            floor: None,
        }
    }

    /// Records `nonce` of a token created at `created`, dropping entries
    /// created before `oldest` (they left the window).
    pub fn check_and_insert(&mut self, nonce: &[u8], created: Millis, oldest: Millis) -> Seen {
        self.purge(oldest);
        if self.floor.is_some_and(|floor| created <= floor) {
            return Seen::TooOld;
        }
        let mut key = [0u8; 20];
        key.copy_from_slice(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, nonce).as_ref());
        if self.seen.contains_key(&key) {
            return Seen::Replayed;
        }
        while self.seen.len() >= self.capacity {
            let Some(&(at, old)) = self.by_created.first() else {
                break;
            };
            if created <= at {
                // Evicting for it would make the floor refuse it anyway.
                return Seen::TooOld;
            }
            self.by_created.pop_first();
            self.seen.remove(&old);
            self.floor = Some(self.floor.map_or(at, |f| f.max(at)));
        }
        self.seen.insert(key, created);
        self.by_created.insert((created, key));
        Seen::Fresh
    }

    /// How many nonces are held.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when none is held.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// The most nonces held at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn purge(&mut self, oldest: Millis) {
        while let Some(&(at, key)) = self.by_created.first() {
            if at >= oldest {
                break;
            }
            self.by_created.pop_first();
            self.seen.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_accepted_once() {
        let mut c = ReplayCache::new(10);
        assert_eq!(c.check_and_insert(b"n1", 1000, 0), Seen::Fresh);
        assert_eq!(c.check_and_insert(b"n1", 1000, 0), Seen::Replayed);
        assert_eq!(c.check_and_insert(b"n2", 1000, 0), Seen::Fresh);
    }

    #[test]
    fn entries_leave_with_the_window() {
        let mut c = ReplayCache::new(10);
        c.check_and_insert(b"n1", 1000, 0);
        assert_eq!(c.check_and_insert(b"n2", 5000, 2000), Seen::Fresh);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn a_full_cache_evicts_the_oldest_and_refuses_what_is_as_old() {
        let mut c = ReplayCache::new(2);
        c.check_and_insert(b"a", 100, 0);
        c.check_and_insert(b"b", 200, 0);
        assert_eq!(c.check_and_insert(b"c", 300, 0), Seen::Fresh);
        assert_eq!(c.len(), 2);
        // "a" was evicted: its replay is refused, as too old.
        assert_eq!(c.check_and_insert(b"a", 100, 0), Seen::TooOld);
        assert_eq!(c.check_and_insert(b"d", 150, 0), Seen::TooOld);
        assert_eq!(c.check_and_insert(b"b", 200, 0), Seen::Replayed);
    }

    #[test]
    fn bounded_under_a_flood_of_fresh_nonces() {
        let mut c = ReplayCache::new(1000);
        for i in 0..100_000u32 {
            let outcome = c.check_and_insert(&i.to_be_bytes(), i64::from(i), 0);
            assert_eq!(outcome, Seen::Fresh);
            assert!(c.len() <= 1000);
        }
        assert_eq!(c.len(), 1000);
        assert_eq!(c.by_created.len(), 1000);
        // Every evicted nonce stays refused.
        assert_eq!(c.check_and_insert(&5u32.to_be_bytes(), 5, 0), Seen::TooOld);
    }
}
