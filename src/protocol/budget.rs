//! Reading user data within one budget: cycles, depth, breadth, string length and size.
//!
//! What an app hands to `setContext`, `setExtra`, `setUser` or a breadcrumb's `data` may be
//! cyclic, a thousand keys wide, nested without end or megabytes long, and it rides along with
//! every later event. One reader applies every limit at once, as Sentry's `normalize` does, and
//! its work is bounded by the budget, not by the input: an object seen again on the path
//! (a cycle) becomes `[Circular ~]`, one below the depth limit `[Object]` or `[Array]`, the entry
//! past the breadth limit `[MaxProperties ~]`, a long string is cut (with `…`), and once the
//! value's bytes are spent the rest becomes `[Trimmed ~]`. Every entry read costs budget, so a
//! wide graph of shared objects (100 keys, 100 keys, 100 keys…) stops after about
//! `bytes / 8` entries instead of 10⁶.
//!
//! The reader walks any [`Source`]: JavaScript values in the wasm build (js/convert.rs), and
//! [`Value`]s natively, which the scope uses on what the Rust API hands it.

use crate::exception::truncate;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::Value;

/// The limits one read of user data stays within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Levels of objects and arrays kept, the value itself being the first; an object below
    /// becomes `[Object]`, an array `[Array]`.
    pub depth: u32,
    /// Entries kept per object, items per array; the next one becomes `[MaxProperties ~]`.
    pub breadth: usize,
    /// Characters kept per string (the last of them then `…`).
    pub chars: usize,
    /// About how many bytes of JSON the whole value may take; what does not fit becomes
    /// `[Trimmed ~]`.
    pub bytes: usize,
}

/// A context, an extra value, the user: three levels of objects (Sentry's `normalizeDepth` is 3
/// counted from `contexts`, which leaves two inside a context), 100 entries each (Sentry's
/// `normalizeMaxBreadth` is 1,000), 1,024 characters per string, 64 KiB per value.
pub const DATA: Limits = Limits {
    depth: 3,
    breadth: 100,
    chars: 1024,
    bytes: 64 * 1024,
};

/// A breadcrumb's `data`: two levels, 100 entries, 1,024 characters per string, 8 KiB; it is
/// sent with every event, up to 100 times.
pub const CRUMB_DATA: Limits = Limits {
    depth: 2,
    breadth: 100,
    chars: 1024,
    bytes: 8 * 1024,
};

/// An object already on the path from the root: a cycle.
pub const CIRCULAR: &str = "[Circular ~]";
/// The first entry past the breadth limit.
pub const MAX_PROPERTIES: &str = "[MaxProperties ~]";
/// What comes after the value's bytes were spent.
pub const TRIMMED: &str = "[Trimmed ~]";

/// What one value is, as far as the reader needs to know.
pub enum Kind {
    /// Nothing to walk: null, a boolean, a number, a string (at least its first `chars + 1`
    /// characters), or an object already described as text (a Date, a DOM node, an Error).
    Leaf(Value),
    /// An array of this length.
    List(usize),
    /// An object with keys.
    Map,
}

/// A graph of values the reader can walk; reading it must never fail (a value that cannot be
/// read is a leaf or has no keys).
pub trait Source: Sized {
    /// What this value is; a string needs only its first `chars + 1` characters.
    fn kind(&self, chars: usize) -> Kind;
    /// Whether `other` is this very object (identity, not equality).
    fn same(&self, other: &Self) -> bool;
    /// The first `max` own enumerable keys, in order.
    fn keys(&self, max: usize) -> Vec<String>;
    /// The value of the `index`th key (`key`), or for an array (`None`) of item `index`.
    fn child(&self, index: usize, key: Option<&str>) -> Self;
}

/// Reads `value` within `limits`.
pub fn read<S: Source>(value: &S, limits: Limits) -> Value {
    let mut reader = Reader {
        limits,
        left: limits.bytes,
    };
    reader.value(value, limits.depth, None)
}

/// `value` again, within `limits` (for values that did not come through [`read`]).
#[cfg(any(feature = "std", test))]
pub fn trim(value: &Value, limits: Limits) -> Value {
    read(&value, limits)
}

