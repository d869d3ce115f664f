//! What the fuzz targets share: checks on what tattle produced, and builders that turn fuzz
//! input into tattle's types (events, JSON values) through `arbitrary::Unstructured`.

use arbitrary::{Result, Unstructured};
use tattle::protocol::{
    Breadcrumb, Event, Exception, Frame, Level, LogEntry, Map, Mechanism, Request, Stacktrace,
    Timestamp, User, Value, Values,
};

/// Text pieces that steer generated strings towards what the scrubber and the parsers look
/// for; the fuzzer mixes them with its own bytes.
pub const PIECES: &[&str] = &[
    "password",
    "secret",
    "auth",
    "api_key",
    "token=",
    "token:",
    "otp",
    "session",
    "cookie",
    "csrf",
    "4111 1111 1111 1111",
    "378282246310005",
    "DE89 3704 0044 0532 0130 00",
    "GB82WEST12345698765432",
    "078-05-1120",
    "Bearer abc.DEF-123_x",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "https://bob:hunter2@db.example.com/x",
    "http://127.0.0.1:8000/app.js?v=1#top",
    "?a=1&password=x&b=%41#f",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
    "/home/alice/app.js",
    "C:\\Users\\Bob\\app.js",
    "jane@example.com",
    "10.1.2.3",
    "::1",
    "2001:db8::ff00:42:8329",
    "[Filtered]",
    "[user]",
    "[token]",
    "    at f (http://h/a.js:1:2)\n",
    "f@http://h/a.js:1:2\n",
    "wasm://wasm/0ab9e6ca:wasm-function[1]:0x2b",
    "\u{2028}",
    "\u{7f}",
    "\"\\/",
    "\u{0}\u{8}\u{c}\u{1f}",
    "é",
    "😀",
];

/// A string of a few pieces: the fuzzer's own text and [`PIECES`].
pub fn text(u: &mut Unstructured) -> Result<String> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=4u8)? {
        if u.ratio(1, 3)? {
            out.push_str(u.choose(PIECES)?);
        } else {
            let len = u.int_in_range(0..=24usize)?;
            let bytes = u.bytes(len.min(u.len()))?;
            out.push_str(&String::from_utf8_lossy(bytes));
        }
    }
    Ok(out)
}

/// An f64 that is often a plain one (small integers, tenths) and sometimes any bit pattern.
pub fn number(u: &mut Unstructured) -> Result<f64> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => f64::from(u.arbitrary::<i32>()?),
        1 => f64::from(u.arbitrary::<i16>()?) / 10.0,
        2 => u.arbitrary::<i64>()? as f64,
        _ => f64::from_bits(u.arbitrary()?),
    })
}

/// A JSON value of tattle's own type, at most `depth` levels deep.
pub fn value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let leaf = depth == 0;
    Ok(match u.int_in_range(0..=if leaf { 3 } else { 5u8 })? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Number(number(u)?),
        3 => Value::String(text(u)?),
        4 => {
            let n = u.int_in_range(0..=4u8)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let n = u.int_in_range(0..=4u8)?;
            let mut entries = Vec::new();
            for _ in 0..n {
                entries.push((text(u)?, value(u, depth - 1)?));
            }
            Value::Object(entries)
        }
    })
}

fn opt<T>(
    u: &mut Unstructured,
    f: impl FnOnce(&mut Unstructured) -> Result<T>,
) -> Result<Option<T>> {
    Ok(if u.arbitrary()? { Some(f(u)?) } else { None })
}

fn value_map(u: &mut Unstructured) -> Result<Map<Value>> {
    let mut m = Map::new();
    for _ in 0..u.int_in_range(0..=3u8)? {
        m.insert(text(u)?, value(u, 3)?);
    }
    Ok(m)
}

fn string_map(u: &mut Unstructured) -> Result<Map<String>> {
    let mut m = Map::new();
    for _ in 0..u.int_in_range(0..=3u8)? {
        m.insert(text(u)?, text(u)?);
    }
    Ok(m)
}

/// A timestamp from 1970 to the year 9999 (what `Date.now()` can be).
pub fn timestamp(u: &mut Unstructured) -> Result<Timestamp> {
    Ok(Timestamp(u.int_in_range(0..=253_402_300_799_999u64)?))
}

