//! Hostile data through the real JS boundary (issue 10, items 2, 3 and 5): cycles, width,
//! depth, long strings, shared objects and revoked Proxies are read within one budget, never
//! throw through wasm, and never leave tattle unable to report the next error.

use super::*;

/// The last envelope's event payload size in bytes, and the event.
fn last_sized() -> (usize, JsValue) {
    let all = sent();
    let (_, body) = all.last().expect("an envelope was sent");
    let payload = body.trim_end_matches('\n').rsplit('\n').next().unwrap();
    (payload.len(), last_event())
}

fn message(text: &str) -> (usize, JsValue) {
    let before = sent().len();
    capture_message(text.into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert_eq!(sent().len(), before + 1, "the event for {text:?} was sent");
    last_sized()
}

fn num(v: &JsValue, p: &str) -> f64 {
    path(v, p)
        .as_f64()
        .unwrap_or_else(|| panic!("{p} is not a number"))
}

fn len(v: &JsValue, p: &str) -> u32 {
    js_sys::Object::keys(&path(v, p).into()).length()
}

const REVOKED: &str = "(() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy })()";

#[wasm_bindgen_test]
fn a_context_whose_seven_keys_point_back_at_it_stays_small() {
    // Before: followed 6 deep, 7^6 paths: > 1 MiB of JSON on every later event, each dropped.
    start();
    js::set_context(
        "cyc".into(),
        eval("(() => { const o = {}; for (const k of 'abcdefg') o[k] = o; return o })()"),
    );
    let (size, event) = message("after the cycle");
    assert!(size < 4096, "{size} bytes");
    for k in ["a", "d", "g"] {
        assert_eq!(s(&event, &format!("contexts.cyc.{k}")), "[Circular ~]");
    }
    let (_, event) = message("and the next one");
    assert_eq!(s(&event, "contexts.cyc.a"), "[Circular ~]");
    // A cycle further down is cut where it closes; a shared (not cyclic) object is kept twice.
    js::set_context(
        "down".into(),
        eval(
            "(() => { const s = { n: 1 }; const o = { a: { s, t: s } }; o.a.up = o; return o })()",
        ),
    );
    let (_, event) = message("cycle below");
    assert_eq!(s(&event, "contexts.down.a.up"), "[Circular ~]");
    assert_eq!(num(&event, "contexts.down.a.s.n"), 1.0);
    assert_eq!(num(&event, "contexts.down.a.t.n"), 1.0);
}

#[wasm_bindgen_test]
fn wide_deep_long_and_shared_values_are_bounded() {
    start();
    js::set_extra(
        "wide".into(),
        eval("Object.fromEntries(Array.from({ length: 1000 }, (_, i) => ['k' + i, i]))"),
    );
    js::set_extra(
        "list".into(),
        eval("Array.from({ length: 5000 }, (_, i) => i)"),
    );
    js::set_extra(
        "deep".into(),
        eval("({ a: { b: { c: { d: 1 } } }, list: [[1, [2]]] })"),
    );
    js::set_extra("long".into(), eval("'é'.repeat(1e6)"));
    // 100 keys → one object of 100 keys → one of 100 keys: 10⁶ paths without a byte budget.
    js::set_extra(
        "shared".into(),
        eval(
            "(() => { const wide = (v) => Object.fromEntries(Array.from({ length: 100 }, (_, i) => ['key' + i, v])); \
             return wide(wide(wide('leaf'))); })()",
        ),
    );
    let (size, event) = message("bounded");
    assert!(size < 5 * 64 * 1024, "{size} bytes");
    assert_eq!(len(&event, "extra.wide"), 101);
    assert_eq!(num(&event, "extra.wide.k99"), 99.0);
    assert_eq!(s(&event, "extra.wide.k100"), "[MaxProperties ~]");
    assert_eq!(len(&event, "extra.list"), 101);
    assert_eq!(num(&event, "extra.list.99"), 99.0);
    assert_eq!(s(&event, "extra.list.100"), "[MaxProperties ~]");
    assert_eq!(s(&event, "extra.deep.a.b.c"), "[Object]", "three levels");
    assert_eq!(num(&event, "extra.deep.list.0.0"), 1.0);
    assert_eq!(s(&event, "extra.deep.list.0.1"), "[Array]");
    let long = s(&event, "extra.long");
    assert_eq!(long.chars().count(), 1024);
    assert!(long.ends_with('…'));
    assert_eq!(s(&event, "extra.shared.key0.key0.key0"), "leaf");
    let shared = String::from(JSON::stringify(&path(&event, "extra.shared")).unwrap());
    assert!(shared.len() < 64 * 1024 + 4096, "{} bytes", shared.len());
    assert!(
        shared.contains("[Trimmed ~]"),
        "the budget ran out and says so"
    );
}

#[wasm_bindgen_test]
fn revoked_proxies_never_throw_through_wasm_nor_lock_the_state() {
    // `Array.isArray(revoked)` throws; it ran inside the state's borrow (ignoreErrors), so one
    // throw there left every later capture without an envelope.
    recording();
    assert!(js::init(eval(&format!(
        "({{ dsn: 'http://pubkey@127.0.0.1:9/42', ignoreErrors: {REVOKED}, denyUrls: {REVOKED}, allowUrls: {REVOKED} }})"
    ))));
    let revoked = || eval(REVOKED);
    js::set_context("p".into(), revoked());
    js::set_context(
        "inside".into(),
        eval(&format!("({{ nested: {REVOKED}, list: [{REVOKED}] }})")),
    );
    js::set_extra("p".into(), revoked());
    js::set_extras(revoked());
    js::set_tags(revoked());
    js::set_user(revoked());
    js::set_fingerprint(revoked());
    js::add_breadcrumb(revoked());
    js::add_breadcrumb(eval(&format!("({{ message: 'crumb', data: {REVOKED} }})")));
    for thrown in [
        REVOKED.to_owned(),
        format!("new Error('with a revoked cause', {{ cause: {REVOKED} }})"),
        format!("Object.assign(new AggregateError([], 'group'), {{ errors: {REVOKED} }})"),
    ] {
        let before = sent().len();
        capture_exception(eval(&thrown), JsValue::UNDEFINED);
        assert_eq!(sent().len(), before + 1, "an event for {thrown}");
    }
    let (_, event) = message("the state is free");
    assert_eq!(s(&event, "logentry.formatted"), "the state is free");
    assert_eq!(s(&event, "breadcrumbs.values.1.message"), "crumb");
    let (_, event) = message("and stays free");
    assert_eq!(s(&event, "logentry.formatted"), "and stays free");
}

#[wasm_bindgen_test]
fn a_thrown_object_with_20000_keys_lists_its_first_keys_sorted() {
    start();
    let thrown = eval(
        "Object.fromEntries(Array.from({ length: 20000 }, (_, i) => ['k' + String((i * 7919) % 20000).padStart(5, '0'), i]))",
    );
    capture_exception(thrown, JsValue::UNDEFINED);
    let value = s(&last_event(), "exception.values.0.value");
    assert!(
        value.starts_with("Object captured as exception with keys: k00000, k00001, k00002, "),
        "{value}"
    );
    assert!(value.ends_with('…'), "{value}");
}

#[wasm_bindgen_test]
fn breadcrumbs_are_cut_and_an_event_over_1_mib_is_trimmed_not_dropped() {
    start();
    for i in 0..100 {
        js::add_breadcrumb(eval(&format!(
            "({{ category: 'console', message: '{i:03}' + '€'.repeat(20000), data: {{ blob: 'x'.repeat(50000) }} }})"
        )));
    }
    let (size, event) = message("after 100 big breadcrumbs");
    assert!(size < 1024 * 1024, "{size} bytes");
    let first = s(&event, "breadcrumbs.values.0.message");
    assert!(first.starts_with("000"));
    assert_eq!(
        first.chars().count(),
        2048,
        "message cut to 2,048 characters"
    );
    assert_eq!(
        s(&event, "breadcrumbs.values.0.data.blob").chars().count(),
        1024
    );
    // 100 × 7 KB of breadcrumbs and 12 × ~64 KB of extra: over 1 MiB. The oldest breadcrumbs
    // go, a note in extra says how many, and the event is sent.
    for i in 0..12 {
        js::set_extra(
            format!("x{i}").into(),
            eval("Object.fromEntries(Array.from({ length: 100 }, (_, i) => ['k' + i, '€'.repeat(1000)]))"),
        );
    }
    let (size, event) = message("over 1 MiB");
    assert!(size <= 1024 * 1024, "{size} bytes");
    let crumbs: Array = path(&event, "breadcrumbs.values").into();
    let dropped = 100 - crumbs.length();
    assert!(dropped > 0 && dropped < 100, "{dropped}");
    let note = Reflect::get(&path(&event, "extra"), &"tattle.trimmed".into()).unwrap();
    assert_eq!(
        note.as_string().unwrap(),
        format!("over 1 MiB, left out: {dropped} breadcrumbs")
    );
    let oldest = s(&crumbs.get(0), "message");
    assert!(
        oldest.starts_with(&format!("{dropped:03}")),
        "the newest stay"
    );
    assert_eq!(len(&event, "extra"), 13, "breadcrumbs went first");
}
