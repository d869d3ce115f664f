//! The Rust API for Rust wasm apps (Yew, Leptos, plain wasm-bindgen): no JavaScript glue to
//! write. `init` starts tattle inside the app's own module and installs a panic hook that
//! reports the panic (message, file:line, the wasm frames) before the trap that follows.
//!
//! Delivery is the npm entry's, in JavaScript: www/delivery.js (rate limits, retries with
//! backoff, the offline store of www/store.js, page unload, client reports) is included as a
//! wasm-bindgen local snippet (minified copies in www-min/, made by scripts/rust-snippets.mjs),
//! so it needs no bundler and no JavaScript of the app's. Only this
//! module imports it: the npm build (`--no-default-features`) has no snippets. Being JavaScript,
//! it outlives the trap after a panic: that event's retries go on without the dead instance.
//!
//! ```ignore
//! let _guard = tattle::init(tattle::ClientOptions {
//!     dsn: Some("https://key@o0.ingest.example.com/42".into()),
//!     release: Some(env!("CARGO_PKG_VERSION").into()),
//!     ..Default::default()
//! });
//! tattle::capture_message("app started", tattle::protocol::Level::Info);
//! ```

use crate::client::{Client, ClientOptions, DiscardReason, Outgoing, MAX_SPANS};
use crate::exception::{Linked, Thrown};
use crate::js::{
    current_request, deliver, dispatch, float_via_js, js_object, math_random, new_event_id, now,
    reflect_set, report_bad_dsn, set_text, with_capture_state, with_state, State, GLOBAL, STATE,
};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Breadcrumb, Event, Frame, Level, Mechanism, Stacktrace, Value};
use crate::scope::Scope;
use crate::text::cat;
use core::cell::RefCell;
use std::boxed::Box;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Error)]
    type JsStackError;
    #[wasm_bindgen(constructor, js_class = "Error")]
    fn new() -> JsStackError;
    #[wasm_bindgen(method, getter)]
    fn stack(this: &JsStackError) -> Option<String>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    /// What `pageDelivery` returns (www/delivery.js).
    type Delivery;
    #[wasm_bindgen(method, catch)]
    fn add(this: &Delivery, item: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn count(this: &Delivery, reason: &str, category: &str, quantity: f64) -> Result<(), JsValue>;
    type JsFunction;
    #[wasm_bindgen(method, catch)]
    fn bind(this: &JsFunction, this_arg: &JsValue, first: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = performance, js_name = now, catch)]
    fn performance_now() -> Result<f64, JsValue>;
}

#[wasm_bindgen(module = "/www-min/delivery.js")]
extern "C" {
    #[wasm_bindgen(js_name = pageDelivery, catch)]
    fn page_delivery(
        store: &JsValue,
        options: &JsValue,
        log: &JsValue,
    ) -> Result<Delivery, JsValue>;
}

#[wasm_bindgen(module = "/www-min/store.js")]
extern "C" {
    #[wasm_bindgen(js_name = idbStore, catch)]
    fn idb_store(max: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = memoryStore, catch)]
    fn memory_store(max: f64) -> Result<JsValue, JsValue>;
}

/// Events the offline store keeps, as the npm entry's defaults: IndexedDB, else memory.
const STORED_IDB: f64 = 1000.0;
const STORED_MEMORY: f64 = 100.0;