fn level(u: &mut Unstructured) -> Result<Level> {
    Ok(*u.choose(&[
        Level::Debug,
        Level::Info,
        Level::Warning,
        Level::Error,
        Level::Fatal,
    ])?)
}

fn frame(u: &mut Unstructured) -> Result<Frame> {
    Ok(Frame {
        function: opt(u, text)?,
        filename: opt(u, text)?,
        abs_path: opt(u, text)?,
        lineno: u.arbitrary()?,
        colno: u.arbitrary()?,
        in_app: u.arbitrary()?,
        instruction_addr: opt(u, text)?,
        addr_mode: opt(u, text)?,
    })
}

fn exception(u: &mut Unstructured) -> Result<Exception> {
    let stacktrace = if u.arbitrary()? {
        // Frames as the parser makes them, or made up.
        let frames = if u.arbitrary()? {
            tattle::stacktrace::parse(&text(u)?)
        } else {
            let mut frames = Vec::new();
            for _ in 0..u.int_in_range(0..=3u8)? {
                frames.push(frame(u)?);
            }
            frames
        };
        Some(Stacktrace { frames })
    } else {
        None
    };
    Ok(Exception {
        ty: text(u)?,
        value: text(u)?,
        mechanism: opt(u, |u| Ok(Mechanism::new(&text(u)?, u.arbitrary()?)))?,
        stacktrace,
    })
}

fn breadcrumb(u: &mut Unstructured) -> Result<Breadcrumb> {
    Ok(Breadcrumb {
        timestamp: timestamp(u)?,
        ty: opt(u, text)?,
        category: opt(u, text)?,
        message: opt(u, text)?,
        level: opt(u, level)?,
        data: value_map(u)?,
    })
}

/// A user with any of its fields.
pub fn user(u: &mut Unstructured) -> Result<User> {
    Ok(User {
        id: opt(u, text)?,
        email: opt(u, text)?,
        username: opt(u, text)?,
        ip_address: opt(u, text)?,
        data: value_map(u)?,
    })
}

/// An event with any of its parts.
pub fn event(u: &mut Unstructured) -> Result<Event> {
    let event_id = if u.ratio(7, 8)? {
        tattle::uuid4_hex(u.arbitrary()?)
    } else {
        text(u)?
    };
    let mut exceptions = Vec::new();
    for _ in 0..u.int_in_range(0..=2u8)? {
        exceptions.push(exception(u)?);
    }
    let mut crumbs = Vec::new();
    for _ in 0..u.int_in_range(0..=3u8)? {
        crumbs.push(breadcrumb(u)?);
    }
    let mut fingerprint = Vec::new();
    for _ in 0..u.int_in_range(0..=2u8)? {
        fingerprint.push(text(u)?);
    }
    Ok(Event {
        event_id,
        timestamp: timestamp(u)?,
        platform: "javascript",
        level: level(u)?,
        logentry: opt(u, |u| {
            Ok(LogEntry {
                formatted: text(u)?,
            })
        })?,
        exception: (!exceptions.is_empty()).then_some(Values { values: exceptions }),
        release: opt(u, text)?,
        environment: opt(u, text)?,
        dist: opt(u, text)?,
        user: opt(u, user)?,
        request: opt(u, |u| {
            Ok(Request {
                url: opt(u, text)?,
                method: opt(u, text)?,
                headers: string_map(u)?,
            })
        })?,
        tags: string_map(u)?,
        contexts: value_map(u)?,
        extra: value_map(u)?,
        fingerprint,
        breadcrumbs: (!crumbs.is_empty()).then_some(Values { values: crumbs }),
        ..Event::default()
    })
}

/// Whether two JSON values are equal, numbers compared by value (`1` and `1.0` are one number).
pub fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            x == y
                || match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                    (Some(i), Some(j), _, _) => i == j,
                    (_, _, Some(i), Some(j)) => i == j,
                    _ => x.as_f64() == y.as_f64(),
                }
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// tattle's JSON for `value`: it must be JSON that serde_json reads back as the value
/// serde_json itself makes of `value`.
pub fn tattle_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = tattle::json::to_string(value, tattle::json::rust_float).expect("tattle JSON");
    let ours: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("tattle wrote invalid JSON ({e}): {text:?}"));
    let theirs = serde_json::to_value(value).expect("serde_json");
    assert!(
        same_json(&ours, &theirs),
        "tattle JSON reads back differently:\n tattle: {ours}\n serde_json: {theirs}"
    );
    text
}

