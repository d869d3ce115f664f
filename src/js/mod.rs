//! The only wasm-bindgen code: exports for the npm package's JavaScript entry, and the
//! conversions from JavaScript values into the core's types.
//!
//! Nothing here throws into JavaScript: every property read goes through `Reflect` (which
//! reports getters that throw as `Err`), and state is borrowed with `try_borrow_mut`, so a
//! capture triggered while tattle is busy (re-entrancy) is dropped instead of trapping.

#[allow(unused_imports)]
use crate::prelude::*;
mod convert;

use crate::client::{trace_context, Client, ClientOptions, DiscardReason, Dsc, Outgoing};
use crate::debug_ids::{DebugIds, MAX_DEBUG_IDS};
use crate::envelope::{is_event_id, uuid4_hex};
use crate::error::DsnError;
use crate::exception::{
    location_frame, truncate, Linked, Thrown, MAX_CAUSE_DEPTH, MAX_LINKED, MAX_VALUE_CHARS,
};
use crate::protocol::{
    Breadcrumb, Event, Exception, Level, Mechanism, Request, Timestamp, User, Value, Values,
};
use crate::scrub::{Pattern, Scrubber};
use crate::text::cat;
use convert::{get, get_bool, get_string, to_value, user_from};
use core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    pub(crate) fn reflect_set(
        target: &JsValue,
        key: &JsValue,
        value: &JsValue,
    ) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = Object)]
    pub(crate) fn js_object() -> JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    pub(crate) static GLOBAL: JsValue;
    // `catch` on both: a page may patch Date.now or Math.random to throw, and a throw through
    // wasm inside `with_state` would leave the state borrowed for good.
    #[wasm_bindgen(js_namespace = Date, js_name = now, catch)]
    fn date_now() -> Result<f64, JsValue>;
    #[wasm_bindgen(js_namespace = Math, js_name = random, catch)]
    pub(crate) fn math_random() -> Result<f64, JsValue>;
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(s: &str);
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
    /// JavaScript's `String(n)`: the shortest round-trip form, without Rust's float formatting.
    #[wasm_bindgen(js_name = String)]
    fn js_number_text(n: f64) -> String;
}

pub(crate) fn float_via_js(v: f64, out: &mut String) {
    out.push_str(&js_number_text(v));
}

pub(crate) struct State {
    pub(crate) client: Client,
    /// The Rust API's delivery (see [`dispatch`]); undefined for the npm entry, whose captures
    /// return their envelope instead (see [`outcome`]).
    pub(crate) delivery: JsValue,
    /// The user has a `beforeSend`, which runs in JavaScript (it may be async): a capture
    /// returns the event, and [`envelope_for`] wraps what beforeSend made of it.
    pub(crate) hold: bool,
    /// `ignoreErrors`, `denyUrls`, `allowUrls`: arrays of strings (substrings) and RegExps.
    pub(crate) ignore_errors: JsValue,
    pub(crate) deny_urls: JsValue,
    pub(crate) allow_urls: JsValue,
    /// The dynamic sampling contexts of events held for `beforeSend` (by event id), for the
    /// header of the envelope [`envelope_for`] makes; the newest few.
    pub(crate) held_dsc: Vec<(String, Dsc)>,
}

/// Most held events whose trace header is remembered (one `beforeSend` drop leaves its entry).
const HELD_DSC: usize = 16;

/// A global for wasm's single thread (no std `thread_local!` in a no_std build).
pub(crate) struct Local<T>(T);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; these globals
// hold JS handles that could not cross threads anyway. With atomics (threads sharing one
// memory) this would be unsound, so such a build is refused below until it is made safe.
unsafe impl<T> Sync for Local<T> {}

#[cfg(target_feature = "atomics")]
compile_error!(
    "tattle's wasm globals assume a single thread: build without the `atomics` target feature"
);

impl<T> Local<T> {
    pub(crate) fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

pub(crate) static STATE: Local<RefCell<Option<State>>> = Local(RefCell::new(None));
static USER_AGENT: Local<RefCell<Option<Option<String>>>> = Local(RefCell::new(None));
/// Set while the Rust API's delivery takes an envelope: a capture it triggers (a patched
/// `fetch` that throws) would feed itself forever, so it is dropped. (The npm entry's beforeSend
/// runs in JavaScript, which guards it the same way.)
static BUSY: Local<Cell<bool>> = Local(Cell::new(false));

/// Runs `f` on the state if tattle is initialised and not already busy (re-entrancy guard).
pub(crate) fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    STATE.with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.as_mut().map(f)))
}

