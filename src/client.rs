//! The client: options, the scope stack, and turning captures into envelopes ready to send.
//!
//! Pure: the caller passes the time and the event id, and takes the envelopes to send.

use crate::debug_ids::DebugIds;
use crate::dsn::Dsn;
use crate::envelope::{Envelope, MAX_EVENT_BYTES};
use crate::error::DsnError;
use crate::exception::{exceptions_from, truncate, Linked, MAX_VALUE_CHARS};
use crate::json;
use crate::json::FloatFormatter;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{
    Event, Frame, Level, LogEntry, Mechanism, Request, Stacktrace, Timestamp, Values,
};
use crate::scope::{Scope, MAX_BREADCRUMBS};
use crate::scrub::Scrubber;

mod tracing;
#[allow(unused_imports)]
pub(crate) use tracing::trace_context;
#[cfg(all(feature = "tracing", target_arch = "wasm32"))]
pub(crate) use tracing::TRANSACTION_LIMITS;
pub use tracing::{Dsc, MAX_SPANS};

/// Options, with Sentry's names.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientOptions {
    /// Where to send events; `None` or empty disables sending.
    pub dsn: Option<String>,
    /// Release identifier.
    pub release: Option<String>,
    /// Environment; Sentry's default is `production`.
    pub environment: Option<String>,
    /// Distribution.
    pub dist: Option<String>,
    /// Log what tattle does (and why it drops things) to the console.
    pub debug: bool,
    /// `false` turns tattle off entirely.
    pub enabled: bool,
    /// How many breadcrumbs to keep (at most 100).
    pub max_breadcrumbs: usize,
    /// A URL on the app's own origin that forwards envelopes to the DSN (ad-blocker proof).
    pub tunnel: Option<String>,
    /// Send personal data (IP addresses, e-mails in free text) instead of scrubbing it.
    pub send_default_pii: bool,
    /// The scrubbing rules; `None` means the defaults for `send_default_pii`.
    pub scrubber: Option<Scrubber>,
    /// Share of error events sent, from 0 to 1.
    pub sample_rate: f64,
    /// Share of transactions the Rust API's `start_transaction`
    /// records and sends, from 0 to 1; `None` (the default) turns tracing off: nothing of it is
    /// sent. (The npm entry samples in JavaScript: `tracesSampleRate` / `tracesSampler`.)
    pub traces_sample_rate: Option<f64>,
    /// Called with each error or message event of the Rust API, after the scope and scrubbing,
    /// just before it is sent: return it (changed or not) to send it, `None` to drop it
    /// (counted `before_send` in the client report). (The npm entry's `beforeSend` runs in
    /// JavaScript.)
    #[cfg(feature = "std")]
    pub before_send: Option<BeforeSend>,
}

/// [`ClientOptions::before_send`]: `BeforeSend::new(|event| Some(event))`.
#[cfg(feature = "std")]
#[derive(Clone)]
pub struct BeforeSend(pub alloc::sync::Arc<dyn Fn(Event) -> Option<Event>>);

#[cfg(feature = "std")]
impl BeforeSend {
    /// Wraps the app's function.
    pub fn new(f: impl Fn(Event) -> Option<Event> + 'static) -> Self {
        BeforeSend(alloc::sync::Arc::new(f))
    }
}

#[cfg(feature = "std")]
impl core::fmt::Debug for BeforeSend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BeforeSend")
    }
}

#[cfg(feature = "std")]
impl PartialEq for BeforeSend {
    fn eq(&self, other: &Self) -> bool {
        alloc::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            dsn: None,
            release: None,
            environment: None,
            dist: None,
            debug: false,
            enabled: true,
            max_breadcrumbs: MAX_BREADCRUMBS,
            tunnel: None,
            send_default_pii: false,
            scrubber: None,
            sample_rate: 1.0,
            traces_sample_rate: None,
            #[cfg(feature = "std")]
            before_send: None,
        }
    }
}

/// An envelope ready to POST.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Full URL, authentication included.
    pub url: String,
    /// Envelope text.
    pub body: String,
    /// The event's id, so the transport can send it at most once (any unique id for an
    /// envelope without an event).
    pub event_id: String,
    /// The rate-limit and client-report category of its item: `error`, `transaction`, `session`.
    pub category: &'static str,
}

