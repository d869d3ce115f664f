//! Scrubbing on the device: secrets are replaced before an event leaves the page.
//!
//! Two kinds of rule, as in Relay's defaults: sensitive keys (a value stored under a key such
//! as `password` or `api_key` is replaced whatever it is) and value patterns (a card number or
//! a bearer token is replaced wherever it appears). With `sendDefaultPii` off, IP addresses and
//! e-mail addresses in free text go too, and `user.ip_address` is dropped.

mod patterns;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Breadcrumb, Event, Exception, Map, Request, User, Value};
use crate::text::{find_byte, split_byte, split_byte_once};
use patterns::Hit;
pub use patterns::FILTERED;

/// Words that mark a secret: under a key containing one, any value is replaced; a free-text
/// value containing one is replaced whole, as Relay does, so the server finds nothing left.
const SECRET_WORDS: &[&str] = &[
    "password",
    "secret",
    "passwd",
    "api_key",
    "api-key",
    "apikey",
    "auth",
    "credentials",
    "mysql_pwd",
    "privatekey",
    "private_key",
    "two_factor",
    "two-factor",
];

/// Most passes of the value patterns over one text (see [`Scrubber::scrub_text`]); one more
/// than any input found so far needs.
const MAX_PASSES: usize = 4;

/// Key fragments that mark a value as secret only as a key (in free text they are ordinary
/// words: "token", "session", "cookie").
const SECRET_KEY_ONLY: &[&str] = &[
    "private-key",
    "token",
    "session",
    "sessid",
    "csrf",
    "xsrf",
    "cookie",
];

/// A value pattern that can be turned off by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Card numbers passing the Luhn check.
    CreditCard,
    /// IBANs passing their mod-97 check.
    Iban,
    /// US social security numbers.
    Ssn,
    /// JSON Web Tokens.
    Jwt,
    /// `Bearer` tokens.
    Bearer,
    /// `user:password@` in URLs.
    UrlUserinfo,
    /// PEM private key bodies.
    PemKey,
    /// User names in home directory paths.
    HomePath,
    /// IP addresses (only with sendDefaultPii off).
    Ip,
    /// E-mail addresses in free text (only with sendDefaultPii off).
    Email,
}

impl Pattern {
    /// The pattern called `name` (`creditCard`, `iban`, `ssn`, `jwt`, `bearer`, `urlUserinfo`,
    /// `pemKey`, `homePath`, `ip`, `email`).
    pub fn from_name(name: &str) -> Option<Pattern> {
        Some(match name {
            "creditCard" => Pattern::CreditCard,
            "iban" => Pattern::Iban,
            "ssn" => Pattern::Ssn,
            "jwt" => Pattern::Jwt,
            "bearer" => Pattern::Bearer,
            "urlUserinfo" => Pattern::UrlUserinfo,
            "pemKey" => Pattern::PemKey,
            "homePath" => Pattern::HomePath,
            "ip" => Pattern::Ip,
            "email" => Pattern::Email,
            _ => return None,
        })
    }

    /// Whether `text` (summarised by `shape`) could hold this pattern at all: most strings (frame
    /// paths, tag values) fail this cheaply and skip the scan.
    fn possible(self, text: &[u8], shape: &Shape) -> bool {
        match self {
            Pattern::CreditCard => shape.digits >= 13,
            Pattern::Iban => shape.digits >= 2 && shape.upper >= 2,
            Pattern::Ssn => shape.digits >= 9 && shape.dash,
            Pattern::Jwt => shape.dot && contains_ci(text, b"eyj"),
            Pattern::Bearer => shape.space && contains_ci(text, b"bearer"),
            Pattern::UrlUserinfo | Pattern::Email => shape.at,
            Pattern::PemKey => shape.dash && contains_ci(text, b"-----begin"),
            Pattern::HomePath => {
                shape.slash && (contains_ci(text, b"home") || contains_ci(text, b"users"))
            }
            Pattern::Ip => shape.digits >= 2 && (shape.dot || shape.colon),
        }
    }

