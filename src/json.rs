//! A small JSON writer implementing `serde::Serializer`.
//!
//! Why not serde_json: it costs about 8 KB gzip in the wasm build. Why not serde-wasm-bindgen +
//! `JSON.stringify`: it crosses the JS boundary once per field, which dominates capture time.
//! This writer produces the envelope text in one pass inside wasm. Non-integral floats are the
//! one thing it does not format itself: the caller passes a formatter, so the wasm build can use
//! JavaScript's `String(n)` instead of linking Rust's float formatting (natively, `rust_float`
//! writes the same text). `tests/json.rs` and `fuzz/fuzz_targets/json.rs` hold it to what it
//! writes: serde_json's compact bytes, except `\u0008`/`\u000c` for `\b`/`\f`, U+2028/2029
//! escaped, and numbers as described at [`safe_integer`] and `rust_float`.

#[allow(unused_imports)]
use crate::prelude::*;
use core::fmt;
use serde::ser::{self, Serialize};

/// Formats a finite, non-integral f64 as JSON number text.
pub type FloatFormatter = fn(f64, &mut String);

/// Why serialization failed (only unsupported types or a user `Serialize` impl erroring).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for JsonError {}

impl ser::Error for JsonError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        JsonError(msg.to_string())
    }
}

/// The native formatter: Rust's shortest round-trip digits, laid out as JavaScript's
/// `String(n)` lays them out (the wasm build's formatter), so both builds write the same text:
/// plain from 1e-6 up to 1e21 (`0.000001`, `123.5`), an exponent outside (`1e+21`, `1.5e-7`).
/// Rust's own `{}` never uses an exponent, which made `f64::MAX` 309 digits long and
/// `5e-324` 326 characters, text that serde_json's default number parser rejects as out of
/// range.
#[cfg(not(target_arch = "wasm32"))]
pub fn rust_float(v: f64, out: &mut String) {
    use core::fmt::Write;
    let a = v.abs();
    if a == 0.0 {
        // Negative zero too: `String(-0)` is "0" (Rust writes "-0"; found by the json fuzz target).
        out.push('0');
        return;
    }
    if (1e-6..1e21).contains(&a) {
        let _ = write!(out, "{v}");
        return;
    }
    let start = out.len();
    let _ = write!(out, "{v:e}");
    // Rust writes `1e21`, JavaScript `1e+21`.
    if let Some(e) = out[start..].find('e').map(|i| start + i + 1) {
        if !out[e..].starts_with('-') {
            out.insert(e, '+');
        }
    }
}

/// Serializes `value` as compact JSON.
pub fn to_string<T: Serialize + ?Sized>(
    value: &T,
    float: FloatFormatter,
) -> Result<String, JsonError> {
    let mut w = Writer {
        out: String::with_capacity(256),
        float,
    };
    value.serialize(&mut w)?;
    Ok(w.out)
}

/// `v` as an integer if it is one JSON consumers read exactly (|v| < 2^53).
pub fn safe_integer(v: f64) -> Option<i64> {
    let i = v as i64; // saturating; NaN becomes 0 and fails the comparison below
    (i as f64 == v && i.unsigned_abs() < 1 << 53).then_some(i)
}

/// Decimal digits of an unsigned integer, without pulling in `core::fmt`.
pub fn u64_digits(mut v: u64) -> String {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written: one char per byte (a loop: collect() costs more wasm).
    let mut out = String::with_capacity(buf.len() - i);
    for &b in &buf[i..] {
        out.push(b as char);
    }
    out
}

/// Appends `s` as a JSON string literal.
pub fn push_str_literal(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            // U+2028/2029 are valid JSON but break some JavaScript consumers; escape them.
            '\u{0}'..='\u{1f}' | '\u{2028}' | '\u{2029}' => None,
            _ => continue,
        };
        out.push_str(crate::text::slice(s, start, i));
        match esc {
            Some(e) => out.push_str(e),
            None => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((n >> shift) & 0xf) as usize] as char);
                }
            }
        }
        start = i + c.len_utf8();
    }
    out.push_str(crate::text::tail(s, start));
    out.push('"');
}

struct Writer {
    out: String,
    float: FloatFormatter,
}

