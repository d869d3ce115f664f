//! WebAssembly locations (`url:wasm-function[i]:0xoff`) and Rust symbol clean-up
//! (`stacktrace::wasm::frame`, `rust_name`). Input: the function name, a newline, the location.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tattle::stacktrace::wasm;
use tattle_fuzz::{check_frame, tattle_json};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (name, loc) = input.split_once('\n').unwrap_or((input, ""));
    // One line: the engines print a frame's location on the frame's line.
    let loc = loc.lines().next().unwrap_or("");
    let clean = wasm::rust_name(name);
    assert!(
        clean.len() <= name.len() * 2 + 8,
        "rust_name grew {name:?} to {clean:?}"
    );
    if let Some(f) = wasm::frame(name, loc) {
        assert!(loc.contains(":wasm-function["), "a wasm frame from {loc:?}");
        check_frame(&f, input.chars().count());
        assert!(f.function.is_some(), "wasm frame without a function: {f:?}");
        tattle_json(&f);
    }
});
