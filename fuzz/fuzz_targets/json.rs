//! tattle's JSON writer, differentially against serde_json.
//!
//! The input decodes to a value of a model type that uses every `Serializer` method (all
//! integer widths, f32/f64, char, bytes, options, unit/newtype/tuple/struct variants, maps
//! with string-like and non-string keys, a failing value) and tattle's own `protocol::Value`.
//! Checks:
//! - tattle fails exactly when the value has a non-string map key or a failing part;
//! - otherwise its text is byte-identical to serde_json's compact output written with a
//!   formatter that applies src/json.rs's documented rules where they differ from serde_json
//!   (`\b`, `\f` and other controls as `\u00xx`, U+2028/2029 escaped, an f64 that is an integer
//!   below 2^53 written as one, other floats as JavaScript's `String(n)` writes them, which the
//!   native formatter `rust_float` must do as the wasm build's does, f32 widened to f64);
//! - and serde_json reads it back as the value it reads from its own plain output;
//! - `push_str_literal`, `u64_digits`, `safe_integer` and `rust_float` agree with the same
//!   rules (`rust_float` with ECMAScript's Number::toString, written out here from the spec).
#![no_main]
use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde::ser::{
    Error as _, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant,
    SerializeTuple, SerializeTupleStruct, SerializeTupleVariant,
};
use serde::{Serialize, Serializer};
use serde_json::ser::{CharEscape, Formatter};
use std::io::{self, Write};

const NAMES: &[&str] = &[
    "",
    "a",
    "type",
    "a\"b\\c",
    "\u{2028}x\u{2029}",
    "é😀",
    "\n\t\u{1}",
];

#[derive(Debug)]
enum Key {
    Str(String),
    Char(char),
    Variant(usize),
    Newtype(Box<Key>),
    /// Not a string: tattle must refuse it.
    Bad(u8),
}

#[derive(Debug)]
enum Node {
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    Char(char),
    Str(String),
    Bytes(Vec<u8>),
    None,
    Some(Box<Node>),
    Unit,
    UnitStruct,
    UnitVariant(usize),
    NewtypeStruct(Box<Node>),
    NewtypeVariant(usize, Box<Node>),
    Seq(Vec<Node>),
    Tuple(Vec<Node>),
    TupleStruct(Vec<Node>),
    TupleVariant(usize, Vec<Node>),
    Map(Vec<(Key, Node)>),
    Struct(Vec<(usize, Node)>),
    StructVariant(usize, Vec<(usize, Node)>),
    Proto(tattle::protocol::Value),
    Fail,
}

fn name(u: &mut Unstructured) -> Result<usize> {
    u.choose_index(NAMES.len())
}

fn string(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 4)? {
        Ok(NAMES[name(u)?].to_owned())
    } else {
        tattle_fuzz::text(u)
    }
}

fn float(u: &mut Unstructured) -> Result<f64> {
    Ok(match u.int_in_range(0..=4u8)? {
        0 => f64::from(u.arbitrary::<i32>()?) / 1000.0,
        1 => f64::from(u.arbitrary::<i32>()?) * 1e10,
        2 => {
            // Around 2^53, where integers stop being safe.
            let k: i16 = u.arbitrary()?;
            9_007_199_254_740_992.0 + f64::from(k) * 2.0
        }
        3 => f64::from(u.arbitrary::<u8>()?) * 10f64.powi(i32::from(u.arbitrary::<i8>()?) * 3),
        _ => f64::from_bits(u.arbitrary()?),
    })
}

fn key(u: &mut Unstructured, depth: u32) -> Result<Key> {
    Ok(
        match u.int_in_range(0..=if depth == 0 { 2 } else { 9u8 })? {
            0 | 4 | 5 | 6 | 7 => Key::Str(string(u)?),
            1 => Key::Char(u.arbitrary()?),
            2 => Key::Variant(name(u)?),
            3 => Key::Newtype(Box::new(key(u, depth - 1)?)),
            8 => Key::Bad(u.arbitrary()?),
            _ => Key::Str(string(u)?),
        },
    )
}

