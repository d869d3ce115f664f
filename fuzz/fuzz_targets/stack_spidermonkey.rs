//! `function@location` stack lines: SpiderMonkey (Firefox) and JavaScriptCore (Safari, Bun,
//! React Native) print this format, and one parser, `stacktrace::spidermonkey::parse_line`,
//! reads both; the corpus is seeded from both engines' fixtures.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tattle::stacktrace::spidermonkey;
use tattle_fuzz::{check_frame, tattle_json};

fuzz_target!(|data: &[u8]| {
    let Ok(stack) = std::str::from_utf8(data) else {
        return;
    };
    let mut frames = Vec::new();
    for line in stack.lines() {
        if let Some(f) = spidermonkey::parse_line(line) {
            check_frame(&f, line.chars().count());
            frames.push(f);
        }
    }
    tattle_json(&frames);
});
