//! Reading JavaScript values safely: getters, Proxies and cycles must not break tattle.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::budget::{self, Kind, Source};
use crate::protocol::{User, Value};
use crate::text::cat;
use wasm_bindgen::prelude::*;

// The few JavaScript built-ins tattle needs, imported directly: js-sys brought ~10 KB of
// closure shims into the function table that nothing here uses.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(o: &JsValue) -> Result<JsValue, JsValue>;
    // Every import that touches a user's value is `catch`: a revoked Proxy makes even
    // `Array.isArray` throw, and a throw through wasm frames skips every destructor (a borrow of
    // the state would stay taken for good).
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = ["String", "prototype", "slice"], js_name = call, catch)]
    fn string_slice(v: &JsValue, start: f64, end: f64) -> Result<String, JsValue>;
    /// `keys[index]` of an `Object.keys` array: a string, read in one call.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn key_at(keys: &JsValue, index: f64) -> Result<String, JsValue>;
    /// A RegExp, for `ignoreErrors` and the URL filters.
    #[wasm_bindgen(js_name = RegExp)]
    type JsRegExp;
    #[wasm_bindgen(method, catch)]
    fn test(this: &JsRegExp, text: &str) -> Result<bool, JsValue>;
    /// The `Error` constructor, for `instanceof Error`.
    #[wasm_bindgen(js_name = Error)]
    type JsError;
    #[wasm_bindgen(js_name = String, catch)]
    fn js_string(v: &JsValue) -> Result<String, JsValue>;
    #[wasm_bindgen(js_namespace = ["Date", "prototype", "toISOString"], js_name = call, catch)]
    fn date_iso(v: &JsValue) -> Result<String, JsValue>;
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "toString"], js_name = call, catch)]
    fn object_tag(v: &JsValue) -> Result<String, JsValue>;
}

/// Most patterns of one `ignoreErrors` / `denyUrls` / `allowUrls` looked at (a Proxy can claim
/// any length).
const MAX_PATTERNS: usize = 1000;

/// `Array.isArray(v)`; false if it throws (a revoked Proxy).
pub fn is_array(v: &JsValue) -> bool {
    array_is_array(v).unwrap_or(false)
}

/// `target[key]`, or `undefined` if reading it throws or `target` is not an object.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() && !target.is_function() {
        return JsValue::UNDEFINED;
    }
    reflect_get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Whether `patterns` (an array of strings and RegExps) matches `text`: a string as a
/// substring, a RegExp by its `test`.
pub fn matches_any(patterns: &JsValue, text: &str) -> bool {
    if !is_array(patterns) {
        return false;
    }
    let len = get(patterns, "length").as_f64().unwrap_or(0.0) as usize;
    (0..len.min(MAX_PATTERNS)).any(|i| {
        let p = get_index(patterns, i);
        match p.as_string() {
            Some(s) => crate::text::contains(text, &s),
            None if p.is_instance_of::<JsRegExp>() => {
                p.unchecked_ref::<JsRegExp>().test(text).unwrap_or(false)
            }
            None => false,
        }
    })
}

/// Whether `v` is a non-empty array.
pub fn has_items(v: &JsValue) -> bool {
    is_array(v) && get(v, "length").as_f64().unwrap_or(0.0) > 0.0
}

