//! src/json.rs, the JSON writer every envelope goes through, against serde_json.
//!
//! What it promises (and these tests hold it to): compact JSON that any parser reads back as
//! the value written; strings escaped as serde_json escapes them except that `\b` and `\f` are
//! written `\u0008` and `\u000c` and U+2028/U+2029 are escaped too (they end a line in older
//! JavaScript); integers exactly, and an f64 that is an integer below 2^53 as one (`-0.0` as
//! `0`, like `JSON.stringify`); other finite floats by the formatter the caller passes
//! (JavaScript's `String(n)` in the wasm build; natively `rust_float`, which writes the same);
//! NaN and infinities as `null`; map keys only when they are strings. So wherever no float and
//! none of those characters occur, the bytes are serde_json's own.
//! `fuzz/fuzz_targets/json.rs` checks the same against arbitrary values.
#![cfg(not(target_arch = "wasm32"))]

use serde::Serialize;
use std::collections::BTreeMap;
use tattle::json::{push_str_literal, rust_float, safe_integer, to_string, u64_digits};
use tattle::protocol::Value;

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    to_string(v, rust_float).expect("serializes")
}

/// tattle's text, which must parse as JSON to the same value serde_json's own text parses to.
fn same_as_serde<T: Serialize + ?Sized>(v: &T) -> String {
    let ours = json(v);
    let back: serde_json::Value =
        serde_json::from_str(&ours).unwrap_or_else(|e| panic!("invalid JSON {ours:?}: {e}"));
    assert_eq!(back, serde_json::to_value(v).unwrap(), "{ours}");
    ours
}

#[test]
fn every_control_character_is_escaped() {
    for c in (0u8..0x20).map(char::from) {
        let s = format!("a{c}b");
        let ours = same_as_serde(&s);
        let want = match c {
            '\n' => "\"a\\nb\"".to_owned(),
            '\r' => "\"a\\rb\"".to_owned(),
            '\t' => "\"a\\tb\"".to_owned(),
            _ => format!("\"a\\u{:04x}b\"", c as u32),
        };
        assert_eq!(ours, want, "U+{:04X}", c as u32);
        let bytes_like_serde = !matches!(c, '\u{8}' | '\u{c}');
        assert_eq!(
            ours == serde_json::to_string(&s).unwrap(),
            bytes_like_serde,
            "U+{:04X}",
            c as u32
        );
    }
}

