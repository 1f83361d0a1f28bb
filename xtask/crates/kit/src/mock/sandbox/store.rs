//! A bounded, insertion-ordered store for sandbox records: at most `cap` records, none older than
//! `max_age`, the oldest evicted first. Every kind of sandbox state (idempotency records,
//! clients, applications, preauthorisations) lives in one, so a long load test cannot grow the
//! server without bound.
//!
//! It is a `hashlink::LinkedHashMap` of `(written at, value)`: the map keeps insertion order, so
//! both the cap and the age limit only ever look at the front.

use hashlink::LinkedHashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// A store's bounds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most records kept; inserting one more evicts the oldest.
    pub cap: usize,
    /// How long a record lives after it was inserted.
    pub max_age: Duration,
}

/// Records by key, bounded by [`Limits`].
#[derive(Debug)]
pub struct Store<K: Hash + Eq, V> {
    map: LinkedHashMap<K, (Instant, V)>,
    limits: Limits,
}

impl<K: Hash + Eq, V> Store<K, V> {
    /// An empty store.
    pub fn new(limits: Limits) -> Self {
        Store {
            map: LinkedHashMap::new(),
            limits,
        }
    }

    /// Drops every record older than the age limit (they sit at the front).
    fn expire(&mut self, now: Instant) {
        while let Some((_, (written, _))) = self.map.front() {
            if now.saturating_duration_since(*written) < self.limits.max_age {
                break;
            }
            self.map.pop_front();
        }
    }

    /// Inserts or replaces `key`; it becomes the newest record. Evicts the oldest beyond the cap.
    pub fn insert(&mut self, key: K, value: V) {
        let now = Instant::now();
        self.expire(now);
        self.map.remove(&key);
        self.map.insert(key, (now, value));
        while self.map.len() > self.limits.cap {
            self.map.pop_front();
        }
    }

    /// The record for `key`, unless it expired or was evicted.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.expire(Instant::now());
        self.map.get(key).map(|(_, v)| v)
    }

    /// The record for `key`, to change in place (its age is not reset).
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.expire(Instant::now());
        self.map.get_mut(key).map(|(_, v)| v)
    }

    /// Whether a live record exists for `key`.
    pub fn contains_key(&mut self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// Live records, oldest first.
    pub fn values(&mut self) -> impl DoubleEndedIterator<Item = &V> {
        self.expire(Instant::now());
        self.map.values().map(|(_, v)| v)
    }

    /// How many records are held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_evicts_the_oldest_first() {
        let mut store = Store::new(Limits {
            cap: 3,
            max_age: Duration::from_secs(60),
        });
        for i in 0..5 {
            store.insert(i, i * 10);
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.get(&0), None);
        assert_eq!(store.get(&1), None);
        assert_eq!(
            store.values().copied().collect::<Vec<_>>(),
            vec![20, 30, 40]
        );
        // Rewriting a key makes it the newest, so it outlives older ones.
        store.insert(2, 21);
        store.insert(5, 50);
        assert_eq!(store.get(&3), None);
        assert_eq!(store.get(&2), Some(&21));
    }

    #[test]
    fn records_past_the_age_limit_are_gone() {
        let mut store = Store::new(Limits {
            cap: 10,
            max_age: Duration::from_millis(30),
        });
        store.insert("old", 1);
        std::thread::sleep(Duration::from_millis(40));
        store.insert("new", 2);
        assert!(!store.contains_key(&"old"));
        assert_eq!(store.get(&"new"), Some(&2));
        assert_eq!(store.len(), 1);
    }
}
