//! Leptos 0.8 (cargo feature `leptos`): the errors a view renders (an `Err` in a view) reach
//! tattle as events, `handled: true`, with their `Display` text, their `source()` chain as
//! linked exceptions, a type name (see below) and the page's route as the event's
//! `transaction`. Panics need nothing from here: [`crate::init`]'s panic hook reports them.
//!
//! Two ways in, because Leptos has two:
//! - **Outside any `<ErrorBoundary>`**, a view's `Err` goes to `throw_error`'s global error
//!   hook. [`crate::init`] installs tattle's there, chaining the hook that was set before it
//!   (its `throw` and `clear` are still called, and its ids returned). A hook the app sets
//!   *after* `init` replaces tattle's.
//! - **Inside an `<ErrorBoundary>`**, the error never reaches a global hook: Leptos's boundary
//!   sets its own hook while it builds its children, and `Result`'s view state keeps that hook
//!   for every rebuild (leptos 0.8.23 `ErrorBoundaryView::build`, tachys 0.2.19 `Render for
//!   Result`); the boundary's hook does not chain. So tattle offers [`ErrorBoundary`], the same
//!   component with the same props, which reports what its errors signal holds. One `use` line
//!   (after the prelude's glob, which it shadows) and the views stay as they are:
//!
//! ```ignore
//! use leptos::prelude::*;
//! use tattle::integrations::leptos::ErrorBoundary;
//! ```
//!
//! The type name: Leptos keeps the error as `Arc<dyn Error + Send + Sync>`, which has no type
//! name at run time (no `Any`: it cannot even be downcast without guessing the type). tattle
//! names it as sentry-rust does, by the head of its `Debug` form (`ParseIntError { kind: … }`
//! → `ParseIntError`); an error made from a `String` or `&str` (`Err("…".to_string())`)
//! debugs as its quoted text and is named `Error`.
//!
//! Once: a view re-renders its `Err` each time a signal it reads changes (Leptos clears the
//! old error and throws the new one, a new value each time). An error (same type and text,
//! whole chain, same route) is sent the first time it is shown on the page; the last 100
//! such errors are remembered.

use super::{Report, Seen, Sink};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::Mechanism;
use crate::rust_error::{error_event, fingerprint};
use core::cell::{Cell, RefCell};
use leptos::error::{Error as ViewError, ErrorHook, ErrorId, Errors};
use leptos::prelude::*;
use std::sync::Arc;

