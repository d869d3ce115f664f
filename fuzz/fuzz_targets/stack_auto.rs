//! `stacktrace::parse`, the entry point that picks the format: never panics, keeps at most
//! MAX_FRAMES (both ends of a long trace), oldest first, and gives exactly the frames the
//! format's line parser gives for each line (cut at MAX_LINE characters), as the module
//! documents: a stack with `at ` lines is V8's, any other is read as `fn@url` lines.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tattle::stacktrace::{parse, spidermonkey, v8, MAX_FRAMES, MAX_LINE};
use tattle_fuzz::{check_frame, tattle_json};

fn cut(line: &str) -> &str {
    match line.char_indices().nth(MAX_LINE) {
        Some((end, _)) => &line[..end],
        None => line,
    }
}

fuzz_target!(|data: &[u8]| {
    // First byte with its low 3 bits set: the stack repeated to 64 KiB, so that work growing
    // faster than the stack shows as a slow input (over 2 s) or a timeout.
    let Some((&flags, data)) = data.split_first() else {
        return;
    };
    let Ok(stack) = std::str::from_utf8(data) else {
        return;
    };
    let long;
    let stack = if flags & 7 == 7 && !stack.is_empty() {
        long = stack.repeat((64 * 1024 / stack.len()).max(1));
        long.as_str()
    } else {
        stack
    };
    let frames = parse(stack);
    assert!(frames.len() <= MAX_FRAMES);
    for f in &frames {
        check_frame(f, MAX_LINE);
    }
    let is_v8 = stack.lines().any(|l| l.trim_start().starts_with("at "));
    let mut all: Vec<_> = stack
        .lines()
        .filter_map(|l| {
            let l = cut(l);
            if is_v8 {
                v8::parse_line(l)
            } else {
                spidermonkey::parse_line(l)
            }
        })
        .collect();
    if all.len() > MAX_FRAMES {
        let half = MAX_FRAMES / 2;
        all.drain(half..all.len() - (MAX_FRAMES - half));
    }
    all.reverse();
    assert_eq!(frames, all, "parse differs from its line parser");
    tattle_json(&frames);
});
