//! Envelope building: `Envelope::new` + `push_item`, `Envelope::for_event` and the client's
//! whole capture path (`Client::capture_event`: options, scope, scrubbing, payload, envelope).
//! Every envelope must read as Relay reads it: a JSON header line (event id, RFC 3339
//! `sent_at`, sdk, the DSN only when tunnelling, the trace's sampling context), then items whose `length` is exactly their
//! payload's byte length; an event envelope carries exactly one event, whose payload is the
//! event's JSON with the header's event id.
#![no_main]
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use tattle::json::rust_float;
use tattle::protocol::{Breadcrumb, Timestamp};
use tattle::{Client, ClientOptions, Envelope};
use tattle_fuzz::{
    check_rfc3339, event, parse_envelope, tattle_json, text, timestamp, user, value,
};

const DSNS: &[&str] = &[
    "https://abc123@o1.ingest.example.com/42",
    "http://pub:sec@127.0.0.1:8000/sub/path/7/",
    "http://k@[::1]:9000/3",
];

fn check_header(
    h: &serde_json::Value,
    event_id: Option<&str>,
    sent_at: Timestamp,
    dsn: Option<&str>,
) {
    assert_eq!(h["event_id"].as_str(), event_id, "header {h}");
    check_rfc3339(h["sent_at"].as_str().expect("sent_at"), sent_at);
    assert_eq!(h["sdk"]["name"], "tattle.javascript");
    assert_eq!(h["dsn"].as_str(), dsn, "header {h}");
}

fn run(u: &mut Unstructured) -> arbitrary::Result<()> {
    match u.int_in_range(0..=2u8)? {
        0 => {
            // Any items, any text.
            let id = if u.arbitrary()? { Some(text(u)?) } else { None };
            let dsn = if u.arbitrary()? { Some(text(u)?) } else { None };
            let at = timestamp(u)?;
            // A dynamic sampling context of any text: the header's `trace` object, member by
            // member (a key given twice: the last value, as a JSON reader keeps it).
            let mut trace = Vec::new();
            for _ in 0..u.int_in_range(0..=3u8)? {
                trace.push((text(u)?, text(u)?));
            }
            let mut env = Envelope::new(id.as_deref(), at, dsn.as_deref(), &trace, rust_float)
                .expect("header");
            let mut items = Vec::new();
            for _ in 0..u.int_in_range(0..=4u8)? {
                items.push((text(u)?, text(u)?));
            }
            for (ty, payload) in &items {
                env.push_item(ty, payload);
            }
            let p = parse_envelope(env.as_str());
            check_header(&p.header, id.as_deref(), at, dsn.as_deref());
            if trace.is_empty() {
                assert!(p.header.get("trace").is_none(), "no trace: no member");
            }
            for (k, _) in &trace {
                let last = trace.iter().rev().find(|(k2, _)| k2 == k).map(|(_, v)| v);
                assert_eq!(
                    p.header["trace"][k.as_str()].as_str(),
                    last.map(String::as_str)
                );
            }
            assert_eq!(p.items.len(), items.len());
            for ((h, payload), (ty, want)) in p.items.iter().zip(&items) {
                assert_eq!(h["type"].as_str(), Some(ty.as_str()));
                assert_eq!(h["length"].as_u64(), Some(want.len() as u64));
                assert_eq!(payload, want);
            }
        }
        1 => {
            let ev = event(u)?;
            let at = timestamp(u)?;
            let dsn = if u.arbitrary()? {
                Some(*u.choose(DSNS)?)
            } else {
                None
            };
            match Envelope::for_event(&ev, at, dsn, rust_float) {
                Ok(env) => {
                    let p = parse_envelope(env.as_str());
                    check_header(&p.header, Some(&ev.event_id), at, dsn);
                    assert_eq!(p.items.len(), 1, "one item: the event");
                    assert_eq!(p.items[0].0["type"], "event");
                    assert_eq!(p.items[0].1, tattle_json(&ev));
                }
                Err(e) => panic!("for_event failed: {e}"),
            }
        }
        _ => {
            let tunnel = if u.ratio(1, 3)? {
                Some("/tunnel".to_owned())
            } else {
                None
            };
            let options = ClientOptions {
                dsn: Some(u.choose(DSNS)?.to_string()),
                release: if u.arbitrary()? { Some(text(u)?) } else { None },
                environment: if u.arbitrary()? { Some(text(u)?) } else { None },
                tunnel: tunnel.clone(),
                send_default_pii: u.arbitrary()?,
                ..ClientOptions::default()
            };
            let mut client = Client::new(options, rust_float).expect("client");
            let scope = client.scope_mut();
            for _ in 0..u.int_in_range(0..=3u8)? {
                match u.int_in_range(0..=3u8)? {
                    0 => scope.set_tag(&text(u)?, &text(u)?),
                    1 => scope.set_extra(&text(u)?, value(u, 3)?),
                    2 => scope.set_user(Some(user(u)?)),
                    _ => scope.add_breadcrumb(
                        Breadcrumb {
                            timestamp: timestamp(u)?,
                            ty: None,
                            category: Some(text(u)?),
                            message: Some(text(u)?),
                            level: None,
                            data: Default::default(),
                        },
                        100,
                    ),
                }
            }
            let ev = event(u)?;
            let at = timestamp(u)?;
            let Some(out) = client.capture_event(ev.clone(), 0.0, at) else {
                // Only an event over 1 MiB may be dropped, and it is counted.
                assert!(client.discarded().count() > 0, "dropped without a reason");
                return Ok(());
            };
            assert_eq!(out.event_id, ev.event_id);
            let p = parse_envelope(&out.body);
            let dsn = tunnel
                .is_some()
                .then(|| client.options().dsn.clone().unwrap());
            check_header(&p.header, Some(&ev.event_id), at, dsn.as_deref());
            let events: Vec<_> = p
                .items
                .iter()
                .filter(|(h, _)| h["type"] == "event")
                .collect();
            assert_eq!(events.len(), 1, "one event per envelope");
            let payload: serde_json::Value = serde_json::from_str(events[0].1).expect("event JSON");
            assert_eq!(payload["event_id"].as_str(), Some(ev.event_id.as_str()));
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