#[test]
fn quotes_and_backslashes() {
    for (s, want) in [
        ("\"", r#""\"""#),
        ("\\", r#""\\""#),
        (r#"C:\Users\"x""#, r#""C:\\Users\\\"x\"""#),
        ("\\u0041", r#""\\u0041""#),
        ("/", r#""/""#), // a solidus needs no escape, and gets none
        ("", r#""""#),
    ] {
        assert_eq!(same_as_serde(s), want);
        assert_eq!(json(s), serde_json::to_string(s).unwrap());
    }
}

#[test]
fn unicode_passes_through_except_line_separators() {
    for s in [
        "é",
        "日本語",
        "😀",
        "\u{7f}",
        "\u{80}",
        "\u{ffff}",
        "\u{fffd}",
        "\u{10ffff}",
    ] {
        assert_eq!(same_as_serde(s), format!("\"{s}\""));
        assert_eq!(json(s), serde_json::to_string(s).unwrap());
    }
    // Valid JSON, but a line terminator in JavaScript before ES2019: escaped.
    assert_eq!(same_as_serde("a\u{2028}b\u{2029}c"), r#""a\u2028b\u2029c""#);
    // Lone surrogates cannot occur: a Rust str is UTF-8, and JavaScript strings reach the
    // core through UTF-8 encoding, which turns them into U+FFFD (tested above).
}

#[test]
fn chars_and_keys_are_escaped_like_strings() {
    assert_eq!(same_as_serde(&'"'), r#""\"""#);
    assert_eq!(same_as_serde(&'\u{2028}'), r#""\u2028""#);
    let mut m = BTreeMap::new();
    m.insert("k\"\n\u{2029}", 1);
    assert_eq!(same_as_serde(&m), r#"{"k\"\n\u2029":1}"#);
}

#[test]
fn push_str_literal_and_u64_digits() {
    let mut out = String::from("x=");
    push_str_literal(&mut out, "a\u{1}\"");
    assert_eq!(out, r#"x="a\u0001\"""#);
    for n in [0, 1, 9, 10, 99, 100, 1 << 53, u64::MAX - 1, u64::MAX] {
        assert_eq!(u64_digits(n), n.to_string());
    }
}

#[test]
fn integers_are_exact() {
    for v in [0i64, 1, -1, 42, i64::from(i32::MIN), i64::MIN, i64::MAX] {
        assert_eq!(same_as_serde(&v), v.to_string());
    }
    for v in [0u64, u64::from(u32::MAX), 1 << 53, (1 << 53) + 1, u64::MAX] {
        assert_eq!(same_as_serde(&v), v.to_string());
    }
    assert_eq!(same_as_serde(&-128i8), "-128");
    assert_eq!(same_as_serde(&255u8), "255");
    assert_eq!(same_as_serde(&i16::MIN), "-32768");
    assert_eq!(same_as_serde(&u32::MAX), "4294967295");
}

#[test]
fn safe_integers() {
    let max = 9_007_199_254_740_991.0; // 2^53 - 1
    assert_eq!(safe_integer(max), Some(9_007_199_254_740_991));
    assert_eq!(safe_integer(-max), Some(-9_007_199_254_740_991));
    assert_eq!(safe_integer(max + 1.0), None); // 2^53: beyond it not every integer is exact
    assert_eq!(safe_integer(-0.0), Some(0));
    assert_eq!(safe_integer(0.5), None);
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300] {
        assert_eq!(safe_integer(v), None, "{v}");
    }
}

/// The f64 text tattle writes, checked to read back as exactly `v` (Rust's parser is correctly
/// rounded; serde_json's default one need not be, so it only checks the text is JSON).
fn float(v: f64) -> String {
    let text = json(&v);
    assert_eq!(text.parse::<f64>().unwrap(), v, "{text}");
    serde_json::from_str::<serde_json::Number>(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    text
}

#[test]
fn floats() {
    assert_eq!(float(0.5), "0.5");
    assert_eq!(float(-2.25), "-2.25");
    assert_eq!(float(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(float(1.0), "1"); // an integer, written as one (serde_json: "1.0")
    assert_eq!(float(-0.0), "0"); // as JSON.stringify (serde_json: "-0.0")
    assert_eq!(float(9_007_199_254_740_991.0), "9007199254740991");
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(same_as_serde(&v), "null");
    }
    // An f32 goes out as the f64 it widens to (serde_json writes f32's own shortest form).
    assert_eq!(json(&0.1f32), "0.10000000149011612");
    assert_eq!(json(&0.5f32), "0.5");
    assert_eq!(json(&f32::NAN), "null");
}

/// From 2^53 on, and for every non-integer, the formatter writes the number: natively
/// `rust_float`, which writes what JavaScript's `String(n)` (the wasm build's formatter) does;
/// each expected text here is what Node printed for `String(v)`.
#[test]
fn rust_float_writes_what_javascript_writes() {
    for (v, js) in [
        (9_007_199_254_740_992.0, "9007199254740992"),
        (2f64.powi(60), "1152921504606847000"),
        (123_456_789_012_345_680_000.0, "123456789012345680000"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (-1e300, "-1e+300"),
        (f64::MAX, "1.7976931348623157e+308"),
        (0.000001, "0.000001"),
        (0.000001234, "0.000001234"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
        (5e-324, "5e-324"),
        (-0.0, "0"), // String(-0); the json fuzz target's 10-minute run found "-0"
        (0.0, "0"),
    ] {
        assert_eq!(float(v), js);
    }
}

#[test]
fn the_float_formatter_is_the_callers() {
    fn js_like(v: f64, out: &mut String) {
        // What the wasm build's String(n) would give for these.
        out.push_str(if v == 1e21 { "1e+21" } else { "0.5" });
    }
    assert_eq!(
        to_string(&[1e21, 0.5, 2.0], js_like).unwrap(),
        "[1e+21,0.5,2]"
    );
}

#[test]
fn protocol_values() {
    let v = Value::Object(vec![
        ("n".into(), Value::Number(3.0)),
        ("f".into(), Value::Number(-1.5)),
        ("nan".into(), Value::Number(f64::NAN)),
        ("big".into(), Value::Number(1e300)),
        ("s".into(), "x\u{0}".into()),
        (
            "a".into(),
            Value::Array(vec![Value::Null, Value::Bool(true)]),
        ),
        ("o".into(), Value::Object(vec![])),
    ]);
    let text = json(&v);
    assert_eq!(
        text,
        r#"{"n":3,"f":-1.5,"nan":null,"big":1e+300,"s":"x\u0000","a":[null,true],"o":{}}"#
    );
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["big"].as_f64(), Some(1e300));
    // Objects keep their order, duplicates included (JSON readers keep the last).
    let dup = Value::Object(vec![
        ("k".into(), Value::Number(1.0)),
        ("k".into(), Value::Number(2.0)),
    ]);
    assert_eq!(json(&dup), r#"{"k":1,"k":2}"#);
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(u8);

#[derive(Serialize)]
struct Tuple(u8, &'static str);

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
enum E {
    Unit,
    Newtype(u8),
    Tuple(u8, u8),
    EmptyTuple(),
    Struct { a: u8 },
    EmptyStruct {},
}

#[derive(Serialize)]
struct Record {
    #[serde(rename = "type")]
    ty: &'static str,
    none: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    some: Option<&'static str>,
    bytes: &'static [u8],
    e: Vec<E>,
    unit: Unit,
    newtype: Newtype,
    tuple: Tuple,
    empty: Empty,
    list: Vec<Vec<u8>>,
}

#[test]
fn every_shape_is_byte_identical_to_serde_json() {
    let r = Record {
        ty: "t",
        none: None,
        skipped: None,
        some: Some("s"),
        bytes: b"\x00\xff",
        e: vec![
            E::Unit,
            E::Newtype(1),
            E::Tuple(1, 2),
            E::EmptyTuple(),
            E::Struct { a: 3 },
            E::EmptyStruct {},
        ],
        unit: Unit,
        newtype: Newtype(7),
        tuple: Tuple(8, "x"),
        empty: Empty {},
        list: vec![vec![], vec![1]],
    };
    let ours = same_as_serde(&r);
    assert_eq!(ours, serde_json::to_string(&r).unwrap());
    assert_eq!(
        ours,
        concat!(
            r#"{"type":"t","none":null,"some":"s","bytes":[0,255],"#,
            r#""e":["Unit",{"Newtype":1},{"Tuple":[1,2]},{"EmptyTuple":[]},{"Struct":{"a":3}},"#,
            r#"{"EmptyStruct":{}}],"unit":null,"newtype":7,"tuple":[8,"x"],"empty":{},"#,
            r#""list":[[],[1]]}"#
        )
    );
}

#[test]
fn empty_containers() {
    assert_eq!(same_as_serde(&Vec::<u8>::new()), "[]");
    assert_eq!(same_as_serde(&BTreeMap::<String, u8>::new()), "{}");
    assert_eq!(same_as_serde(&()), "null");
    assert_eq!(same_as_serde(&Value::Array(vec![])), "[]");
    assert_eq!(same_as_serde(&Value::Object(vec![])), "{}");
    assert_eq!(
        same_as_serde(&[Value::Array(vec![]), Value::Object(vec![])]),
        "[[],{}]"
    );
}

#[test]
fn deep_nesting() {
    // 120 levels: under serde_json's reading limit (128); tattle itself has none.
    let mut v = Value::Null;
    for i in 0..120 {
        v = if i % 2 == 0 {
            Value::Array(vec![v])
        } else {
            Value::Object(vec![("k".into(), v)])
        };
    }
    let ours = same_as_serde(&v);
    assert_eq!(ours, serde_json::to_string(&v).unwrap());
    assert!(ours.starts_with(r#"{"k":[{"k":[{"#) && ours.contains(r#"{"k":[null]}"#));
    assert_eq!(ours.matches('[').count(), 60);
}

#[test]
fn map_keys_must_be_strings() {
    let mut ints = BTreeMap::new();
    ints.insert(1, 2);
    let err = to_string(&ints, rust_float).unwrap_err();
    assert_eq!(err.to_string(), "JSON object keys must be strings");
    let mut units = BTreeMap::new();
    units.insert((), 1);
    assert!(to_string(&units, rust_float).is_err());
    // String-like keys are fine: chars, unit variants, newtypes around strings.
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum K {
        A,
    }
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct N(&'static str);
    let mut m = BTreeMap::new();
    m.insert(K::A, 1);
    assert_eq!(same_as_serde(&m), r#"{"A":1}"#);
    let mut m = BTreeMap::new();
    m.insert(N("n"), 1);
    assert_eq!(same_as_serde(&m), r#"{"n":1}"#);
    let mut m = BTreeMap::new();
    m.insert('c', 1);
    assert_eq!(same_as_serde(&m), r#"{"c":1}"#);
}

#[test]
fn a_custom_error_stops_serialization() {
    struct Fails;
    impl Serialize for Fails {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no"))
        }
    }
    let err = to_string(&vec![Fails], rust_float).unwrap_err();
    assert_eq!(err.to_string(), "no");
}
