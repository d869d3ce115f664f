//! The JS boundary in Node (V8), via wasm-bindgen-test-runner.
#![cfg(target_arch = "wasm32")]
mod common;