/// The page's delivery for this app: the one an earlier `init` made (it already follows the
/// page's life), else a new one on IndexedDB where the page has it, draining what earlier
/// pages stored. `None` where the snippets cannot run (no delivery: nothing is sent).
fn page_delivery_for(debug: bool) -> Option<JsValue> {
    let earlier = with_state(|st| st.delivery.clone()).filter(JsValue::is_object);
    if earlier.is_some() {
        return earlier;
    }
    let global = GLOBAL.with(JsValue::clone);
    let has_idb = reflect_get(&global, &JsValue::from_str("indexedDB"))
        .is_ok_and(|v| !v.is_undefined() && !v.is_null());
    let store = has_idb
        .then(|| idb_store(STORED_IDB).ok())
        .flatten()
        .or_else(|| memory_store(STORED_MEMORY).ok())?;
    // `debug`: tattle's own problems on the console, as the npm entry logs them. A JS function
    // (console.warn bound), never a Rust closure: the delivery outlives a trapped instance.
    let log = if debug {
        reflect_get(&global, &JsValue::from_str("console"))
            .and_then(|console| {
                let warn = reflect_get(&console, &JsValue::from_str("warn"))?;
                warn.unchecked_ref::<JsFunction>().bind(&console, "tattle:")
            })
            .unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    page_delivery(&store, &JsValue::UNDEFINED, &log)
        .ok()
        .map(Into::into)
}

/// `js::dispatch` for the Rust API: the envelope goes to the delivery, synchronously (in
/// the panic hook too, before the trap): it starts its request at once, or stores the envelope
/// when the server is down or the page is going.
pub(crate) fn hand_to_delivery(delivery: &JsValue, out: &Outgoing) {
    if !delivery.is_object() {
        return;
    }
    let item = js_object();
    set_text(&item, "id", &out.event_id);
    set_text(&item, "url", &out.url);
    set_text(&item, "body", &out.body);
    set_text(&item, "category", out.category);
    let _ = delivery.unchecked_ref::<Delivery>().add(&item);
}

/// Hands the drops the core counted (sampling, filters, internal errors) to the delivery, so its
/// client report includes them. Run after each capture (the npm entry pulls them through
/// `takeDiscards` instead).
fn pass_discards() {
    let taken = with_state(|st| {
        if st.delivery.is_object() {
            Some((st.client.take_discarded(), st.delivery.clone()))
        } else {
            None
        }
    });
    let Some((drops, delivery)) = taken.flatten() else {
        return;
    };
    let delivery = delivery.unchecked_ref::<Delivery>();
    for (reason, category, n) in drops {
        let _ = delivery.count(reason.as_str(), category, f64::from(n));
    }
}

/// How many frames a panic's JS stack keeps at least. V8 keeps `Error.stackTraceLimit` = 10 by
/// default, and the panic machinery and this hook take 8 of them: in a Yew app the stack would
/// end at the app's click handler, without the component and Yew's dispatch below it.
const PANIC_STACK_FRAMES: f64 = 64.0;

/// A JS stack taken here, with `Error.stackTraceLimit` raised for it (where it is a number, as
/// in V8) and put back right after.
fn panic_stack() -> Option<String> {
    let key = JsValue::from_str("stackTraceLimit");
    let error_class = GLOBAL.with(|g| reflect_get(g, &JsValue::from_str("Error")).ok());
    let previous = error_class
        .as_ref()
        .and_then(|c| reflect_get(c, &key).ok())
        .and_then(|v| v.as_f64())
        .filter(|n| *n < PANIC_STACK_FRAMES);
    if let (Some(class), Some(_)) = (&error_class, previous) {
        let _ = reflect_set(class, &key, &JsValue::from_f64(PANIC_STACK_FRAMES));
    }
    let stack = JsStackError::new().stack();
    if let (Some(class), Some(n)) = (&error_class, previous) {
        let _ = reflect_set(class, &key, &JsValue::from_f64(n));
    }
    stack
}

/// What `init` started. Unlike sentry-rust's guard, dropping it does not stop tattle: a wasm
/// app lives as long as its page, and every event is handed to the page's delivery when it is
/// captured, which keeps it (in IndexedDB while the server is unreachable) until it is sent.
pub struct ClientGuard {
    enabled: bool,
}

impl ClientGuard {
    /// Whether events are sent (false with no DSN or an invalid one).
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }
}

