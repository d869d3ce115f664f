//! Turning anything JavaScript can throw into a Sentry exception.
//!
//! The JS boundary describes the thrown value as a [`Thrown`] (reading its fields safely); this
//! module decides type, value and frames, so the rules are testable natively.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Exception, Frame, Mechanism, Stacktrace};
use crate::stacktrace;
use crate::text::{cat, head};

/// Longest exception value or message sent, in characters (Sentry's limit).
pub const MAX_VALUE_CHARS: usize = 8192;

/// A thrown value, as the JS boundary saw it.
#[derive(Clone, Debug, PartialEq)]
pub enum Thrown {
    /// An `Error` or subclass (anything with a string `name`/`message` and an Error brand).
    Error {
        /// `error.name`, e.g. `TypeError`.
        name: String,
        /// `error.message`.
        message: String,
        /// `error.stack`, if it is a string.
        stack: Option<String>,
    },
    /// A primitive: `type_name` is JavaScript's `typeof`, `text` is `String(value)`.
    Primitive {
        /// `string`, `number`, `boolean`, `bigint` or `symbol`.
        type_name: &'static str,
        /// The value as text.
        text: String,
    },
    /// A non-Error object: its constructor name (if any) and own enumerable keys.
    Object {
        /// Constructor name, such as `Object` or `Response`.
        class: Option<String>,
        /// Own enumerable keys.
        keys: Vec<String>,
    },
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
}

/// Cuts `s` to at most `max` characters, appending `…` when it was longer.
pub fn truncate(s: &str, max: usize) -> String {
    match crate::text::char_index(s, max) {
        None => s.to_owned(),
        Some(i) => {
            let mut out = String::with_capacity(i + 3);
            out.push_str(head(s, max_prefix(s, i)));
            out.push('…');
            out
        }
    }
}

/// Byte index of the char before `i` (room for the ellipsis).
fn max_prefix(s: &str, i: usize) -> usize {
    crate::text::prev_char_start(s, i)
}

/// Builds the exception for `thrown`. Frames come from the stack, oldest first.
///
/// Non-Error values are not marked `synthetic`: Sentry and Bugsink then title the issue by
/// function name alone, losing the value ("out of widgets"), which is what users need to see.
pub fn exception_from(thrown: &Thrown, mechanism: Mechanism) -> Exception {
    let (ty, value, stack) = match thrown {
        Thrown::Error {
            name,
            message,
            stack,
        } => {
            let ty = if name.is_empty() {
                "Error"
            } else {
                name.as_str()
            };
            (ty.to_owned(), message.clone(), stack.as_deref())
        }
        Thrown::Primitive {
            type_name: "string",
            text,
        } => ("Error".to_owned(), text.clone(), None),
        Thrown::Primitive { type_name, text } => {
            let value = cat(&[
                "Non-Error exception captured with ",
                type_name,
                " value: ",
                text,
            ]);
            ("Error".to_owned(), value, None)
        }
        Thrown::Null | Thrown::Undefined => {
            let v = if matches!(thrown, Thrown::Null) {
                "null"
            } else {
                "undefined"
            };
            (
                "Error".to_owned(),
                cat(&["Non-Error exception captured with value: ", v]),
                None,
            )
        }
        Thrown::Object { class, keys } => {
            let class = class
                .as_deref()
                .filter(|c| !c.is_empty())
                .unwrap_or("Object");
            let ty = if class == "Object" { "Error" } else { class };
            (ty.to_owned(), object_value(class, keys), None)
        }
    };
    let frames = stack.map(stacktrace::parse).unwrap_or_default();
    Exception {
        ty: truncate(&ty, 256),
        value: truncate(&value, MAX_VALUE_CHARS),
        mechanism: Some(mechanism),
        stacktrace: (!frames.is_empty()).then_some(Stacktrace { frames }),
    }
}

/// Characters of the key list shown in `… captured as exception with keys: a, b, c`.
const MAX_KEY_LIST_CHARS: usize = 200;

