//! Value patterns: secrets recognised by their shape wherever they appear in free text.
//!
//! Each detector scans bytes once and returns the byte ranges to replace. No `regex` crate:
//! these shapes are simple enough to recognise by hand, and each costs a few hundred bytes of
//! wasm instead of ~100 KB.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::one_of;

/// A byte range of the input and the text that replaces it.
pub type Hit = (usize, usize, &'static str);

/// The replacement for a secret.
pub const FILTERED: &str = "[Filtered]";
/// The replacement for a user name in a home path (Relay's, so its own pass finds nothing).
pub const USER: &str = "[user]";
/// The replacement for a bearer token (Relay's: its pattern matches `Bearer [Filtered]` again).
pub const TOKEN: &str = "[token]";

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Card numbers: 13–19 digits, optionally grouped by single spaces or dashes, passing Luhn,
/// starting as an issued card does (see [`issuer_like`]).
pub fn cards(s: &[u8], hits: &mut Vec<Hit>) {
    let mut i = 0;
    while i < s.len() {
        if !s[i].is_ascii_digit()
            || (i > 0 && (s[i - 1].is_ascii_digit() || s[i - 1].is_ascii_alphabetic()))
        {
            i += 1;
            continue;
        }
        let (mut j, mut digits, mut last_digit_end) = (i, Vec::new(), i);
        while j < s.len() && digits.len() < 19 {
            if s[j].is_ascii_digit() {
                digits.push(s[j] - b'0');
                j += 1;
                last_digit_end = j;
            } else if (s[j] == b' ' || s[j] == b'-') && j + 1 < s.len() && s[j + 1].is_ascii_digit()
            {
                j += 1;
            } else {
                break;
            }
        }
        let end = last_digit_end;
        let bounded = end == s.len() || !(s[end].is_ascii_alphanumeric());
        if (13..=19).contains(&digits.len()) && bounded && issuer_like(&digits) && luhn(&digits) {
            hits.push((i, end, FILTERED));
            i = end;
        } else {
            i += 1;
        }
    }
}

/// The first digit of a payment card is 2–6 (Mastercard's 2-series, Amex/Diners/JCB, Visa,
/// Mastercard, Discover/Maestro/UnionPay), or 1 for the 15-digit UATP airline cards. Without
/// this a millisecond timestamp (13 digits, `17…`) would be a "card" one time in ten.
fn issuer_like(digits: &[u8]) -> bool {
    matches!(digits[0], 2..=6) || (digits[0] == 1 && digits.len() == 15)
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| {
            let d = u32::from(d);
            if k % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// IBANs: country letters, check digits, 11–30 letters/digits (spaces allowed), mod 97 = 1.
pub fn ibans(s: &[u8], hits: &mut Vec<Hit>) {
    let mut i = 0;
    while i + 15 <= s.len() {
        let start_ok = (i == 0 || !word(s[i - 1]))
            && s[i].is_ascii_uppercase()
            && s[i + 1].is_ascii_uppercase()
            && s[i + 2].is_ascii_digit()
            && s[i + 3].is_ascii_digit();
        if !start_ok {
            i += 1;
            continue;
        }
        let mut chars = Vec::new();
        let (mut j, mut end) = (i, i);
        while j < s.len() && chars.len() < 34 {
            if s[j].is_ascii_uppercase() || s[j].is_ascii_digit() {
                chars.push(s[j]);
                j += 1;
                end = j;
            } else if s[j] == b' '
                && j + 1 < s.len()
                && (s[j + 1].is_ascii_uppercase() || s[j + 1].is_ascii_digit())
            {
                j += 1;
            } else {
                break;
            }
        }
        // Trailing groups may belong to the next word: try the longest prefix that validates.
        let found = (15..=chars.len()).rev().find(|&n| iban_valid(&chars[..n]));
        match found {
            Some(n) => {
                let mut k = i;
                let mut seen = 0;
                while seen < n {
                    if s[k] != b' ' {
                        seen += 1;
                    }
                    k += 1;
                }
                let _ = end;
                hits.push((i, k, FILTERED));
                i = k;
            }
            None => i += 1,
        }
    }
}

fn iban_valid(c: &[u8]) -> bool {
    // The first four characters go to the end (two loops: an iterator chain costs more wasm).
    let step = |rem: u32, b: u8| {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        }
    };
    let mut rem: u32 = 0;
    for &b in &c[4..] {
        rem = step(rem, b);
    }
    for &b in &c[..4] {
        rem = step(rem, b);
    }
    rem == 1
}

/// US social security numbers: `ddd-dd-dddd`.
pub fn ssns(s: &[u8], hits: &mut Vec<Hit>) {
    const SHAPE: &[u8] = b"ddd-dd-dddd";
    if s.len() < SHAPE.len() {
        return;
    }
    for i in 0..=s.len() - SHAPE.len() {
        let fits = SHAPE.iter().zip(&s[i..]).all(|(&p, &b)| {
            if p == b'd' {
                b.is_ascii_digit()
            } else {
                b == b'-'
            }
        });
        let before = i == 0 || !(s[i - 1].is_ascii_digit() || s[i - 1] == b'-');
        let end = i + SHAPE.len();
        let after = end == s.len() || !(s[end].is_ascii_digit() || s[end] == b'-');
        if fits && before && after {
            hits.push((i, end, FILTERED));
        }
    }
}

fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// JSON Web Tokens: `eyJ…` header, payload and signature in base64url, joined by dots.
///
/// One pass: a token is the tail of a run of base64url characters and dots that starts at the
/// run's start or just after a dot, holds exactly two dots and begins with `eyJ`. In a run only
/// one such start can have exactly two dots after it (the one after the third dot from the
/// end), so each run is looked at twice, not once per dot (`eyJ.eyJ.…` was O(n²): 41 s for
/// 100,000 of them).
pub fn jwts(s: &[u8], hits: &mut Vec<Hit>) {
    let in_run = |b: u8| b64url(b) || b == b'.';
    let mut i = 0;
    while i < s.len() {
        if !in_run(s[i]) {
            i += 1;
            continue;
        }
        let run = i;
        let mut dots = 0;
        while i < s.len() && in_run(s[i]) {
            dots += usize::from(s[i] == b'.');
            i += 1;
        }
        if dots < 2 {
            continue;
        }
        // Skip to just after dot number `dots - 2` (none to skip when there are exactly two).
        let mut start = run;
        let mut skip = dots - 2;
        while skip > 0 {
            skip -= usize::from(s[start] == b'.');
            start += 1;
        }
        if i - start >= 20 && s.get(start..start + 3) == Some(b"eyJ".as_slice()) {
            hits.push((start, i, FILTERED));
        }
    }
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || one_of(b, b"-._~+/=")
}

/// `Bearer <token>` (any case): the token.
pub fn bearer(s: &[u8], hits: &mut Vec<Hit>) {
    let mut i = 0;
    while i + 7 < s.len() {
        if s[i..i + 7].eq_ignore_ascii_case(b"bearer ") && (i == 0 || !word(s[i - 1])) {
            let start = i + 7;
            let mut j = start;
            while j < s.len() && token_char(s[j]) {
                j += 1;
            }
            if j > start {
                hits.push((start, j, TOKEN));
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
}

/// `scheme://user:password@host`: the user info.
pub fn url_userinfo(s: &[u8], hits: &mut Vec<Hit>) {
    let mut i = 0;
    while i + 3 < s.len() {
        if &s[i..i + 3] != b"://" {
            i += 1;
            continue;
        }
        let start = i + 3;
        let mut j = start;
        while j < s.len() && !one_of(s[j], b"/@?# \t\r\n\"'<>") {
            j += 1;
        }
        if j < s.len() && s[j] == b'@' && j > start {
            hits.push((start, j, FILTERED));
        }
        i = start;
    }
}

/// PEM private keys: the body between `-----BEGIN … PRIVATE KEY-----` and `-----END`.
pub fn pem_keys(s: &[u8], hits: &mut Vec<Hit>) {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const TAIL: &[u8] = b"PRIVATE KEY-----";
    const END: &[u8] = b"-----END";
    let mut i = 0;
    while let Some(b) = find(s, BEGIN, i) {
        let Some(line_end) = find(s, b"-----", b + BEGIN.len()) else {
            break;
        };
        let header_end = line_end + 5;
        if !s[..header_end].ends_with(TAIL) {
            i = header_end;
            continue;
        }
        let body_end = find(s, END, header_end).unwrap_or(s.len());
        hits.push((header_end, body_end, FILTERED));
        i = body_end;
    }
}

fn find(s: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.len() > s.len() {
        return None;
    }
    (from..=s.len() - needle.len()).find(|&i| s[i..].starts_with(needle))
}

/// Home directories: `/home/NAME`, `/Users/NAME`, `C:\Users\NAME`: the user name.
pub fn home_paths(s: &[u8], hits: &mut Vec<Hit>) {
    for i in 0..s.len() {
        if s[i] != b'/' && s[i] != b'\\' {
            continue;
        }
        let sep = s[i];
        let rest = &s[i + 1..];
        let dir_len = if rest.len() > 5 && rest[..5].eq_ignore_ascii_case(b"users") {
            5
        } else if rest.len() > 4 && rest[..4].eq_ignore_ascii_case(b"home") {
            4
        } else {
            continue;
        };
        let start = i + 1 + dir_len + 1;
        if start > s.len() || s[start - 1] != sep || (i > 0 && word(s[i - 1])) {
            continue;
        }
        let mut j = start;
        while j < s.len() && !one_of(s[j], b"/\\ \t\r\n\"':;,") {
            j += 1;
        }
        if j > start && &s[start..j] != USER.as_bytes() {
            hits.push((start, j, USER));
        }
    }
}

/// IPv4 and IPv6 addresses.
pub fn ips(s: &[u8], hits: &mut Vec<Hit>) {
    // IPv4: four dot-separated numbers 0–255, not part of a longer dotted number.
    let mut i = 0;
    while i < s.len() {
        if !s[i].is_ascii_digit()
            || (i > 0 && (s[i - 1].is_ascii_alphanumeric() || s[i - 1] == b'.'))
        {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut parts = 0;
        let mut ok = true;
        loop {
            let start = j;
            while j < s.len() && s[j].is_ascii_digit() && j - start < 4 {
                j += 1;
            }
            let n: u32 = s[start..j]
                .iter()
                .fold(0, |a, &d| a * 10 + u32::from(d - b'0'));
            if j == start || j - start > 3 || n > 255 {
                ok = false;
                break;
            }
            parts += 1;
            if parts == 4
                || j >= s.len()
                || s[j] != b'.'
                || j + 1 >= s.len()
                || !s[j + 1].is_ascii_digit()
            {
                break;
            }
            j += 1;
        }
        let bounded = j == s.len()
            || !(s[j].is_ascii_alphanumeric()
                || (s[j] == b'.' && j + 1 < s.len() && s[j + 1].is_ascii_digit()));
        if ok && parts == 4 && bounded {
            hits.push((i, j, FILTERED));
            i = j;
        } else {
            i += 1;
        }
    }
    // IPv6: hex groups and colons with "::" or seven colons.
    let mut i = 0;
    while i < s.len() {
        let hexish = |b: u8| b.is_ascii_hexdigit() || b == b':';
        if !hexish(s[i]) || (i > 0 && (word(s[i - 1]) || s[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < s.len() && hexish(s[j]) {
            j += 1;
        }
        let run = &s[i..j];
        let colons = run.iter().filter(|&&b| b == b':').count();
        let double = run.windows(2).any(|w| w == b"::");
        let groups_ok = run.split(|&b| b == b':').all(|g| g.len() <= 4);
        let has_hex = run.iter().any(u8::is_ascii_hexdigit);
        let bounded = j == s.len() || !word(s[j]);
        if bounded
            && has_hex
            && groups_ok
            && (colons == 7 || (double && colons >= 2 && run.len() >= 3))
        {
            hits.push((i, j, FILTERED));
        }
        i = j.max(i + 1);
    }
}

/// E-mail addresses.
pub fn emails(s: &[u8], hits: &mut Vec<Hit>) {
    let local = |b: u8| b.is_ascii_alphanumeric() || one_of(b, b"._%+-");
    let domain = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    for at in 0..s.len() {
        if s[at] != b'@' {
            continue;
        }
        let mut start = at;
        while start > 0 && local(s[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < s.len() && domain(s[end]) {
            end += 1;
        }
        while end > at + 1 && s[end - 1] == b'.' {
            end -= 1;
        }
        let host = &s[at + 1..end];
        let tld_ok = host
            .rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.iter().all(u8::is_ascii_alphabetic));
        if start < at && one_of(b'.', host) && tld_ok {
            hits.push((start, end, FILTERED));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt_hits(s: &str) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        jwts(s.as_bytes(), &mut hits);
        hits.into_iter().map(|(a, b, _)| (a, b)).collect()
    }

    #[test]
    fn jwts_are_found_in_one_pass() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        assert_eq!(jwt_hits(token), [(0, token.len())]);
        let text = std::format!("Authorization failed for {token}, retrying");
        assert_eq!(jwt_hits(&text), [(25, 25 + token.len())]);
        // After a dotted prefix, the token is the run's last three parts.
        let dotted = std::format!("a.b.{token}");
        assert_eq!(jwt_hits(&dotted), [(4, dotted.len())]);
        // Not a token: inside a word, too short, three dots, one dot.
        for not in [
            std::format!("x{token}"),
            "eyJa.eyJb.c".into(),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0".into(),
        ] {
            assert_eq!(jwt_hits(&not), [], "{not}");
        }
    }

    /// The detector as it was (quadratic), as the reference for what a token is.
    fn jwt_hits_before(s: &[u8]) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i + 3 <= s.len() {
            if &s[i..i + 3] != b"eyJ" || (i > 0 && b64url(s[i - 1])) {
                i += 1;
                continue;
            }
            let mut j = i;
            let mut dots = 0;
            while j < s.len() && (b64url(s[j]) || s[j] == b'.') {
                dots += usize::from(s[j] == b'.');
                j += 1;
            }
            if dots == 2 && j - i >= 20 {
                hits.push((i, j));
                i = j;
            } else {
                i += 1;
            }
        }
        hits
    }

    #[test]
    fn jwts_match_the_quadratic_detector() {
        // Strings over a small alphabet that makes tokens likely, from a fixed LCG.
        let parts: [&[u8]; 7] = [b"eyJ", b"abcdefgh", b".", b" ", b"-_", b"J", b"e"];
        let mut seed = 12345u64;
        let mut found = 0;
        for _ in 0..20_000 {
            let mut s = Vec::new();
            for _ in 0..12 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.extend_from_slice(parts[(seed >> 33) as usize % parts.len()]);
            }
            let mut hits = Vec::new();
            jwts(&s, &mut hits);
            let hits: Vec<_> = hits.into_iter().map(|(a, b, _)| (a, b)).collect();
            assert_eq!(
                hits,
                jwt_hits_before(&s),
                "{}",
                std::string::String::from_utf8_lossy(&s)
            );
            found += hits.len();
        }
        assert!(
            found > 200,
            "only {found} tokens: the strings test too little"
        );
    }

    #[test]
    fn a_hundred_thousand_eyj_are_linear() {
        // Each `eyJ` after a dot used to rescan the rest of the run: O(n²), 41 s here.
        for unit in ["eyJ.", ".eyJ", "eyJ", "eyJ "] {
            assert_eq!(jwt_hits(&unit.repeat(100_000)), [], "{unit}");
        }
        // The run's last three parts still make a token.
        let s = std::format!(
            "{}eyJhbGciOiJIUzI1NiJ9.eyJzdWIi.sig",
            "eyJ.".repeat(100_000)
        );
        assert_eq!(jwt_hits(&s), [(400_000, s.len())]);
    }
}
