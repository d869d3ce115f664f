//! A Rust wasm app that reports through tattle's Rust API: no JavaScript glue of its own.
use std::fmt;
use wasm_bindgen::prelude::*;

/// Starts tattle for this app (and its panic hook).
#[wasm_bindgen]
pub fn start(dsn: String) -> bool {
    let enabled = tattle::init(tattle::ClientOptions {
        dsn: Some(dsn),
        release: Some("panic_app@0.1.0".into()),
        environment: Some("e2e".into()),
        traces_sample_rate: Some(1.0),
        ..Default::default()
    })
    .is_enabled();
    tattle::configure_scope(|scope| scope.set_tag("app", "panic_app"));
    enabled
}

#[derive(Debug)]
struct ConfigError {
    source: std::num::ParseIntError,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad port in config")
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A handled error with a cause: returns the event id.
#[wasm_bindgen]
pub fn report_error() -> String {
    let source = "80a".parse::<u16>().unwrap_err();
    tattle::capture_error(&ConfigError { source })
}

/// Panics (in a function of its own, so its name shows in the wasm frames).
#[wasm_bindgen]
pub fn checkout(items: u32) -> u32 {
    compute_total(items)
}

#[inline(never)]
fn compute_total(items: u32) -> u32 {
    if items > 3 {
        panic!("cart has {items} items, the limit is 3"); // @line panic
    }
    items * 10
}

/// A traced checkout: a transaction with a child span for its request. Returns the span's
/// `sentry-trace` header (what the request would carry to the backend).
#[wasm_bindgen]
pub fn traced_checkout(items: u32) -> String {
    let mut tx = tattle::start_transaction("checkout", "ui.action");
    let mut span = tx.start_child("http.client", "GET /api/cart?token=abc123");
    span.set_data(
        "http.response.status_code",
        tattle::protocol::Value::Number(200.0),
    );
    span.set_status("ok");
    let header = span.trace_header();
    span.finish();
    tx.set_tag("items", &items.to_string());
    tx.set_status("ok");
    tx.finish();
    header
}