/// Why an event was not sent, in client-report terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiscardReason {
    /// Something inside tattle failed while building it.
    InternalSdkError,
    /// Dropped by a rule (an ignored error, a cross-origin "Script error.").
    EventProcessor,
    /// Dropped by `beforeSend`.
    BeforeSend,
    /// Not picked by `sample_rate`.
    SampleRate,
    /// Over a limit of the SDK's (a transaction's 1,000 spans).
    BufferOverflow,
}

impl DiscardReason {
    /// The reason's name in a client report.
    pub fn as_str(self) -> &'static str {
        match self {
            DiscardReason::InternalSdkError => "internal_sdk_error",
            DiscardReason::EventProcessor => "event_processor",
            DiscardReason::BeforeSend => "before_send",
            DiscardReason::SampleRate => "sample_rate",
            DiscardReason::BufferOverflow => "buffer_overflow",
        }
    }
}

/// The client.
#[derive(Debug)]
pub struct Client {
    options: ClientOptions,
    dsn: Option<Dsn>,
    url: String,
    scopes: Vec<Scope>,
    last_event_id: Option<String>,
    float: FloatFormatter,
    scrubber: Scrubber,
    discarded: Vec<(DiscardReason, &'static str, u32)>,
    debug_ids: DebugIds,
}

/// What `sentry_client` says about us.
pub const CLIENT_NAME: &str = concat!("tattle/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// Creates a client. An absent or empty DSN (or `enabled: false`) gives a quiet client that
    /// sends nothing; a malformed DSN is an error the caller reports once.
    pub fn new(mut options: ClientOptions, float: FloatFormatter) -> Result<Client, DsnError> {
        options.max_breadcrumbs = options.max_breadcrumbs.min(MAX_BREADCRUMBS);
        let dsn = match options.dsn.as_deref().map(crate::text::trim) {
            Some(s) if !s.is_empty() && options.enabled => Some(Dsn::parse(s)?),
            _ => None,
        };
        let url = match (&dsn, &options.tunnel) {
            (Some(_), Some(tunnel)) if !tunnel.is_empty() => tunnel.clone(),
            (Some(d), _) => d.envelope_url(CLIENT_NAME),
            (None, _) => String::new(),
        };
        let scrubber = options
            .scrubber
            .clone()
            .unwrap_or_else(|| Scrubber::new(options.send_default_pii));
        Ok(Client {
            scrubber,
            options,
            dsn,
            url,
            scopes: vec![Scope::default()],
            last_event_id: None,
            float,
            discarded: Vec::new(),
            debug_ids: DebugIds::default(),
        })
    }

    /// Whether events are sent anywhere.
    pub fn is_enabled(&self) -> bool {
        self.dsn.is_some()
    }

    /// The options in effect.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The current (innermost) scope.
    pub fn scope_mut(&mut self) -> &mut Scope {
        // The stack is never empty: pop_scope keeps the root.
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }

    /// Starts a scope that inherits the current one (`withScope`).
    pub fn push_scope(&mut self) {
        let copy = self.scopes[self.scopes.len() - 1].clone();
        self.scopes.push(copy);
    }

    /// Ends the innermost scope; the root scope stays.
    pub fn pop_scope(&mut self) {
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    /// The id of the last event captured.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// Counted drops, for client reports: ((reason, category), count).
    pub fn discarded(&self) -> impl Iterator<Item = (DiscardReason, &'static str, u32)> + '_ {
        self.discarded.iter().copied()
    }

    /// Hands the counted drops over to whoever sends the client report, and starts counting
    /// afresh.
    pub fn take_discarded(&mut self) -> Vec<(DiscardReason, &'static str, u32)> {
        core::mem::take(&mut self.discarded)
    }

    /// The page's debug ids (`_sentryDebugIds`), which the JavaScript boundary keeps current;
    /// [`prepare`](Self::prepare) names the source maps of an event's files with them.
    pub fn debug_ids_mut(&mut self) -> &mut DebugIds {
        &mut self.debug_ids
    }

    /// Where envelopes go: the DSN's envelope endpoint with its auth query, or the tunnel.
    pub fn endpoint(&self) -> &str {
        &self.url
    }

    /// Counts an item dropped for `reason`, for the next client report.
    pub fn count_discard(&mut self, reason: DiscardReason, category: &'static str) {
        self.count_discards(reason, category, 1);
    }

    /// Counts `n` items dropped for `reason` (none when `n` is 0).
    pub fn count_discards(&mut self, reason: DiscardReason, category: &'static str, n: usize) {
        if n == 0 {
            return;
        }
        let n = n.min(u32::MAX as usize) as u32;
        match self
            .discarded
            .iter_mut()
            .find(|(r, c, _)| *r == reason && *c == category)
        {
            Some((_, _, m)) => *m = m.saturating_add(n),
            None => self.discarded.push((reason, category, n)),
        }
    }

    /// The event for a thrown value. `location` is the frame to use when the value has no
    /// stack (an `error` event reports where it happened even when no Error object came).
    pub fn exception_event(
        chain: &[Linked],
        mechanism: Mechanism,
        event_id: String,
        now: Timestamp,
        request: Option<Request>,
        location: Option<Frame>,
    ) -> Event {
        let mut exceptions = exceptions_from(chain, mechanism);
        if let Some(main) = exceptions.last_mut() {
            if let (None, Some(frame)) = (&main.stacktrace, location) {
                main.stacktrace = Some(Stacktrace {
                    frames: vec![frame],
                });
            }
        }
        Event {
            event_id,
            timestamp: now,
            level: Level::Error,
            exception: Some(Values { values: exceptions }),
            request,
            ..Event::default()
        }
    }

    /// The event for a message at `level`.
    pub fn message_event(
        message: &str,
        level: Level,
        event_id: String,
        now: Timestamp,
        request: Option<Request>,
    ) -> Event {
        Event {
            event_id,
            timestamp: now,
            level,
            logentry: Some(LogEntry {
                formatted: truncate(message, MAX_VALUE_CHARS),
            }),
            request,
            ..Event::default()
        }
    }

    /// Captures `event` and builds its envelope: [`prepare`](Self::prepare), then
    /// [`payload`](Self::payload), then [`envelope_for`](Self::envelope_for). `sample` is a
    /// random number in [0, 1) for `sample_rate`.
    pub fn capture_event(&mut self, event: Event, sample: f64, now: Timestamp) -> Option<Outgoing> {
        let event = self.prepare(event, sample)?;
        let payload = self.payload(&event)?;
        self.envelope_for(&event.event_id, &payload, &[], now)
    }

    /// Fills in options and scope, scrubs, records the id, and applies `sample_rate`. `None`
    /// when the event is not to be sent (tattle is off, or it was sampled out and counted).
    pub fn prepare(&mut self, mut event: Event, sample: f64) -> Option<Event> {
        if event.platform.is_empty() {
            event.platform = "javascript";
        }
        let o = &self.options;
        if event.release.is_none() {
            event.release = o.release.clone();
        }
        if event.environment.is_none() {
            event.environment = Some(
                o.environment
                    .clone()
                    .unwrap_or_else(|| "production".to_owned()),
            );
        }
        if event.dist.is_none() {
            event.dist = o.dist.clone();
        }
        self.scopes[self.scopes.len() - 1].apply(&mut event);
        // Frames are matched to debug ids on the paths the parser made (the scrubber then
        // treats `code_file` as it treats `abs_path`).
        self.debug_ids.attach(&mut event);
        // On the device, before anything (beforeSend included) sees the event.
        self.scrubber.scrub_event(&mut event);
        self.last_event_id = Some(event.event_id.clone());
        self.dsn.as_ref()?;
        if sample >= self.options.sample_rate {
            self.count_discard(DiscardReason::SampleRate, "error");
            return None;
        }
        Some(event)
    }

    /// The event as JSON. One over the server's 1 MiB is trimmed to fit (see `fit`) rather
    /// than lost; `None` (counted) if it cannot be serialized or still does not fit.
    pub fn payload(&mut self, event: &Event) -> Option<String> {
        let p = event.to_json(self.float);
        let payload = match p.len() > MAX_EVENT_BYTES {
            true => fit(&p),
            false => Some(p),
        };
        if payload.is_none() {
            self.count_discard(DiscardReason::InternalSdkError, "error");
        }
        payload
    }

    /// The envelope carrying one event payload (already JSON), ready to POST; `trace` is the
    /// dynamic sampling context for its header (see [`Envelope::new`]), empty for none.
    pub fn envelope_for(
        &mut self,
        event_id: &str,
        payload: &str,
        trace: &[(String, String)],
        now: Timestamp,
    ) -> Option<Outgoing> {
        self.envelope(
            Some(event_id),
            event_id,
            "event",
            payload,
            trace,
            "error",
            now,
        )
    }

    /// An envelope of one item (`item_type`, its JSON `payload`) for the endpoint; `event_id`
    /// goes in the header when the item is an event or a transaction, `id` is the delivery's.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn envelope(
        &mut self,
        event_id: Option<&str>,
        id: &str,
        item_type: &str,
        payload: &str,
        trace: &[(String, String)],
        category: &'static str,
        now: Timestamp,
    ) -> Option<Outgoing> {
        let tunnel_dsn = match (&self.options.tunnel, &self.dsn) {
            (Some(t), Some(d)) if !t.is_empty() => Some(d.as_str()),
            _ => None,
        };
        match Envelope::new(event_id, now, tunnel_dsn, trace, self.float) {
            Ok(mut env) => {
                env.push_item(item_type, payload);
                Some(Outgoing {
                    url: self.url.clone(),
                    body: env.into_string(),
                    event_id: id.to_owned(),
                    category,
                })
            }
            Err(_) => {
                self.count_discard(DiscardReason::InternalSdkError, category);
                None
            }
        }
    }
}

/// Bytes kept free for the note that says what [`fit`] left out.
const NOTE_ROOM: usize = 2048;

/// An event's JSON (`json`, over [`MAX_EVENT_BYTES`]) made to fit: the oldest breadcrumbs go
/// first, then the largest extra values, then the largest contexts, and
/// `extra["tattle.trimmed"]` says how many went. It works on the text our own writer made
/// (compact, members in `Event`'s field order: contexts, extra, …, breadcrumbs), where each
/// part's size is exact and the event is not copied; one pass. `None` when dropping all of
/// them is not enough (the exception or the user alone is too large).
fn fit(json: &str) -> Option<String> {
    let b = json.as_bytes();
    let (top, _) = members(b, 0);
    // A top-level member's value (for `"breadcrumbs":{"values":[…]}`, the array inside).
    let part = |name: &[u8], inner: bool| {
        for &(start, _) in &top {
            let key_end = value_end(b, start);
            if b.get(start + 1..key_end - 1) == Some(name) {
                let at = key_end + 1;
                return Part::of(b, if inner { value_end(b, at + 1) + 1 } else { at });
            }
        }
        Part::default()
    };
    // In the text's order.
    let mut parts = [
        part(b"contexts", false),
        part(b"extra", false),
        part(b"breadcrumbs", true),
    ];
    let mut excess = (b.len() + NOTE_ROOM).saturating_sub(MAX_EVENT_BYTES);
    let mut note = String::from("over 1 MiB, left out:");
    let mut sep = " ";
    for (i, label) in [(2, " breadcrumbs"), (1, " extra"), (0, " contexts")] {
        // Breadcrumbs oldest first (any size will do), the others largest first.
        let n = parts[i].drop(&mut excess, i < 2);
        if n > 0 {
            note.push_str(sep);
            note.push_str(&json::u64_digits(n as u64));
            note.push_str(label);
            sep = ", ";
        }
    }
    let mut entry = String::from("\"tattle.trimmed\":");
    json::push_str_literal(&mut entry, &note);
    let mut out = String::with_capacity(MAX_EVENT_BYTES);
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        part.write(json, &mut at, if i == 1 { &entry } else { "" }, &mut out);
    }
    out.push_str(crate::text::tail(json, at));
    if parts[1].end == 0 {
        out.pop(); // the event's closing brace
        out.push_str(",\"extra\":{");
        out.push_str(&entry);
        out.push_str("}}");
    }
    (out.len() <= MAX_EVENT_BYTES).then_some(out)
}

/// An object's or array's members in an event's JSON text, as spans; a dropped one's span
/// becomes empty. The default: none (`end` 0).
#[derive(Default)]
struct Part {
    open: usize,
    end: usize,
    spans: Vec<(usize, usize)>,
}

impl Part {
    fn of(b: &[u8], open: usize) -> Part {
        let (spans, end) = members(b, open);
        Part { open, end, spans }
    }

