//! Substring search for short needles.
//!
//! `str::find(&str)` and friends bring in the Two-Way searcher (several KB of wasm); every
//! needle tattle looks for is a few bytes long, where a plain scan is just as fast.

#[allow(unused_imports)]
use crate::prelude::*;
/// `s[start..end]`, or "" if those are not char boundaries. Indexing a str directly links
/// the panic path that Debug-formats the string (unicode tables, ~4 KB of wasm).
pub fn slice(s: &str, start: usize, end: usize) -> &str {
    s.get(start..end).unwrap_or("")
}

/// `s[start..]`, or "" if `start` is not a char boundary.
pub fn tail(s: &str, start: usize) -> &str {
    s.get(start..).unwrap_or("")
}

/// `s[..end]`, or "" if `end` is not a char boundary.
pub fn head(s: &str, end: usize) -> &str {
    s.get(..end).unwrap_or("")
}

/// Byte index of the first `needle` in `hay`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..].starts_with(n))
}

/// Byte index of the last `needle` in `hay`.
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let mut i = h.len().checked_sub(n.len())?;
    // A plain loop: `(0..=i).rev().find(…)` costs more wasm.
    loop {
        if h[i..].starts_with(n) {
            return Some(i);
        }
        i = i.checked_sub(1)?;
    }
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `hay` split around the first `needle`.
pub fn split_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let i = find(hay, needle)?;
    Some((head(hay, i), tail(hay, i + needle.len())))
}

/// `hay` split around the last `needle`.
pub fn rsplit_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let i = rfind(hay, needle)?;
    Some((head(hay, i), tail(hay, i + needle.len())))
}

/// Byte index of the first byte of `hay` that is one of `set` (ASCII bytes). `str::find` with
/// a char or a char array brings in std's char searchers and memchr (~3 KB of wasm in all).
pub fn find_any(hay: &str, set: &[u8]) -> Option<usize> {
    let b = hay.as_bytes();
    (0..b.len()).find(|&i| one_of(b[i], set))
}

/// The bytes `u8::is_ascii_whitespace` accepts, for [`find_any`].
pub const ASCII_WHITESPACE: &[u8] = b" \t\n\x0c\r";

/// Whether every byte of `s` is an ASCII digit (true for ""): one shared loop instead of a
/// `bytes().all(…)` instantiation per call site.
pub fn all_digits(s: &str) -> bool {
    for &b in s.as_bytes() {
        if !b.is_ascii_digit() {
            return false;
        }
    }
    true
}

/// Whether `b` is in the small `set`: `set.contains(&b)` without memchr (~0.6 KB of wasm).
// Not `contains`: for bytes that is memchr, the code this avoids.
#[allow(clippy::manual_contains)]
pub fn one_of(b: u8, set: &[u8]) -> bool {
    set.iter().any(|&s| s == b)
}

/// `s.trim_start()`: leading Unicode whitespace dropped, without std's char-pattern searchers.
pub fn trim_start(s: &str) -> &str {
    let start = s.char_indices().find(|(_, c)| !c.is_whitespace());
    tail(s, start.map_or(s.len(), |(i, _)| i))
}

/// `s.trim()`: leading and trailing Unicode whitespace dropped.
pub fn trim(s: &str) -> &str {
    let s = trim_start(s);
    // Forward, to the end of the last non-whitespace character (decoding backwards would
    // link a second UTF-8 decoder).
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if !c.is_whitespace() {
            end = i + c.len_utf8();
        }
    }
    head(s, end)
}

/// Byte index of the first `byte` (ASCII) in `hay`: `hay.find(char)`.
pub fn find_byte(hay: &str, byte: u8) -> Option<usize> {
    find_any(hay, &[byte])
}

/// Byte index of the last `byte` (ASCII) in `hay`: `hay.rfind(char)`.
pub fn rfind_byte(hay: &str, byte: u8) -> Option<usize> {
    let b = hay.as_bytes();
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        if b[i] == byte {
            return Some(i);
        }
    }
    None
}

/// `hay` split around the first `byte` (ASCII): `hay.split_once(char)`.
pub fn split_byte_once(hay: &str, byte: u8) -> Option<(&str, &str)> {
    let i = find_byte(hay, byte)?;
    Some((head(hay, i), tail(hay, i + 1)))
}

/// `hay` split around the last `byte` (ASCII): `hay.rsplit_once(char)`.
pub fn rsplit_byte_once(hay: &str, byte: u8) -> Option<(&str, &str)> {
    let i = rfind_byte(hay, byte)?;
    Some((head(hay, i), tail(hay, i + 1)))
}

