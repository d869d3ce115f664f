#[allow(unused_imports)]
use crate::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// A small string-keyed map that keeps insertion order.
///
/// Event maps (tags, contexts, extra, headers) hold a handful of entries; a linear scan over a
/// `Vec` is as fast as a tree there and, unlike `BTreeMap`'s per-type instantiations, costs
/// almost nothing in the wasm build (BTreeMap was the largest single item, ~25 KB raw).
#[derive(Clone, Debug, PartialEq)]
pub struct Map<V>(Vec<(String, V)>);

impl<V> Default for Map<V> {
    fn default() -> Self {
        Map(Vec::new())
    }
}

impl<V> Map<V> {
    /// An empty map.
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// Sets `key`, replacing an earlier value in place.
    pub fn insert(&mut self, key: String, value: V) {
        self.insert_within(key, value, usize::MAX);
    }

    /// Sets `key` as [`insert`](Self::insert) does, unless it is new and the map already has
    /// `max` entries; returns whether it was set. (Bounds the map, so a loop setting 20,000 keys
    /// stays linear.)
    pub fn insert_within(&mut self, key: String, value: V, max: usize) -> bool {
        let len = self.0.len();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None if len < max => self.0.push((key, value)),
            None => return false,
        }
        true
    }

    /// The entries, in insertion order.
    pub fn into_entries(self) -> Vec<(String, V)> {
        self.0
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Calls `f` with every key and a mutable value.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&str, &mut V)) {
        for (k, v) in &mut self.0 {
            f(k, v);
        }
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V: Clone> Map<V> {
    /// Copies the entries of `other` whose keys are not set here (event data wins over scope).
    pub fn fill_from(&mut self, other: &Map<V>) {
        for (k, v) in &other.0 {
            if !self.contains_key(k) {
                self.0.push((k.clone(), v.clone()));
            }
        }
    }
}

impl<V> FromIterator<(String, V)> for Map<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<V> core::ops::Index<&str> for Map<V> {
    type Output = V;
    fn index(&self, key: &str) -> &V {
        self.get(key).expect("key present in Map")
    }
}

impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
