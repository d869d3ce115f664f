//! Integrations with the crates a Rust wasm app already uses, each behind its own cargo
//! feature: `leptos` (feature `leptos`), `tracing` (feature `tracing-subscriber`), `log` (feature `log`).
//!
//! Each turns what it sees into a `Report` (an event or a breadcrumb, built by pure code that
//! plain `cargo test` covers) and hands it to a sink: the Rust API in a wasm build.
//! In a native build there is no Rust API (tattle sends from JavaScript), so reports go nowhere.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Breadcrumb, Event};

#[cfg(feature = "leptos")]
pub mod leptos;
#[cfg(feature = "log")]
pub mod log;
#[cfg(feature = "tracing-subscriber")]
pub mod tracing;

/// What an integration hands to tattle.
#[derive(Clone, Debug, PartialEq)]
// Each report is made once and moved to the sink: no array of them to keep small.
#[allow(dead_code, clippy::large_enum_variant)]
pub(crate) enum Report {
    /// An event to capture (its id and time are set when it is captured).
    Event(Event),
    /// A breadcrumb for the current scope (its time is set when it is added, if zero).
    Crumb(Breadcrumb),
}

/// Where reports go: the Rust API (wasm), or a test's recorder.
#[allow(dead_code)]
pub(crate) type Sink = fn(Report);

/// The Rust API: events are captured, breadcrumbs added to the current scope.
#[allow(dead_code)]
pub(crate) fn to_api(report: Report) {
    #[cfg(target_arch = "wasm32")]
    match report {
        Report::Event(event) => {
            crate::api::capture_event(event);
        }
        Report::Crumb(crumb) => crate::api::add_breadcrumb(crumb),
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = report;
}

/// A bounded set of what was already reported (fingerprints), oldest forgotten first.
#[derive(Default)]
#[allow(dead_code)]
pub(crate) struct Seen(Vec<String>);

#[allow(dead_code)]
impl Seen {
    /// Most fingerprints kept.
    pub(crate) const MAX: usize = 100;

    /// True the first time `fingerprint` is offered (and remembers it).
    pub(crate) fn first_time(&mut self, fingerprint: &str) -> bool {
        if self.0.iter().any(|f| f == fingerprint) {
            return false;
        }
        if self.0.len() >= Self::MAX {
            self.0.remove(0);
        }
        self.0.push(fingerprint.to_owned());
        true
    }
}

#[cfg(test)]
#[allow(dead_code)] // used by the integrations' tests, which need their features
pub(crate) mod recorder {
    //! A sink for the integrations' tests: reports recorded per thread (cargo's tests run on
    //! threads of their own).
    use super::Report;
    use std::cell::RefCell;
    use std::vec::Vec;

    std::thread_local! {
        static REPORTS: RefCell<Vec<Report>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) fn sink(report: Report) {
        REPORTS.with(|r| r.borrow_mut().push(report));
    }

    /// What was reported on this thread so far (and forgets it).
    pub(crate) fn take() -> Vec<Report> {
        REPORTS.with(|r| core::mem::take(&mut *r.borrow_mut()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_once_then_forgotten_when_full() {
        let mut seen = Seen::default();
        assert!(seen.first_time("a"));
        assert!(!seen.first_time("a"));
        for i in 0..Seen::MAX {
            seen.first_time(&i.to_string());
        }
        assert!(seen.first_time("a"), "the oldest is forgotten");
    }
}