std::thread_local! {
    static SEEN: RefCell<Seen> = RefCell::new(Seen::default());
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// The mechanism of an error a view showed in an `<ErrorBoundary>`.
pub const BOUNDARY_MECHANISM: &str = "leptos.error_boundary";
/// The mechanism of an error a view threw outside any boundary.
pub const HOOK_MECHANISM: &str = "leptos.throw";

/// Reports `error` through `sink` unless it was already reported on this page.
fn report_to(sink: Sink, error: &ViewError, mechanism: &str, route: Option<String>) {
    let e: &(dyn std::error::Error + Send + Sync + 'static) = &***error;
    let mut key = fingerprint(e);
    key.push_str(route.as_deref().unwrap_or_default());
    if !SEEN.with(|s| s.try_borrow_mut().is_ok_and(|mut s| s.first_time(&key))) {
        return;
    }
    let mut event = error_event(e, Mechanism::new(mechanism, true));
    event.transaction = route;
    sink(Report::Event(event));
}

fn report(error: &ViewError, mechanism: &str) {
    report_to(super::to_api, error, mechanism, route());
}

/// The page's path, as the route the error was shown on.
fn route() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    return crate::js::current_path();
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// The global error hook: reports, then hands the error to the hook set before tattle's.
struct Hook {
    previous: Option<Arc<dyn ErrorHook>>,
}

impl ErrorHook for Hook {
    fn throw(&self, error: ViewError) -> ErrorId {
        report(&error, HOOK_MECHANISM);
        match &self.previous {
            Some(previous) => previous.throw(error),
            None => ErrorId::default(),
        }
    }

    fn clear(&self, id: &ErrorId) {
        if let Some(previous) = &self.previous {
            previous.clear(id);
        }
    }
}

/// Installs tattle's global error hook (once per page, however often `init` runs).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn install_hook() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let previous = leptos::error::get_error_hook();
    // The reset guard would put the previous hook back when dropped: tattle's stays.
    core::mem::forget(leptos::error::set_error_hook(Arc::new(Hook { previous })));
}

/// Leptos's `<ErrorBoundary>`, reporting each error it shows to tattle (see the module docs).
/// Same props, same behaviour: the `fallback` gets the same errors signal.
#[component]
pub fn ErrorBoundary<FalFn, Fal, Chil>(
    /// The elements that will be rendered, which may include one or more `Result<_>` types.
    children: TypedChildren<Chil>,
    /// What is shown while there are errors (given the boundary's errors).
    mut fallback: FalFn,
) -> impl IntoView
where
    FalFn: FnMut(ArcRwSignal<Errors>) -> Fal + Send + 'static,
    Fal: IntoView + Send + 'static,
    Chil: IntoView + Send + 'static,
{
    // Leptos calls the fallback when the first error arrives; while it is shown, an effect
    // (disposed with it) reports the errors added later.
    let reporting = move |errors: ArcRwSignal<Errors>| {
        let watched = errors.clone();
        Effect::new(move |_| {
            watched.with(|errors| {
                for (_, error) in errors.iter() {
                    report(error, BOUNDARY_MECHANISM);
                }
            })
        });
        fallback(errors)
    };
    leptos::error::ErrorBoundary(
        leptos::error::ErrorBoundaryProps::builder()
            .children(children)
            .fallback(reporting)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::recorder;
    use super::*;

    #[derive(Debug)]
    struct NotFound(std::num::ParseIntError);
    impl core::fmt::Display for NotFound {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("no such user")
        }
    }
    impl std::error::Error for NotFound {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    fn view_error() -> ViewError {
        NotFound("x".parse::<u32>().unwrap_err()).into()
    }

    #[test]
    fn a_view_error_becomes_one_handled_event_per_route() {
        recorder::take();
        for _ in 0..3 {
            // A re-render throws a new value of the same error.
            report_to(
                recorder::sink,
                &view_error(),
                BOUNDARY_MECHANISM,
                Some("/users/7".into()),
            );
        }
        report_to(
            recorder::sink,
            &view_error(),
            BOUNDARY_MECHANISM,
            Some("/users/8".into()),
        );
        let reports = recorder::take();
        assert_eq!(reports.len(), 2, "once per route: {reports:?}");
        let Report::Event(event) = &reports[0] else {
            panic!("an event")
        };
        assert_eq!(event.transaction.as_deref(), Some("/users/7"));
        let values = &event.exception.as_ref().unwrap().values;
        assert_eq!(values[1].ty, "NotFound");
        assert_eq!(values[1].value, "no such user");
        assert_eq!(values[0].ty, "ParseIntError");
        let m = values[1].mechanism.as_ref().unwrap();
        assert_eq!((m.ty.as_str(), m.handled), (BOUNDARY_MECHANISM, true));
    }

    #[test]
    fn the_hook_chains_the_previous_one() {
        use std::sync::Mutex;
        struct Counting(Mutex<Vec<String>>);
        impl ErrorHook for Counting {
            fn throw(&self, error: ViewError) -> ErrorId {
                self.0.lock().unwrap().push(error.to_string());
                ErrorId::from(7)
            }
            fn clear(&self, id: &ErrorId) {
                self.0.lock().unwrap().push(std::format!("clear {id}"));
            }
        }
        let previous = Arc::new(Counting(Mutex::new(Vec::new())));
        let hook = Hook {
            previous: Some(previous.clone()),
        };
        let id = hook.throw(ViewError::from("from a view"));
        hook.clear(&id);
        assert_eq!(id, ErrorId::from(7));
        assert_eq!(*previous.0.lock().unwrap(), ["from a view", "clear 7"]);
    }
}