/// The objects on the path from the root to the value being read: a linked list on the stack,
/// as deep as the depth limit.
struct Path<'a, S> {
    value: &'a S,
    up: Option<&'a Path<'a, S>>,
}

struct Reader {
    limits: Limits,
    /// Bytes left of the budget.
    left: usize,
}

impl Reader {
    fn spend(&mut self, n: usize) {
        self.left = self.left.saturating_sub(n);
    }

    fn value<S: Source>(&mut self, v: &S, depth: u32, up: Option<&Path<'_, S>>) -> Value {
        match v.kind(self.limits.chars) {
            Kind::Leaf(Value::String(s)) => {
                // A string longer than what is left is cut to what is left.
                let s = truncate(&s, self.limits.chars.min(self.left.max(1)));
                self.spend(s.len() + 2);
                Value::String(s)
            }
            Kind::Leaf(leaf) => {
                self.spend(match &leaf {
                    Value::Number(_) => 8,
                    _ => 5,
                });
                leaf
            }
            kind if depth == 0 => {
                let text = if matches!(kind, Kind::List(_)) {
                    "[Array]"
                } else {
                    "[Object]"
                };
                self.spend(text.len() + 2);
                Value::String(text.to_owned())
            }
            kind => {
                let mut seen = up;
                while let Some(p) = seen {
                    if p.value.same(v) {
                        self.spend(CIRCULAR.len() + 2);
                        return Value::String(CIRCULAR.to_owned());
                    }
                    seen = p.up;
                }
                self.spend(2);
                let here = Path { value: v, up };
                match kind {
                    Kind::List(len) => Value::Array(self.items(v, len, depth, &here)),
                    _ => Value::Object(self.entries(v, depth, &here)),
                }
            }
        }
    }

    fn items<S: Source>(
        &mut self,
        v: &S,
        len: usize,
        depth: u32,
        here: &Path<'_, S>,
    ) -> Vec<Value> {
        let mut items = Vec::with_capacity(len.min(self.limits.breadth + 1));
        for i in 0..len {
            let marker = if i == self.limits.breadth {
                MAX_PROPERTIES
            } else if self.left == 0 {
                TRIMMED
            } else {
                self.spend(1);
                let child = v.child(i, None);
                items.push(self.value(&child, depth - 1, Some(here)));
                continue;
            };
            items.push(Value::String(marker.to_owned()));
            break;
        }
        items
    }

    fn entries<S: Source>(
        &mut self,
        v: &S,
        depth: u32,
        here: &Path<'_, S>,
    ) -> Vec<(String, Value)> {
        let keys = v.keys(self.limits.breadth + 1);
        let mut entries = Vec::with_capacity(keys.len());
        for (i, key) in keys.into_iter().enumerate() {
            let name = truncate(&key, self.limits.chars);
            let marker = if i == self.limits.breadth {
                MAX_PROPERTIES
            } else if self.left == 0 {
                TRIMMED
            } else {
                self.spend(name.len() + 4);
                let child = v.child(i, Some(&key));
                let value = self.value(&child, depth - 1, Some(here));
                entries.push((name, value));
                continue;
            };
            entries.push((name, Value::String(marker.to_owned())));
            break;
        }
        entries
    }
}

/// The first `n` characters of `s` (all of it if shorter).
#[cfg(any(feature = "std", test))]
fn head_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => crate::text::head(s, i),
        None => s,
    }
}

#[cfg(any(feature = "std", test))]
impl Source for &Value {
    fn kind(&self, chars: usize) -> Kind {
        match *self {
            Value::Array(items) => Kind::List(items.len()),
            Value::Object(_) => Kind::Map,
            Value::String(s) => Kind::Leaf(Value::String(head_chars(s, chars + 1).to_owned())),
            other => Kind::Leaf(other.clone()),
        }
    }

    fn same(&self, other: &Self) -> bool {
        core::ptr::eq(*self, *other)
    }

