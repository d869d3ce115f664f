//! Turns the text of a JavaScript `error.stack` into Sentry frames.
//!
//! Engines only hand us text, and each prints its own format, so parsing is done per line, and
//! lines no parser accepts (the error message, blank lines, anything else) are skipped. A stack
//! with `at ` lines is V8's format (Chrome, Node, Deno, workerd, and the engines that print
//! like it: Hermes, Chakra, PhantomJS), in `v8`; its other lines are the error's message, which
//! may say anything, so they are never read as frames. Any other stack is SpiderMonkey's or
//! JavaScriptCore's `fn@url:line:col` lines, in `spidermonkey`; they print no message.

#[allow(unused_imports)]
use crate::prelude::*;
pub mod spidermonkey;
pub mod v8;
pub mod wasm;

use crate::protocol::Frame;
use crate::text::{
    contains, digits_value, find, find_any, head, lines, rsplit_byte_once, split_once, tail,
};

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
    let v8 = lines(stack).any(|l| crate::text::trim_start(l).starts_with("at "));
    for line in lines(stack) {
        let line = cut(line, MAX_LINE);
        let frame = if v8 {
            v8::parse_line(line)
        } else {
            spidermonkey::parse_line(line)
        };
        let Some(frame) = frame else {
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
    let mut frames = Vec::with_capacity(oldest.len() - skip + newest.len());
    while oldest.len() > skip {
        match oldest.pop() {
            Some(frame) => frames.push(frame),
            None => break,
        }
    }
    while let Some(frame) = newest.pop() {
        frames.push(frame);
    }
    frames
}

/// The `filename` Sentry shows for a location: the path of an http(s) or file URL, without
/// query or hash (so one file groups the same whatever its cache-busting query), a data: URL
/// by its media type as Sentry's own SDK names it (`<data:text/javascript>`, see
/// `data_name`), or any other location (`node:fs`, `blob:…`, a plain path) as it is.
pub fn filename_of(abs_path: &str) -> String {
    data_name(abs_path).unwrap_or_else(|| url_path(abs_path).to_owned())
}

/// `<data:text/javascript>` for `data:text/javascript,code…`: the code a data: URL carries is
/// no file name (it would be the whole script, and no source map can be fetched for it).
fn data_name(abs_path: &str) -> Option<String> {
    let rest = abs_path.strip_prefix("data:")?;
    Some(crate::text::cat(&[
        "<data:",
        head(rest, find(rest, ",").unwrap_or(0)),
        ">",
    ]))
}

/// The frame of a function at a location; a data: URL's location is its [`data_name`] in
/// `abs_path` too, so the code stays out of the event.
fn frame(name: &str, path: Option<&str>, lineno: Option<u32>, colno: Option<u32>) -> Frame {
    let data = path.and_then(data_name);
    let path = data.as_deref().or(path);
    Frame {
        function: function(name),
        filename: path.map(filename_of),
        abs_path: path.map(str::to_owned),
        lineno,
        colno,
        in_app: Some(path.is_some_and(in_app)),
        ..Frame::default()
    }
}

/// The function name as Sentry wants it: none for an anonymous function.
fn function(name: &str) -> Option<String> {
    match crate::text::trim(name) {
        "" | "<anonymous>" | "?" => None,
        n => Some(n.to_owned()),
    }
}

/// Splits `path:line:col`, or `path:line` where the engine printed no column (Firefox before
/// 30, Safari 6, PhantomJS) after something that is clearly a file: a path, or a URL with a
/// path (`http://h:8080` is a host and port). `None` unless the path is plausible.
fn position(loc: &str) -> Option<(&str, u32, Option<u32>)> {
    let (rest, last) = trailing_number(loc)?;
    let plausible = |p: &str| !p.is_empty() && !crate::text::all_digits(p);
    if let Some((path, line)) = trailing_number(rest) {
        return plausible(path).then_some((path, line, Some(last)));
    }
    // Digits left after the path (`/a.js:99999999999:2`, a line too large) are no file name.
    let after_scheme = split_once(rest, "://").map_or(rest, |(_, r)| r);
    let file = find_any(after_scheme, b"/\\").is_some()
        && !rsplit_byte_once(rest, b':').is_some_and(|(_, n)| crate::text::all_digits(n));
    file.then_some((rest, last, None))
}

/// Splits `s` at its last ':' if only digits follow.
fn trailing_number(s: &str) -> Option<(&str, u32)> {
    let (rest, digits) = rsplit_byte_once(s, b':')?;
    if digits.is_empty() || !crate::text::all_digits(digits) {
        return None;
    }
    Some((rest, u32::try_from(digits_value(digits)?).ok()?))
}

/// [`filename_of`] without the copy.
fn url_path(abs_path: &str) -> &str {
    for scheme in ["http://", "https://", "file://"] {
        let Some(rest) = abs_path.strip_prefix(scheme) else {
            continue;
        };
        return match find_any(rest, b"/?#") {
            Some(start) if rest.as_bytes()[start] == b'/' => {
                let path = tail(rest, start);
                head(path, find_any(path, b"?#").unwrap_or(path.len()))
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
        || abs_path == "native code"
        || abs_path.starts_with("node:")
        || abs_path.starts_with("ext:")
        || abs_path.starts_with("node-internal:")
        || abs_path.starts_with("cloudflare-internal:")
        || abs_path == "[native code]"
        || abs_path.starts_with("moz-extension://")
        || abs_path.starts_with("chrome-extension://")
        || abs_path.starts_with("safari-web-extension://")
        || abs_path.starts_with("safari-extension://")
        || contains(abs_path, "/node_modules/")
        // Deno's global npm cache ($DENO_DIR/npm/registry.npmjs.org/<package>/<version>/),
        // where `npm:` packages live when there is no node_modules folder.
        || contains(abs_path, "/npm/registry.npmjs.org/")
        || contains(abs_path, "\\node_modules\\"))
}

/// The first `max` characters of `line`.
fn cut(line: &str, max: usize) -> &str {
    match crate::text::char_index(line, max) {
        Some(end) => head(line, end),
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