    fn detector(self) -> fn(&[u8], &mut Vec<Hit>) {
        match self {
            Pattern::CreditCard => patterns::cards,
            Pattern::Iban => patterns::ibans,
            Pattern::Ssn => patterns::ssns,
            Pattern::Jwt => patterns::jwts,
            Pattern::Bearer => patterns::bearer,
            Pattern::UrlUserinfo => patterns::url_userinfo,
            Pattern::PemKey => patterns::pem_keys,
            Pattern::HomePath => patterns::home_paths,
            Pattern::Ip => patterns::ips,
            Pattern::Email => patterns::emails,
        }
    }
}

/// What one pass over a string learns about it, for [`Pattern::possible`].
#[derive(Default)]
struct Shape {
    digits: usize,
    upper: usize,
    at: bool,
    dash: bool,
    dot: bool,
    colon: bool,
    slash: bool,
    space: bool,
}

impl Shape {
    fn of(text: &[u8]) -> Shape {
        let mut s = Shape::default();
        for &b in text {
            match b {
                b'0'..=b'9' => s.digits += 1,
                b'A'..=b'Z' => s.upper += 1,
                b'@' => s.at = true,
                b'-' => s.dash = true,
                b'.' => s.dot = true,
                b':' => s.colon = true,
                b'/' | b'\\' => s.slash = true,
                b' ' | b'\t' | b'\n' | b'\r' => s.space = true,
                _ => {}
            }
        }
        s
    }
}

/// ASCII case-insensitive substring test, without allocating a lowercase copy.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The scrubbing rules in force.
#[derive(Clone, Debug, PartialEq)]
pub struct Scrubber {
    enabled: bool,
    extra_keys: Vec<String>,
    patterns: Vec<Pattern>,
    send_default_pii: bool,
}

impl Scrubber {
    /// The default rules; with `send_default_pii` IPs and e-mails are left alone.
    pub fn new(send_default_pii: bool) -> Scrubber {
        let mut patterns = vec![
            Pattern::PemKey,
            Pattern::UrlUserinfo,
            Pattern::Bearer,
            Pattern::Jwt,
            Pattern::CreditCard,
            Pattern::Iban,
            Pattern::Ssn,
            Pattern::HomePath,
        ];
        if !send_default_pii {
            patterns.push(Pattern::Email);
            patterns.push(Pattern::Ip);
        }
        Scrubber {
            enabled: true,
            extra_keys: Vec::new(),
            patterns,
            send_default_pii,
        }
    }

    /// Turns all scrubbing off (the user's own `beforeSend` then carries the responsibility).
    pub fn disable(&mut self) {
        self.enabled = false;
    }

    /// Adds a key fragment to treat as sensitive.
    pub fn add_key(&mut self, key: &str) {
        if !key.is_empty() {
            self.extra_keys.push(key.to_ascii_lowercase());
        }
    }

    /// Turns one value pattern off.
    pub fn remove_pattern(&mut self, pattern: Pattern) {
        self.patterns.retain(|&p| p != pattern);
    }