fn list(u: &mut Unstructured, depth: u32) -> Result<Vec<Node>> {
    let mut v = Vec::new();
    for _ in 0..u.int_in_range(0..=4u8)? {
        v.push(node(u, depth - 1)?);
    }
    Ok(v)
}

fn fields(u: &mut Unstructured, depth: u32) -> Result<Vec<(usize, Node)>> {
    let mut v = Vec::new();
    for _ in 0..u.int_in_range(0..=4u8)? {
        v.push((name(u)?, node(u, depth - 1)?));
    }
    Ok(v)
}

fn node(u: &mut Unstructured, depth: u32) -> Result<Node> {
    let max = if depth == 0 { 18 } else { 31u8 };
    Ok(match u.int_in_range(0..=max)? {
        0 => Node::Bool(u.arbitrary()?),
        1 => Node::I8(u.arbitrary()?),
        2 => Node::I16(u.arbitrary()?),
        3 => Node::I32(u.arbitrary()?),
        4 => Node::I64(u.arbitrary()?),
        5 => Node::U8(u.arbitrary()?),
        6 => Node::U16(u.arbitrary()?),
        7 => Node::U32(u.arbitrary()?),
        8 => Node::U64(u.arbitrary()?),
        9 => Node::F32(float(u)? as f32),
        10 | 11 => Node::F64(float(u)?),
        12 => Node::Char(u.arbitrary()?),
        13 | 14 => Node::Str(string(u)?),
        15 => Node::Bytes(u.arbitrary()?),
        16 => Node::None,
        17 => Node::Unit,
        18 => Node::UnitVariant(name(u)?),
        19 => Node::UnitStruct,
        20 => Node::Some(Box::new(node(u, depth - 1)?)),
        21 => Node::NewtypeStruct(Box::new(node(u, depth - 1)?)),
        22 => Node::NewtypeVariant(name(u)?, Box::new(node(u, depth - 1)?)),
        23 => Node::Seq(list(u, depth)?),
        24 => Node::Tuple(list(u, depth)?),
        25 => Node::TupleStruct(list(u, depth)?),
        26 => Node::TupleVariant(name(u)?, list(u, depth)?),
        27 => {
            let mut v = Vec::new();
            for _ in 0..u.int_in_range(0..=4u8)? {
                v.push((key(u, 2)?, node(u, depth - 1)?));
            }
            Node::Map(v)
        }
        28 => Node::Struct(fields(u, depth)?),
        29 => Node::StructVariant(name(u)?, fields(u, depth)?),
        30 => Node::Proto(tattle_fuzz::value(u, depth.min(4))?),
        _ => {
            if u.ratio(1, 4)? {
                Node::Fail
            } else {
                Node::Str(string(u)?)
            }
        }
    })
}

