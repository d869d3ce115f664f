//! The client: options, the scope stack, and turning captures into envelopes ready to send.
//!
//! Pure: the caller passes the time and the event id, and takes the envelopes to send.

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
    /// The event's id, so the transport can send it at most once.
    pub event_id: String,
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
}

impl DiscardReason {
    /// The reason's name in a client report.
    pub fn as_str(self) -> &'static str {
        match self {
            DiscardReason::InternalSdkError => "internal_sdk_error",
            DiscardReason::EventProcessor => "event_processor",
            DiscardReason::BeforeSend => "before_send",
            DiscardReason::SampleRate => "sample_rate",
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
}

/// What `sentry_client` says about us.
pub const CLIENT_NAME: &str = concat!("tattle/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// Creates a client. An absent or empty DSN (or `enabled: false`) gives a quiet client that
    /// sends nothing; a malformed DSN is an error the caller reports once.
    pub fn new(mut options: ClientOptions, float: FloatFormatter) -> Result<Client, DsnError> {
        options.max_breadcrumbs = options.max_breadcrumbs.min(MAX_BREADCRUMBS);
        let dsn = match options.dsn.as_deref().map(str::trim) {
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

    /// Where envelopes go: the DSN's envelope endpoint with its auth query, or the tunnel.
    pub fn endpoint(&self) -> &str {
        &self.url
    }

    /// Counts an item dropped for `reason`, for the next client report.
    pub fn count_discard(&mut self, reason: DiscardReason, category: &'static str) {
        match self
            .discarded
            .iter_mut()
            .find(|(r, c, _)| *r == reason && *c == category)
        {
            Some((_, _, n)) => *n += 1,
            None => self.discarded.push((reason, category, 1)),
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
        self.envelope_for(&event.event_id, &payload, now)
    }

    /// Fills in options and scope, scrubs, records the id, and applies `sample_rate`. `None`
    /// when the event is not to be sent (tattle is off, or it was sampled out and counted).
    pub fn prepare(&mut self, mut event: Event, sample: f64) -> Option<Event> {
        if event.platform.is_empty() {
            event.platform = "javascript";
        }
        let o = &self.options;
        if event.release.is_none() {
            event.release.clone_from(&o.release);
        }
        if event.environment.is_none() {
            event.environment = Some(
                o.environment
                    .clone()
                    .unwrap_or_else(|| "production".to_owned()),
            );
        }
        if event.dist.is_none() {
            event.dist.clone_from(&o.dist);
        }
        self.scopes[self.scopes.len() - 1].apply(&mut event);
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

    /// The event as JSON, or `None` (counted) if it cannot be serialized or is over 1 MiB.
    pub fn payload(&mut self, event: &Event) -> Option<String> {
        match json::to_string(event, self.float) {
            Ok(p) if p.len() <= MAX_EVENT_BYTES => Some(p),
            _ => {
                self.count_discard(DiscardReason::InternalSdkError, "error");
                None
            }
        }
    }

    /// The envelope carrying one event payload (already JSON), ready to POST.
    pub fn envelope_for(
        &mut self,
        event_id: &str,
        payload: &str,
        now: Timestamp,
    ) -> Option<Outgoing> {
        let tunnel_dsn = match (&self.options.tunnel, &self.dsn) {
            (Some(t), Some(d)) if !t.is_empty() => Some(d.as_str()),
            _ => None,
        };
        match Envelope::new(Some(event_id), now, tunnel_dsn, self.float) {
            Ok(mut env) => {
                env.push_item("event", payload);
                Some(Outgoing {
                    url: self.url.clone(),
                    body: env.into_string(),
                    event_id: event_id.to_owned(),
                })
            }
            Err(_) => {
                self.count_discard(DiscardReason::InternalSdkError, "error");
                None
            }
        }
    }
}
