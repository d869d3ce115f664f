//! Tracing and release health: transactions (with their spans) and sessions, built from plain
//! values (what the JavaScript side hands over, read within [`TRANSACTION_LIMITS`], or what the
//! Rust API made), filled from the options and the scope, scrubbed on the device, and wrapped in
//! their envelopes. No serde: the protocol writer and [`Value`] do it (size: see README).

use super::{Client, DiscardReason, Outgoing};
use crate::envelope::MAX_EVENT_BYTES;
use crate::exception::truncate;
use crate::json::{safe_integer, u64_digits};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::budget::Limits;
use crate::protocol::write::{self, Obj};
use crate::protocol::{Map, Request, Timestamp, Value, SDK};
use crate::scope::{tag_key, MAX_TAG_VALUE_CHARS};
use crate::scrub::Scrubber;

/// Most spans one transaction carries (as Sentry's SDKs): the rest are counted as
/// `buffer_overflow` / `span`.
pub const MAX_SPANS: usize = 1000;

/// How a transaction is read from JavaScript: five levels (the event, `spans`, a span, its
/// `data`, a value there), [`MAX_SPANS`] entries per object or array, 2,048 characters per
/// string (URLs), 768 KiB in all (the event must stay under 1 MiB).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) const TRANSACTION_LIMITS: Limits = Limits {
    depth: 5,
    breadth: MAX_SPANS,
    chars: 2048,
    bytes: 768 * 1024,
};

/// A dynamic sampling context: the envelope header `trace`, string values only.
pub type Dsc = Vec<(String, String)>;

/// Most entries of a dynamic sampling context kept.
const MAX_DSC_ENTRIES: usize = 16;
/// Most aggregates of one `sessions` item.
const MAX_AGGREGATES: usize = 100;

/// Whether `s` is `len` lowercase hex digits (a trace id: 32, a span id: 16).
fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The string under `key` if it is an id of `len` hex digits.
fn hex_at<'a>(v: &'a Value, key: &str, len: usize) -> Option<&'a str> {
    v.get(key)?.as_str().filter(|s| is_hex(s, len))
}

/// A finite number.
fn number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Number(n)) if n.is_finite() => Some(*n),
        _ => None,
    }
}

/// A non-empty string under `key`.
fn text_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str().filter(|s| !s.is_empty())
}

/// Whether a span (or the transaction) has the times Relay requires: seconds, the end not
/// before the start.
fn timed(v: &Value) -> bool {
    matches!(
        (number(v.get("start_timestamp")), number(v.get("timestamp"))),
        (Some(s), Some(e)) if s >= 0.0 && e >= s
    )
}

/// The trace context `{ trace_id, span_id, parent_span_id? }` an error captured inside a trace
/// carries (a capture hint's `trace`); `None` unless the ids are well-formed.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn trace_context(v: &Value) -> Option<Value> {
    let mut out = vec![
        (
            "trace_id".to_owned(),
            Value::from(hex_at(v, "trace_id", 32)?),
        ),
        ("span_id".to_owned(), Value::from(hex_at(v, "span_id", 16)?)),
    ];
    if let Some(p) = hex_at(v, "parent_span_id", 16) {
        out.push(("parent_span_id".to_owned(), Value::from(p)));
    }
    Some(Value::Object(out))
}

/// Whether a `data` key holds a URL or a part of one (OpenTelemetry's and Sentry's names).
fn url_key(k: &str) -> bool {
    k == "url"
        || k == "http.target"
        || k.ends_with(".url")
        || k.starts_with("url.")
        || k.ends_with("query")
        || k.ends_with("fragment")
}

/// A URL or a part of one (`http.query` without its `?`, `http.fragment` without its `#`)
/// through the URL scrubber only: "GET /api/auth/me" keeps its path.
fn url_part(s: &Scrubber, key: &str, text: &str) -> String {
    let lead = if key.ends_with("query") {
        "?"
    } else if key.ends_with("fragment") {
        "#"
    } else {
        ""
    };
    if lead.is_empty() || text.starts_with(lead) {
        return s.scrub_url(text);
    }
    let whole = s.scrub_url(&crate::text::cat(&[lead, text]));
    crate::text::tail(&whole, 1).to_owned()
}