/// Starts tattle for a Rust wasm app and installs its panic hook. An invalid DSN is reported
/// once on the console and leaves tattle off; nothing here panics or throws.
pub fn init(options: ClientOptions) -> ClientGuard {
    let client = match Client::new(options, float_via_js) {
        Ok(c) => c,
        Err(e) => {
            report_bad_dsn(&e);
            return ClientGuard { enabled: false };
        }
    };
    let mut enabled = client.is_enabled();
    let delivery = if enabled {
        page_delivery_for(client.options().debug)
    } else {
        None
    };
    if let Some(delivery) = &delivery {
        // Where client reports go (events carry their own URL).
        let _ = reflect_set(
            delivery,
            &JsValue::from_str("url"),
            &JsValue::from_str(client.endpoint()),
        );
    } else {
        enabled = false;
    }
    STATE.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = Some(State {
                client,
                delivery: delivery.unwrap_or(JsValue::UNDEFINED),
                hold: false,
                ignore_errors: JsValue::UNDEFINED,
                deny_urls: JsValue::UNDEFINED,
                allow_urls: JsValue::UNDEFINED,
                held_dsc: Vec::new(),
            });
        }
    });
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report_panic(info);
        previous(info);
    }));
    #[cfg(feature = "leptos")]
    crate::integrations::leptos::install_hook();
    ClientGuard { enabled }
}

/// Captures an error and its `source()` chain (as linked exceptions). Returns the event id.
pub fn capture_error(error: &dyn core::error::Error) -> String {
    capture_event(crate::rust_error::error_event(
        error,
        Mechanism::new("generic", true),
    ))
}

/// Captures an event an integration built: a new id and the time when it has none, the page
/// as its request, platform `native` (every event of the Rust API says so). Returns its id.
pub(crate) fn capture_event(mut event: Event) -> String {
    if event.event_id.is_empty() {
        event.event_id = new_event_id();
    }
    if event.timestamp.0 == 0 {
        event.timestamp = now();
    }
    if event.request.is_none() {
        event.request = current_request();
    }
    event.platform = "native";
    let id = event.event_id.clone();
    deliver(event);
    pass_discards();
    id
}

/// Adds a breadcrumb to the current scope (its time set now when it has none): it goes with
/// the events captured after it, up to [`ClientOptions::max_breadcrumbs`].
pub fn add_breadcrumb(mut crumb: Breadcrumb) {
    if crumb.timestamp.0 == 0 {
        crumb.timestamp = now();
    }
    with_state(|st| {
        let max = st.client.options().max_breadcrumbs;
        st.client.scope_mut().add_breadcrumb(crumb, max)
    });
}

/// Captures a message at `level`. Returns the event id.
pub fn capture_message(message: &str, level: Level) -> String {
    capture_event(Client::message_event(
        message,
        level,
        new_event_id(),
        now(),
        current_request(),
    ))
}

/// Changes the current scope (user, tags, contexts, extra, breadcrumbs).
pub fn configure_scope(f: impl FnOnce(&mut Scope)) {
    with_state(|st| f(st.client.scope_mut()));
}

/// Runs `f` with a child scope: what it sets applies only to captures made inside.
pub fn with_scope<R>(configure: impl FnOnce(&mut Scope), f: impl FnOnce() -> R) -> R {
    with_state(|st| {
        st.client.push_scope();
        configure(st.client.scope_mut());
    });
    let result = f();
    with_state(|st| st.client.pop_scope());
    result
}

/// The panic hook's work: the panic as an exception (`panic`, handled false, level fatal),
/// with the panic's file:line as the newest frame and the wasm frames of a JS stack below it.
fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = info.payload().downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    };
    let mut frames: Vec<Frame> = panic_stack()
        .map(|s| crate::stacktrace::parse(&s))
        .unwrap_or_default();
    // The panic machinery and tattle's own hook are not where the app failed.
    for f in &mut frames {
        let machinery = f.function.as_deref().is_some_and(|n| {
            [
                "std::",
                "core::",
                "alloc::",
                "tattle::",
                "__rust",
                "__wbg_",
                "wasm_bindgen::",
                "rust_begin_unwind",
                "<std::",
                "<core::",
                "<alloc::",
            ]
            .iter()
            .any(|p| n.starts_with(p))
        });
        if machinery {
            f.in_app = Some(false);
        }
    }
    if let Some(loc) = info.location() {
        frames.push(Frame {
            filename: Some(loc.file().to_owned()),
            abs_path: Some(loc.file().to_owned()),
            lineno: Some(loc.line()),
            colno: Some(loc.column()),
            in_app: Some(true),
            ..Frame::default()
        });
    }
    let mut mechanism = Mechanism::new("panic", false);
    mechanism.synthetic = false;
    let mut event = Client::exception_event(
        &[Linked::root(Thrown::Error {
            name: "panic".to_owned(),
            message,
            stack: None,
        })],
        mechanism,
        new_event_id(),
        now(),
        current_request(),
        None,
    );
    if let Some(ex) = event.exception.as_mut().and_then(|e| e.values.last_mut()) {
        ex.stacktrace = (!frames.is_empty()).then_some(Stacktrace { frames });
    }
    #[cfg(feature = "debug-image")]
    if let Some(ex) = event.exception.as_mut().and_then(|e| e.values.last_mut()) {
        if let Some(trace) = ex.stacktrace.as_mut() {
            event.debug_meta = debug_image::attach(&mut trace.frames);
        }
    }
    event.level = Level::Fatal;
    event.platform = "native";
    // Handed to the delivery before the hook returns: the trap ends this instance, not the
    // delivery (JavaScript), which sends it or keeps it for its retries.
    deliver(event);
    pass_discards();
    // Tell a tattle npm entry on the same page that the RuntimeError about to be thrown by the
    // trap is this panic's, already reported.
    let global = GLOBAL.with(JsValue::clone);
    let _ = reflect_set(
        &global,
        &JsValue::from_str("__tattlePanicAt"),
        &JsValue::from_f64(now().0 as f64),
    );
}

