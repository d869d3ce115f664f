//! The protocol types written as JSON text directly, without serde.
//!
//! Why: serde's derive, driven through [`crate::json`]'s `Serializer`, is generic code per
//! field and per type; this writer does the same job with a handful of non-generic helpers and
//! makes the wasm about 1.5 KB gzip smaller (measured: `node scripts/size.mjs`). The derives
//! stay for Rust apps that serialize these types themselves. The text is byte for byte what
//! `json::to_string` writes for the same value (same member order, same skipped members, same
//! string escaping and number forms): the tests below hold the two to that.

#[allow(unused_imports)]
use crate::prelude::*;

use super::{
    Breadcrumb, DebugImage, Event, Exception, Frame, Map, Mechanism, Request, SdkInfo, Timestamp,
    User, Value,
};
use crate::json::{push_str_literal, safe_integer, u64_digits, FloatFormatter};

/// An object being written: `{`, members, `}`.
pub(crate) struct Obj<'a> {
    out: &'a mut String,
    float: FloatFormatter,
    first: bool,
}

impl<'a> Obj<'a> {
    pub(crate) fn open(out: &'a mut String, float: FloatFormatter) -> Self {
        out.push('{');
        Obj {
            out,
            float,
            first: true,
        }
    }

    /// Starts member `k` (a plain ASCII name: nothing to escape) and returns the text to write
    /// its value into.
    pub(crate) fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(k);
        self.out.push_str("\":");
        self.out
    }

    pub(crate) fn str(&mut self, k: &str, v: &str) {
        push_str_literal(self.key(k), v);
    }

    pub(crate) fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(k, v);
        }
    }

    fn opt_u32(&mut self, k: &str, v: Option<u32>) {
        if let Some(v) = v {
            self.key(k).push_str(&u64_digits(v.into()));
        }
    }

    pub(crate) fn bool(&mut self, k: &str, v: bool) {
        self.key(k).push_str(if v { "true" } else { "false" });
    }

    fn time(&mut self, k: &str, t: Timestamp) {
        self.str(k, &t.to_rfc3339());
    }

    /// Member `k` as an object written by `f`.
    pub(crate) fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj)) {
        let float = self.float;
        let mut o = Obj::open(self.key(k), float);
        f(&mut o);
        o.close();
    }

    /// `"k":{"values":[…]}` (or `{"frames":[…]}`): Sentry's list wrapper.
    fn wrapped<T>(&mut self, k: &str, inner: &str, items: &[T], write: fn(&T, &mut Obj)) {
        self.obj(k, |o| o.list(inner, items, write));
    }

    /// `"k":[…]`, each item an object written by `write`.
    fn list<T>(&mut self, k: &str, items: &[T], write: fn(&T, &mut Obj)) {
        let float = self.float;
        let out = self.key(k);
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut o = Obj::open(out, float);
            write(item, &mut o);
            o.close();
        }
        out.push(']');
    }

    /// `"k":{…}` unless the map is empty.
    pub(crate) fn map<V>(
        &mut self,
        k: &str,
        m: &Map<V>,
        write: fn(&V, &mut String, FloatFormatter),
    ) {
        if m.is_empty() {
            return;
        }
        let float = self.float;
        let mut o = Obj::open(self.key(k), float);
        for (key, v) in m.iter() {
            o.member(key, v, write);
        }
        o.close();
    }

    /// A member whose name is user data (escaped).
    pub(crate) fn member<V>(&mut self, k: &str, v: &V, write: fn(&V, &mut String, FloatFormatter)) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_str_literal(self.out, k);
        self.out.push(':');
        write(v, self.out, self.float);
    }

    pub(crate) fn close(self) {
        self.out.push('}');
    }
}

/// `Map<String>`'s value writer (a `fn(&V, …)` with `V = String`, hence `&String`).
#[allow(clippy::ptr_arg)]
pub(crate) fn string(v: &String, out: &mut String, _: FloatFormatter) {
    push_str_literal(out, v);
}