/// A timestamp as a session carries it: seconds (a number) or an RFC 3339 string.
fn rfc3339(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(secs) if secs.is_finite() && *secs >= 0.0 => {
            Some(Timestamp((secs * 1000.0 + 0.5) as u64).to_rfc3339())
        }
        Value::String(s) if is_rfc3339(s) => Some(s.clone()),
        _ => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, to: usize| {
        b.get(from..to)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(digits(0, 4)
        && at(4, b'-')
        && digits(5, 7)
        && at(7, b'-')
        && digits(8, 10)
        && at(10, b'T')
        && digits(11, 13)
        && at(13, b':')
        && digits(14, 16)
        && at(16, b':')
        && digits(17, 19))
    {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while digits(i, i + 1) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            b.len() == i + 6 && digits(i + 1, i + 3) && at(i + 3, b':') && digits(i + 4, i + 6)
        }
        _ => false,
    }
}

/// A session id: a UUID, 32 hex digits with or without its dashes.
fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        32 => b.iter().all(u8::is_ascii_hexdigit),
        36 => b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        }),
        _ => false,
    }
}

/// A non-negative whole number (a session's counts).
fn count(v: Option<&Value>) -> Option<u64> {
    let n = number(v)?;
    (n >= 0.0)
        .then(|| safe_integer(n))
        .flatten()
        .map(|n| n as u64)
}

/// `{ url, method, headers }` as a [`Request`] (headers with string values only).
fn request_from(v: &Value) -> Request {
    let mut r = Request {
        url: text_at(v, "url").map(ToOwned::to_owned),
        method: text_at(v, "method").map(ToOwned::to_owned),
        ..Request::default()
    };
    if let Some(Value::Object(headers)) = v.get("headers") {
        for (k, h) in headers {
            if let Some(h) = h.as_str() {
                r.headers.insert(k.clone(), h.to_owned());
            }
        }
    }
    r
}

