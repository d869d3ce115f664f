//! Scrubbing whole events (`Scrubber::scrub_event`) built from the fuzz input: no panic; no
//! value under a sensitive key survives at any depth of extra, contexts, user data or
//! breadcrumb data, nor in tags or headers; `user.ip_address` goes without sendDefaultPii;
//! scrubbing twice changes nothing; the event still serializes to valid JSON.
#![no_main]
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use tattle::protocol::{Map, Value};
use tattle::scrub::{Scrubber, FILTERED};
use tattle_fuzz::{event, tattle_json};

fn no_secret_under_keys(s: &Scrubber, v: &Value) {
    match v {
        Value::Array(items) => items.iter().for_each(|v| no_secret_under_keys(s, v)),
        Value::Object(entries) => {
            for (k, v) in entries {
                if s.is_sensitive_key(k) {
                    assert!(
                        matches!(v, Value::Null) || v.as_str() == Some(FILTERED),
                        "{k:?} kept {v:?}"
                    );
                }
                no_secret_under_keys(s, v);
            }
        }
        _ => {}
    }
}

fn check_map(s: &Scrubber, m: &Map<Value>) {
    no_secret_under_keys(
        s,
        &Value::Object(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
    );
}

fn check_strings(s: &Scrubber, m: &Map<String>) {
    for (k, v) in m.iter() {
        if s.is_sensitive_key(k) && k != "User-Agent" {
            assert_eq!(v, FILTERED, "{k:?} kept {v:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(pii) = u.arbitrary::<bool>() else {
        return;
    };
    let Ok(mut ev) = event(&mut u) else {
        return;
    };
    let s = Scrubber::new(pii);
    let original = ev.clone();
    s.scrub_event(&mut ev);
    check_map(&s, &ev.extra);
    check_map(&s, &ev.contexts);
    check_strings(&s, &ev.tags);
    if let Some(user) = &ev.user {
        check_map(&s, &user.data);
        assert!(pii || user.ip_address.is_none(), "ip_address kept");
    }
    if let Some(req) = &ev.request {
        check_strings(&s, &req.headers);
    }
    for crumb in ev.breadcrumbs.iter().flat_map(|b| &b.values) {
        check_map(&s, &crumb.data);
    }
    let mut twice = ev.clone();
    s.scrub_event(&mut twice);
    // Compared as Debug text: NaN is no PartialEq-equal to itself.
    assert_eq!(
        format!("{twice:?}"),
        format!("{ev:?}"),
        "a second scrub changed the event; the first scrub was of {original:?}"
    );
    tattle_json(&ev);
});