/// What every frame the parsers make must satisfy. `input_chars` bounds its texts.
pub fn check_frame(f: &Frame, input_chars: usize) {
    let bound = input_chars * 2 + 32;
    for s in [&f.function, &f.filename, &f.abs_path, &f.instruction_addr]
        .into_iter()
        .flatten()
    {
        assert!(!s.contains('\n'), "a frame field spans lines: {f:?}");
        assert!(
            s.chars().count() <= bound,
            "a frame field is longer than its input ({input_chars} chars): {f:?}"
        );
    }
    if let Some(name) = &f.function {
        assert!(
            !name.is_empty(),
            "empty function name instead of None: {f:?}"
        );
    }
    assert_eq!(
        f.filename,
        f.abs_path.as_deref().map(tattle::stacktrace::filename_of),
        "filename is not filename_of(abs_path): {f:?}"
    );
    assert!(f.in_app.is_some(), "in_app unset: {f:?}");
    assert!(
        f.colno.is_none() || f.lineno.is_some(),
        "a column without a line: {f:?}"
    );
    if let Some(addr) = &f.instruction_addr {
        let hex = addr.strip_prefix("0x").expect("instruction_addr starts 0x");
        assert!(
            !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            "instruction_addr is not hex: {f:?}"
        );
    }
}

/// The parts of an envelope body: its header and its items (item header, payload).
pub struct Parsed<'a> {
    /// The envelope header.
    pub header: serde_json::Value,
    /// Each item's header and payload text.
    pub items: Vec<(serde_json::Value, &'a str)>,
}

/// Reads an envelope as Relay does: a header line, then item header lines each followed by
/// exactly `length` bytes of payload and a newline. Panics on anything malformed.
pub fn parse_envelope(body: &str) -> Parsed<'_> {
    let (first, mut rest) = body.split_once('\n').expect("envelope header line");
    let header: serde_json::Value = serde_json::from_str(first)
        .unwrap_or_else(|e| panic!("header is not JSON ({e}): {first:?}"));
    assert!(header.is_object(), "header is not an object: {first:?}");
    let mut items = Vec::new();
    while !rest.is_empty() {
        let (line, after) = rest.split_once('\n').expect("item header line");
        let item: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("item header is not JSON ({e}): {line:?}"));
        let len = item["length"].as_u64().expect("item length") as usize;
        assert!(item["type"].is_string(), "item type: {line:?}");
        let payload = after
            .get(..len)
            .unwrap_or_else(|| panic!("item length {len} does not fit the body: {line:?}"));
        assert_eq!(payload.len(), len);
        rest = after[len..]
            .strip_prefix('\n')
            .expect("a newline after the payload");
        items.push((item, payload));
    }
    Parsed { header, items }
}

/// Days since 1970-01-01 of a civil date (the inverse of what `Timestamp` uses).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Checks `text` is `t` as RFC 3339 with milliseconds: `2026-11-25T06:29:22.123Z`.
pub fn check_rfc3339(text: &str, t: Timestamp) {
    let b = text.as_bytes();
    assert!(
        b.len() == 24
            && [4, 7].iter().all(|&i| b[i] == b'-')
            && b[10] == b'T'
            && [13, 16].iter().all(|&i| b[i] == b':')
            && b[19] == b'.'
            && b[23] == b'Z',
        "not RFC 3339: {text:?}"
    );
    let n = |a: usize, z: usize| -> i64 { text[a..z].parse().expect("digits") };
    let (y, mo, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (h, mi, s, ms) = (n(11, 13), n(14, 16), n(17, 19), n(20, 23));
    assert!((1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && s < 60);
    let days = days_from_civil(y, mo, d);
    let next_month = if mo == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, mo + 1, 1)
    };
    assert!(days < next_month, "day out of its month: {text}");
    let back = ((days * 86_400 + h * 3600 + mi * 60 + s) * 1000 + ms) as u64;
    assert_eq!(back, t.0, "{text} is not {} ms", t.0);
}
