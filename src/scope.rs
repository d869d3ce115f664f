//! The scope: data that every event captured while it is current carries along.
//!
//! What goes in is bounded: at most [`MAX_ENTRIES`] tags, contexts and extra keys, values within
//! [`budget::DATA`], breadcrumbs of at most [`MAX_CRUMB_MESSAGE_CHARS`] with data within
//! [`budget::CRUMB_DATA`]. (Values from the npm entry were read within these very limits by
//! js/convert.rs; see [`bounded`].)

use crate::exception::truncate;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::budget;
use crate::protocol::{Breadcrumb, Event, Level, Map, User, Value, Values};

/// Longest tag value Sentry accepts, in characters.
pub const MAX_TAG_VALUE_CHARS: usize = 200;
/// Default and upper bound of kept breadcrumbs.
pub const MAX_BREADCRUMBS: usize = 100;
/// Most tags, contexts and extra keys a scope holds: a new key beyond is ignored (one already
/// set still changes), so each set costs at most this many comparisons.
pub const MAX_ENTRIES: usize = 100;
/// Longest tag key, context name or extra key, in characters.
pub const MAX_KEY_CHARS: usize = 200;
/// Longest breadcrumb message, in characters: a console line or two of a stack, not a 50 KB
/// JSON dump sent again with every event (Relay's own limit for messages is 8,192).
pub const MAX_CRUMB_MESSAGE_CHARS: usize = 2048;
/// Longest breadcrumb category or type, in characters.
pub const MAX_CRUMB_NAME_CHARS: usize = 128;

/// `value` within `limits`. With std (the Rust API, the tests) it is walked again here; the npm
/// build (no std) gets values only from js/convert.rs, which read them within these limits
/// already, and a second walker there would cost 2 KB of wasm for nothing.
#[cfg(any(feature = "std", test))]
fn bounded(value: Value, limits: budget::Limits) -> Value {
    budget::trim(&value, limits)
}

#[cfg(not(any(feature = "std", test)))]
fn bounded(value: Value, _limits: budget::Limits) -> Value {
    value
}

/// A tag key as Relay accepts it: letters, digits and `_.:-` (anything else becomes `_`), at most
/// [`MAX_KEY_CHARS`] characters; none when empty.
pub(crate) fn tag_key(key: &str) -> Option<String> {
    let mut out = String::with_capacity(key.len().min(MAX_KEY_CHARS));
    for c in key.chars().take(MAX_KEY_CHARS) {
        let ok = c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-');
        out.push(if ok { c } else { '_' });
    }
    Some(out).filter(|k| !k.is_empty())
}

/// User, tags, contexts, extra, breadcrumbs, level, fingerprint and transaction name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    user: Option<User>,
    tags: Map<String>,
    contexts: Map<Value>,
    extra: Map<Value>,
    breadcrumbs: Vec<Breadcrumb>,
    level: Option<Level>,
    fingerprint: Vec<String>,
    transaction: Option<String>,
}

impl Scope {
    /// Sets or clears the user.
    pub fn set_user(&mut self, user: Option<User>) {
        self.user = user;
    }

    /// Sets a tag as Relay accepts it: the value cut to 200 characters, the key made of letters,
    /// digits and `_.:-` (anything else becomes `_`). An empty value removes the tag and an empty
    /// key is ignored: Relay refuses both, and would refuse the whole event for one bad key.
    pub fn set_tag(&mut self, key: &str, value: &str) {
        let Some(key) = tag_key(key) else { return };
        if value.is_empty() {
            self.tags.remove(&key);
            return;
        }
        self.tags
            .insert_within(key, truncate(value, MAX_TAG_VALUE_CHARS), MAX_ENTRIES);
    }

    /// Removes a tag.
    pub fn remove_tag(&mut self, key: &str) {
        self.tags.remove(key);
    }

    /// Sets or (with `None`) removes a named context, kept within `budget::DATA`.
    pub fn set_context(&mut self, name: &str, value: Option<Value>) {
        let name = truncate(name, MAX_KEY_CHARS);
        match value {
            Some(v) => {
                // A context is an object (Relay refuses anything else): another value goes in
                // one, as `value`.
                let v = match v {
                    object @ Value::Object(_) => object,
                    other => Value::Object(vec![("value".to_owned(), other)]),
                };
                self.contexts
                    .insert_within(name, bounded(v, budget::DATA), MAX_ENTRIES);
            }
            None => self.contexts.remove(&name),
        }
    }