impl Value {
    /// Appends this value as JSON: NaN and infinities as `null`, integers below 2^53 as
    /// integers, other numbers through `float`.
    pub fn write_json(&self, out: &mut String, float: FloatFormatter) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) if !n.is_finite() => out.push_str("null"),
            Value::Number(n) => match safe_integer(*n) {
                Some(i) => {
                    if i < 0 {
                        out.push('-');
                    }
                    out.push_str(&u64_digits(i.unsigned_abs()));
                }
                None => float(*n, out),
            },
            Value::String(s) => push_str_literal(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out, float);
                }
                out.push(']');
            }
            Value::Object(entries) => {
                let mut o = Obj::open(out, float);
                for (k, v) in entries {
                    o.member(k, v, Value::write_json);
                }
                o.close();
            }
        }
    }
}

pub(crate) fn sdk(s: &SdkInfo, o: &mut Obj) {
    o.str("name", s.name);
    o.str("version", s.version);
}

fn mechanism(m: &Mechanism, o: &mut Obj) {
    o.str("type", &m.ty);
    o.bool("handled", m.handled);
    if m.synthetic {
        o.bool("synthetic", true);
    }
    o.opt_str("source", m.source.as_deref());
    o.opt_u32("exception_id", m.exception_id);
    o.opt_u32("parent_id", m.parent_id);
    if m.is_exception_group {
        o.bool("is_exception_group", true);
    }
}

fn frame(f: &Frame, o: &mut Obj) {
    o.opt_str("function", f.function.as_deref());
    o.opt_str("filename", f.filename.as_deref());
    o.opt_str("abs_path", f.abs_path.as_deref());
    o.opt_u32("lineno", f.lineno);
    o.opt_u32("colno", f.colno);
    if let Some(b) = f.in_app {
        o.bool("in_app", b);
    }
    o.opt_str("instruction_addr", f.instruction_addr.as_deref());
    #[cfg(feature = "std")]
    o.opt_str("addr_mode", f.addr_mode.as_deref());
}

fn exception(e: &Exception, o: &mut Obj) {
    o.str("type", &e.ty);
    o.str("value", &e.value);
    if let Some(m) = &e.mechanism {
        o.obj("mechanism", |o| mechanism(m, o));
    }
    if let Some(s) = &e.stacktrace {
        o.wrapped("stacktrace", "frames", &s.frames, frame);
    }
}

pub(crate) fn user(u: &User, o: &mut Obj) {
    o.opt_str("id", u.id.as_deref());
    o.opt_str("email", u.email.as_deref());
    o.opt_str("username", u.username.as_deref());
    o.opt_str("ip_address", u.ip_address.as_deref());
    o.map("data", &u.data, Value::write_json);
}

fn breadcrumb(b: &Breadcrumb, o: &mut Obj) {
    o.time("timestamp", b.timestamp);
    o.opt_str("type", b.ty.as_deref());
    o.opt_str("category", b.category.as_deref());
    o.opt_str("message", b.message.as_deref());
    o.opt_str("level", b.level.map(|l| l.as_str()));
    o.map("data", &b.data, Value::write_json);
}

pub(crate) fn request(r: &Request, o: &mut Obj) {
    o.opt_str("url", r.url.as_deref());
    o.opt_str("method", r.method.as_deref());
    o.map("headers", &r.headers, string);
}

fn debug_image(d: &DebugImage, o: &mut Obj) {
    o.str("type", d.ty);
    o.str("code_file", &d.code_file);
    o.str("debug_id", &d.debug_id);
    #[cfg(feature = "std")]
    o.opt_str("code_id", d.code_id.as_deref());
}