    fn keys(&self, max: usize) -> Vec<String> {
        match self {
            Value::Object(entries) => entries.iter().take(max).map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn child(&self, index: usize, _key: Option<&str>) -> Self {
        const NULL: &Value = &Value::Null;
        match *self {
            Value::Array(items) => items.get(index).unwrap_or(NULL),
            Value::Object(entries) => entries.get(index).map_or(NULL, |(_, v)| v),
            _ => NULL,
        }
    }
}

/// Sorts `items` in O(n log n) worst case and in place: the insertion sort for the usual few
/// keys, a heapsort beyond. (std's sort costs ~3 KB of wasm; the insertion sort alone is O(n²):
/// 50,000 keys took 72 s in a debug build.)
pub fn sort_strs(items: &mut [&str]) {
    if items.len() <= 16 {
        return crate::text::sort_small(items);
    }
    // Moves `items[root]` down the max-heap of the first `end` items.
    let sift = |items: &mut [&str], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && items[child] < items[child + 1] {
            child += 1;
        }
        if items[root] >= items[child] {
            return;
        }
        items.swap(root, child);
        root = child;
    };
    let n = items.len();
    for root in (0..n / 2).rev() {
        sift(items, root, n);
    }
    for end in (1..n).rev() {
        items.swap(0, end);
        sift(items, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    /// A graph of objects by index, so tests can build cycles and shared children.
    #[derive(Clone)]
    enum Node {
        Leaf(Value),
        List(Vec<usize>),
        Map(Vec<(String, usize)>),
    }

    #[derive(Clone, Copy)]
    struct At<'g> {
        graph: &'g [Node],
        id: usize,
        reads: &'g core::cell::Cell<usize>,
    }

    impl Source for At<'_> {
        fn kind(&self, chars: usize) -> Kind {
            self.reads.set(self.reads.get() + 1);
            match &self.graph[self.id] {
                Node::Leaf(Value::String(s)) => {
                    Kind::Leaf(Value::String(head_chars(s, chars + 1).to_owned()))
                }
                Node::Leaf(v) => Kind::Leaf(v.clone()),
                Node::List(items) => Kind::List(items.len()),
                Node::Map(_) => Kind::Map,
            }
        }
        fn same(&self, other: &Self) -> bool {
            self.id == other.id
        }
        fn keys(&self, max: usize) -> Vec<String> {
            match &self.graph[self.id] {
                Node::Map(e) => e.iter().take(max).map(|(k, _)| k.clone()).collect(),
                _ => Vec::new(),
            }
        }
        fn child(&self, index: usize, _key: Option<&str>) -> Self {
            let id = match &self.graph[self.id] {
                Node::Map(e) => e[index].1,
                Node::List(items) => items[index],
                Node::Leaf(_) => unreachable!(),
            };
            At { id, ..*self }
        }
    }

    fn read_graph(graph: &[Node], limits: Limits) -> (Value, usize) {
        let reads = core::cell::Cell::new(0);
        let v = read(
            &At {
                graph,
                id: 0,
                reads: &reads,
            },
            limits,
        );
        (v, reads.get())
    }

    fn json(v: &Value) -> String {
        crate::json::to_string(v, |f, out| out.push_str(&f.to_string())).unwrap()
    }

    #[test]
    fn a_self_referencing_object_is_circular_one_level_down() {
        // Seven keys that all point back at the object: 7^6 paths before, 7 entries now.
        let graph = [Node::Map((0..7).map(|k| (k.to_string(), 0)).collect())];
        let (v, reads) = read_graph(&graph, DATA);
        assert_eq!(
            json(&v),
            r#"{"0":"[Circular ~]","1":"[Circular ~]","2":"[Circular ~]","3":"[Circular ~]","4":"[Circular ~]","5":"[Circular ~]","6":"[Circular ~]"}"#
        );
        assert_eq!(reads, 8);
    }

    #[test]
    fn a_wide_cyclic_graph_is_read_within_the_budget() {
        // 0 → 1 → 2 → 3, each with 1,000 keys pointing at the next level, and every level
        // also pointing back at the root: 10⁹ paths unbounded.
        let mut graph = Vec::new();
        for level in 0..4 {
            let mut entries: Vec<(String, usize)> = (0..1000)
                .map(|k| (std::format!("k{k}"), (level + 1).min(3)))
                .collect();
            entries[0].1 = 0; // back to the root
            graph.push(Node::Map(entries));
        }
        let (v, reads) = read_graph(&graph, DATA);
        let text = json(&v);
        assert!(text.len() <= DATA.bytes + 4096, "{} bytes", text.len());
        assert!(reads < DATA.bytes / 4, "{reads} values read");
        assert_eq!(v.get("k0").and_then(Value::as_str), Some(CIRCULAR));
        let level1 = v.get("k1").unwrap();
        assert_eq!(level1.get("k0").and_then(Value::as_str), Some(CIRCULAR));
        let level2 = level1.get("k1").unwrap();
        assert_eq!(level2.get("k1").and_then(Value::as_str), Some("[Object]"));
        let Value::Object(top) = &v else { panic!() };
        assert!(top.len() <= DATA.breadth + 1);
        // The budget ran out before the root's 100th key: the rest is marked, not dropped silently.
        assert_eq!(top.last().unwrap().1.as_str(), Some(TRIMMED));
    }

    #[test]
    fn breadth_and_string_limits() {
        let mut graph = vec![Node::Map(vec![
            ("list".into(), 1),
            ("long".into(), 2),
            ("wide".into(), 3),
        ])];
        graph.push(Node::List(vec![4; 250]));
        graph.push(Node::Leaf(Value::String("é".repeat(5000))));
        graph.push(Node::Map(
            (0..150).map(|k| (std::format!("w{k}"), 4)).collect(),
        ));
        graph.push(Node::Leaf(Value::Number(1.0)));
        let (v, _) = read_graph(&graph, DATA);
        let Some(Value::Array(items)) = v.get("list") else {
            panic!()
        };
        assert_eq!(items.len(), 101);
        assert_eq!(items[100].as_str(), Some(MAX_PROPERTIES));
        let long = v.get("long").and_then(Value::as_str).unwrap();
        assert_eq!(long.chars().count(), DATA.chars);
        assert!(long.ends_with('…'));
        let Some(Value::Object(wide)) = v.get("wide") else {
            panic!()
        };
        assert_eq!(wide.len(), 101);
        assert_eq!(wide[100], ("w100".into(), Value::from(MAX_PROPERTIES)));
    }

    #[test]
    fn shared_children_are_not_circular() {
        // Two keys pointing at one object: a DAG, not a cycle (Sentry's memo is the path too).
        let graph = [
            Node::Map(vec![("a".into(), 1), ("b".into(), 1)]),
            Node::Map(vec![("n".into(), 2)]),
            Node::Leaf(Value::Number(1.0)),
        ];
        let (v, _) = read_graph(&graph, DATA);
        assert_eq!(json(&v), r#"{"a":{"n":1},"b":{"n":1}}"#);
    }

    #[test]
    fn trimming_a_value_again_changes_nothing_within_limits() {
        let v = Value::Object(vec![
            (
                "a".into(),
                Value::Array(vec![Value::Bool(true), Value::Null]),
            ),
            ("s".into(), Value::from("x".repeat(2000).as_str())),
        ]);
        let once = trim(&v, DATA);
        assert_eq!(trim(&once, DATA), once);
        assert_eq!(once.get("a"), v.get("a"));
        assert_eq!(
            once.get("s")
                .and_then(Value::as_str)
                .unwrap()
                .chars()
                .count(),
            1024
        );
        let deep = Value::Object(vec![(
            "a".into(),
            Value::Object(vec![("b".into(), Value::Array(vec![]))]),
        )]);
        assert_eq!(json(&trim(&deep, CRUMB_DATA)), r#"{"a":{"b":"[Array]"}}"#);
    }

    #[test]
    fn sorts_many_strings() {
        let owned: Vec<String> = (0..50_000)
            .rev()
            .map(|i| std::format!("key{i:06}"))
            .collect();
        let mut keys: Vec<&str> = owned.iter().map(String::as_str).collect();
        sort_strs(&mut keys);
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(keys[0], "key000000");
        assert_eq!(keys[49_999], "key049999");
        for n in [0, 1, 15, 16, 17, 33, 100] {
            let owned: Vec<String> = (0..n).map(|i| ((i * 7919) % 101).to_string()).collect();
            let mut v: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mut expected = v.clone();
            expected.sort();
            sort_strs(&mut v);
            assert_eq!(v, expected, "{n}");
        }
    }
}