    /// Sets one extra value, kept within `budget::DATA`.
    pub fn set_extra(&mut self, key: &str, value: Value) {
        self.extra.insert_within(
            truncate(key, MAX_KEY_CHARS),
            bounded(value, budget::DATA),
            MAX_ENTRIES,
        );
    }

    /// Overrides the level of events captured in this scope.
    pub fn set_level(&mut self, level: Option<Level>) {
        self.level = level;
    }

    /// Sets custom grouping.
    pub fn set_fingerprint(&mut self, fingerprint: Vec<String>) {
        self.fingerprint = fingerprint;
    }

    /// Adds a breadcrumb, dropping the oldest beyond `max`. Its message is cut to
    /// `MAX_CRUMB_MESSAGE_CHARS`, category and type to `MAX_CRUMB_NAME_CHARS`, its data kept
    /// within `budget::CRUMB_DATA`.
    pub fn add_breadcrumb(&mut self, mut crumb: Breadcrumb, max: usize) {
        if max == 0 {
            return;
        }
        let cut = |text: &mut Option<String>, max: usize| {
            if let Some(t) = text.as_mut() {
                if t.len() > max {
                    *t = truncate(t, max);
                }
            }
        };
        cut(&mut crumb.message, MAX_CRUMB_MESSAGE_CHARS);
        cut(&mut crumb.category, MAX_CRUMB_NAME_CHARS);
        cut(&mut crumb.ty, MAX_CRUMB_NAME_CHARS);
        // (The npm build's data was read within these limits already: see `bounded`.)
        #[cfg(any(feature = "std", test))]
        if !crumb.data.is_empty() {
            let data = Value::Object(core::mem::take(&mut crumb.data).into_entries());
            if let Value::Object(entries) = bounded(data, budget::CRUMB_DATA) {
                crumb.data = entries.into_iter().collect();
            }
        }
        if self.breadcrumbs.len() >= max {
            let excess = self.breadcrumbs.len() + 1 - max;
            self.breadcrumbs.drain(..excess);
        }
        self.breadcrumbs.push(crumb);
    }

    /// Names what the app was doing (a route, a view): the event's `transaction`. `None` (or an
    /// empty name) removes it.
    pub fn set_transaction(&mut self, name: Option<&str>) {
        self.transaction = name
            .filter(|n| !n.is_empty())
            .map(|n| truncate(n, MAX_TAG_VALUE_CHARS));
    }

    /// Forgets everything: user, tags, contexts, extra, breadcrumbs, level, fingerprint and
    /// transaction name (`scope.clear()`).
    pub fn clear(&mut self) {
        *self = Scope::default();
    }

    /// Removes all breadcrumbs.
    pub fn clear_breadcrumbs(&mut self) {
        self.breadcrumbs.clear();
    }

    /// The current user.
    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    /// Tags, contexts and extra: what a transaction takes from the scope besides the user.
    #[cfg(feature = "tracing")]
    pub(crate) fn data(&self) -> (&Map<String>, &Map<Value>, &Map<Value>) {
        (&self.tags, &self.contexts, &self.extra)
    }