/// `Object captured as exception with keys: a, b, c` — keys sorted so grouping is stable, in
/// O(n log n) (a thrown object may have tens of thousands), and joined only as far as shown.
fn object_value(class: &str, keys: &[String]) -> String {
    if keys.is_empty() {
        return cat(&[class, " captured as exception with no keys"]);
    }
    let owned = keys;
    let mut keys: Vec<&str> = Vec::with_capacity(owned.len());
    for key in owned {
        keys.push(key);
    }
    crate::protocol::budget::sort_strs(&mut keys);
    let mut list = String::new();
    for key in keys {
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push_str(key);
        // More bytes than 4 per shown character: certainly more characters than shown.
        if list.len() > 4 * MAX_KEY_LIST_CHARS {
            break;
        }
    }
    let keys = truncate(&list, MAX_KEY_LIST_CHARS);
    cat(&[class, " captured as exception with keys: ", &keys])
}

/// Most exceptions sent for one event (the captured one and its linked errors).
pub const MAX_LINKED: usize = 10;
/// How deep `cause` links are followed.
pub const MAX_CAUSE_DEPTH: usize = 5;

/// One value of an error chain and where it hangs: the captured value has no parent; a
/// `cause` or an AggregateError's `errors[i]` names its parent's index in the chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Linked {
    /// The value.
    pub thrown: Thrown,
    /// Index of the value it was found on, and the property (`cause`, `errors[1]`).
    pub parent: Option<(usize, String)>,
    /// Whether this value is an AggregateError (its `errors` are linked to it).
    pub group: bool,
}

impl Linked {
    /// A value with no chain.
    pub fn root(thrown: Thrown) -> Linked {
        Linked {
            thrown,
            parent: None,
            group: false,
        }
    }
}

/// The exceptions of a chain, in Sentry's order: the captured exception last, its causes
/// before it. Links are kept in `mechanism` (`exception_id`, `parent_id`, `source`).
pub fn exceptions_from(chain: &[Linked], mechanism: Mechanism) -> Vec<Exception> {
    let linked = chain.len() > 1;
    // Sentry wants the root last: built from the last link back (a plain loop, smaller wasm
    // than map/collect/reverse).
    let n = chain.len().min(MAX_LINKED);
    let mut out = Vec::with_capacity(n);
    for (i, link) in chain[..n].iter().enumerate().rev() {
        let mut m = match &link.parent {
            None => mechanism.clone(),
            Some((parent, source)) => {
                let mut m = Mechanism::new("chained", mechanism.handled);
                m.source = Some(source.clone());
                m.parent_id = Some(*parent as u32);
                m
            }
        };
        if linked {
            m.exception_id = Some(i as u32);
        }
        m.is_exception_group = link.group;
        out.push(exception_from(&link.thrown, m));
    }
    out
}

