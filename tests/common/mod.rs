//! Boundary tests shared by the Node (node.rs) and Chromium (web.rs) runs: real JS values,
//! real engines, the real exported functions of the npm package's core.

use js_sys::{Array, Function, Reflect, JSON};
use tattle::js;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

/// Evaluates JS source in the global scope.
fn eval(src: &str) -> JsValue {
    Function::new_no_args(&format!("return ({src});"))
        .call0(&JsValue::NULL)
        .unwrap()
}

/// Starts recording, in globalThis.__sent, the (url, body) of each envelope a capture returns.
fn recording() {
    eval("globalThis.__sent = []");
}

/// What the npm entry does with a capture's outcome: the envelope goes to its delivery (here,
/// the record). Returns the event id.
fn record(outcome: JsValue) -> String {
    let get = |k: &str| Reflect::get(&outcome, &k.into()).unwrap();
    if let (Some(url), Some(body)) = (get("url").as_string(), get("body").as_string()) {
        let pair = Array::of2(&url.into(), &body.into());
        let sent: Array = eval("globalThis.__sent").into();
        sent.push(&pair);
    }
    get("id").as_string().unwrap()
}

fn capture_exception(value: JsValue, hint: JsValue) -> String {
    record(js::capture_exception(value, hint))
}

fn capture_message(message: JsValue, level: JsValue, hint: JsValue) -> String {
    record(js::capture_message(message, level, hint))
}

fn sent() -> Vec<(String, String)> {
    let arr: Array = eval("globalThis.__sent").into();
    arr.iter()
        .map(|pair| {
            let pair: Array = pair.into();
            (
                pair.get(0).as_string().unwrap(),
                pair.get(1).as_string().unwrap(),
            )
        })
        .collect()
}

fn start() {
    let options =
        eval("({ dsn: 'http://pubkey@127.0.0.1:9/42', release: 'r@1', environment: 'test' })");
    assert!({
        recording();
        js::init(options)
    });
}

/// Parses the single-event envelope; returns (header, item header, event).
fn parse_envelope(body: &str) -> (JsValue, JsValue, JsValue) {
    let lines: Vec<&str> = body.trim_end_matches('\n').split('\n').collect();
    assert_eq!(
        lines.len(),
        3,
        "one header, one item header, one payload: {body}"
    );
    let item = JSON::parse(lines[1]).unwrap();
    let length = Reflect::get(&item, &"length".into())
        .unwrap()
        .as_f64()
        .unwrap() as usize;
    assert_eq!(
        length,
        lines[2].len(),
        "item length is the payload's byte length"
    );
    (
        JSON::parse(lines[0]).unwrap(),
        item,
        JSON::parse(lines[2]).unwrap(),
    )
}

fn path(v: &JsValue, path: &str) -> JsValue {
    path.split('.')
        .fold(v.clone(), |cur, key| match key.parse::<u32>() {
            Ok(i) => Reflect::get_u32(&cur, i).unwrap_or(JsValue::UNDEFINED),
            Err(_) => Reflect::get(&cur, &key.into()).unwrap_or(JsValue::UNDEFINED),
        })
}

fn s(v: &JsValue, p: &str) -> String {
    path(v, p)
        .as_string()
        .unwrap_or_else(|| panic!("{p} is not a string"))
}

fn last_event() -> JsValue {
    let all = sent();
    let (url, body) = all.last().expect("an envelope was sent");
    assert!(url.starts_with("http://127.0.0.1:9/api/42/envelope/?sentry_version=7&sentry_key=pubkey&sentry_client=tattle"));
    let (header, item, event) = parse_envelope(body);
    assert_eq!(s(&item, "type"), "event");
    assert_eq!(s(&header, "event_id"), s(&event, "event_id"));
    event
}