    /// Copies the scope's data into `event`; what the event already has wins.
    pub fn apply(&self, event: &mut Event) {
        if event.user.is_none() {
            event.user = self.user.clone();
        }
        event.tags.fill_from(&self.tags);
        event.contexts.fill_from(&self.contexts);
        event.extra.fill_from(&self.extra);
        if let Some(level) = self.level {
            event.level = level;
        }
        if event.fingerprint.is_empty() {
            event.fingerprint = self.fingerprint.clone();
        }
        // As in Sentry's SDKs, the scope's transaction name wins over the event's.
        if self.transaction.is_some() {
            event.transaction = self.transaction.clone();
        }
        if !self.breadcrumbs.is_empty() {
            let crumbs = event
                .breadcrumbs
                .get_or_insert_with(|| Values { values: Vec::new() });
            for crumb in &self.breadcrumbs {
                crumbs.values.push(crumb.clone());
            }
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
    fn tags_and_contexts_are_made_what_relay_accepts() {
        // The Rust API reaches the scope directly, without the npm entry's conversions.
        let mut s = Scope::default();
        s.set_tag("a b/ü", "v");
        s.set_tag("", "ignored");
        s.set_tag("gone", "x");
        s.set_tag("gone", "");
        s.set_context("n", Some(Value::from("plain")));
        let mut e = Event::default();
        s.apply(&mut e);
        assert_eq!(e.tags.len(), 1);
        assert_eq!(e.tags["a_b__"], "v");
        assert_eq!(
            e.contexts["n"],
            Value::Object(vec![("value".into(), Value::from("plain"))])
        );
    }

    #[test]
    fn breadcrumbs_are_cut_to_their_limits() {
        let mut s = Scope::default();
        let mut big = crumb(1);
        big.message = Some("m".repeat(20_000));
        big.category = Some("c".repeat(1000));
        big.data = (0..500)
            .map(|k| (std::format!("k{k}"), Value::from("v".repeat(5000).as_str())))
            .collect();
        big.data.insert(
            "deep".into(),
            Value::Object(vec![(
                "a".into(),
                Value::Object(vec![("b".into(), Value::Bool(true))]),
            )]),
        );
        s.add_breadcrumb(big, 100);
        let mut e = Event::default();
        s.apply(&mut e);
        let c = &e.breadcrumbs.unwrap().values[0];
        let message = c.message.as_deref().unwrap();
        assert_eq!(message.chars().count(), MAX_CRUMB_MESSAGE_CHARS);
        assert!(message.ends_with('…'));
        assert_eq!(
            c.category.as_deref().unwrap().chars().count(),
            MAX_CRUMB_NAME_CHARS
        );
        let data_json = crate::json::to_string(&c.data, |_, _| ()).unwrap();
        assert!(
            data_json.len() <= budget::CRUMB_DATA.bytes + 2048,
            "{} bytes of data",
            data_json.len()
        );
        assert_eq!(c.data["k0"].as_str().unwrap().chars().count(), 1024);
        assert_eq!(
            c.data.iter().last().unwrap().1.as_str(),
            Some(budget::TRIMMED)
        );
        // A short one is left as it is.
        let mut s = Scope::default();
        s.add_breadcrumb(crumb(7), 100);
        let mut e = Event::default();
        s.apply(&mut e);
        assert_eq!(e.breadcrumbs.unwrap().values[0], crumb(7));
    }

    #[test]
    fn maps_hold_at_most_max_entries_and_values_are_bounded() {
        let mut s = Scope::default();
        for k in 0..20_000 {
            let key = std::format!("k{k}");
            s.set_tag(&key, "v");
            s.set_extra(&key, Value::Bool(true));
            s.set_context(&key, Some(Value::Null));
        }
        s.set_extra("k5", Value::from("changed"));
        s.set_context(
            "deep",
            Some(Value::Object(vec![(
                "a".into(),
                Value::Object(vec![(
                    "b".into(),
                    Value::Object(vec![("c".into(), Value::Object(vec![]))]),
                )]),
            )])),
        );
        let mut e = Event::default();
        s.apply(&mut e);
        assert_eq!(e.tags.len(), MAX_ENTRIES);
        assert_eq!(e.extra.len(), MAX_ENTRIES);
        assert_eq!(e.contexts.len(), MAX_ENTRIES);
        assert_eq!(
            e.extra["k5"].as_str(),
            Some("changed"),
            "a key already set still changes"
        );
        assert!(
            !e.contexts.contains_key("deep"),
            "no room for a new context"
        );
        let mut s = Scope::default();
        s.set_context(
            "deep",
            Some(Value::Object(vec![(
                "a".into(),
                Value::Object(vec![(
                    "b".into(),
                    Value::Object(vec![("c".into(), Value::Object(vec![]))]),
                )]),
            )])),
        );
        let mut e = Event::default();
        s.apply(&mut e);
        let deep = &e.contexts["deep"];
        let c = deep
            .get("a")
            .and_then(|a| a.get("b"))
            .and_then(|b| b.get("c"));
        assert_eq!(c.and_then(Value::as_str), Some("[Object]"), "three levels");
    }

    #[test]
    fn transaction_name_and_clear() {
        let mut s = Scope::default();
        s.set_transaction(Some("/checkout"));
        s.set_tag("a", "1");
        s.add_breadcrumb(crumb(1), 10);
        let mut e = Event {
            transaction: Some("from the event".into()),
            ..Event::default()
        };
        s.apply(&mut e);
        assert_eq!(e.transaction.as_deref(), Some("/checkout"));
        s.set_transaction(Some(""));
        let mut e = Event::default();
        s.apply(&mut e);
        assert_eq!(e.transaction, None, "an empty name removes it");
        s.set_level(Some(Level::Warning));
        s.clear();
        assert_eq!(s, Scope::default());
        let mut e = Event::default();
        s.apply(&mut e);
        assert!(e.tags.is_empty() && e.breadcrumbs.is_none() && e.level == Level::default());
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