/// Like [`with_state`] for captures (of items of `category`): none while tattle's own transport
/// is running.
pub(crate) fn with_capture_state<R>(
    category: &'static str,
    f: impl FnOnce(&mut State) -> R,
) -> Option<R> {
    if BUSY.with(Cell::get) {
        with_state(|st| {
            st.client
                .count_discard(DiscardReason::InternalSdkError, category)
        });
        return None;
    }
    with_state(f)
}

pub(crate) fn now() -> Timestamp {
    Timestamp(date_now().unwrap_or(0.0) as u64)
}

pub(crate) fn new_event_id() -> String {
    let mut bytes = [0u8; 16];
    if get_random_values(&mut bytes).is_err() {
        // No Web Crypto: fall back to Math.random, still 122 random bits in the right format.
        for b in bytes.iter_mut() {
            *b = (math_random().unwrap_or(0.5) * 256.0) as u8;
        }
    }
    uuid4_hex(bytes)
}

/// The id from the hint if the JavaScript entry already handed one out, else a new one.
fn event_id_from(hint: &JsValue) -> String {
    get_string(hint, "event_id")
        .filter(|id| is_event_id(id))
        .unwrap_or_else(new_event_id)
}

/// The request an event belongs to: the one a worker handles (`hint.request`: url, method,
/// headers, already picked by the worker entry), else the page.
fn request_for(hint: &JsValue) -> Option<Request> {
    let given = get(hint, "request");
    if given.is_object() {
        let mut request = Request {
            url: get_string(&given, "url"),
            method: get_string(&given, "method"),
            ..Request::default()
        };
        let headers = get(&given, "headers");
        for key in convert::keys(&headers) {
            if let Some(value) = get_string(&headers, &key) {
                request.headers.insert(key, value);
            }
        }
        return Some(request);
    }
    current_request()
}

/// The page (or worker script) URL and user agent, as Sentry's browser SDK sends by default.
pub(crate) fn current_request() -> Option<Request> {
    let global = GLOBAL.with(JsValue::clone);
    let url = get_string(&get(&global, "location"), "href");
    // The user agent cannot change while the page lives: read it once.
    let ua = USER_AGENT.with(|cache| {
        cache
            .borrow_mut()
            .get_or_insert_with(|| get_string(&get(&global, "navigator"), "userAgent"))
            .clone()
    });
    if url.is_none() && ua.is_none() {
        return None;
    }
    let mut request = Request {
        url,
        ..Request::default()
    };
    if let Some(ua) = ua {
        request.headers.insert("User-Agent".to_owned(), ua);
    }
    if let Some(referrer) =
        get_string(&get(&global, "document"), "referrer").filter(|r| !r.is_empty())
    {
        request.headers.insert("Referer".to_owned(), referrer);
    }
    Some(request)
}

/// The page's path (`location.pathname`), as the route an error was shown on.
#[cfg(feature = "leptos")]
pub(crate) fn current_path() -> Option<String> {
    let global = GLOBAL.with(JsValue::clone);
    get_string(&get(&global, "location"), "pathname")
}

/// Hands an envelope to the Rust API's delivery (app.rs: www/delivery.js, with its rate limits,
/// retries, offline store and unload handling), outside the state borrow, with captures from
/// inside it dropped: a delivery whose `fetch` calls back into tattle can neither trap nor loop.
/// The npm entry never comes here: its JavaScript takes each capture's [`outcome`].
pub(crate) fn dispatch(out: Option<(Outgoing, JsValue)>) {
    let Some((out, delivery)) = out else { return };
    BUSY.with(|f| f.set(true));
    #[cfg(feature = "std")]
    crate::api::hand_to_delivery(&delivery, &out);
    #[cfg(not(feature = "std"))]
    let _ = (out, delivery); // no Rust API without std
    BUSY.with(|f| f.set(false));
}

/// The drops counted since the last call, for the client report the JavaScript entry sends:
/// `reason:category:count` entries joined by `,`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = takeDiscards))]
pub fn take_discards() -> String {
    let taken = with_state(|st| st.client.take_discarded()).unwrap_or_default();
    let mut out = String::new();
    for (reason, category, n) in taken {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(reason.as_str());
        out.push(':');
        out.push_str(category);
        out.push(':');
        out.push_str(&crate::json::u64_digits(n as u64));
    }
    out
}

/// Where envelopes go (empty when tattle is off).
#[cfg_attr(not(feature = "std"), wasm_bindgen)]
pub fn endpoint() -> String {
    with_state(|st| st.client.endpoint().to_owned()).unwrap_or_default()
}

