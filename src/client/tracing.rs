//! Tracing and release health: transactions (with their spans) and sessions, built from plain
//! values (what the JavaScript side hands over, read within [`TRANSACTION_LIMITS`], or what the
//! Rust API made), filled from the options and the scope, scrubbed on the device, and wrapped in
//! their envelopes. No serde: the protocol writer and [`Value`] do it (size: see README).

use super::{Client, DiscardReason, Outgoing};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Timestamp, Value};
use crate::scrub::Scrubber;
#[cfg(feature = "tracing")]
use crate::{
    envelope::MAX_EVENT_BYTES,
    protocol::budget::Limits,
    protocol::write::{self, Obj},
    protocol::{Request, SDK},
};

/// Most spans one transaction carries (as Sentry's SDKs): the rest are counted as
/// `buffer_overflow` / `span`.
pub const MAX_SPANS: usize = 1000;

#[cfg(feature = "tracing")]
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

#[cfg(feature = "tracing")]
/// A non-empty string under `key`.
fn text_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    match v {
        Value::Object(entries) => text_in(entries, key),
        _ => None,
    }
}

/// A non-empty string under `key` in an object's entries.
fn text_in<'a>(entries: &'a [(String, Value)], key: &str) -> Option<&'a str> {
    let (_, v) = entries.iter().find(|(k, _)| k == key)?;
    v.as_str().filter(|s| !s.is_empty())
}

#[cfg(feature = "tracing")]
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

#[cfg(feature = "tracing")]
/// A finite number.
fn number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Number(n)) if n.is_finite() => Some(*n),
        _ => None,
    }
}

/// Whether a span (or the trace context) has the ids Relay requires.
fn valid(v: &Value) -> bool {
    hex_at(v, "trace_id", 32).is_some() && hex_at(v, "span_id", 16).is_some()
}

#[cfg(feature = "tracing")]
/// Whether `v` has its times in seconds, the end not before the start.
fn timed_ok(v: &Value) -> bool {
    matches!(
        (number(v.get("start_timestamp")), number(v.get("timestamp"))),
        (Some(s), Some(e)) if s >= 0.0 && e >= s
    )
}

/// The trace context `{ trace_id, span_id, parent_span_id? }` an error captured inside a trace
/// carries (a capture hint's `trace`); `None` unless the ids are well-formed.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn trace_context(v: &Value) -> Option<Value> {
    if !valid(v) {
        return None;
    }
    let mut out = Vec::new();
    for k in ["trace_id", "span_id", "parent_span_id"] {
        if let Some(id) = hex_at(v, k, 16 * (1 + usize::from(k == "trace_id"))) {
            out.push((k.to_owned(), Value::from(id)));
        }
    }
    Some(Value::Object(out))
}

#[cfg(feature = "tracing")]
/// Whether a `data` key holds a URL or a part of one (OpenTelemetry's and Sentry's names).
fn url_key(k: &str) -> bool {
    k == "url"
        || k == "http.target"
        || k.ends_with(".url")
        || k.starts_with("url.")
        || k.ends_with("query")
        || k.ends_with("fragment")
}

#[cfg(feature = "tracing")]
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

/// The object under `key` in `entries`, made (empty) when missing or not an object.
fn object_at<'a>(entries: &'a mut Vec<(String, Value)>, key: &str) -> &'a mut Vec<(String, Value)> {
    let i = match entries.iter().position(|(k, _)| k == key) {
        Some(i) => i,
        None => {
            entries.push((key.to_owned(), Value::Null));
            entries.len() - 1
        }
    };
    let slot = &mut entries[i].1;
    if !matches!(slot, Value::Object(_)) {
        *slot = Value::Object(Vec::new());
    }
    match slot {
        Value::Object(o) => o,
        _ => unreachable!(),
    }
}

/// Sets `key` to `value` unless `entries` has it already.
fn fill(entries: &mut Vec<(String, Value)>, key: &str, value: Option<Value>) {
    if let Some(value) = value.filter(|_| !entries.iter().any(|(k, _)| k == key)) {
        entries.push((key.to_owned(), value));
    }
}

