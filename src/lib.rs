//! tattle: a small Sentry-compatible error reporter for browsers, edge workers and Rust wasm apps.
//!
//! The core (DSN, protocol, envelopes, stack traces, scope, client) is pure Rust and tested
//! natively; the only wasm-bindgen code lives in the `js` module (wasm builds only).
#![deny(missing_docs)]
// no_std so the npm build can trap on panic without linking core::fmt and std's panic
// machinery (about a quarter of the wasm). Rust apps get std through the default `std` feature.
#![no_std]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

/// What every module uses from `alloc`, since there is no std prelude.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod wasm_rt;

mod client;
pub mod debug_ids;
mod dsn;
mod envelope;
mod error;
mod exception;
#[cfg(feature = "std")]
pub mod integrations;
pub mod json;
pub mod protocol;
#[cfg(feature = "std")]
mod rust_error;
mod scope;
pub mod scrub;
pub mod stacktrace;
mod text;

/// The JavaScript boundary: what the npm package's entry calls. Only in the wasm build.
#[cfg(target_arch = "wasm32")]
pub mod js;

/// The Rust API for Rust wasm apps (with the default `std` feature).
#[cfg(all(target_arch = "wasm32", feature = "std"))]
mod api;
#[cfg(all(target_arch = "wasm32", feature = "std"))]
pub use api::{
    add_breadcrumb, capture_error, capture_message, configure_scope, init, start_transaction,
    with_scope, ClientGuard, Span, Transaction,
};

#[cfg(feature = "std")]
pub use client::BeforeSend;
pub use client::{Client, ClientOptions, DiscardReason, Dsc, Outgoing, CLIENT_NAME, MAX_SPANS};
pub use dsn::Dsn;
pub use envelope::{is_event_id, uuid4_hex, Envelope, EnvelopeError, MAX_EVENT_BYTES};
pub use error::DsnError;
pub use exception::{
    exception_from, exceptions_from, location_frame, truncate, Linked, Thrown, MAX_CAUSE_DEPTH,
    MAX_LINKED, MAX_VALUE_CHARS,
};
pub use scope::{Scope, MAX_BREADCRUMBS, MAX_TAG_VALUE_CHARS};