/// Starts tattle with `options`. Returns whether events will be sent. An invalid DSN is reported
/// once on the console and disables tattle. Captures return what they built (see `outcome`):
/// the JavaScript entry owns the I/O.
#[cfg_attr(not(feature = "std"), wasm_bindgen)]
pub fn init(options: JsValue) -> bool {
    let send_default_pii = get_bool(&options, "sendDefaultPii").unwrap_or(false);
    let opts = ClientOptions {
        dsn: get_string(&options, "dsn"),
        release: get_string(&options, "release"),
        environment: get_string(&options, "environment"),
        dist: get_string(&options, "dist"),
        debug: get_bool(&options, "debug").unwrap_or(false),
        enabled: get_bool(&options, "enabled").unwrap_or(true),
        max_breadcrumbs: get(&options, "maxBreadcrumbs")
            .as_f64()
            .map_or(100, |n| n.max(0.0) as usize),
        tunnel: get_string(&options, "tunnel"),
        // Transactions are sampled in JavaScript (tracesSampleRate / tracesSampler).
        traces_sample_rate: None,
        sample_rate: get(&options, "sampleRate")
            .as_f64()
            .map_or(1.0, |r| r.clamp(0.0, 1.0)),
        send_default_pii,
        scrubber: Some(scrubber_from(&get(&options, "scrubbing"), send_default_pii)),
        #[cfg(feature = "std")]
        before_send: None,
    };
    match Client::new(opts, float_via_js) {
        Ok(client) => {
            let enabled = client.is_enabled();
            STATE.with(|s| {
                if let Ok(mut s) = s.try_borrow_mut() {
                    *s = Some(State {
                        client,
                        delivery: JsValue::UNDEFINED,
                        hold: get_bool(&options, "holdForBeforeSend").unwrap_or(false),
                        ignore_errors: get(&options, "ignoreErrors"),
                        deny_urls: get(&options, "denyUrls"),
                        allow_urls: get(&options, "allowUrls"),
                        held_dsc: Vec::new(),
                    });
                }
            });
            enabled
        }
        Err(e) => {
            report_bad_dsn(&e);
            false
        }
    }
}

/// The one console error an invalid DSN gets, from the npm entry and the Rust API alike.
pub(crate) fn report_bad_dsn(e: &DsnError) {
    console_error(&cat(&[
        "tattle: ",
        &e.message(),
        ". tattle is disabled; events will not be sent.",
    ]));
}

