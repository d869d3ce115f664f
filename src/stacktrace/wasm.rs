//! WebAssembly frames, as engines print their location: `url:wasm-function[index]:0xoffset`.
//!
//! The frame keeps the module URL as its file and the offset as `instruction_addr`. The
//! function name, when the module has a name section, is the Rust path the linker wrote
//! there; it is cleaned of what only the compiler needs (the engine's `module.wasm.` prefix,
//! `[crate-hash]` disambiguators, the `::h0123…` hash) and legacy-mangled names (`_ZN…E`) are
//! demangled, so a Rust trace reads as Rust without uploading debug files.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::Frame;
use crate::text::{digits_value, find, find_byte, head, rfind, tail};

/// The frame for a wasm location, or `None` if `loc` is not one.
pub fn frame(name: &str, loc: &str) -> Option<Frame> {
    let at = find(loc, ":wasm-function[")?;
    let module = head(loc, at);
    let rest = tail(loc, at + ":wasm-function[".len());
    // JavaScriptCore prints no offset: `<?>:wasm-function[1]`.
    let (index, offset) = match crate::text::split_once(rest, "]:") {
        Some((i, o)) => (i, Some(o)),
        None => (rest.strip_suffix(']')?, None),
    };
    let index_ok = !index.is_empty() && crate::text::all_digits(index);
    let offset_ok = offset.is_none_or(|o| {
        o.len() > 2 && o.starts_with("0x") && o.bytes().skip(2).all(|b| b.is_ascii_hexdigit())
    });
    if !index_ok || !offset_ok {
        return None;
    }
    // JavaScriptCore names no module: `<?>`.
    let module = Some(module).filter(|m| !m.is_empty() && *m != "<?>");
    let function = match rust_name(crate::text::trim(name)) {
        n if n.is_empty() || n == "<anonymous>" => {
            crate::text::cat(&["wasm-function[", index, "]"])
        }
        n => n,
    };
    Some(Frame {
        function: Some(function),
        filename: module.map(super::filename_of),
        abs_path: module.map(str::to_owned),
        in_app: Some(module.is_none_or(super::in_app)),
        instruction_addr: offset.map(str::to_owned),
        ..Frame::default()
    })
}

/// A readable Rust path from what the engine printed for a wasm function.
pub fn rust_name(name: &str) -> String {
    // V8 prefixes the module's name: `app_bg.wasm.core::panicking::panic`.
    let name = match find(name, ".wasm.") {
        Some(i) => tail(name, i + ".wasm.".len()),
        None => name,
    };
    let demangled;
    let name = match legacy_demangle(name) {
        Some(d) => {
            demangled = d;
            demangled.as_str()
        }
        None => name,
    };
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    // Drop `[0123abcd]` crate disambiguators (v0 symbols demangled by the linker).
    while let Some(open) = find_byte(rest, b'[') {
        let after = tail(rest, open + 1);
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex >= 8 && after.as_bytes().get(hex) == Some(&b']') {
            out.push_str(head(rest, open));
            rest = tail(after, hex + 1);
        } else {
            out.push_str(head(rest, open + 1));
            rest = after;
        }
    }
    out.push_str(rest);
    strip_hash(&out).to_owned()
}

/// `path::h0123456789abcdef` → `path`.
fn strip_hash(name: &str) -> &str {
    match rfind(name, "::h") {
        Some(i)
            if name.len() - i == 3 + 16
                && tail(name, i + 3).bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            head(name, i)
        }
        _ => name,
    }
}

/// `_ZN4core9panicking5panic17h0123456789abcdefE` → `core::panicking::panic::h0123…`.
fn legacy_demangle(sym: &str) -> Option<String> {
    let body = sym
        .strip_prefix("_ZN")
        .or_else(|| sym.strip_prefix("__ZN"))?;
    let b = body.as_bytes();
    let mut i = 0;
    let mut out = String::new();
    while i < b.len() && b[i] != b'E' {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let len = usize::try_from(digits_value(crate::text::slice(body, start, i))?).ok()?;
        // A length near usize::MAX would overflow (a panic in a debug build): no symbol.
        let end = i.checked_add(len)?;
        let part = body.get(i..end)?;
        i = end;
        if !out.is_empty() {
            out.push_str("::");
        }
        out.push_str(&unescape(part));
    }
    (i < b.len()).then_some(out)
}

