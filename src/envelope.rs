//! Envelope writer: the body POSTed to `/api/{project}/envelope/`.
//!
//! Format: a header JSON line, then for every item an item-header JSON line (`type`, `length`
//! in bytes) and the payload. At most one event per envelope, so an envelope is built around
//! one event and may carry other item kinds beside it.

use crate::json::{self, FloatFormatter, JsonError};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::write::{self, Obj};
use crate::protocol::{Event, Timestamp};
use core::fmt;

/// Largest event payload Sentry accepts.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// Why an envelope could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    /// The event could not be serialized.
    Json(JsonError),
    /// The serialized event exceeds [`MAX_EVENT_BYTES`].
    TooLarge(usize),
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::Json(e) => write!(f, "could not serialize event: {e}"),
            EnvelopeError::TooLarge(n) => write!(f, "event is {n} bytes, over the 1 MiB limit"),
        }
    }
}

impl core::error::Error for EnvelopeError {}

impl From<JsonError> for EnvelopeError {
    fn from(e: JsonError) -> Self {
        EnvelopeError::Json(e)
    }
}

/// The header as serde writes it: what [`Envelope::new`] writes directly (the test compares).
#[cfg(test)]
#[derive(serde::Serialize)]
struct Header<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<&'a str>,
    sent_at: String,
    sdk: &'a crate::protocol::SdkInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    dsn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<crate::protocol::Map<String>>,
}

/// An envelope being assembled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    body: String,
}

impl Envelope {
    /// Starts an envelope for `event` (if any). `dsn` goes in the header only when tunnelling;
    /// `trace` is the dynamic sampling context of the trace the item belongs to (string values,
    /// keys as Relay names them: `trace_id`, `public_key`, …), in the header when not empty.
    pub fn new(
        event_id: Option<&str>,
        sent_at: Timestamp,
        dsn: Option<&str>,
        trace: &[(String, String)],
        float: FloatFormatter,
    ) -> Result<Self, JsonError> {
        // The header, written directly (see protocol::write): `{"event_id":…,"sent_at":…,
        // "sdk":{…},"dsn":…,"trace":{…}}`.
        let mut body = String::with_capacity(256);
        let mut o = Obj::open(&mut body, float);
        o.opt_str("event_id", event_id);
        o.str("sent_at", &sent_at.to_rfc3339());
        {
            let mut s = Obj::open(o.key("sdk"), float);
            write::sdk(&crate::protocol::SDK, &mut s);
            s.close();
        }
        o.opt_str("dsn", dsn);
        if !trace.is_empty() {
            let mut t = Obj::open(o.key("trace"), float);
            for (k, v) in trace {
                t.member(k, v, write::string);
            }
            t.close();
        }
        o.close();
        body.push('\n');
        Ok(Envelope { body })
    }

    /// An envelope holding exactly one event.
    pub fn for_event(
        event: &Event,
        sent_at: Timestamp,
        dsn: Option<&str>,
        float: FloatFormatter,
    ) -> Result<Self, EnvelopeError> {
        let payload = event.to_json(float);
        if payload.len() > MAX_EVENT_BYTES {
            return Err(EnvelopeError::TooLarge(payload.len()));
        }
        let mut env = Envelope::new(Some(&event.event_id), sent_at, dsn, &[], float)?;
        env.push_item("event", &payload);
        Ok(env)
    }

    /// Appends an item whose payload is already JSON text.
    pub fn push_item(&mut self, item_type: &str, payload: &str) {
        self.body.push_str("{\"type\":");
        json::push_str_literal(&mut self.body, item_type);
        self.body.push_str(",\"length\":");
        self.body.push_str(&json::u64_digits(payload.len() as u64));
        self.body.push_str("}\n");
        self.body.push_str(payload);
        self.body.push('\n');
    }

    /// The body text.
    pub fn as_str(&self) -> &str {
        &self.body
    }

    /// The body, consumed.
    pub fn into_string(self) -> String {
        self.body
    }
}

/// Formats 16 random bytes as a v4 UUID without dashes (32 lowercase hex), Sentry's event id.
pub fn uuid4_hex(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// Whether `s` is a valid event id: 32 lowercase hex digits.
pub fn is_event_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_what_serde_writes() {
        let float: FloatFormatter = |v, out| out.push_str(&v.to_string());
        let id = "0123456789abcdef0123456789abcdef";
        let dsc = [
            ("trace_id".to_owned(), id.to_owned()),
            ("public_key".to_owned(), "k".to_owned()),
            ("transaction".to_owned(), "GET /a?\"b\"".to_owned()),
        ];
        for (event_id, dsn, trace) in [
            (None, None, &[][..]),
            (Some(id), None, &dsc[..]),
            (None, Some("https://k@o.example/1"), &dsc[..]),
            (Some(id), Some("https://k@o.example/\"1\n"), &[][..]),
        ] {
            let t = Timestamp(1_764_467_362_123);
            let header = Header {
                event_id,
                sent_at: t.to_rfc3339(),
                sdk: &crate::protocol::SDK,
                dsn,
                trace: (!trace.is_empty()).then(|| trace.iter().cloned().collect()),
            };
            let mut serde = json::to_string(&header, float).unwrap();
            serde.push('\n');
            assert_eq!(
                Envelope::new(event_id, t, dsn, trace, float)
                    .unwrap()
                    .as_str(),
                serde
            );
        }
    }
}
