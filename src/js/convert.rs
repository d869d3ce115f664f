//! Reading JavaScript values safely: getters, Proxies and cycles must not break tattle.

#[allow(unused_imports)]
use crate::prelude::*;
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
    /// `Array.isArray(v)`.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    pub fn is_array(v: &JsValue) -> bool;
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

/// How deep user data is followed; deeper values become a placeholder (this also ends cycles).
pub const MAX_DEPTH: u32 = 6;
/// How many entries of one object or array are kept.
pub const MAX_BREADTH: usize = 100;

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
    (0..len).any(|i| {
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
    if !value.is_object() {
        return Vec::new();
    }
    let Ok(keys) = object_keys(value) else {
        return Vec::new();
    };
    let len = get(&keys, "length").as_f64().unwrap_or(0.0) as usize;
    (0..len)
        .filter_map(|i| {
            reflect_get(&keys, &JsValue::from_f64(i as f64))
                .ok()?
                .as_string()
        })
        .collect()
}

/// Longest string kept in user data, in characters (Relay trims longer ones anyway).
pub const MAX_STRING_CHARS: usize = 8192;

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

/// Converts user data to a JSON value with depth and breadth limits.
pub fn to_value(value: &JsValue) -> Value {
    convert(value, MAX_DEPTH)
}

fn convert(value: &JsValue, depth: u32) -> Value {
    if value.is_null() || value.is_undefined() {
        return Value::Null;
    }
    if let Some(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return Value::Number(n);
    }
    if let Some(s) = value.as_string() {
        return Value::String(crate::exception::truncate(&s, MAX_STRING_CHARS));
    }
    if value.is_function() {
        let name = get_string(value, "name")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<anonymous>".into());
        return Value::String(cat(&["[Function: ", &name, "]"]));
    }
    if !value.is_object() {
        // bigint, symbol
        return Value::String(safe_string(value));
    }
    if depth == 0 {
        return Value::String(
            if is_array(value) {
                "[Array]"
            } else {
                "[Object]"
            }
            .to_owned(),
        );
    }
    if is_error(value) {
        let name = get_string(value, "name").unwrap_or_else(|| "Error".into());
        let message = get_string(value, "message").unwrap_or_default();
        return Value::String(cat(&[&name, ": ", &message]));
    }
    if let Some(text) = special_object(value) {
        return Value::String(text);
    }
    if is_array(value) {
        let len = get(value, "length").as_f64().unwrap_or(0.0) as usize;
        let items = (0..len.min(MAX_BREADTH))
            .map(|i| {
                let item = get_index(value, i);
                convert(&item, depth - 1)
            })
            .collect();
        return Value::Array(items);
    }
    let entries = keys(value)
        .into_iter()
        .take(MAX_BREADTH)
        .map(|k| {
            let v = convert(&get(value, &k), depth - 1);
            (k, v)
        })
        .collect();
    Value::Object(entries)
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