/// A session's `started` and `timestamp` given as seconds become RFC 3339 strings (as Relay
/// wants them); `did` goes through the text scrubber. Whether `started` is then a string.
fn session_fields(entries: &mut [(String, Value)], s: &Scrubber) -> bool {
    let mut started = false;
    for (k, v) in entries.iter_mut() {
        match (k.as_str(), &*v) {
            ("started" | "timestamp", Value::Number(secs)) if secs.is_finite() && *secs >= 0.0 => {
                *v = Value::String(Timestamp((secs * 1000.0 + 0.5) as u64).to_rfc3339());
            }
            ("did", Value::String(did)) => {
                if let Some(clean) = s.scrub_text(did) {
                    *v = Value::String(clean);
                }
            }
            _ => {}
        }
        started |= k == "started" && matches!(v, Value::String(_));
    }
    started
}

impl Client {
    /// `text` through the URL scrubber (when scrubbing is on).
    fn url(&self, text: &str) -> String {
        match self.scrubber.enabled() {
            true => self.scrubber.scrub_url(text),
            false => text.to_owned(),
        }
    }

    /// The dynamic sampling context for an envelope header, from what the caller gave (an
    /// object of strings; other values are left out): empty unless it names a trace
    /// (`trace_id`). `public_key` is the DSN's when missing (Relay needs it); the `transaction`
    /// name is scrubbed as the transaction's is.
    pub fn dsc(&self, given: &Value) -> Dsc {
        let mut out = Dsc::new();
        if hex_at(given, "trace_id", 32).is_none() {
            return out;
        }
        if let Value::Object(entries) = given {
            for (k, v) in entries {
                if let (Value::String(text), true) = (v, out.len() < MAX_DSC_ENTRIES) {
                    let text = match k == "transaction" {
                        true => self.url(text),
                        false => text.clone(),
                    };
                    out.push((k.clone(), text));
                }
            }
        }
        if let (Some(dsn), false) = (&self.dsn, out.iter().any(|(k, _)| k == "public_key")) {
            out.push(("public_key".to_owned(), dsn.public_key().to_owned()));
        }
        out
    }