/// Legacy mangling's escapes: `$LT$` → `<`, `..` → `::`, …
fn unescape(part: &str) -> String {
    const ESCAPES: &[(&str, &str)] = &[
        ("$SP$", "@"),
        ("$BP$", "*"),
        ("$RF$", "&"),
        ("$LT$", "<"),
        ("$GT$", ">"),
        ("$LP$", "("),
        ("$RP$", ")"),
        ("$C$", ","),
        ("$u7e$", "~"),
        ("$u20$", " "),
        ("$u27$", "'"),
        ("$u5b$", "["),
        ("$u5d$", "]"),
        ("$u7b$", "{"),
        ("$u7d$", "}"),
        ("$u3b$", ";"),
        ("$u2b$", "+"),
        ("$u22$", "\""),
    ];
    let part = part
        .strip_prefix('_')
        .filter(|p| p.starts_with('$'))
        .unwrap_or(part);
    let mut out = String::with_capacity(part.len());
    let mut rest = part;
    while !rest.is_empty() {
        if let Some((from, to)) = ESCAPES.iter().find(|(from, _)| rest.starts_with(from)) {
            out.push_str(to);
            rest = tail(rest, from.len());
        } else if rest.starts_with("..") {
            out.push_str("::");
            rest = tail(rest, 2);
        } else {
            let c = rest.chars().next().unwrap_or('?');
            out.push(c);
            rest = tail(rest, c.len_utf8());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mangled_length_that_would_overflow_is_no_symbol() {
        // Found by the stack_wasm fuzz target: `i + len` overflowed (a panic in debug builds).
        assert_eq!(legacy_demangle("_ZN18446744073709551615aE"), None);
        assert_eq!(
            rust_name("_ZN18446744073709551615aE"),
            "_ZN18446744073709551615aE"
        );
    }

    #[test]
    fn location_index_and_offset() {
        let f = frame("run", "wasm://wasm/0ab9e6ca:wasm-function[1]:0x2b").unwrap();
        assert_eq!(f.function.as_deref(), Some("run"));
        assert_eq!(f.abs_path.as_deref(), Some("wasm://wasm/0ab9e6ca"));
        assert_eq!(f.instruction_addr.as_deref(), Some("0x2b"));
        assert_eq!(f.lineno, None);
        let g = frame("", "http://h/app_bg.wasm:wasm-function[12]:0x1f0").unwrap();
        assert_eq!(g.function.as_deref(), Some("wasm-function[12]"));
        assert_eq!(g.filename.as_deref(), Some("/app_bg.wasm"));
        assert!(frame("x", "http://h/a.js:1:2").is_none());
        assert!(frame("x", "wasm://w:wasm-function[]:0x").is_none());
        let jsc = frame("run", "<?>:wasm-function[1]").unwrap();
        assert_eq!(
            (jsc.abs_path, jsc.instruction_addr, jsc.function.as_deref()),
            (None, None, Some("run"))
        );
    }

    #[test]
    fn rust_names_read_as_rust() {
        assert_eq!(
            rust_name(
                "node-bd240a3fdb0f7a12.wasm.core::panicking::assert_failed::heddac2962e007f2f"
            ),
            "core::panicking::assert_failed"
        );
        assert_eq!(
            rust_name("app.wasm.core[c5930c85a12de822]::panicking::assert_failed_inner"),
            "core::panicking::assert_failed_inner"
        );
        assert_eq!(
            rust_name("_ZN4core9panicking5panic17h0123456789abcdefE"),
            "core::panicking::panic"
        );
        assert_eq!(
            rust_name("_ZN60_$LT$alloc..string..String$u20$as$u20$core..fmt..Display$GT$3fmt17h0123456789abcdefE"),
            "<alloc::string::String as core::fmt::Display>::fmt"
        );
        assert_eq!(
            rust_name("<T as core::any::Any>::type_id"),
            "<T as core::any::Any>::type_id"
        );
        assert_eq!(rust_name("plain_js_name"), "plain_js_name");
        assert_eq!(rust_name("arr[0]"), "arr[0]");
    }
}