/// `target[index]`, or `undefined` if reading it throws.
pub fn get_index(target: &JsValue, index: usize) -> JsValue {
    reflect_get(target, &JsValue::from_f64(index as f64)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key]` if it is a string.
pub fn get_string(target: &JsValue, key: &str) -> Option<String> {
    get(target, key).as_string()
}

/// `target[key]` if it is a boolean.
pub fn get_bool(target: &JsValue, key: &str) -> Option<bool> {
    get(target, key).as_bool()
}

/// `String(value)`, or a placeholder if that throws (e.g. a hostile `toString`).
pub fn safe_string(value: &JsValue) -> String {
    js_string(value).unwrap_or_else(|_| "[unprintable]".to_owned())
}

/// A tag value: strings as they are, other primitives via `String()`.
pub fn primitive_text(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| safe_string(value))
}

/// Whether `value` is an Error: `instanceof Error`, or branded `[object Error]` (other realms).
pub fn is_error(value: &JsValue) -> bool {
    value.is_instance_of::<JsError>()
        || object_tag(value).is_ok_and(|t| t == "[object Error]" || t == "[object DOMException]")
}

/// `value.constructor.name`, read safely.
pub fn class_name(value: &JsValue) -> Option<String> {
    get_string(&get(value, "constructor"), "name")
}

/// Own enumerable string keys, or none if enumerating throws.
pub fn keys(value: &JsValue) -> Vec<String> {
    keys_upto(value, usize::MAX)
}

/// `Object.keys(value)` and its length, for reading only some of them or none (a debug id
/// registry is read again only when its length changed).
pub fn key_list(value: &JsValue) -> Option<(JsValue, usize)> {
    if !value.is_object() {
        return None;
    }
    let keys = object_keys(value).ok()?;
    let len = get(&keys, "length").as_f64().unwrap_or(0.0) as usize;
    Some((keys, len))
}

/// `keys[index]` of a [`key_list`].
pub fn nth_key(keys: &JsValue, index: usize) -> Option<String> {
    key_at(keys, index as f64).ok()
}

/// The first `max` own enumerable string keys (`Object.keys` is one call; only these few come
/// across into wasm).
fn keys_upto(value: &JsValue, max: usize) -> Vec<String> {
    let Some((keys, len)) = key_list(value) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..len.min(max) {
        if let Some(key) = nth_key(&keys, i) {
            out.push(key);
        }
    }
    out
}

/// Objects that JSON cannot hold as data: a DOM node becomes `[HTMLButtonElement: button#buy]`,
/// a Date its ISO time, a Map/Set/Promise/WeakMap… its tag. Plain objects and arrays: `None`.
fn special_object(value: &JsValue) -> Option<String> {
    let tag = object_tag(value).ok()?;
    let inner = tag.strip_prefix("[object ")?.strip_suffix(']')?;
    match inner {
        "Object" | "Array" | "Arguments" => None,
        "Date" => Some(date_iso(value).unwrap_or_else(|_| "Invalid Date".to_owned())),
        _ if get(value, "nodeType").as_f64().is_some() => {
            let mut name = get_string(value, "nodeName")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if let Some(id) = get_string(value, "id").filter(|i| !i.is_empty()) {
                name.push('#');
                name.push_str(&id);
            }
            Some(cat(&["[", inner, ": ", &name, "]"]))
        }
        _ => Some(cat(&["[", inner, "]"])),
    }
}

/// Converts user data to a JSON value within [`budget::DATA`]: cycles, depth, breadth, string
/// length and size bounded, the work too (see protocol/budget.rs).
pub fn to_value(value: &JsValue) -> Value {
    budget::read(value, budget::DATA)
}

/// A breadcrumb's `data` as a JSON value, within [`budget::CRUMB_DATA`].
pub fn crumb_data(value: &JsValue) -> Value {
    budget::read(value, budget::CRUMB_DATA)
}

impl Source for JsValue {
    fn kind(&self, chars: usize) -> Kind {
        let value = self;
        if value.is_null() || value.is_undefined() {
            return Kind::Leaf(Value::Null);
        }
        if let Some(b) = value.as_bool() {
            return Kind::Leaf(Value::Bool(b));
        }
        if let Some(n) = value.as_f64() {
            return Kind::Leaf(Value::Number(n));
        }
        if value.is_string() {
            // Only the head comes across: a 50 MB string is not copied into wasm to be cut.
            // Twice the characters in UTF-16 units, so astral characters cannot cut it short.
            let units = (chars as f64 + 1.0) * 2.0;
            return Kind::Leaf(Value::String(
                string_slice(value, 0.0, units).unwrap_or_default(),
            ));
        }
        if value.is_function() {
            let name = get_string(value, "name")
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "<anonymous>".into());
            return Kind::Leaf(Value::String(cat(&["[Function: ", &name, "]"])));
        }
        if !value.is_object() {
            // bigint, symbol
            return Kind::Leaf(Value::String(safe_string(value)));
        }
        if is_error(value) {
            let name = get_string(value, "name").unwrap_or_else(|| "Error".into());
            let message = get_string(value, "message").unwrap_or_default();
            return Kind::Leaf(Value::String(cat(&[&name, ": ", &message])));
        }
        if let Some(text) = special_object(value) {
            return Kind::Leaf(Value::String(text));
        }
        if is_array(value) {
            return Kind::List(get(value, "length").as_f64().unwrap_or(0.0) as usize);
        }
        Kind::Map
    }

    fn same(&self, other: &Self) -> bool {
        self == other // `===`: identity for objects
    }

    fn keys(&self, max: usize) -> Vec<String> {
        keys_upto(self, max)
    }

    fn child(&self, index: usize, key: Option<&str>) -> Self {
        match key {
            Some(key) => get(self, key),
            None => get_index(self, index),
        }
    }
}

/// A Sentry user from `{ id, email, username, ip_address, ...rest }`; `null` clears it.
pub fn user_from(value: &JsValue) -> Option<User> {
    let Value::Object(entries) = to_value(value) else {
        return None;
    };
    let mut user = User::default();
    for (k, v) in entries {
        let text = match &v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(safe_string(&JsValue::from_f64(*n))),
            _ => None,
        };
        match (k.as_str(), text) {
            ("id", Some(t)) => user.id = Some(t),
            ("email", Some(t)) => user.email = Some(t),
            ("username", Some(t)) => user.username = Some(t),
            ("ip_address", Some(t)) => user.ip_address = Some(t),
            _ => {
                user.data.insert(k, v);
            }
        }
    }
    Some(user)
}