/// The app's module as a `wasm` debug image, as @sentry/wasm sends it: `code_id` its
/// `build_id` custom section (hex), `debug_id` that padded to 32 digits and an age `0`,
/// `code_file` the module's URL (as its frames name it); the module's frames get `addr_mode:
/// "rel:0"`, their `instruction_addr` (the engine's offset in the module) relative to it.
#[cfg(feature = "debug-image")]
mod debug_image {
    use super::reflect_get;
    #[allow(unused_imports)]
    use crate::prelude::*;
    use crate::protocol::{DebugImage, DebugMeta, Frame};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = ["WebAssembly", "Module"], js_name = customSections, catch)]
        fn custom_sections(module: &JsValue, name: &str) -> Result<JsValue, JsValue>;
        type Bytes;
        #[wasm_bindgen(constructor, js_class = "Uint8Array", catch)]
        fn new(buffer: &JsValue) -> Result<Bytes, JsValue>;
    }

    std::thread_local! {
        /// The build id, read once (the module does not change): `None` before, then the hex.
        static BUILD_ID: core::cell::RefCell<Option<Option<String>>> = const { core::cell::RefCell::new(None) };
    }

    /// The module's `build_id` section as hex, if it has one (at most 64 bytes read).
    fn build_id() -> Option<String> {
        let sections = custom_sections(&wasm_bindgen::module(), "build_id").ok()?;
        let first = reflect_get(&sections, &JsValue::from_f64(0.0)).ok()?;
        let bytes = Bytes::new(&first).ok()?;
        let len = reflect_get(&bytes, &JsValue::from_str("length"))
            .ok()?
            .as_f64()?;
        let mut hex = String::new();
        for i in 0..(len as usize).min(64) {
            let b = reflect_get(&bytes, &JsValue::from_f64(i as f64))
                .ok()?
                .as_f64()? as u8;
            hex.push(char::from_digit(u32::from(b >> 4), 16)?);
            hex.push(char::from_digit(u32::from(b & 15), 16)?);
        }
        (!hex.is_empty()).then_some(hex)
    }

    pub(super) fn attach(frames: &mut [Frame]) -> Option<DebugMeta> {
        let code_id = BUILD_ID.with(|c| c.borrow_mut().get_or_insert_with(build_id).clone())?;
        let code_file = frames
            .iter()
            .find(|f| f.instruction_addr.is_some())
            .and_then(|f| f.abs_path.clone())?;
        for f in frames.iter_mut() {
            if f.instruction_addr.is_some() && f.abs_path.as_deref() == Some(code_file.as_str()) {
                f.addr_mode = Some("rel:0".to_owned());
            }
        }
        let mut debug_id: String = code_id.chars().take(32).collect();
        while debug_id.len() < 32 {
            debug_id.push('0');
        }
        debug_id.push('0');
        Some(DebugMeta {
            images: vec![DebugImage {
                ty: "wasm",
                code_file,
                debug_id,
                code_id: Some(code_id),
            }],
        })
    }
}

