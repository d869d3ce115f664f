//! Transactions and sessions as the JavaScript side hands them to the core (`Client::transaction`,
//! `Client::session`): shapes close to real ones (ids, times, spans with data, tags, a request),
//! with any text and any value where the app's data goes. Whatever comes in, what goes out must be
//! an envelope Relay can read: one `transaction` item whose payload is JSON with the trace's ids,
//! at most `MAX_SPANS` spans, and the given sampling context in the header; or one `session` /
//! `sessions` item with the release. A refusal must be counted.
#![no_main]
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use tattle::json::rust_float;
use tattle::protocol::Value;
use tattle::{Client, ClientOptions, MAX_SPANS};
use tattle_fuzz::{parse_envelope, text, timestamp, value};

fn hex(u: &mut Unstructured, len: usize) -> arbitrary::Result<String> {
    if u.ratio(1, 8)? {
        return text(u); // not an id at all
    }
    let mut s = String::new();
    for _ in 0..len {
        s.push(*u.choose(b"0123456789abcdef")? as char);
    }
    Ok(s)
}

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// A string that is often URL-like (what the scrubber treats as a URL), else any text.
fn url_ish(u: &mut Unstructured) -> arbitrary::Result<String> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => format!(
            "https://api.example.com/{}?{}={}",
            text(u)?,
            text(u)?,
            text(u)?
        ),
        1 => format!("GET /api/{}#{}", text(u)?, text(u)?),
        _ => text(u)?,
    })
}

fn data(u: &mut Unstructured) -> arbitrary::Result<Value> {
    let mut entries = Vec::new();
    for _ in 0..u.int_in_range(0..=4u8)? {
        let key = match u.int_in_range(0..=4u8)? {
            0 => "url".to_owned(),
            1 => "http.query".to_owned(),
            2 => "password".to_owned(),
            _ => text(u)?,
        };
        let v = if u.arbitrary()? {
            Value::String(url_ish(u)?)
        } else {
            value(u, 2)?
        };
        entries.push((key, v));
    }
    Ok(Value::Object(entries))
}

fn run(u: &mut Unstructured) -> arbitrary::Result<()> {
    let options = ClientOptions {
        dsn: Some("https://abc123@o1.ingest.example.com/42".to_owned()),
        release: if u.ratio(3, 4)? { Some(text(u)?) } else { None },
        send_default_pii: u.arbitrary()?,
        traces_sample_rate: Some(1.0),
        ..ClientOptions::default()
    };
    let mut client = Client::new(options, rust_float).expect("client");
    if u.arbitrary()? {
        client.scope_mut().set_tag(&text(u)?, &text(u)?);
    }
    let now = timestamp(u)?;
    let t0 = now.0 as f64 / 1000.0 - 1.0;
    if u.arbitrary()? {
        let trace_id = hex(u, 32)?;
        let root = hex(u, 16)?;
        let mut spans = Vec::new();
        let n = if u.ratio(1, 64)? {
            MAX_SPANS + 3
        } else {
            u.int_in_range(0..=6usize)?
        };
        for i in 0..n {
            spans.push(Value::Object(vec![
                ("trace_id".into(), s(&trace_id)),
                (
                    "span_id".into(),
                    Value::String(if i < 8 {
                        hex(u, 16)?
                    } else {
                        format!("{:016x}", i)
                    }),
                ),
                ("parent_span_id".into(), s(&root)),
                (
                    "op".into(),
                    Value::String(if i < 8 {
                        text(u)?
                    } else {
                        "http.client".into()
                    }),
                ),
                (
                    "description".into(),
                    Value::String(if i < 8 { url_ish(u)? } else { "GET /x".into() }),
                ),
                ("start_timestamp".into(), Value::Number(t0)),
                (
                    "timestamp".into(),
                    Value::Number(if i < 8 && u.ratio(1, 8)? {
                        -1.0
                    } else {
                        t0 + 0.5
                    }),
                ),
                ("data".into(), if i < 8 { data(u)? } else { Value::Null }),
            ]));
        }
        let tx = Value::Object(vec![
            ("type".into(), s("transaction")),
            ("transaction".into(), Value::String(url_ish(u)?)),
            ("start_timestamp".into(), Value::Number(t0)),
            ("timestamp".into(), Value::Number(t0 + 1.0)),
            (
                "contexts".into(),
                Value::Object(vec![(
                    "trace".into(),
                    Value::Object(vec![
                        ("trace_id".into(), s(&trace_id)),
                        ("span_id".into(), s(&root)),
                        ("op".into(), Value::String(text(u)?)),
                        ("data".into(), data(u)?),
                    ]),
                )]),
            ),
            ("spans".into(), Value::Array(spans)),
            ("tags".into(), data(u)?),
            (
                "request".into(),
                Value::Object(vec![("url".into(), Value::String(url_ish(u)?))]),
            ),
        ]);
        let dsc = vec![
            ("trace_id".to_owned(), trace_id.clone()),
            (text(u)?, text(u)?),
        ];
        let before = client.discarded().count();
        match client.transaction(tx, n, &dsc, "a".repeat(32), None, now) {
            Some(out) => {
                let p = parse_envelope(&out.body);
                assert_eq!(p.items.len(), 1, "one item");
                assert_eq!(p.items[0].0["type"], "transaction");
                let tx: serde_json::Value =
                    serde_json::from_str(p.items[0].1).expect("JSON payload");
                assert_eq!(
                    tx["contexts"]["trace"]["trace_id"].as_str(),
                    Some(trace_id.as_str())
                );
                let sent = tx["spans"].as_array().map_or(0, Vec::len);
                assert!(sent <= MAX_SPANS, "{sent} spans");
                if sent < n {
                    assert!(
                        client.discarded().count() > before,
                        "spans left out without a count"
                    );
                }
                assert_eq!(
                    p.header["trace"]["trace_id"].as_str(),
                    Some(trace_id.as_str())
                );
            }
            None => assert!(
                client.discarded().count() > before,
                "refused without a count"
            ),
        }
    } else {
        let mut entries = vec![
            ("sid".to_owned(), Value::String(hex(u, 32)?)),
            ("started".to_owned(), Value::Number(t0)),
            (
                "status".to_owned(),
                Value::String(
                    u.choose(&["ok", "crashed", "exited", "errored", "nope"])?
                        .to_string(),
                ),
            ),
            ("errors".to_owned(), value(u, 0)?),
        ];
        if u.arbitrary()? {
            entries.push(("did".to_owned(), Value::String(text(u)?)));
        }
        if u.arbitrary()? {
            entries.push(("attrs".to_owned(), value(u, 2)?));
        }
        let session = if u.ratio(1, 3)? {
            Value::Object(vec![(
                "aggregates".to_owned(),
                Value::Array(vec![
                    value(u, 2)?,
                    Value::Object(vec![
                        ("started".to_owned(), Value::Number(t0)),
                        ("exited".to_owned(), Value::Number(3.0)),
                    ]),
                ]),
            )])
        } else {
            Value::Object(entries)
        };
        let has_release = client.options().release.is_some();
        if let Some(out) = client.session(session, "b".repeat(32).as_str(), now) {
            assert!(has_release, "a session without a release");
            let p = parse_envelope(&out.body);
            assert_eq!(p.items.len(), 1, "one item");
            let ty = p.items[0].0["type"].as_str().unwrap_or_default().to_owned();
            assert!(ty == "session" || ty == "sessions", "item {ty}");
            let payload: serde_json::Value =
                serde_json::from_str(p.items[0].1).expect("JSON payload");
            assert!(
                payload["attrs"]["release"].is_string(),
                "release in attrs: {payload}"
            );
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
