//! The JS boundary in headless Chromium, via wasm-bindgen-test-runner and chromedriver.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
mod common;