/// Now in seconds since the epoch, as spans are timed: `performance.timeOrigin +
/// performance.now()` (sub-millisecond) where there is `performance`, else `Date.now()`.
fn seconds() -> f64 {
    let origin = GLOBAL
        .with(|g| reflect_get(g, &JsValue::from_str("performance")).ok())
        .and_then(|p| reflect_get(&p, &JsValue::from_str("timeOrigin")).ok())
        .and_then(|v| v.as_f64());
    match (origin, performance_now()) {
        (Some(origin), Ok(n)) => (origin + n) / 1000.0,
        _ => now().0 as f64 / 1000.0,
    }
}

/// A new span id: 16 hex digits.
fn new_span_id() -> String {
    crate::text::tail(&new_event_id(), 16).to_owned()
}

/// What a transaction records while it runs, shared with its spans.
struct Recording {
    trace_id: String,
    /// `None`: tracing is off (no `traces_sample_rate`); `Some(false)`: sampled out.
    sampled: Option<bool>,
    rate: f64,
    spans: Vec<Value>,
    /// Spans finished beyond [`MAX_SPANS`]: counted, not kept.
    overflow: usize,
}

/// What a span and a transaction both have: ids, op, times, status, data.
struct Timing {
    rec: Rc<RefCell<Recording>>,
    span_id: String,
    op: String,
    start: f64,
    status: Option<String>,
    data: Vec<(String, Value)>,
}

impl Timing {
    fn new(rec: Rc<RefCell<Recording>>, op: &str) -> Timing {
        Timing {
            rec,
            span_id: new_span_id(),
            op: op.to_owned(),
            start: seconds(),
            status: None,
            data: Vec::new(),
        }
    }

    fn recording(&self) -> bool {
        self.rec.borrow().sampled == Some(true)
    }

    fn trace_header(&self) -> String {
        let rec = self.rec.borrow();
        let flag = match rec.sampled {
            Some(true) => "-1",
            Some(false) => "-0",
            None => "",
        };
        cat(&[&rec.trace_id, "-", &self.span_id, flag])
    }

    fn child(&self, op: &str, description: &str) -> Span {
        Span {
            timing: Timing::new(self.rec.clone(), op),
            parent: self.span_id.clone(),
            description: description.to_owned(),
        }
    }

    fn set_data(&mut self, key: &str, value: Value) {
        if self.recording() {
            self.data.retain(|(k, _)| k != key);
            self.data.push((key.to_owned(), value));
        }
    }

    /// The span as sent (or the trace context, without times).
    fn value(&self, times: Option<(f64, f64)>) -> Vec<(String, Value)> {
        let mut v = vec![
            (
                "trace_id".to_owned(),
                Value::from(self.rec.borrow().trace_id.as_str()),
            ),
            ("span_id".to_owned(), Value::from(self.span_id.as_str())),
            ("op".to_owned(), Value::from(self.op.as_str())),
            ("origin".to_owned(), Value::from("manual")),
        ];
        if let Some((start, end)) = times {
            v.push(("start_timestamp".to_owned(), Value::Number(start)));
            v.push(("timestamp".to_owned(), Value::Number(end)));
        }
        if let Some(status) = &self.status {
            v.push(("status".to_owned(), Value::from(status.as_str())));
        }
        if !self.data.is_empty() {
            v.push(("data".to_owned(), Value::Object(self.data.clone())));
        }
        v
    }
}

/// A transaction of the Rust API: one operation of the app (a page view, a click's work), timed,
/// with the child spans started from it. Sent when [`finish`](Self::finish)ed, if tattle runs
/// with [`ClientOptions::traces_sample_rate`] and it was sampled; dropped unfinished, it sends
/// nothing.
pub struct Transaction {
    timing: Timing,
    name: String,
    tags: Vec<(String, Value)>,
}

/// A span: a timed part of a [`Transaction`] (a request, a computation). Recorded into its
/// transaction when [`finish`](Self::finish)ed, before the transaction is.
pub struct Span {
    timing: Timing,
    parent: String,
    description: String,
}