impl Event {
    /// The event as compact JSON, as `json::to_string` writes it, without serde.
    pub fn to_json(&self, float: FloatFormatter) -> String {
        let mut out = String::with_capacity(256);
        let mut o = Obj::open(&mut out, float);
        o.str("event_id", &self.event_id);
        o.time("timestamp", self.timestamp);
        o.str("platform", self.platform);
        o.str("level", self.level.as_str());
        if let Some(l) = &self.logentry {
            o.obj("logentry", |o| o.str("formatted", &l.formatted));
        }
        if let Some(e) = &self.exception {
            o.wrapped("exception", "values", &e.values, exception);
        }
        o.opt_str("release", self.release.as_deref());
        o.opt_str("environment", self.environment.as_deref());
        o.opt_str("dist", self.dist.as_deref());
        o.opt_str("transaction", self.transaction.as_deref());
        if let Some(u) = &self.user {
            o.obj("user", |o| user(u, o));
        }
        if let Some(r) = &self.request {
            o.obj("request", |o| request(r, o));
        }
        o.map("tags", &self.tags, string);
        o.map("contexts", &self.contexts, Value::write_json);
        o.map("extra", &self.extra, Value::write_json);
        if !self.fingerprint.is_empty() {
            let out = o.key("fingerprint");
            out.push('[');
            for (i, f) in self.fingerprint.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_str_literal(out, f);
            }
            out.push(']');
        }
        if let Some(b) = &self.breadcrumbs {
            o.wrapped("breadcrumbs", "values", &b.values, breadcrumb);
        }
        if let Some(d) = &self.debug_meta {
            o.wrapped("debug_meta", "images", &d.images, debug_image);
        }
        o.obj("sdk", |o| sdk(&self.sdk, o));
        o.close();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Level, LogEntry, Stacktrace, Values};

    /// Any formatter will do (both writers call it the same way); this one builds on wasm too.
    fn float(v: f64, out: &mut String) {
        out.push_str(&v.to_string())
    }

    fn tricky() -> String {
        "q\"b\\n\n\r\t\u{0}\u{1f}\u{8}\u{c}\u{2028}\u{2029}é😀".to_owned()
    }

    fn value() -> Value {
        Value::Object(vec![
            ("null".into(), Value::Null),
            ("t".into(), Value::Bool(true)),
            ("f".into(), Value::Bool(false)),
            (tricky(), Value::String(tricky())),
            (
                "numbers".into(),
                Value::Array(vec![
                    Value::Number(0.0),
                    Value::Number(-0.0),
                    Value::Number(-42.0),
                    Value::Number(1.5),
                    Value::Number(-1e-7),
                    Value::Number(1e21),
                    Value::Number(9007199254740993.0),
                    Value::Number(f64::NAN),
                    Value::Number(f64::INFINITY),
                    Value::Number(f64::MAX),
                ]),
            ),
            ("empty".into(), Value::Object(vec![])),
            ("nested".into(), Value::Array(vec![Value::Array(vec![])])),
        ])
    }

    fn frame(n: u32, all: bool) -> Frame {
        Frame {
            function: Some(tricky()),
            filename: all.then(|| "a.js".into()),
            abs_path: all.then(|| "https://x/a.js".into()),
            lineno: Some(n),
            colno: all.then_some(u32::MAX),
            in_app: all.then_some(n % 2 == 0),
            instruction_addr: all.then(|| "0x1f".into()),
            addr_mode: all.then(|| "rel:0".into()),
        }
    }

    fn full() -> Event {
        let mut tags = Map::new();
        tags.insert("k".into(), tricky());
        tags.insert(tricky(), "v".into());
        let mut data = Map::new();
        data.insert("v".into(), value());
        let mut mechanism = Mechanism::new("onerror", false);
        mechanism.synthetic = true;
        mechanism.source = Some("errors[0]".into());
        mechanism.exception_id = Some(1);
        mechanism.parent_id = Some(0);
        mechanism.is_exception_group = true;
        Event {
            event_id: "0123456789abcdef0123456789abcdef".into(),
            timestamp: Timestamp(1_764_467_362_123),
            platform: "javascript",
            level: Level::Fatal,
            logentry: Some(LogEntry {
                formatted: tricky(),
            }),
            exception: Some(Values {
                values: vec![
                    Exception {
                        ty: "TypeError".into(),
                        value: tricky(),
                        mechanism: Some(mechanism),
                        stacktrace: Some(Stacktrace {
                            frames: vec![frame(1, true), frame(2, false), Frame::default()],
                        }),
                    },
                    Exception {
                        ty: "Error".into(),
                        value: String::new(),
                        mechanism: Some(Mechanism::new("generic", true)),
                        stacktrace: Some(Stacktrace { frames: vec![] }),
                    },
                    Exception {
                        ty: "x".into(),
                        value: "y".into(),
                        mechanism: None,
                        stacktrace: None,
                    },
                ],
            }),
            release: Some("r@1".into()),
            environment: Some(tricky()),
            dist: Some("d".into()),
            user: Some(User {
                id: Some("1".into()),
                email: Some("a@b.c".into()),
                username: Some(tricky()),
                ip_address: Some("{{auto}}".into()),
                data: data.clone(),
            }),
            request: Some(Request {
                url: Some("https://x/?a=1".into()),
                method: Some("GET".into()),
                headers: tags.clone(),
            }),
            tags,
            contexts: data.clone(),
            extra: data.clone(),
            fingerprint: vec!["{{ default }}".into(), tricky()],
            breadcrumbs: Some(Values {
                values: vec![
                    Breadcrumb {
                        timestamp: Timestamp(0),
                        ty: Some("http".into()),
                        category: Some("fetch".into()),
                        message: Some(tricky()),
                        level: Some(Level::Warning),
                        data,
                    },
                    Breadcrumb {
                        timestamp: Timestamp(253_402_300_799_999),
                        ty: None,
                        category: None,
                        message: None,
                        level: None,
                        data: Map::new(),
                    },
                ],
            }),
            debug_meta: Some(crate::protocol::DebugMeta {
                images: vec![DebugImage {
                    ty: "sourcemap",
                    code_file: tricky(),
                    debug_id: "c0ffee00-0000-4000-8000-000000000000".into(),
                    code_id: Some("c0ffee".into()),
                }],
            }),
            transaction: Some(tricky()),
            // Every member listed, none from Default: a member added to Event fails to compile
            // here until this writer and this test know it (debug_meta and transaction were
            // once missing from the writer only).
            sdk: SdkInfo::default(),
        }
    }

    /// Byte for byte what the serde path writes (which tests/json.rs holds to serde_json).
    fn same(e: &Event) {
        assert_eq!(e.to_json(float), crate::json::to_string(e, float).unwrap());
    }

    #[test]
    fn writes_what_serde_writes() {
        same(&Event::default());
        same(&full());
        for level in [Level::Debug, Level::Info, Level::Warning, Level::Error] {
            let mut e = full();
            e.level = level;
            e.breadcrumbs.as_mut().unwrap().values[0].level = Some(level);
            same(&e);
        }
        // Every optional member absent, one at a time.
        let mut e = full();
        e.user.as_mut().unwrap().data = Map::new();
        e.request.as_mut().unwrap().headers = Map::new();
        e.exception.as_mut().unwrap().values[0].mechanism = Some(Mechanism::new("", true));
        same(&e);
        e.user = Some(User::default());
        e.request = Some(Request::default());
        e.fingerprint.clear();
        e.tags = Map::new();
        e.debug_meta = Some(crate::protocol::DebugMeta { images: vec![] });
        same(&e);
        e.debug_meta = None;
        e.transaction = None;
        same(&e);
    }

    #[test]
    fn values_as_serde_writes_them() {
        for v in [
            value(),
            Value::Null,
            Value::Number(0.1),
            tricky().as_str().into(),
        ] {
            let mut out = String::new();
            v.write_json(&mut out, float);
            assert_eq!(out, crate::json::to_string(&v, float).unwrap());
        }
    }
}