    #[cfg(feature = "tracing")]
    /// The envelope for a transaction: `tx` is Sentry's transaction event as JavaScript builds
    /// it (TRACING.md §1: `transaction`, `transaction_info`, `start_timestamp`, `timestamp`,
    /// `contexts.trace`, `spans`, `measurements`, `tags`, `extra`, `request`). `spans_total` is
    /// how many spans the caller had (more than `tx` holds when reading cut them), `dsc` the
    /// header's dynamic sampling context (see [`dsc`](Self::dsc)), `event_id` the id unless
    /// `tx` has one, `request` the request used when `tx` has none.
    ///
    /// Fills `platform`, release, environment, dist, the SDK and the scope's user, tags,
    /// contexts and extra (the transaction's own win; its `contexts.trace` stays), scrubs on
    /// the device (the name, span descriptions and URL-bearing `data` through the URL scrubber
    /// only; sensitive keys and value patterns everywhere else; ids, times, ops, statuses,
    /// origins and measurements as they are), keeps at most [`MAX_SPANS`] spans (the rest
    /// counted `buffer_overflow` / `span`; spans Relay would refuse, without ids or times,
    /// counted `internal_sdk_error` / `span`). `None` when tattle is off, or (counted
    /// `internal_sdk_error` / `transaction`) when `tx` is not a transaction Relay accepts.
    pub fn transaction(
        &mut self,
        mut tx: Value,
        spans_total: usize,
        dsc: &[(String, String)],
        event_id: String,
        request: Option<Request>,
        now: Timestamp,
    ) -> Option<Outgoing> {
        if !self.is_enabled() {
            return None;
        }
        let ok = timed_ok(&tx)
            && tx
                .get("contexts")
                .and_then(|c| c.get("trace"))
                .is_some_and(valid);
        let Value::Object(entries) = &mut tx else {
            return self.invalid("transaction");
        };
        if !ok {
            return self.invalid("transaction");
        }
        let mut id = event_id;
        let mut request = request;
        let mut spans = Vec::new();
        let s = &self.scrubber;
        let on = s.enabled();
        // The scope's data where the transaction has none (its own `trace` context stays).
        let scope = &self.scopes[self.scopes.len() - 1];
        let (tags, contexts, extra) = scope.data();
        let add = |to: &mut Vec<(String, Value)>, k: &String, v: Value| {
            if k != "trace" && !to.iter().any(|(own, _)| own == k) {
                to.push((k.clone(), v));
            }
        };
        for (k, v) in tags.iter() {
            add(object_at(entries, "tags"), k, Value::from(v.as_str()));
        }
        for (k, v) in contexts.iter() {
            add(object_at(entries, "contexts"), k, v.clone());
        }
        for (k, v) in extra.iter() {
            add(object_at(entries, "extra"), k, v.clone());
        }
        let opts = &self.options;
        let text = |t: &Option<String>| t.as_deref().map(Value::from);
        fill(entries, "platform", Some(Value::from("javascript")));
        fill(entries, "release", text(&opts.release));
        let environment = opts.environment.as_deref().unwrap_or("production");
        fill(entries, "environment", Some(Value::from(environment)));
        fill(entries, "dist", text(&opts.dist));
        entries.retain_mut(|(k, v)| {
            match (k.as_str(), &mut *v) {
                ("event_id", Value::String(given)) => {
                    if is_hex(given, 32) {
                        id = core::mem::take(given);
                    }
                    return false;
                }
                ("spans", Value::Array(items)) => {
                    spans = core::mem::take(items);
                    return false;
                }
                ("request", Value::Object(_)) => {
                    request = Some(request_from(v));
                    return false;
                }
                ("type" | "sdk" | "user" | "breadcrumbs", _) => return false,
                (
                    "start_timestamp" | "timestamp" | "measurements" | "transaction_info"
                    | "platform" | "release" | "environment" | "dist",
                    _,
                ) => {}
                ("transaction", Value::String(name)) => *name = self.url(name),
                ("contexts", Value::Object(contexts)) if on => {
                    for (name, context) in contexts.iter_mut() {
                        match name == "trace" {
                            true => self.scrub_span(context),
                            false => s.scrub_value(context),
                        }
                    }
                }
                _ if on => s.scrub_entry(k, v),
                _ => {}
            }
            true
        });
        let total = spans_total.max(spans.len());
        let mut kept = Vec::new();
        let mut invalid = 0;
        for mut span in spans.into_iter().filter(|v| matches!(v, Value::Object(_))) {
            if !valid(&span) || !timed_ok(&span) {
                invalid += 1;
            } else if kept.len() < MAX_SPANS {
                self.scrub_span(&mut span);
                kept.push(span);
            }
        }
        let valid_spans = kept.len();
        let mut user = scope.user().cloned();
        if let (Some(user), true) = (user.as_mut(), on) {
            s.scrub_user(user);
        }
        if let (Some(request), true) = (request.as_mut(), on) {
            s.scrub_request(request);
        }
        // Over 1 MiB (long descriptions, big data): half the spans go, until it fits.
        let json = loop {
            let mut out = String::with_capacity(1024 + kept.len() * 256);
            let mut o = Obj::open(&mut out, self.float);
            o.str("event_id", &id);
            o.str("type", "transaction");
            for (k, v) in entries.iter() {
                o.member(k, v, Value::write_json);
            }
            {
                let out = o.key("spans");
                out.push('[');
                for (i, span) in kept.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    span.write_json(out, self.float);
                }
                out.push(']');
            }
            if let Some(u) = &user {
                o.obj("user", |o| write::user(u, o));
            }
            if let Some(r) = &request {
                o.obj("request", |o| write::request(r, o));
            }
            o.obj("sdk", |o| write::sdk(&SDK, o));
            o.close();
            if out.len() <= MAX_EVENT_BYTES {
                break out;
            }
            if kept.is_empty() {
                return self.invalid("transaction");
            }
            kept.truncate(kept.len() / 2);
        };
        self.count_discards(DiscardReason::InternalSdkError, "span", invalid);
        self.count_discards(
            DiscardReason::BufferOverflow,
            "span",
            total.saturating_sub(invalid + valid_spans) + valid_spans - kept.len(),
        );
        let id = &id;
        self.envelope(Some(id), id, "transaction", &json, dsc, "transaction", now)
    }

    /// Counts an invalid item of `category` (`internal_sdk_error`); `None`.
    fn invalid(&mut self, category: &'static str) -> Option<Outgoing> {
        self.count_discard(DiscardReason::InternalSdkError, category);
        None
    }

    #[cfg(feature = "tracing")]
    /// Scrubs a span (or the trace context) in place: its description through the URL scrubber
    /// (`GET https://…?token=…`, a path, a name), URL-bearing `data` entries too, other `data`
    /// and anything unknown by key and pattern; ids, times, op, status and origin as they are.
    fn scrub_span(&self, span: &mut Value) {
        let s = &self.scrubber;
        let Value::Object(entries) = span else { return };
        if !s.enabled() {
            return;
        }
        for (k, v) in entries.iter_mut() {
            match (k.as_str(), &mut *v) {
                (
                    "trace_id"
                    | "span_id"
                    | "parent_span_id"
                    | "op"
                    | "status"
                    | "origin"
                    | "type"
                    | "start_timestamp"
                    | "timestamp"
                    | "exclusive_time"
                    | "same_process_as_parent",
                    _,
                ) => {}
                ("description", Value::String(d)) => *d = s.scrub_url(d),
                ("data", Value::Object(data)) => {
                    for (k, v) in data.iter_mut() {
                        match v {
                            Value::String(t) if url_key(k) && !s.is_sensitive_key(k) => {
                                *t = url_part(s, k, t);
                            }
                            _ => s.scrub_entry(k, v),
                        }
                    }
                }
                _ => s.scrub_entry(k, v),
            }
        }
    }

    /// The envelope for a session update, or (with `aggregates`) for request-mode session
    /// aggregates (TRACING.md §1): item `session` or `sessions`, `attrs.release` and
    /// `attrs.environment` from the options when missing, times given as seconds as RFC 3339,
    /// `did` through the text scrubber. `id` is the delivery's id for it. `None` when tattle is
    /// off or there is no release (Relay drops such sessions), or (counted `internal_sdk_error` /
    /// `session`) when `session` is not one: no `sid`, `started` or known `status`.
    pub fn session(&mut self, mut session: Value, id: &str, now: Timestamp) -> Option<Outgoing> {
        if !self.is_enabled() {
            return None;
        }
        let s = &self.scrubber;
        let opts = &self.options;
        let Value::Object(entries) = &mut session else {
            return self.invalid("session");
        };
        let attrs = object_at(entries, "attrs");
        fill(attrs, "release", opts.release.as_deref().map(Value::from));
        let environment = opts.environment.as_deref().unwrap_or("production");
        fill(attrs, "environment", Some(Value::from(environment)));
        text_in(attrs, "release")?;
        let mut item = "session";
        let ok = match entries.iter_mut().find(|(k, _)| k == "aggregates") {
            Some((_, Value::Array(aggregates))) => {
                item = "sessions";
                let mut ok = !aggregates.is_empty();
                for a in aggregates.iter_mut() {
                    ok &= match a {
                        Value::Object(a) => session_fields(a, s),
                        _ => false,
                    };
                }
                ok
            }
            Some(_) => false,
            None => {
                fill(
                    entries,
                    "timestamp",
                    Some(Value::Number(now.0 as f64 / 1000.0)),
                );
                session_fields(entries, s)
                    && text_in(entries, "sid").is_some()
                    && text_in(entries, "status").is_some_and(|st| {
                        matches!(st, "ok" | "exited" | "errored" | "crashed" | "abnormal")
                    })
            }
        };
        if !ok {
            return self.invalid("session");
        }
        let mut json = String::with_capacity(256);
        session.write_json(&mut json, self.float);
        self.envelope(None, id, item, &json, &[], "session", now)
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
            "measurements": { "lcp": { "value": 1234.5, "unit": "millisecond" } },
            "tags": { "route": "/api/auth/me", "n": 3 },
        }))
    }

    fn dsc(c: &Client) -> Dsc {
        c.dsc(&value(json!({
            "trace_id": TRACE, "release": "r@1", "sample_rate": "0.25", "sampled": "true", "n": 1,
            "transaction": "/reset?token=abc", "Bad-Key": "x", "nested": { "a": 1 },
        })))
    }

    fn send(c: &mut Client, t: &Value, total: usize) -> Option<Outgoing> {
        let d = dsc(c);
        c.transaction(
            t.clone(),
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
                    "transaction": "/reset?token=[Filtered]", "public_key": "pubkey", "Bad-Key": "x" }),
            "strings only (escaped keys), the name scrubbed, the DSN's public key added"
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
        // A tag value naming a secret word is filtered, as an error event's is (a number stays one:
        // Relay takes it as its text).
        assert_eq!(
            e["tags"],
            json!({ "route": "[Filtered]", "n": 3, "app": "shop" })
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
            json!({ "trace_id": TRACE, "public_key": "theirs", "sampled": "false", "rate": 1 }),
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
            value(s),
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
            json!({ "started": 1.0, "status": "ok" }),
            json!({ "sid": "0123456789abcdef0123456789abcdef", "status": "ok" }),
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