    /// Whether a value stored under `key` is secret.
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        let key = key.as_bytes();
        key.eq_ignore_ascii_case(b"otp")
            || SECRET_WORDS.iter().any(|k| contains_ci(key, k.as_bytes()))
            || SECRET_KEY_ONLY
                .iter()
                .any(|k| contains_ci(key, k.as_bytes()))
            || self
                .extra_keys
                .iter()
                .any(|k| contains_ci(key, k.as_bytes()))
    }

    /// Whether a free-text value as a whole counts as secret (Relay's value rule): it names a
    /// secret (`password`, `auth`, …), assigns a token (`token=`, `token:`), or is `otp`.
    pub fn is_secret_text(&self, text: &str) -> bool {
        if !self.enabled {
            return false;
        }
        let t = text.as_bytes();
        t.eq_ignore_ascii_case(b"otp")
            || SECRET_WORDS.iter().any(|w| contains_ci(t, w.as_bytes()))
            || contains_ci(t, b"token=")
            || contains_ci(t, b"token:")
            || self.extra_keys.iter().any(|k| contains_ci(t, k.as_bytes()))
    }

    /// Whether scrubbing is on.
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// A free-text value: filtered whole if it is secret, else its patterns replaced.
    pub(crate) fn value_text(&self, s: &mut String) {
        if self.is_secret_text(s) {
            *s = FILTERED.to_owned();
        } else {
            self.text_in_place(s);
        }
    }

    /// `text` with every secret pattern replaced; `None` when that changed nothing.
    pub fn scrub_text(&self, text: &str) -> Option<String> {
        if !self.enabled {
            return None;
        }
        // One replacement can complete a secret that an earlier pattern could not see (an IBAN
        // glued to an SSN starts a word once the SSN is `[Filtered]`), so passes repeat until
        // one changes nothing: what is sent holds nothing a second pass (the server's) finds.
        let mut current: Option<String> = None;
        for _ in 0..MAX_PASSES {
            let s = current.as_deref().unwrap_or(text);
            match self.pass(s) {
                Some(next) if next != s => current = Some(next),
                _ => break,
            }
        }
        current
    }

    /// One pass of every pattern over `text`; `None` when none matched.
    fn pass(&self, text: &str) -> Option<String> {
        let shape = Shape::of(text.as_bytes());
        let mut current: Option<String> = None;
        for pattern in &self.patterns {
            let s = current.as_deref().unwrap_or(text);
            if !pattern.possible(s.as_bytes(), &shape) {
                continue;
            }
            let mut hits = Vec::new();
            pattern.detector()(s.as_bytes(), &mut hits);
            if !hits.is_empty() {
                current = Some(apply(s, &mut hits));
            }
        }
        current
    }

    fn text_in_place(&self, s: &mut String) {
        if let Some(clean) = self.scrub_text(s) {
            *s = clean;
        }
    }

    /// Scrubs a JSON value: sensitive keys at any depth, patterns in every string.
    pub fn scrub_value(&self, value: &mut Value) {
        match value {
            Value::String(s) => self.value_text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_value(v)),
            Value::Object(entries) => {
                for (k, v) in entries.iter_mut() {
                    self.scrub_entry(k, v);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn scrub_entry(&self, key: &str, value: &mut Value) {
        if self.is_sensitive_key(key) && !matches!(value, Value::Null) {
            *value = Value::String(FILTERED.to_owned());
        } else {
            self.scrub_value(value);
        }
    }

    pub(crate) fn scrub_map(&self, map: &mut Map<Value>) {
        map.for_each_mut(|k, v| self.scrub_entry(k, v));
    }

    pub(crate) fn scrub_string_map(&self, map: &mut Map<String>) {
        map.for_each_mut(|k, v| {
            if self.is_sensitive_key(k) {
                *v = FILTERED.to_owned();
            } else {
                self.value_text(v);
            }
        });
    }

    /// A URL with secret query values (by key) and patterns replaced. The fragment's
    /// parameters are judged as the query's: a hash route's query (`#/cb?code=…`), or
    /// parameters alone (`#access_token=…&refresh_token=…`, as OAuth's implicit flow and the
    /// sign-in links of Supabase and others hand tokens to the page).
    pub fn scrub_url(&self, url: &str) -> String {
        // A pattern replaced across a `&` can join two parameters into one whose key is
        // sensitive; as in `scrub_text`, passes repeat until one changes nothing.
        let mut current = self.url_pass(url);
        for _ in 1..MAX_PASSES {
            let next = self.url_pass(&current);
            if next == current {
                break;
            }
            current = next;
        }
        current
    }

    fn url_pass(&self, url: &str) -> String {
        let (rest, hash) = match split_byte_once(url, b'#') {
            Some((r, h)) => (r, Some(h)),
            None => (url, None),
        };
        let mut out = String::with_capacity(url.len());
        match split_byte_once(rest, b'?') {
            Some((base, query)) => {
                out.push_str(base);
                out.push('?');
                self.push_params(&mut out, query);
            }
            None => out.push_str(rest),
        }
        if let Some(h) = hash {
            out.push('#');
            match split_byte_once(h, b'?') {
                Some((route, params)) => {
                    out.push_str(route);
                    out.push('?');
                    self.push_params(&mut out, params);
                }
                None if find_byte(h, b'=').is_some() => self.push_params(&mut out, h),
                None => out.push_str(h),
            }
        }
        // A server's address is not personal data (Relay leaves it): the host and port stay
        // out of the value patterns, so `http://127.0.0.1:8000/app.js` keeps its host. The
        // user info before it and the path, query and fragment after it are judged as before.
        // (`get`, not indexing: the str-index panic path would link core::fmt into the wasm.)
        let parts = host_range(&out)
            .and_then(|(a, b)| Some((out.get(..a)?, out.get(a..b)?, out.get(b..)?)));
        match parts {
            Some((before, host, after)) => {
                let (mut before, mut after) = (before.to_owned(), after.to_owned());
                self.text_in_place(&mut before);
                self.text_in_place(&mut after);
                before.push_str(host);
                before.push_str(&after);
                before
            }
            None => {
                self.text_in_place(&mut out);
                out
            }
        }
    }

    /// `k=v&…` parameters with each value judged by [`query_value`](Self::query_value).
    fn push_params(&self, out: &mut String, params: &str) {
        for (n, pair) in split_byte(params, b'&').enumerate() {
            if n > 0 {
                out.push('&');
            }
            match split_byte_once(pair, b'=') {
                Some((k, v)) => {
                    out.push_str(k);
                    out.push('=');
                    out.push_str(&self.query_value(k, v));
                }
                None => out.push_str(pair),
            }
        }
    }

    /// A query value, judged decoded (a DSN or URL inside a query is percent-encoded), and put
    /// back as it was unless something in it had to go.
    fn query_value(&self, key: &str, raw: &str) -> String {
        if self.is_sensitive_key(key) {
            return FILTERED.to_owned();
        }
        let decoded = percent_decode(raw);
        let mut clean = decoded.clone();
        self.value_text(&mut clean);
        if clean == decoded {
            raw.to_owned()
        } else {
            percent_encode(&clean)
        }
    }

    pub(crate) fn scrub_request(&self, request: &mut Request) {
        if let Some(url) = request.url.as_mut() {
            *url = self.scrub_url(url);
        }
        // The user agent is left as it is (Relay exempts it too): its version numbers look like
        // IP addresses (`Chrome/156.0.0.0`) and it names no person.
        let ua = request.headers.get("User-Agent").cloned();
        self.scrub_string_map(&mut request.headers);
        if let Some(ua) = ua {
            request.headers.insert("User-Agent".to_owned(), ua);
        }
    }

    fn scrub_exception(&self, ex: &mut Exception) {
        self.text_in_place(&mut ex.value);
        if let Some(st) = ex.stacktrace.as_mut() {
            for frame in &mut st.frames {
                for path in [&mut frame.abs_path, &mut frame.filename]
                    .into_iter()
                    .flatten()
                {
                    *path = self.scrub_url(path);
                }
            }
        }
    }

    fn scrub_breadcrumb(&self, crumb: &mut Breadcrumb) {
        if let Some(m) = crumb.message.as_mut() {
            self.value_text(m);
        }
        // A request's or a navigation's URL is judged as a URL (its host stays, its query values
        // by key), not as free text, where the host's IP would go; one that names a secret is
        // still filtered whole, as Relay does with any value.
        crumb.data.for_each_mut(|key, value| match value {
            Value::String(u) if matches!(key, "url" | "to" | "from") => {
                *u = if self.is_secret_text(u) {
                    FILTERED.to_owned()
                } else {
                    self.scrub_url(u)
                };
            }
            _ => self.scrub_entry(key, value),
        });
    }

    /// The user: no IP address without `send_default_pii`, its other data by key and pattern.
    pub(crate) fn scrub_user(&self, user: &mut User) {
        if !self.send_default_pii {
            user.ip_address = None;
        }
        self.scrub_map(&mut user.data);
    }

    /// Scrubs every part of `event` that can carry user data.
    pub fn scrub_event(&self, event: &mut Event) {
        if !self.enabled {
            return;
        }
        if let Some(log) = event.logentry.as_mut() {
            self.text_in_place(&mut log.formatted);
        }
        if let Some(exceptions) = event.exception.as_mut() {
            for ex in &mut exceptions.values {
                self.scrub_exception(ex);
            }
        }
        // A source map's file is named as its frames are: scrubbed the same way, so the two
        // stay equal (the server matches them).
        if let Some(meta) = event.debug_meta.as_mut() {
            for image in &mut meta.images {
                image.code_file = self.scrub_url(&image.code_file);
            }
        }
        self.scrub_string_map(&mut event.tags);
        self.scrub_map(&mut event.contexts);
        self.scrub_map(&mut event.extra);
        if let Some(req) = event.request.as_mut() {
            self.scrub_request(req);
        }
        if let Some(user) = event.user.as_mut() {
            self.scrub_user(user);
        }
        if let Some(crumbs) = event.breadcrumbs.as_mut() {
            for crumb in &mut crumbs.values {
                self.scrub_breadcrumb(crumb);
            }
        }
    }
}

/// Decodes `%XX` escapes of ASCII characters (and `+`); other escapes stay as they are, which
/// keeps the result valid UTF-8 without linking UTF-8 validation into the wasm.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |k: usize| b.get(k).and_then(|&c| (c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) if h < 8 => {
                out.push(char::from((h * 16 + l) as u8));
                i += 3;
            }
            (b'+', _, _) => {
                out.push(' ');
                i += 1;
            }
            _ => {
                let c = crate::text::tail(s, i).chars().next().unwrap_or('\u{fffd}');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// Encodes what [`percent_decode`] decodes, and only that, so a value scrubbed once reads the
/// same when scrubbed again: non-ASCII characters stay as they are (encoded as `%CE%B2`, a `β`
/// would come back as that text, whose hex digits the patterns could take for an address), and
/// so do the escapes of non-ASCII bytes that `percent_decode` left in place (`caf%C3%A9` stays
/// `café` to the server, not `caf%25C3%25A9`).
fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let b = s.as_bytes();
    let high_escape = |i: usize| {
        b.get(i + 1)
            .is_some_and(|c| matches!(c, b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'))
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    };
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let b = c as u32 as u8;
        if !c.is_ascii()
            || b.is_ascii_alphanumeric()
            || crate::text::one_of(b, b"-_.~[]")
            || (b == b'%' && high_escape(i))
        {
            out.push(c);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// Replaces `hits` in `s`; each detector reports them left to right, overlaps are skipped.
fn apply(s: &str, hits: &mut [Hit]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for &(start, end, with) in hits.iter() {
        if start < at {
            continue; // inside an earlier hit
        }
        out.push_str(crate::text::slice(s, at, start));
        out.push_str(with);
        at = end;
    }
    out.push_str(crate::text::tail(s, at));
    out
}

/// The byte range of `host[:port]` in `scheme://[userinfo@]host[:port][/…]`, if `url` has one.
fn host_range(url: &str) -> Option<(usize, usize)> {
    // Bytes, not char patterns: those pull kilobytes of searcher code into the wasm.
    let b = url.as_bytes();
    let start = (0..b.len().saturating_sub(2)).find(|&i| b.get(i..i + 3) == Some(b"://"))? + 3;
    let end = (start..b.len())
        .find(|&i| matches!(b.get(i), Some(b'/' | b'?' | b'#')))
        .unwrap_or(b.len());
    let host = (start..end)
        .rev()
        .find(|&i| b.get(i) == Some(&b'@'))
        .map_or(start, |at| at + 1);
    if host < end {
        Some((host, end))
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