impl Client {
    /// A primitive as tag text (numbers as JavaScript writes them); `None` for anything else.
    fn tag_text(&self, v: &Value) -> Option<String> {
        match v {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) if n.is_finite() => {
                let mut out = String::new();
                v.write_json(&mut out, self.float);
                Some(out)
            }
            Value::Bool(b) => Some((if *b { "true" } else { "false" }).to_owned()),
            _ => None,
        }
    }

    /// A tags object as tags Relay accepts (keys and values as the scope's), scrubbed.
    fn tags_of(&self, v: Option<&Value>) -> Map<String> {
        let mut tags = Map::new();
        if let Some(Value::Object(entries)) = v {
            for (k, v) in entries {
                if let (Some(k), Some(v)) = (tag_key(k), self.tag_text(v)) {
                    tags.insert(k, truncate(&v, MAX_TAG_VALUE_CHARS));
                }
            }
        }
        tags
    }

    /// The dynamic sampling context for an envelope header, from what the caller gave (an
    /// object of strings; numbers and booleans become text): empty unless it names a trace
    /// (`trace_id`). `public_key` is the DSN's when missing (Relay needs it); the `transaction`
    /// name is scrubbed as the transaction's is.
    pub fn dsc(&self, given: &Value) -> Dsc {
        let mut out = Dsc::new();
        let Value::Object(entries) = given else {
            return out;
        };
        if hex_at(given, "trace_id", 32).is_none() {
            return out;
        }
        for (k, v) in entries {
            let name_ok = !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            let Some(mut text) = self.tag_text(v).filter(|_| name_ok) else {
                continue;
            };
            if out.len() >= MAX_DSC_ENTRIES || out.iter().any(|(key, _)| key == k) {
                continue;
            }
            if k == "transaction" && self.scrubber.enabled() {
                text = self.scrubber.scrub_url(&text);
            }
            out.push((k.clone(), text));
        }
        if !out.iter().any(|(k, _)| k == "public_key") {
            if let Some(dsn) = &self.dsn {
                out.push(("public_key".to_owned(), dsn.public_key().to_owned()));
            }
        }
        out
    }

    /// The envelope for a transaction: `tx` is Sentry's transaction event as JavaScript builds
    /// it (TRACING.md §1: `transaction`, `transaction_info`, `start_timestamp`, `timestamp`,
    /// `contexts.trace`, `spans`, `measurements`, `tags`, `extra`, `request`). `spans_total` is
    /// how many spans the caller had (more than `tx` holds when reading cut them), `dsc` the
    /// header's dynamic sampling context (see [`dsc`](Self::dsc)), `event_id` the id unless
    /// `tx` has one, `request` the request used when `tx` has none.
    ///
    /// Fills `platform`, release, environment, dist, the SDK and the scope's user, tags,
    /// contexts and extra (the transaction's own win; its `contexts.trace` stays), scrubs on
    /// the device (URLs in the name, span descriptions and URL-bearing `data` through the URL
    /// scrubber; sensitive keys and value patterns elsewhere; ids, times, ops, statuses as they
    /// are), keeps at most [`MAX_SPANS`] spans (the rest counted `buffer_overflow` / `span`;
    /// spans Relay would refuse, without ids or times, counted `internal_sdk_error` / `span`).
    /// `None` when tattle is off, or (counted `internal_sdk_error` / `transaction`) when `tx` is
    /// not a transaction Relay accepts.
    pub fn transaction(
        &mut self,
        tx: &Value,
        spans_total: usize,
        dsc: &[(String, String)],
        event_id: String,
        request: Option<Request>,
        now: Timestamp,
    ) -> Option<Outgoing> {
        if !self.is_enabled() {
            return None;
        }
        let id = match text_at(tx, "event_id").filter(|i| is_hex(i, 32)) {
            Some(i) => i.to_owned(),
            None => event_id,
        };
        let trace = tx
            .get("contexts")
            .and_then(|c| c.get("trace"))
            .filter(|t| hex_at(t, "trace_id", 32).is_some() && hex_at(t, "span_id", 16).is_some());
        let Some(trace) = trace.filter(|_| timed(tx)) else {
            self.count_discard(DiscardReason::InternalSdkError, "transaction");
            return None;
        };
        let all: &[Value] = match tx.get("spans") {
            Some(Value::Array(items)) => items,
            _ => &[],
        };
        let mut spans: Vec<&Value> = Vec::new();
        let mut invalid = 0;
        for s in all.iter().filter(|s| matches!(s, Value::Object(_))) {
            if hex_at(s, "span_id", 16).is_none()
                || hex_at(s, "trace_id", 32).is_none()
                || !timed(s)
            {
                invalid += 1;
            } else if spans.len() < MAX_SPANS {
                spans.push(s);
            }
        }
        let overflow = spans_total
            .max(all.len())
            .saturating_sub(spans.len() + invalid);
        // Over 1 MiB (long descriptions, big data): half the spans go, until it fits.
        let mut keep = spans.len();
        let json = loop {
            let json = self.transaction_json(tx, &id, trace, &spans[..keep], request.as_ref());
            if json.len() <= MAX_EVENT_BYTES {
                break json;
            }
            if keep == 0 {
                self.count_discard(DiscardReason::InternalSdkError, "transaction");
                return None;
            }
            keep /= 2;
        };
        self.count_discards(DiscardReason::InternalSdkError, "span", invalid);
        self.count_discards(
            DiscardReason::BufferOverflow,
            "span",
            overflow + spans.len() - keep,
        );
        self.envelope(
            Some(&id),
            &id,
            "transaction",
            &json,
            dsc,
            "transaction",
            now,
        )
    }

    fn transaction_json(
        &self,
        tx: &Value,
        id: &str,
        trace: &Value,
        spans: &[&Value],
        request: Option<&Request>,
    ) -> String {
        let s = &self.scrubber;
        let on = s.enabled();
        let scope = &self.scopes[self.scopes.len() - 1];
        let (scope_tags, scope_contexts, scope_extra) = scope.data();
        let opts = &self.options;
        let mut out = String::with_capacity(1024 + spans.len() * 256);
        let mut o = Obj::open(&mut out, self.float);
        o.str("event_id", id);
        o.str("type", "transaction");
        o.str("platform", text_at(tx, "platform").unwrap_or("javascript"));
        for k in ["start_timestamp", "timestamp"] {
            if let Some(v) = tx.get(k) {
                v.write_json(o.key(k), self.float);
            }
        }
        if let Some(name) = text_at(tx, "transaction") {
            o.str(
                "transaction",
                &if on {
                    s.scrub_url(name)
                } else {
                    name.to_owned()
                },
            );
        }
        if let Some(source) = tx
            .get("transaction_info")
            .and_then(|i| text_at(i, "source"))
        {
            o.obj("transaction_info", |o| o.str("source", source));
        }
        o.opt_str(
            "release",
            text_at(tx, "release").or(opts.release.as_deref()),
        );
        o.str(
            "environment",
            text_at(tx, "environment")
                .or(opts.environment.as_deref())
                .unwrap_or("production"),
        );
        o.opt_str("dist", text_at(tx, "dist").or(opts.dist.as_deref()));
        if let Some(user) = scope.user() {
            let mut user = user.clone();
            if on {
                s.scrub_user(&mut user);
            }
            o.obj("user", |o| write::user(&user, o));
        }
        let request = match tx.get("request") {
            Some(r @ Value::Object(_)) => Some(request_from(r)),
            _ => request.cloned(),
        };
        if let Some(mut r) = request {
            if on {
                s.scrub_request(&mut r);
            }
            o.obj("request", |o| write::request(&r, o));
        }
        let mut tags = self.tags_of(tx.get("tags"));
        tags.fill_from(scope_tags);
        if on {
            s.scrub_string_map(&mut tags);
        }
        o.map("tags", &tags, write::string);
        o.obj("contexts", |o| {
            o.member("trace", &self.span_value(trace), Value::write_json);
            let own = match tx.get("contexts") {
                Some(Value::Object(entries)) => &entries[..],
                _ => &[],
            };
            let scoped = scope_contexts
                .iter()
                .filter(|(k, _)| !own.iter().any(|(own, _)| own == *k));
            for (name, context) in own.iter().map(|(k, v)| (k, v)).chain(scoped) {
                if name == "trace" || !matches!(context, Value::Object(_)) {
                    continue;
                }
                let mut context = context.clone();
                if on {
                    s.scrub_value(&mut context);
                }
                o.member(name, &context, Value::write_json);
            }
        });
        let mut extra: Map<Value> = match tx.get("extra") {
            Some(Value::Object(entries)) => entries.iter().cloned().collect(),
            _ => Map::new(),
        };
        extra.fill_from(scope_extra);
        if on {
            s.scrub_map(&mut extra);
        }
        o.map("extra", &extra, Value::write_json);
        if let Some(Value::Object(entries)) = tx.get("measurements") {
            o.obj("measurements", |o| {
                for (name, m) in entries {
                    let Some(value) = number(m.get("value")) else {
                        continue;
                    };
                    let mut fields = vec![("value".to_owned(), Value::Number(value))];
                    if let Some(unit) = text_at(m, "unit") {
                        fields.push(("unit".to_owned(), Value::from(unit)));
                    }
                    o.member(name, &Value::Object(fields), Value::write_json);
                }
            });
        }
        {
            let float = self.float;
            let out = o.key("spans");
            out.push('[');
            for (i, span) in spans.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                self.span_value(span).write_json(out, float);
            }
            out.push(']');
        }
        o.obj("sdk", |o| write::sdk(&SDK, o));
        o.close();
        out
    }

    /// A span (or the trace context) as sent: its ids, times, op, status and origin as they
    /// are; its description through the URL scrubber (`GET https://…?token=…`, a path, a name);
    /// its `data` by key (URL-bearing keys through the URL scrubber) and its tags scrubbed;
    /// anything else left out.
    fn span_value(&self, span: &Value) -> Value {
        let s = &self.scrubber;
        let on = s.enabled();
        let mut out = Vec::new();
        let Value::Object(entries) = span else {
            return Value::Object(out);
        };
        for (k, v) in entries {
            let v = match (k.as_str(), v) {
                (
                    "trace_id" | "span_id" | "parent_span_id" | "op" | "status" | "origin" | "type",
                    Value::String(_),
                )
                | ("start_timestamp" | "timestamp" | "exclusive_time", Value::Number(_))
                | ("same_process_as_parent", Value::Bool(_)) => v.clone(),
                ("description", Value::String(d)) => {
                    Value::String(if on { s.scrub_url(d) } else { d.clone() })
                }
                ("data", Value::Object(entries)) => {
                    let mut data = entries.clone();
                    if on {
                        for (k, v) in data.iter_mut() {
                            match v {
                                Value::String(t) if url_key(k) && !s.is_sensitive_key(k) => {
                                    *t = url_part(s, k, t);
                                }
                                _ => s.scrub_entry(k, v),
                            }
                        }
                    }
                    Value::Object(data)
                }
                ("tags", Value::Object(_)) => {
                    let mut tags = self.tags_of(Some(v));
                    if on {
                        s.scrub_string_map(&mut tags);
                    }
                    Value::Object(
                        tags.into_entries()
                            .into_iter()
                            .map(|(k, v)| (k, Value::String(v)))
                            .collect(),
                    )
                }
                _ => continue,
            };
            out.push((k.clone(), v));
        }
        Value::Object(out)
    }

    /// The envelope for a session update, or (with `aggregates`) for request-mode session
    /// aggregates (TRACING.md §1): item `session` or `sessions`, `attrs.release` and
    /// `attrs.environment` from the options when missing, `did` through the text scrubber. `id`
    /// is the delivery's id for it. `None` when tattle is off or there is no release (Relay
    /// drops such sessions), or (counted `internal_sdk_error` / `session`) when `session` is not
    /// one: no valid `sid`, `started` or `status`.
    pub fn session(&mut self, session: &Value, id: &str, now: Timestamp) -> Option<Outgoing> {
        if !self.is_enabled() {
            return None;
        }
        let attrs = session.get("attrs").cloned().unwrap_or_default();
        let release = text_at(&attrs, "release")
            .or(self.options.release.as_deref())?
            .to_owned();
        match self.session_json(session, &attrs, &release, now) {
            Some((item, json)) => self.envelope(None, id, item, &json, &[], "session", now),
            None => {
                self.count_discard(DiscardReason::InternalSdkError, "session");
                None
            }
        }
    }

    fn session_json(
        &self,
        session: &Value,
        attrs: &Value,
        release: &str,
        now: Timestamp,
    ) -> Option<(&'static str, String)> {
        let float = self.float;
        let did = |v: &Value| {
            text_at(v, "did").map(|d| match self.scrubber.scrub_text(d) {
                Some(clean) => clean,
                None => d.to_owned(),
            })
        };
        let mut out = String::with_capacity(256);
        let mut o = Obj::open(&mut out, float);
        let item = match session.get("aggregates") {
            Some(Value::Array(aggregates)) => {
                if aggregates.is_empty() {
                    return None;
                }
                let out = o.key("aggregates");
                out.push('[');
                for (i, a) in aggregates.iter().take(MAX_AGGREGATES).enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let mut e = Obj::open(out, float);
                    e.str("started", &rfc3339(a.get("started"))?);
                    e.opt_str("did", did(a).as_deref());
                    for k in ["exited", "errored", "abnormal", "crashed"] {
                        if let Some(n) = count(a.get(k)) {
                            e.key(k).push_str(&u64_digits(n));
                        }
                    }
                    e.close();
                }
                out.push(']');
                "sessions"
            }
            Some(_) => return None,
            None => {
                o.str("sid", text_at(session, "sid").filter(|s| is_uuid(s))?);
                o.opt_str("did", did(session).as_deref());
                if let Some(Value::Bool(init)) = session.get("init") {
                    o.bool("init", *init);
                }
                o.str("started", &rfc3339(session.get("started"))?);
                o.str(
                    "timestamp",
                    &rfc3339(session.get("timestamp")).unwrap_or_else(|| now.to_rfc3339()),
                );
                let status = text_at(session, "status").filter(|s| {
                    matches!(*s, "ok" | "exited" | "errored" | "crashed" | "abnormal")
                })?;
                o.str("status", status);
                o.key("errors")
                    .push_str(&u64_digits(count(session.get("errors")).unwrap_or(0)));
                if let Some(d) = number(session.get("duration")).filter(|d| *d >= 0.0) {
                    Value::Number(d).write_json(o.key("duration"), float);
                }
                "session"
            }
        };
        let opts = &self.options;
        o.obj("attrs", |o| {
            o.str("release", release);
            o.str(
                "environment",
                text_at(attrs, "environment")
                    .or(opts.environment.as_deref())
                    .unwrap_or("production"),
            );
            o.opt_str("user_agent", text_at(attrs, "user_agent"));
        });
        o.close();
        Some((item, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientOptions;
    use crate::protocol::User;
    use serde_json::{json, Value as Json};
    use std::string::ToString;

    const TRACE: &str = "4111111111111111abcdefabcdef0123"; // a Luhn-valid card run inside
    const SPAN: &str = "4242424242424242";

    fn client_with(release: Option<&str>) -> Client {
        let options = ClientOptions {
            dsn: Some("http://pubkey@127.0.0.1:9/1".into()),
            release: release.map(Into::into),
            environment: Some("staging".into()),
            ..ClientOptions::default()
        };
        Client::new(options, |f, out| out.push_str(&f.to_string())).unwrap()
    }

    /// serde_json → our Value (what the JS reader makes of the same object).
    fn value(j: Json) -> Value {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(n.as_f64().unwrap()),
            Json::String(s) => Value::String(s),
            Json::Array(a) => Value::Array(a.into_iter().map(value).collect()),
            Json::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, value(v))).collect()),
        }
    }

    /// (envelope header, item header, payload) of a one-item envelope.
    fn parts(out: &Outgoing) -> (Json, Json, Json) {
        let mut lines = out.body.splitn(3, '\n');
        let header = serde_json::from_str(lines.next().unwrap()).unwrap();
        let item: Json = serde_json::from_str(lines.next().unwrap()).unwrap();
        let rest = lines.next().unwrap();
        let len = item["length"].as_u64().unwrap() as usize;
        assert_eq!(&rest[len..], "\n", "the length is the payload's");
        (header, item, serde_json::from_str(&rest[..len]).unwrap())
    }

    fn span(n: usize) -> Json {
        json!({
            "trace_id": TRACE, "span_id": std::format!("{:016x}", n + 1), "parent_span_id": SPAN,
            "op": "http.client", "description": std::format!("GET /items/{n}"),
            "start_timestamp": 1_764_467_362.5, "timestamp": 1_764_467_363.25, "status": "ok",
            "origin": "auto.http.browser",
        })
    }

    fn tx(spans: Vec<Json>) -> Value {
        value(json!({
            "type": "transaction",
            "transaction": "/reset?token=abc&page=2",
            "transaction_info": { "source": "url" },
            "start_timestamp": 1_764_467_362.125, "timestamp": 1_764_467_364.5,
            "contexts": { "trace": {
                "trace_id": TRACE, "span_id": SPAN, "op": "pageload", "status": "ok",
                "origin": "auto.pageload.browser",
                "data": { "url": "https://shop.example/reset?token=abc", "password": "hunter2" },
            }},
            "spans": spans,
            "measurements": { "lcp": { "value": 1234.5, "unit": "millisecond" }, "bad": { "value": "x" } },
            "tags": { "route": "/api/auth/me", "n": 3 },
        }))
    }

    fn dsc(c: &Client) -> Dsc {
        c.dsc(&value(json!({
            "trace_id": TRACE, "release": "r@1", "sample_rate": 0.25, "sampled": true,
            "transaction": "/reset?token=abc", "Bad-Key": "x", "nested": { "a": 1 },
        })))
    }

    fn send(c: &mut Client, t: &Value, total: usize) -> Option<Outgoing> {
        let d = dsc(c);
        c.transaction(
            t,
            total,
            &d,
            "0123456789abcdef0123456789abcdef".into(),
            None,
            Timestamp(1_764_467_365_000),
        )
    }

    #[test]
    fn a_transaction_is_filled_scrubbed_and_wrapped_with_its_trace_header() {
        let mut c = client_with(Some("r@1"));
        c.scope_mut().set_tag("app", "shop");
        c.scope_mut().set_user(Some(User {
            id: Some("7".into()),
            ip_address: Some("10.1.2.3".into()),
            ..User::default()
        }));
        c.scope_mut()
            .set_context("trace", Some(value(json!({ "trace_id": "f".repeat(32) }))));
        c.scope_mut()
            .set_context("app", Some(value(json!({ "build": "42" }))));
        let mut spans = vec![span(0), span(1)];
        spans[0]["description"] = json!("GET https://api.example/users?api_key=s3cret&page=2");
        spans[1]["description"] = json!("GET /api/auth/me");
        spans[1]["data"] = json!({
            "http.url": "https://api.example/x?session=abc#access_token=t",
            "http.query": "token=abc&q=shoes", "url": "/api/auth/me",
            "http.response.status_code": 200, "user.email": "ada@example.com",
            "authorization": "Bearer xyz",
        });
        let out = send(&mut c, &tx(spans), 0).expect("sent");
        assert_eq!(out.category, "transaction");
        let (header, item, e) = parts(&out);
        assert_eq!(item["type"], "transaction");
        assert_eq!(header["event_id"], e["event_id"]);
        assert_eq!(e["event_id"], "0123456789abcdef0123456789abcdef");
        assert_eq!(
            header["trace"],
            json!({ "trace_id": TRACE, "release": "r@1", "sample_rate": "0.25", "sampled": "true",
                    "transaction": "/reset?token=[Filtered]", "public_key": "pubkey" })
        );
        assert_eq!(e["type"], "transaction");
        assert_eq!(e["platform"], "javascript");
        assert_eq!(e["release"], "r@1");
        assert_eq!(e["environment"], "staging");
        assert_eq!(e["sdk"]["name"], "tattle.javascript");
        assert_eq!(e["transaction"], "/reset?token=[Filtered]&page=2");
        assert_eq!(e["transaction_info"], json!({ "source": "url" }));
        assert_eq!(e["start_timestamp"], 1_764_467_362.125);
        assert_eq!(
            e["user"],
            json!({ "id": "7" }),
            "no IP without sendDefaultPii"
        );
        // A tag value naming a secret word is filtered, as an error event's is.
        assert_eq!(
            e["tags"],
            json!({ "route": "[Filtered]", "n": "3", "app": "shop" })
        );
        let trace = &e["contexts"]["trace"];
        assert_eq!(
            trace["trace_id"], TRACE,
            "ids as they are, the scope's trace ignored"
        );
        assert_eq!(trace["span_id"], SPAN);
        assert_eq!(trace["op"], "pageload");
        assert_eq!(trace["origin"], "auto.pageload.browser");
        assert_eq!(
            trace["data"]["url"],
            "https://shop.example/reset?token=[Filtered]"
        );
        assert_eq!(trace["data"]["password"], "[Filtered]");
        assert_eq!(e["contexts"]["app"], json!({ "build": "42" }));
        assert_eq!(
            e["measurements"],
            json!({ "lcp": { "value": 1234.5, "unit": "millisecond" } })
        );
        let spans = e["spans"].as_array().unwrap();
        assert_eq!(
            spans[0]["description"],
            "GET https://api.example/users?api_key=[Filtered]&page=2"
        );
        assert_eq!(spans[0]["span_id"], "0000000000000001");
        assert_eq!(spans[0]["trace_id"], TRACE);
        assert_eq!(spans[0]["status"], "ok");
        assert_eq!(spans[0]["start_timestamp"], 1_764_467_362.5);
        assert_eq!(
            spans[1]["description"], "GET /api/auth/me",
            "a URL is judged as a URL"
        );
        let data = &spans[1]["data"];
        assert_eq!(
            data["http.url"],
            "https://api.example/x?session=[Filtered]#access_token=[Filtered]"
        );
        assert_eq!(data["http.query"], "token=[Filtered]&q=shoes");
        assert_eq!(data["url"], "/api/auth/me");
        assert_eq!(data["http.response.status_code"], 200);
        assert_eq!(data["user.email"], "[Filtered]");
        assert_eq!(data["authorization"], "[Filtered]");
        assert_eq!(c.take_discarded(), []);
    }

    #[test]
    fn spans_over_1000_are_counted_not_sent() {
        let mut c = client_with(None);
        let out = send(&mut c, &tx((0..1200).map(span).collect()), 0).unwrap();
        assert_eq!(parts(&out).2["spans"].as_array().unwrap().len(), MAX_SPANS);
        assert_eq!(
            c.take_discarded(),
            [(DiscardReason::BufferOverflow, "span", 200)]
        );
        // The JS reader stops at 1,000 (and a marker): the caller says how many there were.
        let mut read: Vec<Json> = (0..1000).map(span).collect();
        read.push(json!("[MaxProperties ~]"));
        let mut bad = span(5000);
        bad["span_id"] = json!("not-an-id");
        read[3] = bad;
        let out = send(&mut c, &tx(read), 1500).unwrap();
        assert_eq!(parts(&out).2["spans"].as_array().unwrap().len(), 999);
        let mut drops = c.take_discarded();
        drops.sort();
        assert_eq!(
            drops,
            [
                (DiscardReason::InternalSdkError, "span", 1),
                (DiscardReason::BufferOverflow, "span", 500)
            ]
        );
    }

    #[test]
    fn no_transaction_without_a_trace_or_times_and_none_when_off() {
        let mut c = client_with(None);
        let mut t = tx(vec![]);
        if let Value::Object(entries) = &mut t {
            entries.retain(|(k, _)| k != "contexts");
        }
        assert_eq!(send(&mut c, &t, 0), None);
        let mut late = tx(vec![]);
        if let Value::Object(entries) = &mut late {
            entries.retain(|(k, _)| k != "timestamp");
            entries.push(("timestamp".into(), Value::Number(1.0)));
        }
        assert_eq!(send(&mut c, &late, 0), None);
        assert_eq!(
            c.take_discarded(),
            [(DiscardReason::InternalSdkError, "transaction", 2)]
        );
        let mut off = Client::new(ClientOptions::default(), |f, out| {
            out.push_str(&f.to_string())
        })
        .unwrap();
        assert_eq!(send(&mut off, &tx(vec![]), 0), None);
        assert_eq!(off.take_discarded(), []);
    }

    #[test]
    fn a_dsc_names_a_trace_or_is_nothing() {
        let c = client_with(None);
        assert_eq!(
            c.dsc(&value(json!({ "public_key": "k", "release": "r" }))),
            Dsc::new()
        );
        assert_eq!(c.dsc(&value(json!({ "trace_id": "XYZ" }))), Dsc::new());
        assert_eq!(c.dsc(&Value::Null), Dsc::new());
        let d = c.dsc(&value(
            json!({ "trace_id": TRACE, "public_key": "theirs", "sampled": false }),
        ));
        // (serde_json's objects are sorted by key.)
        assert_eq!(
            d,
            [
                ("public_key".to_string(), "theirs".to_string()),
                ("sampled".into(), "false".into()),
                ("trace_id".into(), TRACE.into())
            ]
        );
    }

    fn session_of(c: &mut Client, s: Json) -> Option<(Json, Json, Json)> {
        c.session(
            &value(s),
            "fedcba9876543210fedcba9876543210",
            Timestamp(1_764_467_365_000),
        )
        .map(|o| {
            assert_eq!(o.category, "session");
            assert_eq!(o.event_id, "fedcba9876543210fedcba9876543210");
            parts(&o)
        })
    }

    #[test]
    fn a_session_update_with_release_and_environment() {
        let mut c = client_with(Some("shop@2"));
        let (header, item, s) = session_of(&mut c, json!({
            "sid": "0123456789abcdef0123456789abcdef", "did": "ada@example.com", "init": true,
            "started": 1_764_467_362.5, "timestamp": "2026-11-30T01:02:03.456Z", "status": "crashed",
            "errors": 2, "duration": 1.5, "attrs": { "user_agent": "Mozilla/5.0" },
        }))
        .unwrap();
        assert_eq!(item["type"], "session");
        assert!(header.get("event_id").is_none() && header.get("trace").is_none());
        assert_eq!(
            s,
            json!({
                "sid": "0123456789abcdef0123456789abcdef", "did": "[Filtered]", "init": true,
                "started": "2025-11-30T01:49:22.500Z", "timestamp": "2026-11-30T01:02:03.456Z",
                "status": "crashed", "errors": 2, "duration": 1.5,
                "attrs": { "release": "shop@2", "environment": "staging", "user_agent": "Mozilla/5.0" },
            })
        );
        // The session's own release and environment win; the time defaults to now.
        let (_, _, s) = session_of(&mut c, json!({
            "sid": "01234567-89ab-cdef-0123-456789abcdef", "started": "2026-11-30T01:02:03+01:00",
            "status": "ok", "attrs": { "release": "own@1", "environment": "e2e" },
        }))
        .unwrap();
        assert_eq!(s["timestamp"], "2025-11-30T01:49:25.000Z");
        assert_eq!(s["errors"], 0);
        assert_eq!(
            s["attrs"],
            json!({ "release": "own@1", "environment": "e2e" })
        );
        assert_eq!(c.take_discarded(), []);
    }

    #[test]
    fn sessions_aggregates_and_what_is_not_a_session() {
        let mut c = client_with(Some("shop@2"));
        let (_, item, s) = session_of(&mut c, json!({
            "aggregates": [{ "started": "2026-11-30T01:02:00Z", "exited": 49, "errored": 1, "crashed": 0 }],
            "attrs": {},
        }))
        .unwrap();
        assert_eq!(item["type"], "sessions");
        assert_eq!(
            s["aggregates"],
            json!([{ "started": "2026-11-30T01:02:00Z", "exited": 49, "errored": 1, "crashed": 0 }])
        );
        assert_eq!(s["attrs"]["release"], "shop@2");
        for bad in [
            json!({ "sid": "nope", "started": 1.0, "status": "ok" }),
            json!({ "sid": "0123456789abcdef0123456789abcdef", "started": "yesterday", "status": "ok" }),
            json!({ "sid": "0123456789abcdef0123456789abcdef", "started": 1.0, "status": "fine" }),
            json!({ "aggregates": [] }),
            json!({ "aggregates": [{ "exited": 1 }] }),
        ] {
            assert_eq!(session_of(&mut c, bad.clone()), None, "{bad}");
        }
        assert_eq!(
            c.take_discarded(),
            [(DiscardReason::InternalSdkError, "session", 5)]
        );
        // No release anywhere: nothing, and no drop to count (Relay would drop it).
        let mut c = client_with(None);
        let ok =
            json!({ "sid": "0123456789abcdef0123456789abcdef", "started": 1.0, "status": "ok" });
        assert_eq!(session_of(&mut c, ok), None);
        assert_eq!(c.take_discarded(), []);
    }

    #[test]
    fn rfc3339_shapes() {
        for ok in [
            "2026-11-30T01:02:03Z",
            "2026-11-30T01:02:03.1Z",
            "2026-11-30T01:02:03.123456-05:30",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "2026-11-30",
            "2026-11-30 01:02:03Z",
            "2026-11-30T01:02:03.Z",
            "2026-11-30T01:02:03+0100",
            "2026-11-30T01:02:03Zx",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn a_trace_context_needs_its_ids() {
        assert_eq!(
            trace_context(&value(
                json!({ "trace_id": TRACE, "span_id": SPAN, "parent_span_id": 5 })
            )),
            Some(Value::Object(vec![
                ("trace_id".into(), Value::from(TRACE)),
                ("span_id".into(), Value::from(SPAN)),
            ]))
        );
        assert_eq!(trace_context(&value(json!({ "trace_id": TRACE }))), None);
        assert_eq!(trace_context(&Value::Null), None);
    }
}
