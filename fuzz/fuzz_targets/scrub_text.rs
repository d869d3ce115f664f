//! The scrubber on free text (`scrub_text`, `is_secret_text`) and on URLs (`scrub_url`).
//! First byte: bit 0 sendDefaultPii, bit 1 URL mode, bit 2 an extra sensitive key `ref`;
//! bits 3-7 all set: the text repeated to 64 KiB and scrubbed once, so that work growing
//! faster than the text (a detector rescanning its run) shows as a slow input (over 2 s) or a
//! timeout.
//! Checks: no panic; scrubbing is stable (what it leaves has nothing left to scrub, so the
//! server's own pass finds nothing, as the module promises); a URL keeps its host; a query
//! or fragment parameter under a sensitive key never survives.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tattle::scrub::Scrubber;

/// `host[:port]` of `scheme://[userinfo@]host[:port][/?#…]`, as the scrubber must keep it.
fn host(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..end];
    let h = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    (!h.is_empty()).then_some(h)
}

/// The `k=v` parameters of a URL's query and of its fragment (a hash route's query after its
/// `?`, or the whole fragment when it has an `=`), as `scrub_url` documents judging them.
fn params(url: &str) -> Vec<&str> {
    let (rest, hash) = url
        .split_once('#')
        .map_or((url, None), |(r, h)| (r, Some(h)));
    let mut out: Vec<&str> = Vec::new();
    if let Some((_, q)) = rest.split_once('?') {
        out.extend(q.split('&'));
    }
    if let Some(h) = hash {
        match h.split_once('?') {
            Some((_, p)) => out.extend(p.split('&')),
            None if h.contains('=') => out.extend(h.split('&')),
            None => {}
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let mut s = Scrubber::new(flags & 1 != 0);
    if flags & 4 != 0 {
        s.add_key("ref");
    }
    if flags & 0xf8 == 0xf8 {
        // 64 KiB: one scrub, timed by libFuzzer (the checks below would double the cost of
        // every such input, and they are rare so that the fuzzer keeps its speed).
        let long = input.repeat((64 * 1024 / input.len().max(1)).max(1));
        if flags & 2 == 0 {
            let _ = s.scrub_text(&long);
        } else {
            let _ = s.scrub_url(&long);
        }
        return;
    }
    if flags & 2 == 0 {
        let _ = s.is_secret_text(input);
        if let Some(out) = s.scrub_text(input) {
            // A second pass may match `[Filtered]@` again, but must change nothing.
            let again = s.scrub_text(&out);
            assert!(
                again.as_ref().is_none_or(|a| *a == out),
                "scrubbing {input:?} left {out:?}, which scrubs to {again:?}"
            );
        }
        return;
    }
    let out = s.scrub_url(input);
    // What follows holds for URLs (a scheme before the first `://`); other text only must not
    // panic (a value pattern may eat the `:` of a `://` that follows no scheme).
    let scheme = input.split_once("://").map_or("", |(s, _)| s);
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        return;
    }
    if let Some(h) = host(input) {
        assert_eq!(host(&out), Some(h), "host of {input:?} changed: {out:?}");
    }
    let again = s.scrub_url(&out);
    assert_eq!(again, out, "scrubbing {input:?} twice differs");
    let kept = params(&out);
    for pair in params(input) {
        if let Some((k, v)) = pair.split_once('=') {
            if s.is_sensitive_key(k) && !v.is_empty() && v != "[Filtered]" {
                assert!(!kept.contains(&pair), "{pair:?} survived in {out:?}");
            }
        }
    }
});
