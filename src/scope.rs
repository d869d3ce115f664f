//! The scope: data that every event captured while it is current carries along.

use crate::exception::truncate;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Breadcrumb, Event, Level, Map, User, Value, Values};

/// Longest tag value Sentry accepts, in characters.
pub const MAX_TAG_VALUE_CHARS: usize = 200;
/// Default and upper bound of kept breadcrumbs.
pub const MAX_BREADCRUMBS: usize = 100;

/// User, tags, contexts, extra, breadcrumbs, level and fingerprint.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    user: Option<User>,
    tags: Map<String>,
    contexts: Map<Value>,
    extra: Map<Value>,
    breadcrumbs: Vec<Breadcrumb>,
    level: Option<Level>,
    fingerprint: Vec<String>,
}

impl Scope {
    /// Sets or clears the user.
    pub fn set_user(&mut self, user: Option<User>) {
        self.user = user;
    }

    /// Sets a tag; the value is cut to 200 characters as Sentry requires.
    pub fn set_tag(&mut self, key: &str, value: &str) {
        self.tags
            .insert(truncate(key, 200), truncate(value, MAX_TAG_VALUE_CHARS));
    }

    /// Removes a tag.
    pub fn remove_tag(&mut self, key: &str) {
        self.tags.remove(key);
    }

    /// Sets or (with `None`) removes a named context.
    pub fn set_context(&mut self, name: &str, value: Option<Value>) {
        match value {
            Some(v) => self.contexts.insert(name.to_owned(), v),
            None => self.contexts.remove(name),
        }
    }

    /// Sets one extra value.
    pub fn set_extra(&mut self, key: &str, value: Value) {
        self.extra.insert(key.to_owned(), value);
    }

    /// Overrides the level of events captured in this scope.
    pub fn set_level(&mut self, level: Option<Level>) {
        self.level = level;
    }

    /// Sets custom grouping.
    pub fn set_fingerprint(&mut self, fingerprint: Vec<String>) {
        self.fingerprint = fingerprint;
    }

    /// Adds a breadcrumb, dropping the oldest beyond `max`.
    pub fn add_breadcrumb(&mut self, crumb: Breadcrumb, max: usize) {
        if max == 0 {
            return;
        }
        if self.breadcrumbs.len() >= max {
            let excess = self.breadcrumbs.len() + 1 - max;
            self.breadcrumbs.drain(..excess);
        }
        self.breadcrumbs.push(crumb);
    }

    /// Removes all breadcrumbs.
    pub fn clear_breadcrumbs(&mut self) {
        self.breadcrumbs.clear();
    }

    /// The current user.
    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    /// Copies the scope's data into `event`; what the event already has wins.
    pub fn apply(&self, event: &mut Event) {
        if event.user.is_none() {
            event.user.clone_from(&self.user);
        }
        event.tags.fill_from(&self.tags);
        event.contexts.fill_from(&self.contexts);
        event.extra.fill_from(&self.extra);
        if let Some(level) = self.level {
            event.level = level;
        }
        if event.fingerprint.is_empty() {
            event.fingerprint.clone_from(&self.fingerprint);
        }
        if !self.breadcrumbs.is_empty() {
            let crumbs = event
                .breadcrumbs
                .get_or_insert_with(|| Values { values: Vec::new() });
            crumbs.values.extend(self.breadcrumbs.iter().cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Timestamp;

    fn crumb(n: u64) -> Breadcrumb {
        Breadcrumb {
            timestamp: Timestamp(n),
            ty: None,
            category: None,
            message: Some(n.to_string()),
            level: None,
            data: Map::new(),
        }
    }

    #[test]
    fn breadcrumbs_keep_the_newest() {
        let mut s = Scope::default();
        for n in 0..5 {
            s.add_breadcrumb(crumb(n), 3);
        }
        let mut e = Event::default();
        s.apply(&mut e);
        let msgs: Vec<_> = e
            .breadcrumbs
            .unwrap()
            .values
            .into_iter()
            .map(|c| c.message.unwrap())
            .collect();
        assert_eq!(msgs, ["2", "3", "4"]);
    }

    #[test]
    fn event_data_wins_over_scope() {
        let mut s = Scope::default();
        s.set_tag("a", "scope");
        s.set_tag("b", "scope");
        s.set_user(Some(User {
            id: Some("scope".into()),
            ..User::default()
        }));
        let mut e = Event::default();
        e.tags.insert("a".into(), "event".into());
        s.apply(&mut e);
        assert_eq!(e.tags["a"], "event");
        assert_eq!(e.tags["b"], "scope");
        assert_eq!(e.user.unwrap().id.as_deref(), Some("scope"));
    }

    #[test]
    fn tag_values_are_cut_to_200_chars() {
        let mut s = Scope::default();
        s.set_tag("k", &"x".repeat(500));
        let mut e = Event::default();
        s.apply(&mut e);
        assert_eq!(e.tags["k"].chars().count(), 200);
    }

    #[test]
    fn removing_context() {
        let mut s = Scope::default();
        s.set_context("c", Some(Value::Bool(true)));
        s.set_context("c", None);
        let mut e = Event::default();
        s.apply(&mut e);
        assert!(e.contexts.is_empty());
    }
}
