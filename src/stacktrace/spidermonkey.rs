//! `function@location` stack lines: SpiderMonkey (Firefox) and JavaScriptCore (Safari, Bun)
//! print frames this way, one per line, with no "at " and no message line.
//!
//! - `name@url:line:col`, `@url:line:col` (anonymous), `async*name@…` (SpiderMonkey marks the
//!   first frame after an await), `outer/<@…` (SpiderMonkey's anonymous function inside outer);
//! - eval and `new Function` code: SpiderMonkey `url line 44 > eval:1:38` (the script line
//!   that ran the eval, then the position inside the evaluated text; nested evals repeat the
//!   `line N > eval` part), JavaScriptCore `eval code@` with no location of its own;
//! - builtins: `map@[native code]`, or `[native code]` alone;
//! - WebAssembly: SpiderMonkey `url:wasm-function[1]:0x2b`, JavaScriptCore
//!   `<?>:wasm-function[1]` (no module, no offset).
//!
//! Older engines, still met in the wild:
//!
//! - JavaScriptCore in Safari 7–12 and React Native prints an anonymous function as its bare
//!   location, no `@`: `http://h/app.js:48:22`, `index.android.bundle:29:955`;
//! - Firefox before 30 and Safari 6 print no column: `name@url:line`;
//! - Firefox before 14 prints the arguments after the name: `bar(1)@url:13`, `()@url:44`.
//!
//! Lines may come indented (copied from a log, nested in another text). The location is split
//! at the first `@` (names never contain one; URLs may).

use super::{frame, function, position};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::Frame;
use crate::text::{digits_value, find, find_any, find_byte, head, tail};

/// Parses one `function@location` line; `None` when the line is not such a frame.
pub fn parse_line(line: &str) -> Option<Frame> {
    let line = crate::text::trim(line);
    if line == "[native code]" {
        return Some(frame("", Some(line), None, None));
    }
    let Some(at) = find_byte(line, b'@') else {
        // An anonymous function's bare location: a URL or a path, line and column, and
        // nothing else on the line, so a stray line of text is not taken for one.
        let (path, line_no, col) = position(line)?;
        let file = find_any(path, crate::text::ASCII_WHITESPACE).is_none()
            && find_any(path, b"/.").is_some();
        return (file && col.is_some()).then(|| frame("", Some(path), Some(line_no), col));
    };
    let name = head(line, at);
    let loc = tail(line, at + 1);
    // "async*" marks an await boundary; the function is the part after it.
    let name = name.strip_prefix("async*").unwrap_or(name);
    // Firefox before 14: `bar(1)@…`, `(null)@…`; the function is the part before the arguments.
    let name = match name.strip_suffix(')').and_then(|n| find_byte(n, b'(')) {
        Some(open) => head(name, open),
        None => name,
    };
    if loc == "[native code]" {
        return Some(frame(name, Some(loc), None, None));
    }
    if loc.is_empty() {
        // JavaScriptCore's eval and `new Function` code: a name, no location at all.
        return (!name.is_empty()).then(|| Frame {
            function: function(name),
            in_app: Some(true),
            ..Frame::default()
        });
    }
    if let Some(frame) = super::wasm::frame(name, loc) {
        return Some(frame);
    }
    if let Some(i) = find(loc, " line ") {
        // SpiderMonkey eval / Function: `url line N > eval:L:C` (possibly nested). The frame
        // belongs to the script line that ran the eval.
        let url = head(loc, i);
        let rest = tail(loc, i + " line ".len());
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let line_no = u32::try_from(digits_value(head(rest, digits))?).ok()?;
        if !tail(rest, digits).starts_with(" > ") {
            return None;
        }
        return Some(frame(name, Some(url), Some(line_no), None));
    }
    match position(loc) {
        Some((path, line_no, col)) => Some(frame(name, Some(path), Some(line_no), col)),
        // A line cut at MAX_LINE inside its location: keep the function and what is left.
        None if crate::text::char_index(line, super::MAX_LINE - 1).is_some() => {
            Some(frame(name, Some(loc), None, None))
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let f = parse_line("namedInner@http://h:1/app.js?v=1:14:11").unwrap();
        assert_eq!(
            (
                f.function.as_deref(),
                f.filename.as_deref(),
                f.lineno,
                f.colno
            ),
            (Some("namedInner"), Some("/app.js"), Some(14), Some(11))
        );
        let a = parse_line("@http://h/app.js:3:5").unwrap();
        assert_eq!(a.function, None);
        let asy = parse_line("async*asyncOuter@http://h/app.js:62:11").unwrap();
        assert_eq!(asy.function.as_deref(), Some("asyncOuter"));
        let inner = parse_line("cases.anonymous_function/</<@http://h/app.js:1:2").unwrap();
        assert_eq!(
            inner.function.as_deref(),
            Some("cases.anonymous_function/</<")
        );
        let ev = parse_line("evalInner@http://h/app.js line 44 > eval line 1 > eval:1:38").unwrap();
        assert_eq!(
            (ev.abs_path.as_deref(), ev.lineno, ev.colno),
            (Some("http://h/app.js"), Some(44), None)
        );
        let nat = parse_line("map@[native code]").unwrap();
        assert_eq!(
            (nat.function.as_deref(), nat.in_app),
            (Some("map"), Some(false))
        );
        assert_eq!(parse_line("[native code]").unwrap().function, None);
        let userinfo = parse_line("f@https://u:p@h/app.js:1:2").unwrap();
        assert_eq!(userinfo.abs_path.as_deref(), Some("https://u:p@h/app.js"));
        assert!(parse_line("Error: no frame here").is_none());
        assert!(parse_line("mail me@example.com").is_none());
    }
}