/// Whether serializing `n` must fail (a non-string key or a failing part).
fn must_fail(n: &Node) -> bool {
    fn bad_key(k: &Key) -> bool {
        match k {
            Key::Bad(_) => true,
            Key::Newtype(k) => bad_key(k),
            _ => false,
        }
    }
    match n {
        Node::Fail => true,
        Node::Some(n) | Node::NewtypeStruct(n) | Node::NewtypeVariant(_, n) => must_fail(n),
        Node::Seq(v) | Node::Tuple(v) | Node::TupleStruct(v) | Node::TupleVariant(_, v) => {
            v.iter().any(must_fail)
        }
        Node::Map(v) => v.iter().any(|(k, n)| bad_key(k) || must_fail(n)),
        Node::Struct(v) | Node::StructVariant(_, v) => v.iter().any(|(_, n)| must_fail(n)),
        _ => false,
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Key::Str(v) => s.serialize_str(v),
            Key::Char(c) => s.serialize_char(*c),
            Key::Variant(i) => s.serialize_unit_variant("K", *i as u32, NAMES[*i]),
            Key::Newtype(k) => s.serialize_newtype_struct("K", k),
            Key::Bad(b) => match b % 6 {
                0 => s.serialize_i32(i32::from(*b)),
                1 => s.serialize_bool(b & 8 != 0),
                2 => s.serialize_unit(),
                3 => s.serialize_none(),
                4 => s.serialize_f64(f64::from(*b) / 4.0),
                _ => s.serialize_seq(Some(0))?.end(),
            },
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Node::Bool(v) => s.serialize_bool(*v),
            Node::I8(v) => s.serialize_i8(*v),
            Node::I16(v) => s.serialize_i16(*v),
            Node::I32(v) => s.serialize_i32(*v),
            Node::I64(v) => s.serialize_i64(*v),
            Node::U8(v) => s.serialize_u8(*v),
            Node::U16(v) => s.serialize_u16(*v),
            Node::U32(v) => s.serialize_u32(*v),
            Node::U64(v) => s.serialize_u64(*v),
            Node::F32(v) => s.serialize_f32(*v),
            Node::F64(v) => s.serialize_f64(*v),
            Node::Char(v) => s.serialize_char(*v),
            Node::Str(v) => s.serialize_str(v),
            Node::Bytes(v) => s.serialize_bytes(v),
            Node::None => s.serialize_none(),
            Node::Some(n) => s.serialize_some(n),
            Node::Unit => s.serialize_unit(),
            Node::UnitStruct => s.serialize_unit_struct("U"),
            Node::UnitVariant(i) => s.serialize_unit_variant("E", *i as u32, NAMES[*i]),
            Node::NewtypeStruct(n) => s.serialize_newtype_struct("N", n),
            Node::NewtypeVariant(i, n) => s.serialize_newtype_variant("E", *i as u32, NAMES[*i], n),
            Node::Seq(v) => {
                let mut q = s.serialize_seq(Some(v.len()))?;
                for n in v {
                    q.serialize_element(n)?;
                }
                q.end()
            }
            Node::Tuple(v) => {
                let mut q = s.serialize_tuple(v.len())?;
                for n in v {
                    q.serialize_element(n)?;
                }
                q.end()
            }
            Node::TupleStruct(v) => {
                let mut q = s.serialize_tuple_struct("T", v.len())?;
                for n in v {
                    q.serialize_field(n)?;
                }
                q.end()
            }
            Node::TupleVariant(i, v) => {
                let mut q = s.serialize_tuple_variant("E", *i as u32, NAMES[*i], v.len())?;
                for n in v {
                    q.serialize_field(n)?;
                }
                q.end()
            }
            Node::Map(v) => {
                let mut q = s.serialize_map(None)?;
                for (k, n) in v {
                    q.serialize_key(k)?;
                    q.serialize_value(n)?;
                }
                q.end()
            }
            Node::Struct(v) => {
                let mut q = s.serialize_struct("S", v.len())?;
                for (k, n) in v {
                    q.serialize_field(NAMES[*k], n)?;
                }
                q.end()
            }
            Node::StructVariant(i, v) => {
                let mut q = s.serialize_struct_variant("E", *i as u32, NAMES[*i], v.len())?;
                for (k, n) in v {
                    q.serialize_field(NAMES[*k], n)?;
                }
                q.end()
            }
            Node::Proto(v) => v.serialize(s),
            Node::Fail => Err(S::Error::custom("this value fails")),
        }
    }
}

/// An f64 as src/json.rs documents it: an integer below 2^53 as one (so `-0` is `0`), any
/// other finite value as JavaScript's `String(n)` writes it.
fn float_text(v: f64) -> String {
    if v.trunc() == v && v.abs() < 9_007_199_254_740_992.0 {
        format!("{}", v as i64)
    } else {
        js_number(v)
    }
}

/// ECMAScript's Number::toString(x) for finite x, from the shortest digits `s` (k of them)
/// and the exponent n with x = s × 10^(n−k), which Rust's `{:e}` gives.
fn js_number(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap();
    let digits = mantissa.replace('.', "");
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().unwrap() + 1;
    let zeros = |count: i32| "0".repeat(count as usize);
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", zeros(n - k))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", zeros(-n))
    } else {
        let e = n - 1;
        let sign = if e >= 0 { "+" } else { "-" };
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        format!("{first}{dot}{rest}e{sign}{}", e.abs())
    };
    if v < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