#[wasm_bindgen_test]
fn real_error_becomes_exception_with_frames_and_scope() {
    start();
    js::set_user(eval("({ id: 'u1', email: 'u@example.com', plan: 'pro' })"));
    js::set_tag("t".into(), "v".into());
    js::set_context(
        "ctx".into(),
        eval("({ a: 1, nested: { b: [true, null, 1.5] } })"),
    );
    let err = eval("(function thrower() { try { null.x } catch (e) { return e } })()");
    let id = capture_exception(err, eval("({ mechanism: 'generic', handled: true })"));
    assert_eq!(id.len(), 32);
    let event = last_event();
    assert_eq!(s(&event, "event_id"), id);
    assert_eq!(s(&event, "exception.values.0.type"), "TypeError");
    assert!(s(&event, "exception.values.0.value").contains("null"));
    let frames: Array = path(&event, "exception.values.0.stacktrace.frames").into();
    assert!(frames.length() >= 1, "V8 stack was parsed");
    let newest = frames.get(frames.length() - 1);
    assert_eq!(s(&newest, "function"), "thrower");
    assert_eq!(s(&event, "user.id"), "u1");
    assert_eq!(s(&event, "user.data.plan"), "pro");
    assert_eq!(s(&event, "tags.t"), "v");
    assert_eq!(path(&event, "contexts.ctx.nested.b.2").as_f64(), Some(1.5));
    assert_eq!(s(&event, "release"), "r@1");
    assert_eq!(s(&event, "environment"), "test");
    assert_eq!(s(&event, "level"), "error");
}

#[wasm_bindgen_test]
fn hostile_values_never_throw_and_still_report() {
    start();
    let hostile = [
        "new Proxy({}, { get() { throw new Error('trap') }, ownKeys() { throw new Error('trap') } })",
        "Object.defineProperty(new Error('x'), 'message', { get() { throw new Error('getter') } })",
        "Symbol('sym')",
        "10n",
        "null",
        "undefined",
        "42",
        "'just a string'",
        "({ toString() { throw new Error('no') }, a: 1 })",
        "(() => { const o = { a: 1 }; o.self = o; return o })()",
    ];
    for src in hostile {
        let before = sent().len();
        let id = capture_exception(eval(src), JsValue::UNDEFINED);
        assert_eq!(id.len(), 32, "{src}");
        assert_eq!(sent().len(), before + 1, "an event was sent for {src}");
        let event = last_event();
        assert!(!s(&event, "exception.values.0.type").is_empty(), "{src}");
    }
    let event = {
        capture_exception(eval("({ b: 1, a: 2 })"), JsValue::UNDEFINED);
        last_event()
    };
    assert_eq!(
        s(&event, "exception.values.0.value"),
        "Object captured as exception with keys: a, b"
    );
}

