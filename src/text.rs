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
    (0..=h.len().checked_sub(n.len())?)
        .rev()
        .find(|&i| h[i..].starts_with(n))
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
}