/// serde_json's output with src/json.rs's documented differences.
struct TattleRules;

impl Formatter for TattleRules {
    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, v: f64) -> io::Result<()> {
        w.write_all(float_text(v).as_bytes())
    }
    fn write_f32<W: ?Sized + Write>(&mut self, w: &mut W, v: f32) -> io::Result<()> {
        self.write_f64(w, f64::from(v))
    }
    fn write_char_escape<W: ?Sized + Write>(&mut self, w: &mut W, e: CharEscape) -> io::Result<()> {
        let s = match e {
            CharEscape::Quote => "\\\"".to_owned(),
            CharEscape::ReverseSolidus => "\\\\".to_owned(),
            CharEscape::Solidus => "/".to_owned(),
            CharEscape::LineFeed => "\\n".to_owned(),
            CharEscape::CarriageReturn => "\\r".to_owned(),
            CharEscape::Tab => "\\t".to_owned(),
            CharEscape::Backspace => "\\u0008".to_owned(),
            CharEscape::FormFeed => "\\u000c".to_owned(),
            CharEscape::AsciiControl(b) => format!("\\u{:04x}", b),
        };
        w.write_all(s.as_bytes())
    }
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, f: &str) -> io::Result<()> {
        let f = f
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
        w.write_all(f.as_bytes())
    }
}

fn with_rules<T: Serialize + ?Sized>(v: &T) -> Option<String> {
    let mut out = Vec::new();
    v.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        TattleRules,
    ))
    .ok()?;
    Some(String::from_utf8(out).expect("utf-8"))
}

/// `same_json`, but a float that serde_json wrote as an f32 (shortest for f32) equals the one
/// tattle wrote from the same f32 widened to f64.
fn close(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            tattle_fuzz::same_json(a, b)
                || matches!((x.as_f64(), y.as_f64()), (Some(p), Some(q)) if p as f32 == q as f32)
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // The small helpers, on their own.
    if let (Ok(s), Ok(n), Ok(f)) = (string(&mut u), u.arbitrary::<u64>(), float(&mut u)) {
        let mut lit = String::new();
        tattle::json::push_str_literal(&mut lit, &s);
        assert_eq!(Some(lit), with_rules(&s), "push_str_literal({s:?})");
        assert_eq!(tattle::json::u64_digits(n), n.to_string());
        if f.is_finite() {
            let mut text = String::new();
            tattle::json::rust_float(f, &mut text);
            assert_eq!(text, js_number(f), "rust_float({f:?}) is not String(n)");
        }
        let safe = f.trunc() == f && f.abs() < 9_007_199_254_740_992.0;
        assert_eq!(
            tattle::json::safe_integer(f),
            safe.then_some(f as i64),
            "safe_integer({f:?})"
        );
    }
    let Ok(n) = node(&mut u, 6) else {
        return;
    };
    let ours = tattle::json::to_string(&n, tattle::json::rust_float);
    let ours = match (ours, must_fail(&n)) {
        (Err(_), true) => return,
        (Ok(text), false) => text,
        (r, fail) => panic!(
            "tattle gave {r:?} where it should {}: {n:?}",
            if fail { "fail" } else { "succeed" }
        ),
    };
    let rules = with_rules(&n).expect("serde_json failed where tattle did not");
    assert_eq!(
        ours, rules,
        "not byte-identical to serde_json with tattle's rules: {n:?}"
    );
    let back: serde_json::Value = serde_json::from_str(&ours)
        .unwrap_or_else(|e| panic!("tattle wrote invalid JSON ({e}): {ours}"));
    let plain: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&n).expect("serde_json"))
            .expect("reads its own");
    assert!(
        close(&back, &plain),
        "reads back differently:\n tattle: {back}\n serde_json: {plain}"
    );
});