/// Starts a transaction named `name` (a route, a task) doing `op` (`ui.action`, `task`, …).
/// Whether it is sent is decided here, by [`ClientOptions::traces_sample_rate`]: unset, tracing
/// is off (the transaction records nothing; its [`trace_header`](Transaction::trace_header)
/// still propagates the trace, with no sampling decision).
pub fn start_transaction(name: &str, op: &str) -> Transaction {
    let rate = with_state(|st| st.client.options().traces_sample_rate).flatten();
    let sampled = rate.map(|r| math_random().unwrap_or(1.0) < r.clamp(0.0, 1.0));
    let rec = Recording {
        trace_id: new_event_id(),
        sampled,
        rate: rate.unwrap_or(0.0),
        spans: Vec::new(),
        overflow: 0,
    };
    Transaction {
        timing: Timing::new(Rc::new(RefCell::new(rec)), op),
        name: name.to_owned(),
        tags: Vec::new(),
    }
}

std::thread_local! {
    /// The transaction [`Transaction::bind`] made current: its recording and span id.
    static BOUND: RefCell<Option<(Rc<RefCell<Recording>>, String)>> = const { RefCell::new(None) };
    /// The spans of integrations (the `tracing` layer's) open in it, by their id there.
    static OPEN: RefCell<Vec<(u64, Span)>> = const { RefCell::new(Vec::new()) };
}

/// A span of an integration (a `tracing` span `id`, below `parent` if that is open, else below
/// the bound transaction): nothing when no transaction is bound or it records nothing.
#[allow(dead_code)]
pub(crate) fn start_bound_span(id: u64, parent: Option<u64>, op: &str, data: Vec<(String, Value)>) {
    let Some((rec, root)) = BOUND.with(|b| b.borrow().clone()) else {
        return;
    };
    if rec.borrow().sampled != Some(true) {
        return;
    }
    let _ = OPEN.try_with(|open| {
        let Ok(mut open) = open.try_borrow_mut() else {
            return;
        };
        let mut span = match parent.and_then(|p| open.iter().find(|(i, _)| *i == p)) {
            Some((_, parent)) => parent.start_child(op, ""),
            None => Span {
                timing: Timing::new(rec, op),
                parent: root,
                description: String::new(),
            },
        };
        for (k, v) in data {
            span.set_data(&k, v);
        }
        open.push((id, span));
    });
}

/// Ends the integration's span `id` (recorded into its transaction).
#[allow(dead_code)]
pub(crate) fn finish_bound_span(id: u64) {
    let span = OPEN.with(|open| {
        let mut open = open.try_borrow_mut().ok()?;
        let i = open.iter().position(|(i, _)| *i == id)?;
        Some(open.remove(i).1)
    });
    if let Some(span) = span {
        span.finish();
    }
}

impl Transaction {
    /// Makes this the transaction the integrations record into (the `tracing` layer's spans
    /// become its child spans) until it finishes or another is bound. sentry-rust does this
    /// with `configure_scope(|s| s.set_span(…))`.
    pub fn bind(&self) {
        BOUND.with(|b| {
            *b.borrow_mut() = Some((self.timing.rec.clone(), self.timing.span_id.clone()));
        });
    }

    /// Starts a child span doing `op` (`http.client`, `db`, …), described by `description`
    /// (`GET https://…`: scrubbed as a URL before it is sent).
    pub fn start_child(&self, op: &str, description: &str) -> Span {
        self.timing.child(op, description)
    }

    /// Sets the status (`ok`, `internal_error`, `not_found`, … Sentry's span statuses).
    pub fn set_status(&mut self, status: &str) {
        self.timing.status = Some(status.to_owned());
    }

    /// Sets a tag of the transaction.
    pub fn set_tag(&mut self, key: &str, value: &str) {
        self.tags.retain(|(k, _)| k != key);
        self.tags.push((key.to_owned(), Value::from(value)));
    }

    /// Sets a data entry of the transaction's trace context.
    pub fn set_data(&mut self, key: &str, value: Value) {
        self.timing.set_data(key, value);
    }

    /// The `sentry-trace` header value for a request made within this transaction:
    /// `{trace_id}-{span_id}-{1|0}` (no sampling flag when tracing is off).
    pub fn trace_header(&self) -> String {
        self.timing.trace_header()
    }