impl Writer {
    fn int(&mut self, neg: bool, v: u64) {
        if neg {
            self.out.push('-');
        }
        self.out.push_str(&u64_digits(v));
    }
}

/// Serializer state for sequences and maps: whether a separator is due.
pub struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    /// Closing text: `]`, `}`, or `]}` / `}}` for variant forms.
    close: &'static str,
}

impl Compound<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
    }
}

type Res = Result<(), JsonError>;

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Res {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Res {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Res {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Res {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Res {
        self.int(v < 0, v.unsigned_abs());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Res {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Res {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Res {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Res {
        self.int(false, v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Res {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Res {
        if !v.is_finite() {
            self.out.push_str("null");
        } else if let Some(i) = safe_integer(v) {
            self.int(i < 0, i.unsigned_abs());
        } else {
            (self.float)(v, &mut self.out);
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Res {
        let mut b = [0u8; 4];
        self.serialize_str(v.encode_utf8(&mut b))
    }
    fn serialize_str(self, v: &str) -> Res {
        push_str_literal(&mut self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Res {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Res {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, variant: &'static str) -> Res {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _n: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Res {
        self.out.push('{');
        push_str_literal(&mut self.out, variant);
        self.out.push(':');
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, JsonError> {
        self.out.push('[');
        Ok(Compound {
            w: self,
            first: true,
            close: "]",
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _n: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, JsonError> {
        self.out.push('{');
        push_str_literal(&mut self.out, variant);
        self.out.push_str(":[");
        Ok(Compound {
            w: self,
            first: true,
            close: "]}",
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, JsonError> {
        self.out.push('{');
        Ok(Compound {
            w: self,
            first: true,
            close: "}",
        })
    }
    fn serialize_struct(self, _n: &'static str, len: usize) -> Result<Compound<'a>, JsonError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, JsonError> {
        self.out.push('{');
        push_str_literal(&mut self.out, variant);
        self.out.push_str(":{");
        Ok(Compound {
            w: self,
            first: true,
            close: "}}",
        })
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.sep();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Res {
        self.w.out.push_str(self.close);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

/// Map keys must be strings in JSON; this serializer accepts string-like keys only.
struct KeySerializer<'a>(&'a mut Writer);

fn key_error() -> JsonError {
    JsonError("JSON object keys must be strings".into())
}

macro_rules! reject_key {
    ($($f:ident($t:ty)),*) => {$(
        fn $f(self, _v: $t) -> Res { Err(key_error()) }
    )*};
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = ser::Impossible<(), JsonError>;
    type SerializeTuple = ser::Impossible<(), JsonError>;
    type SerializeTupleStruct = ser::Impossible<(), JsonError>;
    type SerializeTupleVariant = ser::Impossible<(), JsonError>;
    type SerializeMap = ser::Impossible<(), JsonError>;
    type SerializeStruct = ser::Impossible<(), JsonError>;
    type SerializeStructVariant = ser::Impossible<(), JsonError>;

    fn serialize_str(self, v: &str) -> Res {
        push_str_literal(&mut self.0.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Res {
        let mut b = [0u8; 4];
        self.serialize_str(v.encode_utf8(&mut b))
    }
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, variant: &'static str) -> Res {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _n: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    reject_key!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8])
    );
    fn serialize_none(self) -> Res {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _v: &T) -> Res {
        Err(key_error())
    }
    fn serialize_unit(self) -> Res {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _n: &'static str) -> Res {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _value: &T,
    ) -> Res {
        Err(key_error())
    }
    fn serialize_seq(self, _l: Option<usize>) -> Result<Self::SerializeSeq, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _l: usize) -> Result<Self::SerializeTuple, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _n: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleStruct, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Err(key_error())
    }
    fn serialize_map(self, _l: Option<usize>) -> Result<Self::SerializeMap, JsonError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _n: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeStruct, JsonError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Err(key_error())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        self.sep();
        key.serialize(KeySerializer(&mut *self.w))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.w.out.push(':');
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Res {
        self.w.out.push_str(self.close);
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.sep();
        push_str_literal(&mut self.w.out, key);
        self.w.out.push(':');
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Res {
        self.w.out.push_str(self.close);
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Res {
        ser::SerializeStruct::end(self)
    }
}
