//! DSN parsing: never panics; what parses is consistent and survives a round trip through
//! its own endpoint.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tattle::Dsn;

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("%XX"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let d = match Dsn::parse(input) {
        Ok(d) => d,
        Err(e) => {
            // The message users see names the problem.
            assert!(e.to_string().starts_with("invalid DSN"), "{e}");
            return;
        }
    };
    assert_eq!(d.as_str(), input.trim());
    assert_eq!(Dsn::parse(d.as_str()).as_ref(), Ok(&d), "not idempotent");
    let (key, id, host) = (d.public_key(), d.project_id(), d.host());
    assert!(!key.is_empty() && !key.contains(['/', ':']), "key {key:?}");
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "id {id:?}"
    );
    assert!(
        !host.is_empty() && !host.contains(['/', '@', '?', '#']),
        "host {host:?}"
    );
    for part in [key, id, host] {
        assert!(!part.chars().any(|c| c <= ' ' || c == '\u{7f}'), "{part:?}");
    }

    let endpoint = d.envelope_endpoint();
    let suffix = format!("/api/{id}/envelope/");
    let (scheme, rest) = endpoint.split_once("://").expect("scheme");
    assert!(scheme == "http" || scheme == "https", "{endpoint}");
    let base = rest.strip_suffix(&suffix).expect("endpoint suffix");
    assert!(
        base.starts_with(host),
        "{endpoint} does not start with {host}"
    );
    // The same place, written back as a DSN, parses to the same endpoint and key.
    let again = Dsn::parse(&format!("{scheme}://{key}@{base}/{id}"))
        .unwrap_or_else(|e| panic!("{endpoint} as a DSN: {e}"));
    assert_eq!(again.envelope_endpoint(), endpoint);
    assert_eq!(again.public_key(), key);
    assert_eq!(again.host(), host);

    let url = d.envelope_url("tattle/0.1.0");
    let query = url
        .strip_prefix(&endpoint)
        .and_then(|q| q.strip_prefix("?sentry_version=7&sentry_key="))
        .expect("auth query");
    let (sent_key, client) = query.split_once("&sentry_client=").expect("client");
    assert_eq!(client, "tattle/0.1.0");
    assert!(
        sent_key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b)),
        "key not percent-encoded: {sent_key}"
    );
    assert_eq!(percent_decode(sent_key), key.as_bytes());
});
