//! Turns the text of a JavaScript `error.stack` into Sentry frames.
//!
//! Engines only hand us text, and each prints its own format, so parsing is done per line: a
//! line is sent to the parser of the format it looks like, and lines no parser accepts (the
//! error message, blank lines, anything else) are skipped. V8's format (Chrome, Node, Deno,
//! workerd) is in `v8`; SpiderMonkey's and JavaScriptCore's `fn@url:line:col` lines are in
//! `spidermonkey`.

#[allow(unused_imports)]
use crate::prelude::*;
pub mod spidermonkey;
pub mod v8;
pub mod wasm;

use crate::protocol::Frame;
use crate::text::{contains, head, tail};

/// Most frames kept per stack trace, so one deep recursion cannot make an event too large
/// for Sentry; the middle of a longer trace is dropped, its two ends kept.
pub const MAX_FRAMES: usize = 50;

/// Longest line parsed, in characters; longer lines are cut first, which bounds the work and
/// the memory one line (a minified function name, a data: URL) can cost.
pub const MAX_LINE: usize = 1024;

/// Parses `error.stack` into frames, oldest call first as Sentry wants them (engines print the
/// newest first). At most [`MAX_FRAMES`]: the oldest and the newest halves stay.
pub fn parse(stack: &str) -> Vec<Frame> {
    let half = MAX_FRAMES / 2;
    // Engines print the newest frame first: the first `half` frames seen are the newest and
    // are always kept; of the rest only the last `MAX_FRAMES - half` (the oldest) are held.
    let mut newest = Vec::new();
    let mut oldest = Vec::new();
    for line in stack.lines() {
        let Some(frame) = parse_line(cut(line, MAX_LINE)) else {
            continue;
        };
        if newest.len() < half {
            newest.push(frame);
        } else {
            oldest.push(frame);
        }
    }
    // Only the last (oldest) frames beyond the newest half are kept.
    let skip = oldest.len().saturating_sub(MAX_FRAMES - half);
    oldest
        .into_iter()
        .skip(skip)
        .rev()
        .chain(newest.into_iter().rev())
        .collect()
}

/// Sends a line to the parser of the format it looks like.
fn parse_line(line: &str) -> Option<Frame> {
    let trimmed = line.trim_start();
    if trimmed.starts_with("at ") {
        v8::parse_line(line)
    } else if !line.starts_with(char::is_whitespace) {
        // SpiderMonkey and JavaScriptCore: `name@url:line:col`, flush left.
        spidermonkey::parse_line(line)
    } else {
        None
    }
}

/// The `filename` Sentry shows for a location: the path of an http(s) or file URL, without
/// query or hash (so one file groups the same whatever its cache-busting query), or any other
/// location (`node:fs`, `blob:…`, a plain path) as it is.
pub fn filename_of(abs_path: &str) -> String {
    url_path(abs_path).to_owned()
}

/// [`filename_of`] without the copy.
fn url_path(abs_path: &str) -> &str {
    for scheme in ["http://", "https://", "file://"] {
        let Some(rest) = abs_path.strip_prefix(scheme) else {
            continue;
        };
        return match rest.find(['/', '?', '#']) {
            Some(start) if rest.as_bytes()[start] == b'/' => {
                let path = tail(rest, start);
                head(path, path.find(['?', '#']).unwrap_or(path.len()))
            }
            _ => "/",
        };
    }
    abs_path
}

/// False for code that is not the application's: engine builtins, Node's, Deno's and
/// workerd's own modules, dependencies and browser extensions.
fn in_app(abs_path: &str) -> bool {
    !(abs_path == "<anonymous>"
        || abs_path == "native"
        || abs_path.starts_with("node:")
        || abs_path.starts_with("ext:")
        || abs_path.starts_with("node-internal:")
        || abs_path.starts_with("cloudflare-internal:")
        || abs_path == "[native code]"
        || abs_path.starts_with("moz-extension://")
        || abs_path.starts_with("chrome-extension://")
        || abs_path.starts_with("safari-web-extension://")
        || contains(abs_path, "/node_modules/")
        // Deno's global npm cache ($DENO_DIR/npm/registry.npmjs.org/<package>/<version>/),
        // where `npm:` packages live when there is no node_modules folder.
        || contains(abs_path, "/npm/registry.npmjs.org/")
        || contains(abs_path, "\\node_modules\\"))
}

/// The first `max` characters of `line`.
fn cut(line: &str, max: usize) -> &str {
    match line.char_indices().nth(max) {
        Some((end, _)) => head(line, end),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_counts_characters() {
        assert_eq!(cut("héllo", 2), "hé");
        assert_eq!(cut("héllo", 5), "héllo");
        assert_eq!(cut("héllo", 9), "héllo");
        assert_eq!(cut("", 0), "");
    }

    #[test]
    fn newest_first_becomes_oldest_first() {
        let frames = parse("Error: x\n    at b (/a.js:2:1)\n    at a (/a.js:1:1)");
        let names: Vec<_> = frames.iter().map(|f| f.function.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("b")]);
    }
}