    /// Drops members until `excess` bytes went (each its size and a comma): the largest first
    /// (within a factor of two: a halving threshold, O(n log size) instead of a sort), or in
    /// order. Returns how many.
    fn drop(&mut self, excess: &mut usize, largest_first: bool) -> usize {
        let mut n = 0;
        let mut threshold = match largest_first {
            true => self.spans.iter().map(|&(s, e)| e - s).max().unwrap_or(0),
            false => 1,
        };
        while *excess > 0 && threshold > 0 {
            for span in self.spans.iter_mut() {
                let size = span.1 - span.0;
                if *excess > 0 && size > 0 && size >= threshold {
                    *excess = excess.saturating_sub(size + 1);
                    span.0 = span.1;
                    n += 1;
                }
            }
            threshold /= 2;
        }
        n
    }

    /// Copies `json` from `at` to this part into `out`, then the part with its kept members
    /// and `with` (one more member) after them.
    fn write(&self, json: &str, at: &mut usize, with: &str, out: &mut String) {
        if self.end == 0 {
            return;
        }
        out.push_str(crate::text::slice(json, *at, self.open + 1));
        let mut sep = "";
        for &(start, end) in self.spans.iter().filter(|(s, e)| s < e) {
            out.push_str(sep);
            out.push_str(crate::text::slice(json, start, end));
            sep = ",";
        }
        if !with.is_empty() {
            out.push_str(sep);
            out.push_str(with);
        }
        out.push_str(crate::text::slice(json, self.end - 1, self.end));
        *at = self.end;
    }
}

/// Where the JSON value starting at `start` ends (exclusive), in our writer's compact output.
fn value_end(b: &[u8], start: usize) -> usize {
    let (mut depth, mut in_str, mut i) = (0usize, false, start);
    while let Some(&c) = b.get(i) {
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' if depth == 0 => return i + 1,
                b'"' => in_str = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' | b',' if depth == 0 => return i,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    i
}

/// The members of the object or array opening at `open` (`"key":value` for an object, as
/// spans) and the index just past its closing bracket.
fn members(b: &[u8], open: usize) -> (Vec<(usize, usize)>, usize) {
    let object = b.get(open) == Some(&b'{');
    let mut spans = Vec::new();
    let mut i = open + 1;
    while b.get(i).is_some_and(|&c| c != b'}' && c != b']') {
        let start = i;
        if object {
            i = value_end(b, i) + 1; // the key and its colon
        }
        i = value_end(b, i);
        spans.push((start, i));
        if b.get(i) == Some(&b',') {
            i += 1;
        }
    }
    (spans, i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Breadcrumb, Map, User, Value};
    use crate::scope::MAX_CRUMB_MESSAGE_CHARS;
    use std::string::ToString;

    fn client() -> Client {
        let options = ClientOptions {
            dsn: Some("http://key@127.0.0.1:9/1".into()),
            ..ClientOptions::default()
        };
        Client::new(options, |f, out| out.push_str(&f.to_string())).unwrap()
    }

    fn crumb(n: usize, message: String) -> Breadcrumb {
        Breadcrumb {
            timestamp: Timestamp(1_700_000_000_000 + n as u64),
            ty: None,
            category: Some("console".into()),
            message: Some(message),
            level: None,
            data: Map::new(),
        }
    }

    fn event() -> Event {
        Client::message_event(
            "m",
            Level::Error,
            "0123456789abcdef0123456789abcdef".into(),
            Timestamp(1_700_000_001_000),
            None,
        )
    }

    fn big(kb: usize) -> Value {
        Value::from("y".repeat(kb * 1024).as_str())
    }

    /// The payload for `e`, which must fit, parsed; with the event it came from as JSON, to
    /// compare what was kept.
    fn fitted(e: &Event) -> (serde_json::Value, serde_json::Value) {
        let mut c = client();
        let payload = c.payload(e).expect("trimmed, not dropped");
        assert!(payload.len() <= MAX_EVENT_BYTES, "{} bytes", payload.len());
        assert_eq!(c.discarded().count(), 0);
        let whole = json::to_string(e, |f, out| out.push_str(&f.to_string())).unwrap();
        (
            serde_json::from_str(&payload).unwrap(),
            serde_json::from_str(&whole).unwrap(),
        )
    }

    #[test]
    fn an_event_over_1_mib_loses_its_oldest_breadcrumbs_not_itself() {
        let mut e = event();
        // Built directly (the scope would have cut these to 2,048 characters): 100 × 20 KB.
        e.breadcrumbs = Some(Values {
            values: (0..100)
                .map(|n| crumb(n, std::format!("{n:03}{}", "x".repeat(20_000))))
                .collect(),
        });
        e.extra.insert("small".into(), Value::from("kept"));
        e.contexts.insert("app".into(), Value::from("kept too"));
        let (sent, whole) = fitted(&e);
        let crumbs = sent["breadcrumbs"]["values"].as_array().unwrap();
        let dropped = 100 - crumbs.len();
        assert!(
            (45..=55).contains(&dropped),
            "no more than needed: {dropped}"
        );
        assert_eq!(
            sent["extra"]["tattle.trimmed"],
            std::format!("over 1 MiB, left out: {dropped} breadcrumbs")
        );
        assert_eq!(
            crumbs[..],
            whole["breadcrumbs"]["values"].as_array().unwrap()[dropped..],
            "the newest stay as they were"
        );
        assert_eq!(sent["extra"]["small"], "kept", "breadcrumbs went first");
        assert_eq!(sent["contexts"], whole["contexts"]);
        // Everything else is as it was.
        for key in [
            "event_id",
            "timestamp",
            "level",
            "logentry",
            "sdk",
            "platform",
        ] {
            assert_eq!(sent[key], whole[key], "{key}");
        }
    }

    #[test]
    fn then_the_largest_extra_values_then_contexts() {
        let mut e = event();
        e.breadcrumbs = Some(Values {
            values: vec![crumb(0, "x".repeat(MAX_CRUMB_MESSAGE_CHARS))],
        });
        for (key, kb) in [("a", 10), ("x", 300), ("y", 300), ("z", 300), ("w", 300)] {
            e.extra.insert(key.into(), big(kb));
        }
        e.contexts.insert("app".into(), big(200));
        let (sent, _) = fitted(&e);
        let extra = sent["extra"].as_object().unwrap();
        let mut kept: Vec<_> = extra.keys().map(String::as_str).collect();
        kept.sort();
        assert_eq!(kept, ["a", "tattle.trimmed", "w", "z"]);
        assert!(
            sent["contexts"]["app"].is_string(),
            "contexts only if extra was not enough"
        );
        assert_eq!(sent["breadcrumbs"]["values"], serde_json::json!([]));
        assert_eq!(
            extra["tattle.trimmed"],
            "over 1 MiB, left out: 1 breadcrumbs, 2 extra"
        );

        // Contexts go when extra is not enough; with no extra, one is made for the note.
        let mut e = event();
        e.contexts.insert("one".into(), big(700));
        e.contexts.insert("two".into(), big(500));
        e.tags.insert("t".into(), "v".into());
        let (sent, whole) = fitted(&e);
        assert!(sent["contexts"].get("one").is_none());
        assert_eq!(sent["contexts"]["two"], whole["contexts"]["two"]);
        assert_eq!(sent["tags"], whole["tags"]);
        assert_eq!(
            sent["extra"],
            serde_json::json!({ "tattle.trimmed": "over 1 MiB, left out: 1 contexts" })
        );
    }

    #[test]
    fn nested_names_and_quotes_do_not_confuse_the_trimming() {
        // A context named "extra" and "breadcrumbs", strings holding `","extra":{` and brackets,
        // a user with the same keys: only the event's own members are cut.
        let mut e = event();
        let tricky = Value::Object(vec![
            ("extra".into(), Value::from(r#"","extra":{"a":[}]""#)),
            (
                "breadcrumbs".into(),
                Value::Array(vec![Value::from("]}\\\"")]),
            ),
        ]);
        e.contexts.insert("extra".into(), tricky.clone());
        e.contexts.insert("breadcrumbs".into(), tricky.clone());
        e.user = Some(User {
            id: Some(r#"{"extra":1}"#.into()),
            data: [("extra".to_string(), tricky.clone())]
                .into_iter()
                .collect(),
            ..User::default()
        });
        e.extra.insert("extra".into(), tricky);
        e.extra.insert("huge".into(), big(1100));
        e.breadcrumbs = Some(Values {
            values: (0..3).map(|n| crumb(n, r#""]},"#.into())).collect(),
        });
        let (sent, whole) = fitted(&e);
        assert_eq!(sent["contexts"], whole["contexts"]);
        assert_eq!(sent["user"], whole["user"]);
        assert_eq!(sent["extra"]["extra"], whole["extra"]["extra"]);
        assert!(sent["extra"].get("huge").is_none());
        assert_eq!(sent["breadcrumbs"]["values"], serde_json::json!([]));
    }

    #[test]
    fn an_event_that_cannot_be_trimmed_is_dropped_and_counted() {
        let mut c = client();
        let mut e = event();
        let mut request = Request::default();
        request
            .headers
            .insert("X-Big".into(), "h".repeat(MAX_EVENT_BYTES));
        e.request = Some(request);
        e.extra.insert("a".into(), Value::from("small"));
        assert_eq!(c.payload(&e), None);
        assert_eq!(
            c.discarded().collect::<Vec<_>>(),
            [(DiscardReason::InternalSdkError, "error", 1)]
        );
    }
}
