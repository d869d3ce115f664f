//! V8's stack lines (Chrome, Edge, Node, Deno, workerd).
//!
//! V8 prints each frame as `    at ` followed by one of:
//!
//! - `name (location)`, where name may be `new Foo`, `Foo.bar [as baz]`, `async name`, …
//! - `location` alone, for an anonymous function;
//! - `async Promise.all (index 1)`, for a promise combinator waiting on the failed promise.
//!
//! A location is `url:line:col`, `<anonymous>` or `native` (builtins), `url:wasm-function[i]:0xoff`
//! (WebAssembly), or for code run by `eval`/`new Function`
//! `eval at caller (url:line:col), <anonymous>:line:col`, where the origin may itself be an eval
//! (Deno prints an eval named by `//# sourceURL` as `name, <anonymous>:line:col`).
//! URLs and paths may contain spaces, colons and parentheses, so the location is found as the
//! parenthesised group that ends the line, and its numbers are split off from the right.
//!
//! Other engines print this format with their own variations, read here too:
//!
//! - Hermes (React Native): `name (address at bundle:1:31561)`, and builtins `name (native)`;
//! - Chakra (Edge ≤ 44): builtins `Array.prototype.map (native code)`;
//! - PhantomJS and old Chrome: `url:line` with no column, and `(async url:line:col)`;
//! - React Native's own traces on Android and some bundlers: `name(location)`, no space;
//! - Safari's legacy extensions: `fn@safari-extension:(//id/file.js:1:2)`.

use super::{frame, position};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::Frame;
use crate::text::{cat, contains, head, rfind, rfind_byte, rsplit_once, slice, split_once, tail};

/// Parses one line of a V8 `error.stack`; `None` when the line is not a frame (for instance a
/// line of the error's message that happens to start with "at ").
pub fn parse_line(line: &str) -> Option<Frame> {
    let rest = crate::text::trim_start(crate::text::trim(line).strip_prefix("at ")?);
    // "async " marks a frame waiting in an async function; a function named `async` stays.
    let rest = match rest.strip_prefix("async ") {
        Some(r) if !r.starts_with('(') => r,
        _ => rest,
    };

    if let Some(body) = rest.strip_suffix(')') {
        if let Some(open) = open_paren(body) {
            let (name, loc) = (head(body, open), tail(body, open + 1));
            // Safari's legacy extensions: `fn@safari-extension:(//id/file.js:1:2)`, the
            // URL's scheme outside the parentheses.
            let frame = if name.ends_with("extension:") {
                let (name, scheme) = split_once(name, "@").unwrap_or(("", name));
                located(Some(name), &cat(&[scheme, loc]))
            } else {
                // `name (location)`: a frame, or nothing (`at step 3 (see the log)`).
                located(Some(name), loc)
            };
            if frame.is_some() {
                return frame;
            }
        }
    }
    // `name (location` on a line of MAX_LINE characters: cut inside the location (a ")" at the
    // cut is no end of it). The function and the start of the location are still worth
    // keeping; the numbers may be cut short, so they are not trusted.
    if crate::text::char_index(line, super::MAX_LINE - 1).is_some() {
        if let Some((name, loc)) = split_once(rest, " (") {
            if cut_location(loc) {
                return Some(frame(name, Some(loc), None, None));
            }
        }
    }
    located(None, rest)
}

/// A frame of `name` (None for the bare form) at `loc`, if `loc` is a location V8 prints.
fn located(name: Option<&str>, loc: &str) -> Option<Frame> {
    let name = name.unwrap_or("");
    // Hermes: `(address at bundle:1:2)`; old Chrome: `(async http://h/a.js:1:2)`.
    let loc = loc.strip_prefix("address at ").unwrap_or(loc);
    let loc = loc.strip_prefix("async ").unwrap_or(loc);
    if let Some(n) = loc.strip_prefix("index ") {
        // `Promise.all (index 1)`: a builtin without a location of its own.
        let index = !n.is_empty() && crate::text::all_digits(n);
        return index.then(|| frame(name, None, None, None));
    }
    if loc.starts_with("eval at ") {
        // Code run by eval has no file of its own: use where the outermost eval was called.
        let origin = eval_origin(loc);
        let (path, line, col) = position(origin)
            .or_else(|| position(rsplit_once(loc, ", ").map_or(loc, |(_, last)| last)))?;
        return Some(frame(name, Some(path), Some(line), col));
    }
    if let Some(frame) = super::wasm::frame(name, loc) {
        return Some(frame);
    }
    if loc == "<anonymous>" || loc == "native" || loc == "native code" {
        return Some(frame(name, Some(loc), None, None));
    }
    let (path, line, col) = position(loc)?;
    // Deno prints code evaluated with a `//# sourceURL=name` as `name, <anonymous>:1:2` where
    // V8 prints `name:1:2`: the name is the file.
    let path = match path.strip_suffix(", <anonymous>") {
        Some(named) if !named.is_empty() => named,
        _ => path,
    };
    Some(frame(name, Some(path), Some(line), col))
}

/// Index in `body` of the "(" that opens the group ending `body` (whose ")" was stripped),
/// preceded by a space as V8 prints it, or by the name where the space is missing.
fn open_paren(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut depth = 1usize;
    let mut open = None;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    match open {
        Some(i) if i > 0 && bytes[i - 1] == b' ' => Some(i),
        // Unbalanced parentheses in a path or name: fall back to the last " (", then to
        // `name(location)` without the space.
        _ => rfind(body, " (").map(|i| i + 1).or(open.filter(|&i| i > 0)),
    }
}

/// The innermost origin of `eval at f (eval at g (url:1:2)), <anonymous>:3:4`: `url:1:2`.
fn eval_origin(mut loc: &str) -> &str {
    while let Some(rest) = loc.strip_prefix("eval at ") {
        let Some(close) = rfind_byte(rest, b')') else {
            break;
        };
        let Some(open) = open_paren(head(rest, close)) else {
            break;
        };
        loc = slice(rest, open + 1, close);
    }
    loc
}

/// Whether a location that lost its end to the line cut still looks like a URL or a path.
fn cut_location(loc: &str) -> bool {
    let b = loc.as_bytes();
    let drive =
        b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/');
    loc.starts_with("data:")
        || !loc.chars().any(char::is_whitespace)
            && (contains(loc, "://") || loc.starts_with('/') || drive)
}
