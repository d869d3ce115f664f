//! Rust errors as Sentry exceptions: the `Display` text, the `source()` chain as linked
//! exceptions, and a type name. Pure: the Rust API, the Leptos integration and the `tracing`
//! layer share it, and plain `cargo test` covers it.

use crate::client::Client;
use crate::exception::{Linked, Thrown, MAX_LINKED};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Event, Mechanism, Timestamp};
use core::error::Error;

/// The error and its `source()` chain, the error first, each source linked to the one before.
pub(crate) fn chain(error: &dyn Error) -> Vec<Linked> {
    let mut chain = vec![Linked::root(thrown(error))];
    let mut source = error.source();
    while let Some(e) = source {
        if chain.len() >= MAX_LINKED {
            break;
        }
        let parent = chain.len() - 1;
        chain.push(Linked {
            thrown: thrown(e),
            parent: Some((parent, "source".to_owned())),
            group: false,
        });
        source = e.source();
    }
    chain
}

fn thrown(e: &dyn Error) -> Thrown {
    Thrown::Error {
        name: type_name(e),
        message: e.to_string(),
        stack: None,
    }
}

/// The error's type as sentry-rust names it: the start of its `Debug` form
/// (`ConfigError { source: … }` → `ConfigError`), or `Error` where that is not a name (a
/// `String` turned into a `Box<dyn Error>` debugs as its quoted text). A `dyn Error` keeps no
/// type name at run time, so the `Debug` form is the only source: a manual `Debug` that prints
/// something else names the type wrongly.
pub(crate) fn type_name(e: &dyn Error) -> String {
    /// Keeps the leading name and stops the formatting at the first other character.
    struct Head(String);
    impl core::fmt::Write for Head {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            for c in s.chars() {
                if !(c.is_alphanumeric() || c == '_' || c == ':') || self.0.len() >= 100 {
                    return Err(core::fmt::Error);
                }
                self.0.push(c);
            }
            Ok(())
        }
    }
    let mut head = Head(String::new());
    let _ = core::fmt::write(&mut head, format_args!("{e:?}"));
    let name = head.0.trim_end_matches(':');
    if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name.to_owned()
    } else {
        "Error".to_owned()
    }
}

/// An event for `error` (no id, no time yet: the Rust API stamps them when it sends it).
#[allow(dead_code)] // natively, only the integrations use it
pub(crate) fn error_event(error: &dyn Error, mechanism: Mechanism) -> Event {
    let mut event = Client::exception_event(
        &chain(error),
        mechanism,
        String::new(),
        Timestamp(0),
        None,
        None,
    );
    event.platform = "native";
    event
}

/// What makes two errors "the same" for the integrations that see one error many times (a
/// Leptos view re-rendering its `Err`): type and text of the whole chain.
#[allow(dead_code)]
pub(crate) fn fingerprint(error: &dyn Error) -> String {
    let mut out = String::new();
    for link in chain(error) {
        if let Thrown::Error { name, message, .. } = link.thrown {
            out.push_str(&name);
            out.push('\u{1f}');
            out.push_str(&message);
            out.push('\u{1e}');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::boxed::Box;
    use std::fmt;

    #[derive(Debug)]
    struct Outer(std::num::ParseIntError);
    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("bad port")
        }
    }
    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    fn outer() -> Outer {
        Outer("8x".parse::<u16>().unwrap_err())
    }

    #[test]
    fn the_chain_is_the_error_then_its_sources() {
        let c = chain(&outer());
        assert_eq!(c.len(), 2);
        assert_eq!(
            c[0].thrown,
            Thrown::Error {
                name: "Outer".into(),
                message: "bad port".into(),
                stack: None
            }
        );
        assert_eq!(c[1].parent, Some((0, "source".into())));
        assert!(matches!(&c[1].thrown, Thrown::Error { name, .. } if name == "ParseIntError"));
    }

    #[test]
    fn a_string_error_has_no_type_name() {
        let boxed: Box<dyn Error> = "plain text".into();
        assert_eq!(type_name(boxed.as_ref()), "Error");
        assert_eq!(boxed.to_string(), "plain text");
    }

    #[test]
    fn the_event_is_native_with_linked_exceptions() {
        let e = error_event(&outer(), Mechanism::new("generic", true));
        assert_eq!(e.platform, "native");
        let values = &e.exception.as_ref().unwrap().values;
        assert_eq!(values.len(), 2);
        assert_eq!(values[1].ty, "Outer");
        assert_eq!(values[0].ty, "ParseIntError");
    }

    #[test]
    fn fingerprints_differ_by_text() {
        let a = fingerprint(&outer());
        assert_eq!(a, fingerprint(&outer()));
        let other: Box<dyn Error> = "x".into();
        assert_ne!(a, fingerprint(other.as_ref()));
    }
}