    /// Whether the transaction is sampled (recorded, and sent when finished).
    pub fn is_sampled(&self) -> bool {
        self.timing.recording()
    }

    /// Ends the transaction and hands it to the delivery (category `transaction`): its spans
    /// finished so far go with it (at most 1,000), scrubbed as every event is. A transaction
    /// sampled out counts as a `sample_rate` drop in the client report; with tracing off,
    /// nothing happens.
    pub fn finish(self) {
        let end = seconds();
        BOUND.with(|b| {
            let mut b = b.borrow_mut();
            if b.as_ref()
                .is_some_and(|(rec, _)| Rc::ptr_eq(rec, &self.timing.rec))
            {
                *b = None;
            }
        });
        let (sampled, rate, spans, overflow) = {
            let mut rec = self.timing.rec.borrow_mut();
            let spans = core::mem::take(&mut rec.spans);
            (rec.sampled, rec.rate, spans, rec.overflow)
        };
        match sampled {
            None => return,
            Some(false) => {
                with_state(|st| {
                    st.client
                        .count_discard(DiscardReason::SampleRate, "transaction")
                });
                pass_discards();
                return;
            }
            Some(true) => {}
        }
        let total = spans.len() + overflow;
        let trace_id = self.timing.rec.borrow().trace_id.clone();
        let text = |k: &str, v: &str| (k.to_owned(), Value::from(v));
        let tx = Value::Object(vec![
            text("platform", "native"),
            text("transaction", &self.name),
            (
                "transaction_info".to_owned(),
                Value::Object(vec![text("source", "custom")]),
            ),
            (
                "start_timestamp".to_owned(),
                Value::Number(self.timing.start),
            ),
            ("timestamp".to_owned(), Value::Number(end)),
            (
                "contexts".to_owned(),
                Value::Object(vec![(
                    "trace".to_owned(),
                    Value::Object(self.timing.value(None)),
                )]),
            ),
            ("spans".to_owned(), Value::Array(spans)),
            ("tags".to_owned(), Value::Object(self.tags)),
        ]);
        let request = current_request();
        let out = with_capture_state("transaction", |st| {
            let opts = st.client.options();
            let mut dsc = vec![
                text("trace_id", &trace_id),
                text(
                    "environment",
                    opts.environment.as_deref().unwrap_or("production"),
                ),
                text("sample_rate", &rate.to_string()),
                text("sampled", "true"),
                text("transaction", &self.name),
            ];
            if let Some(release) = &opts.release {
                dsc.push(text("release", release));
            }
            let dsc = st.client.dsc(&Value::Object(dsc));
            let out = st
                .client
                .transaction(tx, total, &dsc, new_event_id(), request, now());
            out.map(|out| (out, st.delivery.clone()))
        });
        dispatch(out.flatten());
        pass_discards();
    }
}

impl Span {
    /// Starts a span below this one.
    pub fn start_child(&self, op: &str, description: &str) -> Span {
        self.timing.child(op, description)
    }

    /// Sets the status (`ok`, `internal_error`, …).
    pub fn set_status(&mut self, status: &str) {
        self.timing.status = Some(status.to_owned());
    }

    /// Sets a data entry (`http.response.status_code`, `url`, … as Sentry names them).
    pub fn set_data(&mut self, key: &str, value: Value) {
        self.timing.set_data(key, value);
    }

    /// The `sentry-trace` header value for a request this span makes (the span as its parent).
    pub fn trace_header(&self) -> String {
        self.timing.trace_header()
    }

    /// Ends the span and records it into its transaction.
    pub fn finish(self) {
        if !self.timing.recording() {
            return;
        }
        let end = seconds();
        let mut v = self.timing.value(Some((self.timing.start, end)));
        v.push((
            "parent_span_id".to_owned(),
            Value::from(self.parent.as_str()),
        ));
        if !self.description.is_empty() {
            v.push((
                "description".to_owned(),
                Value::from(self.description.as_str()),
            ));
        }
        let mut rec = self.timing.rec.borrow_mut();
        if rec.spans.len() < MAX_SPANS {
            rec.spans.push(Value::Object(v));
        } else {
            rec.overflow += 1;
        }
    }
}