/// tattle's `scrubbing` option: `{ enabled, keys: [...], disable: ['ssn', …] }`.
fn scrubber_from(config: &JsValue, send_default_pii: bool) -> Scrubber {
    let mut scrubber = Scrubber::new(send_default_pii);
    if get_bool(config, "enabled") == Some(false) {
        scrubber.disable();
    }
    // The array's items; only the strings among them count.
    let items = |key| match to_value(&get(config, key)) {
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    for item in items("keys") {
        if let Some(key) = item.as_str() {
            scrubber.add_key(key);
        }
    }
    for item in items("disable") {
        let Some(name) = item.as_str() else { continue };
        match Pattern::from_name(name) {
            Some(p) => scrubber.remove_pattern(p),
            None => console_error(&cat(&[
                "tattle: unknown scrubbing pattern \"",
                name,
                "\" ignored",
            ])),
        }
    }
    scrubber
}

/// Describes any thrown value without letting a hostile getter or Proxy throw out of here.
fn describe(value: &JsValue) -> Thrown {
    if value.is_null() {
        return Thrown::Null;
    }
    if value.is_undefined() {
        return Thrown::Undefined;
    }
    if let Some(text) = value.as_string() {
        return Thrown::Primitive {
            type_name: "string",
            text,
        };
    }
    if !value.is_object() && !value.is_function() {
        let type_name = match value.js_typeof().as_string().as_deref() {
            Some("number") => "number",
            Some("boolean") => "boolean",
            Some("bigint") => "bigint",
            Some("symbol") => "symbol",
            _ => "value",
        };
        return Thrown::Primitive {
            type_name,
            text: convert::safe_string(value),
        };
    }
    if convert::is_error(value) {
        return Thrown::Error {
            name: get_string(value, "name").unwrap_or_default(),
            message: get_string(value, "message").unwrap_or_default(),
            stack: get_string(value, "stack"),
        };
    }
    Thrown::Object {
        class: convert::class_name(value),
        keys: convert::keys(value),
    }
}

/// The thrown value and the errors linked from it: `cause` (up to 5 deep) and an
/// AggregateError's `errors`, breadth first, at most [`MAX_LINKED`] in all.
fn describe_chain(value: &JsValue) -> Vec<Linked> {
    let mut chain = vec![Linked::root(describe(value))];
    let mut queue = vec![(value.clone(), 0usize, 0usize)]; // (value, index in chain, cause depth)
    let mut next = 0;
    while next < queue.len() && chain.len() < MAX_LINKED {
        let (v, index, depth) = queue[next].clone();
        next += 1;
        if !matches!(chain[index].thrown, Thrown::Error { .. }) {
            continue;
        }
        let cause = get(&v, "cause");
        if !cause.is_undefined() && depth < MAX_CAUSE_DEPTH && chain.len() < MAX_LINKED {
            chain.push(Linked {
                thrown: describe(&cause),
                parent: Some((index, "cause".to_owned())),
                group: false,
            });
            queue.push((cause, chain.len() - 1, depth + 1));
        }
        let errors = get(&v, "errors");
        if convert::is_array(&errors) {
            chain[index].group = true;
            let len = get(&errors, "length").as_f64().unwrap_or(0.0) as usize;
            for i in 0..len {
                if chain.len() >= MAX_LINKED {
                    break;
                }
                let item = convert::get_index(&errors, i);
                let digits = crate::json::u64_digits(i as u64);
                chain.push(Linked {
                    thrown: describe(&item),
                    parent: Some((index, cat(&["errors[", &digits, "]"]))),
                    group: false,
                });
                queue.push((item, chain.len() - 1, depth + 1));
            }
        }
    }
    chain
}

/// `captureException(value, hint)`. Hint fields: `event_id`, `mechanism` (type), `handled`, and
/// from an `error` event: `message` (used when no value was thrown), `filename`, `lineno` and
/// `colno` (the frame used when the value has no stack), `request` and `scope` (a worker's).
/// Returns the capture's `outcome`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = captureException))]
pub fn capture_exception(value: JsValue, hint: JsValue) -> JsValue {
    let event_id = event_id_from(&hint);
    let out = with_hint_scope(&hint, || exception_envelope(value, &hint, &event_id));
    outcome(&event_id, out, "error")
}

fn exception_envelope(value: JsValue, hint: &JsValue, event_id: &str) -> Option<Built> {
    let hint = hint.clone();
    let mut chain = describe_chain(&value);
    let filename = get_string(&hint, "filename").filter(|f| !f.is_empty());
    if chain[0].thrown == Thrown::Undefined {
        // An `error` event with no Error object: its message says what happened.
        if let Some(message) = get_string(&hint, "message") {
            if message.starts_with("Script error") && filename.is_none() {
                // A cross-origin script's error, censored by the browser: nothing to act on.
                with_state(|st| {
                    st.client
                        .count_discard(DiscardReason::EventProcessor, "error")
                });
                return None;
            }
            chain[0].thrown = Thrown::Primitive {
                type_name: "string",
                text: message,
            };
        }
    }
    let location = filename.map(|file| {
        let num = |k| get(&hint, k).as_f64().unwrap_or(0.0) as u32;
        location_frame(&file, num("lineno"), num("colno"))
    });
    let mechanism = Mechanism::new(
        get_string(&hint, "mechanism")
            .as_deref()
            .unwrap_or("generic"),
        get_bool(&hint, "handled").unwrap_or(true),
    );
    let event = Client::exception_event(
        &chain,
        mechanism,
        event_id.to_owned(),
        now(),
        request_for(&hint),
        location,
    );
    build(event, &hint)
}

/// `captureMessage(message, level, hint)`; returns the capture's `outcome`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = captureMessage))]
pub fn capture_message(message: JsValue, level: JsValue, hint: JsValue) -> JsValue {
    let event_id = event_id_from(&hint);
    let text = message
        .as_string()
        .unwrap_or_else(|| convert::safe_string(&message));
    let level = level
        .as_string()
        .and_then(|l| Level::parse(&l))
        .unwrap_or(Level::Info);
    let out = with_hint_scope(&hint, || {
        build(
            Client::message_event(&text, level, event_id.clone(), now(), request_for(&hint)),
            &hint,
        )
    });
    outcome(&event_id, out, "error")
}

/// `captureEvent(event, hint)`: an event the app made itself, through the same scope, scrubbing,
/// sampling and filters as any capture. Read here: `message` (or `logentry`), `level`,
/// `exception.values` (type, value, mechanism), `release`, `environment`, `dist`; the JavaScript
/// entry hands its tags, extra, contexts, user, fingerprint and transaction over as the capture's
/// scope (which costs no wasm). Returns the capture's `outcome`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = captureEvent))]
pub fn capture_event(event: JsValue, hint: JsValue) -> JsValue {
    let event_id = event_id_from(&hint);
    let out = with_hint_scope(&hint, || {
        build(
            event_from(&event, event_id.clone(), request_for(&hint)),
            &hint,
        )
    });
    outcome(&event_id, out, "error")
}

fn event_from(js: &JsValue, event_id: String, request: Option<Request>) -> Event {
    let text = |v: &JsValue, key| get_string(v, key).filter(|s| !s.is_empty());
    let logentry = get(js, "logentry");
    let message = text(js, "message")
        .or_else(|| text(&logentry, "formatted"))
        .or_else(|| text(&logentry, "message"));
    let level = get_string(js, "level")
        .and_then(|l| Level::parse(&l))
        .unwrap_or(Level::Error);
    let mut event = Client::message_event(
        message.as_deref().unwrap_or_default(),
        level,
        event_id,
        now(),
        request,
    );
    if message.is_none() {
        event.logentry = None;
    }
    let values = get(&get(js, "exception"), "values");
    let len = if convert::is_array(&values) {
        get(&values, "length").as_f64().unwrap_or(0.0) as usize
    } else {
        0
    };
    let mut exceptions = Vec::new();
    for i in 0..len.min(MAX_LINKED) {
        let v = convert::get_index(&values, i);
        let mechanism = get(&v, "mechanism");
        exceptions.push(Exception {
            ty: truncate(&text(&v, "type").unwrap_or_else(|| "Error".into()), 256),
            value: truncate(
                &get_string(&v, "value").unwrap_or_default(),
                MAX_VALUE_CHARS,
            ),
            mechanism: Some(Mechanism::new(
                text(&mechanism, "type").as_deref().unwrap_or("generic"),
                get_bool(&mechanism, "handled").unwrap_or(true),
            )),
            stacktrace: None,
        });
    }
    if !exceptions.is_empty() {
        event.exception = Some(Values { values: exceptions });
    }
    event.release = text(js, "release");
    event.environment = text(js, "environment");
    event.dist = text(js, "dist");
    event
}

/// What a capture built: its envelope, or (with a `beforeSend` in JavaScript) the event for it.
enum Built {
    Envelope(Outgoing),
    Held(String),
}

/// Takes a built event through scope, scrubbing, sampling and the user's filters to its
/// envelope (or, for a `beforeSend`, to the event it sees), or to nothing when it was dropped
/// (the drop counted). A capture inside a trace links to it through its `hint`: `trace` (`{
/// trace_id, span_id, parent_span_id? }`) becomes `contexts.trace`, `dsc` the envelope header's
/// `trace`; either is ignored when malformed.
fn build(event: Event, hint: &JsValue) -> Option<Built> {
    let trace = trace_context(&to_value(&get(hint, "trace")));
    let dsc = get(hint, "dsc");
    let dsc = if dsc.is_object() {
        to_value(&dsc)
    } else {
        Value::Null
    };
    let prepared = with_capture_state("error", |st| {
        let ids = st.client.debug_ids_mut();
        if !ids.covers(&event) {
            refresh_debug_ids(ids);
        }
        let mut event = st.client.prepare(event, math_random().unwrap_or(0.0))?;
        // After scrubbing: the ids are not data (a run of digits in one could pass for a card).
        if let Some(trace) = trace {
            event.contexts.insert("trace".to_owned(), trace);
        }
        let dsc = st.client.dsc(&dsc);
        if filtered_out(st, &event) {
            st.client
                .count_discard(DiscardReason::EventProcessor, "error");
            return None;
        }
        // The Rust API's before_send (the npm entry's runs in JavaScript, see `hold`).
        #[cfg(feature = "std")]
        if let Some(f) = st.client.options().before_send.clone() {
            match (f.0)(event) {
                Some(kept) => event = kept,
                None => {
                    st.client.count_discard(DiscardReason::BeforeSend, "error");
                    return None;
                }
            }
        }
        let payload = st.client.payload(&event)?;
        if st.hold {
            if !dsc.is_empty() {
                // Bounded: a beforeSend that dropped events left theirs; start afresh.
                if st.held_dsc.len() >= HELD_DSC {
                    st.held_dsc.clear();
                }
                st.held_dsc.push((event.event_id.clone(), dsc));
            }
            return Some(Built::Held(payload));
        }
        st.client
            .envelope_for(&event.event_id, &payload, &dsc, now())
            .map(Built::Envelope)
    });
    prepared.flatten()
}

/// Brings the page's debug ids (`globalThis._sentryDebugIds`, which `sentry-cli sourcemaps
/// inject` and Sentry's bundler plugins fill) up to date for a capture with an in-app frame in a
/// file of unknown debug id: one `Object.keys`, and the entries themselves only when their
/// number changed (a chunk loaded).
fn refresh_debug_ids(ids: &mut DebugIds) {
    let registry = GLOBAL.with(|g| get(g, "_sentryDebugIds"));
    // No registry (any more): the ids known stay true, as a bundle's id never changes.
    let Some((keys, count)) = convert::key_list(&registry) else {
        return;
    };
    if ids.is_current(count) {
        return;
    }
    let mut entries = Vec::new();
    for i in 0..count.min(MAX_DEBUG_IDS) {
        if let Some(key) = convert::nth_key(&keys, i) {
            if let Some(id) = get_string(&registry, &key) {
                entries.push((key, id));
            }
        }
    }
    ids.refresh(count, &entries);
}

/// The envelope for an event `beforeSend` returned (as JSON): the capture's outcome again.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = envelopeFor))]
pub fn envelope_for(event_id: &str, payload: &str) -> JsValue {
    let out = if is_event_id(event_id) {
        with_state(|st| {
            let dsc = match st.held_dsc.iter().position(|(id, _)| id == event_id) {
                Some(i) => st.held_dsc.swap_remove(i).1,
                None => Dsc::new(),
            };
            st.client.envelope_for(event_id, payload, &dsc, now())
        })
        .flatten()
    } else {
        None
    };
    outcome(event_id, out.map(Built::Envelope), "error")
}

/// `transaction(event, dsc, hint)`: the envelope for a finished transaction (TRACING.md §1).
/// `event` is Sentry's transaction event as the JavaScript side builds it, read within
/// `TRANSACTION_LIMITS` (at most 1,000 spans); `dsc` the
/// dynamic sampling context for the envelope header (`trace_id`, `public_key`, `release`,
/// `environment`, `sample_rate`, `sampled`, `transaction`); `hint.scope` a worker's
/// per-invocation scope. Options, scope (user, tags, contexts, extra) and scrubbing are applied
/// here; no beforeSend. Returns the `outcome` with `category: "transaction"`.
/// Only in builds with the `tracing` feature (the npm package's tattle_core_tr_bg.wasm, the Rust API).
#[cfg(feature = "tracing")]
#[cfg_attr(not(feature = "std"), wasm_bindgen)]
pub fn transaction(event: JsValue, dsc: JsValue, hint: JsValue) -> JsValue {
    let event_id = get_string(&event, "event_id")
        .filter(|id| is_event_id(id))
        .unwrap_or_else(new_event_id);
    let spans = get(&event, "spans");
    let spans_total = if convert::is_array(&spans) {
        get(&spans, "length").as_f64().unwrap_or(0.0) as usize
    } else {
        0
    };
    let tx = crate::protocol::budget::read(&event, crate::client::TRANSACTION_LIMITS);
    let dsc = to_value(&dsc);
    let request = match tx.get("request") {
        Some(Value::Object(_)) => None,
        _ => request_for(&hint),
    };
    let out = with_hint_scope(&hint, || {
        with_capture_state("transaction", |st| {
            let dsc = st.client.dsc(&dsc);
            st.client
                .transaction(tx, spans_total, &dsc, event_id.clone(), request, now())
        })
    });
    outcome(&event_id, out.flatten().map(Built::Envelope), "transaction")
}

/// `session(session)`: the envelope for a session update (`{ sid, did?, init, started,
/// timestamp, status, errors, duration?, attrs }`, item `session`) or request-mode aggregates
/// (`{ aggregates: [{ started, exited?, errored?, crashed? }], attrs }`, item `sessions`).
/// `attrs.release` / `attrs.environment` come from the options when missing; without a release
/// nothing is sent. Returns the `outcome` with `category: "session"` (its `id` a fresh one).
#[cfg_attr(not(feature = "std"), wasm_bindgen)]
pub fn session(session: JsValue) -> JsValue {
    let id = new_event_id();
    let session = to_value(&session);
    let out = with_capture_state("session", |st| st.client.session(session, &id, now()));
    outcome(&id, out.flatten().map(Built::Envelope), "session")
}

/// [`build`], then hands the envelope to the Rust API's delivery (app.rs).
#[allow(dead_code)]
pub(crate) fn deliver(event: Event) {
    if let Some(Built::Envelope(out)) = build(event, &JsValue::UNDEFINED) {
        let delivery = with_state(|st| st.delivery.clone());
        dispatch(delivery.map(|delivery| (out, delivery)));
    }
}

pub(crate) fn set_text(target: &JsValue, key: &str, value: &str) {
    let _ = reflect_set(target, &JsValue::from_str(key), &JsValue::from_str(value));
}

/// What a capture came to, as one value for the JavaScript entry: `{ id, category, url?, body?,
/// event?, drops? }` — the envelope to send when there is one (or the event for `beforeSend`),
/// the rate-limit category of its item (`error`, `transaction`, `session`), and the drops the
/// core counted meanwhile as `[[reason, category, quantity], …]` (sampling, filters,
/// beforeSend, internal errors, spans over the limit).
fn outcome(event_id: &str, built: Option<Built>, category: &str) -> JsValue {
    let result = js_object();
    set_text(&result, "id", event_id);
    set_text(&result, "category", category);
    match built {
        Some(Built::Envelope(out)) => {
            set_text(&result, "url", &out.url);
            set_text(&result, "body", &out.body);
        }
        Some(Built::Held(payload)) => set_text(&result, "event", &payload),
        None => {}
    }
    let drops = with_state(|st| st.client.take_discarded()).unwrap_or_default();
    if !drops.is_empty() {
        let mut json = String::from("[");
        for (reason, category, n) in drops {
            if json.len() > 1 {
                json.push(',');
            }
            json.push_str(&cat(&[
                "[\"",
                reason.as_str(),
                "\",\"",
                category,
                "\",",
                &crate::json::u64_digits(n as u64),
                "]",
            ]));
        }
        json.push(']');
        if let Ok(drops) = json_parse(&json) {
            let _ = reflect_set(&result, &JsValue::from_str("drops"), &drops);
        }
    }
    result
}

/// A worker's per-invocation scope, handed in whole with the capture (`hint.scope`: user, tags,
/// contexts, extras, level, fingerprint, breadcrumbs): applied as a child scope for this one
/// capture, in one call from JavaScript instead of one call per field.
fn with_hint_scope<R>(hint: &JsValue, f: impl FnOnce() -> R) -> R {
    let pushed = push_hint_scope(hint);
    let result = f();
    if pushed {
        pop_scope();
    }
    result
}

/// The first half of [`with_hint_scope`], kept out of its generic body so the three captures
/// share one copy: pushes `hint.scope` as a child scope; false when there is none.
fn push_hint_scope(hint: &JsValue) -> bool {
    let scope = get(hint, "scope");
    if !scope.is_object() {
        return false;
    }
    push_scope();
    let user = get(&scope, "user");
    if !user.is_undefined() {
        set_user(user);
    }
    set_tags(get(&scope, "tags"));
    let contexts = get(&scope, "contexts");
    for key in convert::keys(&contexts) {
        let value = get(&contexts, &key);
        set_context(JsValue::from_str(&key), value);
    }
    set_extras(get(&scope, "extras"));
    let level = get(&scope, "level");
    if !level.is_undefined() {
        set_level(level);
    }
    let fingerprint = get(&scope, "fingerprint");
    if !fingerprint.is_undefined() {
        set_fingerprint(fingerprint);
    }
    let transaction = get(&scope, "transactionName");
    if !transaction.is_undefined() {
        set_transaction_name(transaction);
    }
    let crumbs = get(&scope, "breadcrumbs");
    if convert::is_array(&crumbs) {
        let len = get(&crumbs, "length").as_f64().unwrap_or(0.0) as usize;
        for i in 0..len {
            add_breadcrumb(convert::get_index(&crumbs, i));
        }
    }
    true
}

/// `ignoreErrors` against the message and the main exception's `Type: value`;
/// `denyUrls` / `allowUrls` against the file of the newest frame.
fn filtered_out(st: &State, event: &Event) -> bool {
    let main = event.exception.as_ref().and_then(|e| e.values.last());
    let mut texts: Vec<String> = Vec::new();
    if let Some(log) = &event.logentry {
        texts.push(log.formatted.clone());
    }
    if let Some(ex) = main {
        texts.push(cat(&[&ex.ty, ": ", &ex.value]));
        texts.push(ex.value.clone());
    }
    if texts
        .iter()
        .any(|t| convert::matches_any(&st.ignore_errors, t))
    {
        return true;
    }
    let url = main
        .and_then(|ex| ex.stacktrace.as_ref())
        .and_then(|st| st.frames.last())
        .and_then(|f| f.abs_path.as_deref());
    match url {
        Some(url) => {
            convert::matches_any(&st.deny_urls, url)
                || (convert::has_items(&st.allow_urls)
                    && !convert::matches_any(&st.allow_urls, url))
        }
        None => false,
    }
}

/// `setUser(user | null)`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setUser))]
pub fn set_user(user: JsValue) {
    let user: Option<User> = user_from(&user);
    with_state(|st| st.client.scope_mut().set_user(user));
}

/// `setTag(key, value)`; `undefined` (or `null`) removes the tag.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setTag))]
pub fn set_tag(key: JsValue, value: JsValue) {
    let Some(key) = key.as_string().and_then(|k| tag_key(&k)) else {
        return;
    };
    // An empty value is one Relay refuses: it removes the tag, as `undefined` does.
    let value = if value.is_undefined() || value.is_null() {
        None
    } else {
        Some(convert::primitive_text(&value)).filter(|v| !v.is_empty())
    };
    with_state(|st| match value {
        Some(v) => st.client.scope_mut().set_tag(&key, &v),
        None => st.client.scope_mut().remove_tag(&key),
    });
}

/// A tag key as Relay accepts it: letters, digits and `_.:-` (anything else becomes `_`), at
/// most 200 characters; none when empty. (Found by the property test: a key with other
/// characters made the whole event fail Relay's normalizer.)
fn tag_key(key: &str) -> Option<String> {
    let mut out = String::with_capacity(key.len().min(200));
    for c in key.chars().take(200) {
        let ok = c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-');
        out.push(if ok { c } else { '_' });
    }
    Some(out).filter(|k| !k.is_empty())
}

/// `setTags(object)`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setTags))]
pub fn set_tags(tags: JsValue) {
    for key in convert::keys(&tags) {
        set_tag(JsValue::from_str(&key), get(&tags, &key));
    }
}

/// `setContext(name, object | null)`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setContext))]
pub fn set_context(name: JsValue, context: JsValue) {
    let Some(name) = name.as_string() else { return };
    // A context is an object (Relay refuses anything else): another value goes in one as `value`.
    let value = if context.is_null() || context.is_undefined() {
        None
    } else {
        Some(match to_value(&context) {
            object @ Value::Object(_) => object,
            other => Value::Object(vec![("value".to_owned(), other)]),
        })
    };
    with_state(|st| st.client.scope_mut().set_context(&name, value));
}

/// `setExtra(key, value)`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setExtra))]
pub fn set_extra(key: JsValue, value: JsValue) {
    let Some(key) = key.as_string() else { return };
    let value = to_value(&value);
    with_state(|st| st.client.scope_mut().set_extra(&key, value));
}

/// `setExtras(object)`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setExtras))]
pub fn set_extras(extras: JsValue) {
    for key in convert::keys(&extras) {
        set_extra(JsValue::from_str(&key), get(&extras, &key));
    }
}

/// `setLevel(level)` on the current scope.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setLevel))]
pub fn set_level(level: JsValue) {
    let level = level.as_string().and_then(|l| Level::parse(&l));
    with_state(|st| st.client.scope_mut().set_level(level));
}

/// `setFingerprint(array)` on the current scope.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setFingerprint))]
pub fn set_fingerprint(fingerprint: JsValue) {
    let mut parts = Vec::new();
    if let Value::Array(items) = to_value(&fingerprint) {
        for v in &items {
            parts.push(v.as_str().unwrap_or_default().to_owned());
        }
    }
    with_state(|st| st.client.scope_mut().set_fingerprint(parts));
}

/// `setTransactionName(name)` on the current scope: the events' `transaction`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = setTransactionName))]
pub fn set_transaction_name(name: JsValue) {
    let name = name.as_string();
    with_state(|st| st.client.scope_mut().set_transaction(name.as_deref()));
}

/// `scope.clear()`: empties the current scope.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = clearScope))]
pub fn clear_scope() {
    with_state(|st| st.client.scope_mut().clear());
}

/// `addBreadcrumb({ message, category, type, level, data, timestamp })`.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = addBreadcrumb))]
pub fn add_breadcrumb(crumb: JsValue) {
    if !crumb.is_object() {
        return;
    }
    let timestamp = match get(&crumb, "timestamp").as_f64() {
        // Sentry's JS API gives seconds; keep milliseconds inside.
        Some(secs) if secs > 0.0 => Timestamp((secs * 1000.0) as u64),
        _ => now(),
    };
    let mut data = crate::protocol::Map::new();
    if let Value::Object(entries) = convert::crumb_data(&get(&crumb, "data")) {
        for (k, v) in entries {
            data.insert(k, v);
        }
    }
    let crumb = Breadcrumb {
        timestamp,
        ty: get_string(&crumb, "type"),
        category: get_string(&crumb, "category"),
        message: get_string(&crumb, "message"),
        level: get_string(&crumb, "level").and_then(|l| Level::parse(&l)),
        data,
    };
    with_state(|st| {
        let max = st.client.options().max_breadcrumbs;
        st.client.scope_mut().add_breadcrumb(crumb, max)
    });
}

/// Starts a child scope (`withScope`).
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = pushScope))]
pub fn push_scope() {
    with_state(|st| st.client.push_scope());
}

/// Ends the child scope.
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = popScope))]
pub fn pop_scope() {
    with_state(|st| st.client.pop_scope());
}

/// Traps on purpose, as a panic does in the npm build: tattle's tests use it to check that
/// the JavaScript entry contains a trap and goes on with a fresh instance. Not in the shipped
/// package (feature `test-hooks`).
#[cfg(feature = "test-hooks")]
#[cfg_attr(not(feature = "std"), wasm_bindgen(js_name = testTrap))]
pub fn test_trap() {
    core::arch::wasm32::unreachable()
}

/// Turns tattle off (after `close`).
#[cfg_attr(not(feature = "std"), wasm_bindgen)]
pub fn shutdown() {
    STATE.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = None;
        }
    });
}