/// The pieces of `hay` between each `byte` (ASCII): `hay.split(char)`.
pub fn split_byte(hay: &str, byte: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(hay);
    core::iter::from_fn(move || {
        let r = rest?;
        match find_byte(r, byte) {
            Some(i) => {
                rest = Some(tail(r, i + 1));
                Some(head(r, i))
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `s` without any `byte` (ASCII) at its end: `s.trim_end_matches(char)`.
pub fn trim_end_byte(s: &str, byte: u8) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 && b[end - 1] == byte {
        end -= 1;
    }
    head(s, end)
}

/// The lines of `s` as `str::lines` gives them: split at `\n`, one `\r` before it dropped,
/// no empty last line after a final `\n`.
pub fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s).filter(|s| !s.is_empty());
    core::iter::from_fn(move || {
        let r = rest?;
        let Some(i) = find_byte(r, b'\n') else {
            rest = None;
            return Some(r);
        };
        rest = Some(tail(r, i + 1)).filter(|t| !t.is_empty());
        let line = head(r, i);
        Some(match line.as_bytes().last() {
            Some(b'\r') => head(line, i - 1),
            _ => line,
        })
    })
}

/// The value of a run of ASCII digits (at least one), `None` if it is not one or overflows:
/// `s.parse::<u64>()` for digit-only text, without linking std's integer parser.
pub fn digits_value(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// Byte index of the `n`th character of `s` (from 0), `None` if `s` has no more than `n`:
/// `s.char_indices().nth(n)` by counting the bytes that start a character (no UTF-8 decoding).
pub fn char_index(s: &str, n: usize) -> Option<usize> {
    let mut seen = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if is_char_start(b) {
            if seen == n {
                return Some(i);
            }
            seen += 1;
        }
    }
    None
}

/// Byte index where the last character before byte `i` starts (0 if none):
/// `s[..i].char_indices().last()`, for a char boundary `i`.
pub fn prev_char_start(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    (0..i.min(b.len()))
        .rev()
        .find(|&j| is_char_start(b[j]))
        .unwrap_or(0)
}

/// Whether a UTF-8 byte starts a character (is not a continuation byte).
fn is_char_start(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// Concatenates `parts`: `format!` without linking `core::fmt` into the wasm build.
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// Sorts in place; insertion sort, for the few keys of an object (std's sort is ~3 KB of wasm).
pub fn sort_small(items: &mut [&str]) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && items[j - 1] > items[j] {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_like_std() {
        for (hay, needle) in [
            ("a (b (c", " ("),
            ("", "x"),
            ("abc", ""),
            ("xx", "xxx"),
            ("héé (é", " ("),
            ("aaa", "aa"),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            assert_eq!(rfind(hay, needle), hay.rfind(needle), "{hay:?} {needle:?}");
            assert_eq!(split_once(hay, needle), hay.split_once(needle));
            assert_eq!(rsplit_once(hay, needle), hay.rsplit_once(needle));
        }
    }

    #[test]
    fn sorts() {
        let mut v = ["b", "a", "c", "a"];
        sort_small(&mut v);
        assert_eq!(v, ["a", "a", "b", "c"]);
    }

    #[test]
    fn byte_helpers_like_std() {
        let hays = [
            "",
            "a",
            "?",
            "a?b#c",
            "#?",
            "a&&b&",
            "&",
            "x==y=",
            "//",
            "a/b/",
            "é?é#é",
            "::1:",
            "a\nb",
            "a\r\nb\r\n",
            "\n",
            "\r\n",
            "a\r",
            "a\n\n",
            "\n\na",
            "a\rb\r\r\n",
            "é\r\né",
        ];
        for hay in hays {
            for byte in [b'?', b'#', b'&', b'=', b'/', b':', b'\n', b'\r', b'a'] {
                let c = byte as char;
                assert_eq!(find_byte(hay, byte), hay.find(c), "{hay:?} {c:?}");
                assert_eq!(rfind_byte(hay, byte), hay.rfind(c), "{hay:?} {c:?}");
                assert_eq!(
                    split_byte_once(hay, byte),
                    hay.split_once(c),
                    "{hay:?} {c:?}"
                );
                assert_eq!(
                    rsplit_byte_once(hay, byte),
                    hay.rsplit_once(c),
                    "{hay:?} {c:?}"
                );
                let ours: Vec<&str> = split_byte(hay, byte).collect();
                assert_eq!(ours, hay.split(c).collect::<Vec<_>>(), "{hay:?} {c:?}");
                assert_eq!(
                    trim_end_byte(hay, byte),
                    hay.trim_end_matches(c),
                    "{hay:?} {c:?}"
                );
            }
            assert_eq!(find_any(hay, b"?#"), hay.find(['?', '#']), "{hay:?}");
            let digits = hay.bytes().all(|b| b.is_ascii_digit());
            assert_eq!(all_digits(hay), digits, "{hay:?}");
            assert_eq!(find_any(hay, b"/?#"), hay.find(['/', '?', '#']), "{hay:?}");
            assert_eq!(trim(hay), hay.trim(), "{hay:?}");
            assert_eq!(trim_start(hay), hay.trim_start(), "{hay:?}");
            let ours: Vec<&str> = lines(hay).collect();
            assert_eq!(ours, hay.lines().collect::<Vec<_>>(), "{hay:?}");
        }
    }

    #[test]
    fn char_positions_like_std() {
        for s in ["", "a", "abc", "é", "aé€😀b", "😀😀", "x\u{301}y", "€€€€"] {
            for n in 0..8 {
                let want = s.char_indices().nth(n).map(|(i, _)| i);
                assert_eq!(char_index(s, n), want, "{s:?} {n}");
                assert_eq!(char_index(s, n).is_some(), s.chars().nth(n).is_some());
            }
            for (i, _) in s.char_indices().chain([(s.len(), ' ')]) {
                let want = s[..i].char_indices().last().map_or(0, |(j, _)| j);
                assert_eq!(prev_char_start(s, i), want, "{s:?} {i}");
            }
        }
    }

    #[test]
    fn ascii_whitespace_is_std_s() {
        for b in 0..=255u8 {
            assert_eq!(one_of(b, ASCII_WHITESPACE), b.is_ascii_whitespace(), "{b}");
        }
    }

    #[test]
    fn digits_like_parse() {
        for s in [
            "",
            "0",
            "7",
            "65535",
            "65536",
            "4294967295",
            "4294967296",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "+5",
            "-5",
            "+",
            "1a",
            " 1",
            "007",
            "١",
        ] {
            assert_eq!(
                all_digits(s),
                s.bytes().all(|b| b.is_ascii_digit()),
                "{s:?}"
            );
            let digits_only = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let want = if digits_only {
                s.parse::<u64>().ok()
            } else {
                None
            };
            assert_eq!(digits_value(s), want, "{s:?}");
        }
    }
}