#[wasm_bindgen_test]
fn cyclic_context_is_cut_not_looped() {
    start();
    js::set_context(
        "cyc".into(),
        eval("(() => { const o = { n: 1 }; o.self = o; return o })()"),
    );
    capture_message("m".into(), "warning".into(), JsValue::UNDEFINED);
    let event = last_event();
    assert_eq!(s(&event, "logentry.formatted"), "m");
    assert_eq!(s(&event, "level"), "warning");
    assert_eq!(s(&event, "contexts.cyc.self"), "[Circular ~]");
    assert_eq!(path(&event, "contexts.cyc.n").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn invalid_dsn_disables_without_throwing() {
    assert!(!{
        recording();
        js::init(eval("({ dsn: 'not a dsn' })"))
    });
    assert!(!{
        recording();
        js::init(eval("({ dsn: '' })"))
    });
    assert!(!{
        recording();
        js::init(JsValue::UNDEFINED)
    });
    capture_exception(eval("new Error('x')"), JsValue::UNDEFINED);
    assert!(sent().is_empty(), "a disabled client sends nothing");
}

#[wasm_bindgen_test]
fn causes_and_aggregate_errors_become_linked_exceptions() {
    start();
    let err = eval(
        "(() => { const root = new TypeError('root'); const mid = new Error('mid', { cause: root }); \
          return new AggregateError([mid, 'plain string'], 'all failed'); })()",
    );
    capture_exception(err, JsValue::UNDEFINED);
    let event = last_event();
    let values: Array = path(&event, "exception.values").into();
    let texts: Vec<String> = values.iter().map(|v| s(&v, "value")).collect();
    // Breadth first from the AggregateError, then reversed: the captured one last.
    assert_eq!(texts, ["root", "plain string", "mid", "all failed"]);
    assert_eq!(s(&values.get(3), "type"), "AggregateError");
    assert_eq!(
        path(&values.get(3), "mechanism.is_exception_group").as_bool(),
        Some(true)
    );
    assert_eq!(s(&values.get(2), "mechanism.source"), "errors[0]");
    assert_eq!(s(&values.get(0), "mechanism.source"), "cause");
    assert_eq!(
        path(&values.get(0), "mechanism.parent_id").as_f64(),
        Some(1.0)
    );
}

#[wasm_bindgen_test]
fn a_cause_cycle_stops_at_the_depth_limit() {
    start();
    let err = eval("(() => { const a = new Error('a'); const b = new Error('b', { cause: a }); a.cause = b; return a; })()");
    capture_exception(err, JsValue::UNDEFINED);
    let values: Array = path(&last_event(), "exception.values").into();
    assert_eq!(values.length(), 6, "the error and 5 causes");
}

#[wasm_bindgen_test]
fn cross_origin_script_error_is_dropped() {
    start();
    let before = sent().len();
    let hint = eval("({ mechanism: 'onerror', handled: false, message: 'Script error.', filename: '', lineno: 0, colno: 0 })");
    capture_exception(JsValue::UNDEFINED, hint);
    assert_eq!(
        sent().len(),
        before,
        "nothing sent for a censored cross-origin error"
    );
    let hint = eval("({ mechanism: 'onerror', handled: false, message: 'Uncaught boom', filename: 'http://x/a.js', lineno: 3, colno: 1 })");
    capture_exception(JsValue::UNDEFINED, hint);
    assert_eq!(
        s(&last_event(), "exception.values.0.value"),
        "Uncaught boom"
    );
}

fn start_with(options: &str) -> usize {
    assert!({
        recording();
        js::init(eval(options))
    });
    sent().len()
}

#[wasm_bindgen_test]
fn with_a_before_send_the_event_is_held_for_it_then_wrapped() {
    // The npm entry runs beforeSend in JavaScript (it may be async): the core hands back the
    // event, scrubbed and filtered, and wraps whatever beforeSend made of it.
    recording();
    assert!(js::init(eval(
        "({ dsn: 'http://pubkey@127.0.0.1:9/42', holdForBeforeSend: true })"
    )));
    let outcome = js::capture_message("held".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let get = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).unwrap();
    assert!(get(&outcome, "body").is_undefined(), "no envelope yet");
    let id = get(&outcome, "id").as_string().unwrap();
    let event = JSON::parse(&get(&outcome, "event").as_string().unwrap()).unwrap();
    assert_eq!(s(&event, "logentry.formatted"), "held");
    assert_eq!(s(&event, "event_id"), id);
    Reflect::set(&event, &"tags".into(), &eval("({ seen: 'yes' })")).unwrap();
    let changed = String::from(JSON::stringify(&event).unwrap());
    record(js::envelope_for(&id, &changed));
    let sent_event = last_event();
    assert_eq!(
        s(&sent_event, "tags.seen"),
        "yes",
        "beforeSend's change is what is sent"
    );
    assert_eq!(s(&sent_event, "event_id"), id);
    let bad = js::envelope_for("not an id", &changed);
    assert!(
        get(&bad, "body").is_undefined(),
        "no envelope for an id tattle did not hand out"
    );
}

#[wasm_bindgen_test]
fn ignore_errors_and_url_filters() {
    let base = start_with(
        "({ dsn: 'http://pubkey@127.0.0.1:9/42', ignoreErrors: ['ResizeObserver loop', /^TypeError: .*null/], \
           denyUrls: [/\\/vendor\\//], allowUrls: ['http://app.test/'] })",
    );
    capture_message(
        "ResizeObserver loop limit exceeded".into(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    capture_exception(
        eval("(() => { try { null.x } catch (e) { return e } })()"),
        JsValue::UNDEFINED,
    );
    assert_eq!(
        sent().len(),
        base,
        "ignored by substring and by RegExp on 'Type: value'"
    );
    let at = |url: &str| {
        let stack = format!("Error: x\n    at f ({url}:1:1)");
        let err = eval("new Error('x')");
        Reflect::set(&err, &"stack".into(), &stack.into()).unwrap();
        capture_exception(err, JsValue::UNDEFINED);
        sent().len()
    };
    assert_eq!(at("http://app.test/vendor/lib.js"), base, "denyUrls wins");
    assert_eq!(at("http://cdn.other/x.js"), base, "not in allowUrls");
    assert_eq!(at("http://app.test/main.js"), base + 1, "allowed");
}

#[wasm_bindgen_test]
fn sample_rate_zero_sends_nothing() {
    let base = start_with("({ dsn: 'http://pubkey@127.0.0.1:9/42', sampleRate: 0 })");
    for _ in 0..20 {
        capture_message("m".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    }
    assert_eq!(sent().len(), base);
    let base = start_with("({ dsn: 'http://pubkey@127.0.0.1:9/42', sampleRate: 1 })");
    capture_message("m".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert_eq!(sent().len(), base + 1);
}

#[wasm_bindgen_test]
fn values_json_cannot_hold_are_described() {
    start();
    let ctx = eval(
        "({ when: new Date(Date.UTC(2026, 10, 25, 6, 29)), big: 12n, sym: Symbol('s'), fn: function named() {}, \
           map: new Map([[1, 2]]), set: new Set(), nan: NaN, inf: -Infinity, long: 'x'.repeat(10000), \
           err: new TypeError('inner'), nested: { a: { b: { c: { d: { e: { f: 1 } } } } } } })",
    );
    js::set_context("odd".into(), ctx);
    capture_message("m".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let event = last_event();
    let odd = |k: &str| path(&event, &format!("contexts.odd.{k}"));
    assert_eq!(odd("when").as_string().unwrap(), "2026-11-25T06:29:00.000Z");
    assert_eq!(odd("big").as_string().unwrap(), "12");
    assert_eq!(odd("sym").as_string().unwrap(), "Symbol(s)");
    assert_eq!(odd("fn").as_string().unwrap(), "[Function: named]");
    assert_eq!(odd("map").as_string().unwrap(), "[Map]");
    assert_eq!(odd("set").as_string().unwrap(), "[Set]");
    assert!(
        odd("nan").is_null() && odd("inf").is_null(),
        "JSON has no NaN/Infinity"
    );
    assert_eq!(odd("long").as_string().unwrap().chars().count(), 1024);
    assert_eq!(odd("err").as_string().unwrap(), "TypeError: inner");
    assert_eq!(
        odd("nested.a.b").as_string().unwrap(),
        "[Object]",
        "depth limit"
    );
}

#[wasm_bindgen_test]
fn a_scope_handed_in_whole_applies_to_that_capture_only() {
    start();
    js::set_tag("root".into(), "yes".into());
    let hint = eval(
        "({ scope: { user: { id: 'u7' }, tags: { route: '/a' }, contexts: { job: { n: 3 } }, \
         extras: { e: 1 }, level: 'warning', fingerprint: ['fp'], \
         breadcrumbs: [{ message: 'step', timestamp: 1700000000 }] } })",
    );
    capture_message("scoped".into(), JsValue::UNDEFINED, hint);
    let event = last_event();
    assert_eq!(s(&event, "user.id"), "u7");
    assert_eq!(s(&event, "tags.route"), "/a");
    assert_eq!(s(&event, "tags.root"), "yes", "the root scope is under it");
    assert_eq!(path(&event, "contexts.job.n").as_f64(), Some(3.0));
    assert_eq!(path(&event, "extra.e").as_f64(), Some(1.0));
    assert_eq!(s(&event, "level"), "warning");
    assert_eq!(s(&event, "fingerprint.0"), "fp");
    assert_eq!(s(&event, "breadcrumbs.values.0.message"), "step");
    capture_message("plain".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let event = last_event();
    assert!(path(&event, "user").is_undefined(), "nothing of it stays");
    assert!(path(&event, "tags.route").is_undefined());
}

#[wasm_bindgen_test]
fn transaction_name_clear_and_an_apps_own_event() {
    start();
    js::set_tag("root".into(), "yes".into());
    js::set_transaction_name("/checkout/:step".into());
    capture_message("named".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let event = last_event();
    assert_eq!(s(&event, "transaction"), "/checkout/:step");
    js::set_tag("gone".into(), "x".into());
    js::set_tag("gone".into(), JsValue::NULL);
    js::clear_scope();
    capture_message("cleared".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let event = last_event();
    assert!(
        path(&event, "transaction").is_undefined(),
        "clear() forgot the name"
    );
    assert!(path(&event, "tags").is_undefined(), "and the tags");
    // captureEvent: the core reads message, level, exception values and release fields; a
    // scope handed in (what the JavaScript entry makes of the event's tags, user …) applies.
    let event_js = eval(
        "({ message: 'mine', level: 'warning', release: 'r@2', environment: 'staging', dist: 'd1', \
         exception: { values: [{ type: 'QuotaError', value: 'over', mechanism: { type: 'quota', handled: false } }] }, \
         timestamp: 'not read', platform: 'not read' })",
    );
    let hint = eval("({ scope: { user: { id: 'ev' }, tags: { t: '1' }, contexts: {}, extras: {}, breadcrumbs: [], transactionName: '/ev' } })");
    record(js::capture_event(event_js, hint));
    let event = last_event();
    assert_eq!(s(&event, "logentry.formatted"), "mine");
    assert_eq!(s(&event, "level"), "warning");
    assert_eq!(s(&event, "release"), "r@2");
    assert_eq!(s(&event, "environment"), "staging");
    assert_eq!(s(&event, "dist"), "d1");
    assert_eq!(s(&event, "platform"), "javascript");
    assert_eq!(s(&event, "exception.values.0.type"), "QuotaError");
    assert_eq!(s(&event, "exception.values.0.value"), "over");
    assert_eq!(s(&event, "exception.values.0.mechanism.type"), "quota");
    assert_eq!(
        path(&event, "exception.values.0.mechanism.handled").as_bool(),
        Some(false)
    );
    assert_eq!(s(&event, "user.id"), "ev");
    assert_eq!(s(&event, "tags.t"), "1");
    assert_eq!(s(&event, "transaction"), "/ev");
    // Anything else, even a hostile value, still becomes an event.
    record(js::capture_event(
        eval("new Proxy({}, { get() { throw new Error('trap'); } })"),
        JsValue::UNDEFINED,
    ));
    let event = last_event();
    assert_eq!(s(&event, "level"), "error");
    assert!(path(&event, "exception").is_undefined() && path(&event, "logentry").is_undefined());
}

#[wasm_bindgen_test]
fn a_drop_comes_back_with_the_capture_that_made_it() {
    recording();
    assert!(js::init(eval(
        "({ dsn: 'http://pubkey@127.0.0.1:9/42', sampleRate: 0 })"
    )));
    let outcome = js::capture_message("dropped".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert!(Reflect::get(&outcome, &"body".into())
        .unwrap()
        .is_undefined());
    let drops = JSON::stringify(&Reflect::get(&outcome, &"drops".into()).unwrap()).unwrap();
    assert_eq!(String::from(drops), r#"[["sample_rate","error",1]]"#);
}
mod budget;

#[wasm_bindgen_test]
fn a_page_that_breaks_date_now_and_math_random_does_not_lock_tattle() {
    start();
    eval("(globalThis.__now = Date.now, globalThis.__random = Math.random, Date.now = () => { throw new Error('no clock'); }, Math.random = () => { throw new Error('no dice'); }, 0)");
    capture_message("clockless".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    eval("(Date.now = globalThis.__now, Math.random = globalThis.__random, 0)");
    assert_eq!(s(&last_event(), "logentry.formatted"), "clockless");
    capture_message("after".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert_eq!(
        s(&last_event(), "logentry.formatted"),
        "after",
        "the state was not left borrowed"
    );
}

/// A bundle as `sentry-cli sourcemaps inject` leaves it: a snippet at its top registers
/// `_sentryDebugIds[new Error().stack] = id`, then its code (here a function that makes an
/// Error, as `globalThis[name]`); `file` is its URL (`//# sourceURL`).
fn load_bundle(file: &str, id: &str, name: &str) {
    eval(&format!(
        r#"(0, eval)(`(function () {{ var g = globalThis; g._sentryDebugIds = g._sentryDebugIds || {{}};
g._sentryDebugIds[new g.Error().stack] = "{id}"; }})();
globalThis["{name}"] = function {name}() {{ return new Error("from {name}"); }};
//# sourceURL={file}`)"#
    ));
}

#[wasm_bindgen_test]
fn debug_ids_name_the_source_maps_of_the_files_in_the_frames() {
    const MAIN: &str = "1b7e4a35-7a3c-4c1e-9f21-5d0c2b3a4e5f";
    const CHUNK: &str = "c0ffee00-1234-4abc-8def-0123456789ab";
    start();
    load_bundle(
        "https://app.example/assets/main.js?token=abc",
        MAIN,
        "mainErr",
    );
    capture_exception(eval("mainErr()"), JsValue::UNDEFINED);
    let event = last_event();
    let frames: Array = path(&event, "exception.values.0.stacktrace.frames").into();
    let newest = frames.get(frames.length() - 1);
    assert_eq!(s(&newest, "function"), "mainErr");
    let file = s(&newest, "abs_path");
    assert_eq!(file, "https://app.example/assets/main.js?token=[Filtered]");
    assert_eq!(s(&event, "debug_meta.images.0.type"), "sourcemap");
    assert_eq!(s(&event, "debug_meta.images.0.code_file"), file);
    assert_eq!(s(&event, "debug_meta.images.0.debug_id"), MAIN);
    assert!(path(&event, "debug_meta.images.1").is_undefined());

    // A chunk loads later: the registry grows, and its file is known from then on.
    load_bundle("https://app.example/assets/chunk-2.js", CHUNK, "chunkErr");
    capture_exception(eval("chunkErr()"), JsValue::UNDEFINED);
    let event = last_event();
    assert_eq!(
        s(&event, "debug_meta.images.0.code_file"),
        "https://app.example/assets/chunk-2.js"
    );
    assert_eq!(s(&event, "debug_meta.images.0.debug_id"), CHUNK);
    assert!(
        path(&event, "debug_meta.images.1").is_undefined(),
        "only files in the frames"
    );

    // Frames in no registered file, a message, and a page without the registry: no debug_meta.
    capture_exception(eval("new Error('elsewhere')"), JsValue::UNDEFINED);
    assert!(path(&last_event(), "debug_meta").is_undefined());
    capture_message("m".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert!(path(&last_event(), "debug_meta").is_undefined());
    // A file whose id is known keeps it (a bundle's id does not change), registry or not.
    eval("delete globalThis._sentryDebugIds");
    capture_exception(eval("mainErr()"), JsValue::UNDEFINED);
    assert_eq!(s(&last_event(), "debug_meta.images.0.debug_id"), MAIN);

    // A hostile registry (keys that throw, a value getter that throws, ids that are no UUID,
    // no object) never breaks a capture from a file it is asked about.
    eval(
        r#"(0, eval)(`globalThis.lateErr = function lateErr() { return new Error("late"); };
//# sourceURL=https://app.example/assets/late.js`)"#,
    );
    for registry in [
        "new Proxy({}, { ownKeys() { throw new Error('trap') } })",
        "Object.defineProperty({}, 'Error\\n    at https://app.example/assets/late.js:1:1', { enumerable: true, get() { throw new Error('getter') } })",
        "({ ['Error\\n    at https://app.example/assets/late.js:1:1']: 'not-a-uuid', other: 'x' })",
        "42",
    ] {
        eval(&format!("globalThis._sentryDebugIds = {registry}"));
        let before = sent().len();
        capture_exception(eval("lateErr()"), JsValue::UNDEFINED);
        assert_eq!(sent().len(), before + 1, "{registry}");
        assert!(path(&last_event(), "debug_meta").is_undefined(), "{registry}");
    }
    eval("delete globalThis._sentryDebugIds");
}