/// A frame for the location an `error` event reports when it carries no Error object.
pub fn location_frame(url: &str, line: u32, col: u32) -> Frame {
    let filename = stacktrace::filename_of(url);
    // A data: URL carries the script's code: its `<data:type>` name stands in abs_path too, as
    // the stack parsers do.
    let abs_path = if url.starts_with("data:") {
        filename.clone()
    } else {
        url.to_owned()
    };
    Frame {
        filename: Some(filename),
        abs_path: Some(abs_path),
        lineno: (line > 0).then_some(line),
        colno: (col > 0).then_some(col),
        in_app: Some(true),
        ..Frame::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mech() -> Mechanism {
        Mechanism::new("generic", true)
    }

    #[test]
    fn a_data_url_location_keeps_its_code_out() {
        let f = location_frame("data:text/javascript,throw new Error('secret code')", 1, 7);
        assert_eq!(f.filename.as_deref(), Some("<data:text/javascript>"));
        assert_eq!(f.abs_path.as_deref(), Some("<data:text/javascript>"));
        let g = location_frame("http://h/app.js?v=2", 3, 4);
        assert_eq!(g.abs_path.as_deref(), Some("http://h/app.js?v=2"));
    }

    #[test]
    fn error_keeps_name_message_and_frames() {
        let e = exception_from(
            &Thrown::Error {
                name: "TypeError".into(),
                message: "x is not a function".into(),
                stack: Some("TypeError: x is not a function\n    at go (http://h/app.js:3:7)\n    at http://h/app.js:9:1".into()),
            },
            mech(),
        );
        assert_eq!(e.ty, "TypeError");
        assert_eq!(e.value, "x is not a function");
        let frames = e.stacktrace.unwrap().frames;
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[1].function.as_deref(), Some("go"));
        assert_eq!(frames[1].lineno, Some(3));
        assert!(!e.mechanism.unwrap().synthetic);
    }

    #[test]
    fn chains_put_the_captured_exception_last_with_links() {
        let err = |m: &str| Thrown::Error {
            name: "Error".into(),
            message: m.into(),
            stack: None,
        };
        let chain = [
            Linked {
                thrown: err("top"),
                parent: None,
                group: true,
            },
            Linked {
                thrown: err("cause"),
                parent: Some((0, "cause".into())),
                group: false,
            },
            Linked {
                thrown: err("first"),
                parent: Some((0, "errors[0]".into())),
                group: false,
            },
        ];
        let ex = exceptions_from(&chain, Mechanism::new("onerror", false));
        let values: Vec<_> = ex.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(values, ["first", "cause", "top"]);
        let top = ex[2].mechanism.as_ref().unwrap();
        assert_eq!(
            (
                top.ty.as_str(),
                top.exception_id,
                top.parent_id,
                top.is_exception_group
            ),
            ("onerror", Some(0), None, true)
        );
        let cause = ex[1].mechanism.as_ref().unwrap();
        assert_eq!(
            (
                cause.ty.as_str(),
                cause.source.as_deref(),
                cause.exception_id,
                cause.parent_id
            ),
            ("chained", Some("cause"), Some(1), Some(0))
        );
        assert!(!cause.handled, "links inherit handled");
        // A lone exception carries no chain ids.
        let one = exceptions_from(&chain[..1], Mechanism::new("generic", true));
        assert_eq!(one[0].mechanism.as_ref().unwrap().exception_id, None);
    }

    #[test]
    fn empty_error_name_becomes_error() {
        let e = exception_from(
            &Thrown::Error {
                name: String::new(),
                message: "m".into(),
                stack: None,
            },
            mech(),
        );
        assert_eq!(e.ty, "Error");
        assert!(e.stacktrace.is_none());
    }

    #[test]
    fn primitives_null_undefined_objects() {
        let s = exception_from(
            &Thrown::Primitive {
                type_name: "string",
                text: "boom".into(),
            },
            mech(),
        );
        assert_eq!((s.ty.as_str(), s.value.as_str()), ("Error", "boom"));
        // Not marked synthetic: servers then hide the value from the title, and it is the useful part.
        assert!(!s.mechanism.unwrap().synthetic);
        let n = exception_from(
            &Thrown::Primitive {
                type_name: "number",
                text: "42".into(),
            },
            mech(),
        );
        assert_eq!(
            n.value,
            "Non-Error exception captured with number value: 42"
        );
        assert_eq!(
            exception_from(&Thrown::Null, mech()).value,
            "Non-Error exception captured with value: null"
        );
        assert_eq!(
            exception_from(&Thrown::Undefined, mech()).value,
            "Non-Error exception captured with value: undefined"
        );
        let o = exception_from(
            &Thrown::Object {
                class: Some("Object".into()),
                keys: vec!["b".into(), "a".into()],
            },
            mech(),
        );
        assert_eq!(
            (o.ty.as_str(), o.value.as_str()),
            ("Error", "Object captured as exception with keys: a, b")
        );
        let r = exception_from(
            &Thrown::Object {
                class: Some("Response".into()),
                keys: vec![],
            },
            mech(),
        );
        assert_eq!(
            (r.ty.as_str(), r.value.as_str()),
            ("Response", "Response captured as exception with no keys")
        );
    }

    #[test]
    fn fifty_thousand_keys_are_sorted_and_listed_as_far_as_shown() {
        // Reversed: the insertion sort's worst case (72 s for 50,000 keys in a debug build).
        let keys: Vec<String> = (0..50_000)
            .rev()
            .map(|i| std::format!("key{i:05}"))
            .collect();
        let e = exception_from(&Thrown::Object { class: None, keys }, mech());
        let shown = e
            .value
            .strip_prefix("Object captured as exception with keys: key00000, key00001, key00002")
            .expect(&e.value);
        assert!(shown.ends_with('…'));
        assert_eq!(
            e.value.chars().count(),
            "Object captured as exception with keys: ".len() + MAX_KEY_LIST_CHARS
        );
    }

    #[test]
    fn truncates_long_values_on_char_boundaries() {
        let long = "é".repeat(MAX_VALUE_CHARS + 10);
        let e = exception_from(
            &Thrown::Primitive {
                type_name: "string",
                text: long,
            },
            mech(),
        );
        assert_eq!(e.value.chars().count(), MAX_VALUE_CHARS);
        assert!(e.value.ends_with('…'));
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdef", 3), "ab…");
    }
}
