//! V8's stack lines (and Hermes, Chakra, PhantomJS that print like it), one line at a time,
//! as `stacktrace::v8::parse_line` is called on any line of a V8 stack.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tattle::stacktrace::v8;
use tattle_fuzz::{check_frame, tattle_json};

fuzz_target!(|data: &[u8]| {
    let Ok(stack) = std::str::from_utf8(data) else {
        return;
    };
    let mut frames = Vec::new();
    for line in stack.lines() {
        if let Some(f) = v8::parse_line(line) {
            check_frame(&f, line.chars().count());
            assert!(line.trim_start().starts_with("at"), "a frame from {line:?}");
            frames.push(f);
        }
    }
    tattle_json(&frames);
});
