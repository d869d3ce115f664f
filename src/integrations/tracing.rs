//! The `tracing` crate (cargo feature `tracing-subscriber`), as sentry-tracing does it: add
//! [`layer()`] to a `tracing_subscriber::registry()`.
//!
//! - ERROR events become captured events: the message as the event's message, the other
//!   fields in the `Rust Tracing Fields` context, the target as the `logger` tag, and a field
//!   recorded as a `std::error::Error` (`error = &e as &dyn Error`) as the exception, with its
//!   `source()` chain;
//! - WARN, INFO and DEBUG events become breadcrumbs (category: the target; data: the fields);
//!   TRACE events are ignored; [`TattleLayer::event_filter`] changes that;
//! - spans (INFO and above; [`TattleLayer::span_filter`]) become child spans of the
//!   transaction bound with [`crate::Transaction::bind`], when tracing is on and it is
//!   sampled: the span's name as the op, its fields as data.
//!
//! Nothing here reads the clock (`SystemTime::now()` panics on `wasm32-unknown-unknown`): an
//! event's time is taken by the Rust API when it is captured (JavaScript's `Date.now()`).
//!
//! ```ignore
//! use tracing_subscriber::prelude::*;
//! tracing_subscriber::registry()
//!     .with(tattle::integrations::tracing::layer())
//!     .init();
//! ```

use super::{Report, Sink};
use crate::client::Client;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Breadcrumb, Level, Map, Mechanism, Timestamp, Value};
use crate::rust_error::error_event;
use alloc::boxed::Box;
use core::marker::PhantomData;
use tracing_core::field::{Field, Visit};
use tracing_core::{span, Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// What becomes of a `tracing` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventFilter {
    /// Nothing.
    Ignore,
    /// A breadcrumb on the current scope.
    Breadcrumb,
    /// A captured event.
    Event,
}

/// The default: ERROR → event, WARN/INFO/DEBUG → breadcrumb, TRACE → nothing.
pub fn default_event_filter(metadata: &Metadata<'_>) -> EventFilter {
    match *metadata.level() {
        tracing_core::Level::ERROR => EventFilter::Event,
        tracing_core::Level::TRACE => EventFilter::Ignore,
        _ => EventFilter::Breadcrumb,
    }
}

/// The default: spans at INFO and above.
pub fn default_span_filter(metadata: &Metadata<'_>) -> bool {
    *metadata.level() <= tracing_core::Level::INFO
}

type EventFilterFn = Box<dyn Fn(&Metadata<'_>) -> EventFilter + Send + Sync>;
type SpanFilterFn = Box<dyn Fn(&Metadata<'_>) -> bool + Send + Sync>;

/// The `tracing_subscriber::Layer` that reports to tattle (see the module docs).
pub struct TattleLayer<S> {
    event_filter: EventFilterFn,
    span_filter: SpanFilterFn,
    sink: Sink,
    spans: SpanSink,
    _subscriber: PhantomData<fn(S)>,
}

/// A span started: its id, its parent's id, its name, its fields.
type SpanStart = fn(u64, Option<u64>, &str, Vec<(String, Value)>);

/// Where spans go: started and finished (by id).
#[derive(Clone, Copy)]
struct SpanSink {
    start: SpanStart,
    finish: fn(u64),
}

const TO_API: SpanSink = SpanSink {
    start: spans::start,
    finish: spans::finish,
};

/// The layer, with the default filters.
pub fn layer<S>() -> TattleLayer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    TattleLayer {
        event_filter: Box::new(default_event_filter),
        span_filter: Box::new(default_span_filter),
        sink: super::to_api,
        spans: TO_API,
        _subscriber: PhantomData,
    }
}

impl<S> TattleLayer<S> {
    /// Chooses what each event becomes, by its metadata (level, target, …).
    pub fn event_filter(
        mut self,
        filter: impl Fn(&Metadata<'_>) -> EventFilter + Send + Sync + 'static,
    ) -> Self {
        self.event_filter = Box::new(filter);
        self
    }

    /// Chooses which spans become spans of the bound transaction.
    pub fn span_filter(
        mut self,
        filter: impl Fn(&Metadata<'_>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.span_filter = Box::new(filter);
        self
    }

    #[cfg(test)]
    fn with_sink(mut self, sink: Sink) -> Self {
        self.sink = sink;
        self
    }

    #[cfg(test)]
    fn with_span_sink(mut self, spans: SpanSink) -> Self {
        self.spans = spans;
        self
    }
}

/// Sentry's level for a `tracing` level.
fn level_of(level: &tracing_core::Level) -> Level {
    match *level {
        tracing_core::Level::ERROR => Level::Error,
        tracing_core::Level::WARN => Level::Warning,
        tracing_core::Level::INFO => Level::Info,
        _ => Level::Debug,
    }
}

/// An event's (or a span's) fields: `message` apart, an error field as an event.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    data: Vec<(String, Value)>,
    error: Option<crate::protocol::Event>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            if let Value::String(s) = value {
                self.message = Some(s);
                return;
            }
        }
        self.data.push((field.name().to_owned(), value));
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn core::fmt::Debug) {
        self.put(field, Value::String(alloc::format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::Number(value as f64));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::Number(value as f64));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::Number(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if self.error.is_none() {
            self.error = Some(error_event(value, Mechanism::new("tracing", true)));
        }
        self.put(field, Value::String(value.to_string()));
    }
}

/// Where the event was written: module, file and line, as a context.
fn location(metadata: &Metadata<'_>) -> Value {
    let mut v = Vec::new();
    if let Some(m) = metadata.module_path() {
        v.push(("module_path".to_owned(), Value::from(m)));
    }
    if let Some(f) = metadata.file() {
        v.push(("file".to_owned(), Value::from(f)));
    }
    if let Some(l) = metadata.line() {
        v.push(("line".to_owned(), Value::Number(f64::from(l))));
    }
    Value::Object(v)
}

/// What a `tracing` event becomes, by `filter`'s choice.
fn report_for(event: &Event<'_>, filter: EventFilter) -> Option<Report> {
    let metadata = event.metadata();
    let mut fields = Fields::default();
    event.record(&mut fields);
    let level = level_of(metadata.level());
    match filter {
        EventFilter::Ignore => None,
        EventFilter::Breadcrumb => {
            let mut data = Map::new();
            for (k, v) in fields.data {
                data.insert(k, v);
            }
            Some(Report::Crumb(Breadcrumb {
                timestamp: Timestamp(0),
                ty: Some("default".to_owned()),
                category: Some(metadata.target().to_owned()),
                message: fields.message,
                level: Some(level),
                data,
            }))
        }
        EventFilter::Event => {
            let message = fields.message.take();
            let mut out = match fields.error.take() {
                Some(mut with_error) => {
                    if let Some(m) = &message {
                        with_error.logentry =
                            Client::message_event(m, level, String::new(), Timestamp(0), None)
                                .logentry;
                    }
                    with_error
                }
                None => Client::message_event(
                    message.as_deref().unwrap_or(metadata.name()),
                    level,
                    String::new(),
                    Timestamp(0),
                    None,
                ),
            };
            out.level = level;
            out.platform = "native";
            out.tags
                .insert("logger".to_owned(), metadata.target().to_owned());
            if !fields.data.is_empty() {
                out.contexts
                    .insert("Rust Tracing Fields".to_owned(), Value::Object(fields.data));
            }
            out.contexts
                .insert("Rust Tracing Location".to_owned(), location(metadata));
            Some(Report::Event(out))
        }
    }
}

impl<S> Layer<S> for TattleLayer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let filter = (self.event_filter)(event.metadata());
        if let Some(report) = report_for(event, filter) {
            (self.sink)(report);
        }
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if !(self.span_filter)(attrs.metadata()) {
            return;
        }
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let parent = ctx
            .span_scope(id)
            .and_then(|mut scope| scope.nth(1))
            .map(|p| p.id().into_u64());
        (self.spans.start)(id.into_u64(), parent, attrs.metadata().name(), fields.data);
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        // Only the spans the filter let in were started.
        if ctx.metadata(&id).is_some_and(|md| (self.span_filter)(md)) {
            (self.spans.finish)(id.into_u64());
        }
    }
}

/// `tracing` spans as spans of the bound transaction (wasm's Rust API only).
mod spans {
    #[allow(unused_imports)]
    use crate::prelude::*;
    use crate::protocol::Value;

    #[cfg(target_arch = "wasm32")]
    pub(super) fn start(id: u64, parent: Option<u64>, name: &str, data: Vec<(String, Value)>) {
        crate::api::start_bound_span(id, parent, name, data);
    }

    #[cfg(target_arch = "wasm32")]
    pub(super) fn finish(id: u64) {
        crate::api::finish_bound_span(id);
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn start(_: u64, _: Option<u64>, _: &str, _: Vec<(String, Value)>) {}

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn finish(_: u64) {}
}

#[cfg(test)]
mod tests {
    use super::super::recorder;
    use super::*;
    use tracing_subscriber::prelude::*;

    fn run(layer: TattleLayer<tracing_subscriber::Registry>, f: impl FnOnce()) -> Vec<Report> {
        recorder::take();
        let subscriber = tracing_subscriber::registry().with(layer.with_sink(recorder::sink));
        tracing_core::dispatcher::with_default(&tracing_core::Dispatch::new(subscriber), f);
        recorder::take()
    }

    #[derive(Debug)]
    struct Upstream;
    impl core::fmt::Display for Upstream {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("upstream timed out")
        }
    }
    impl std::error::Error for Upstream {}

    #[test]
    fn an_error_event_with_fields_and_a_message() {
        let reports = run(layer(), || {
            tracing::error!(user_id = 42, cart = "c-9", paid = false, "checkout failed");
        });
        let [Report::Event(e)] = reports.as_slice() else {
            panic!("one event: {reports:?}")
        };
        assert_eq!(e.level, Level::Error);
        assert_eq!(e.logentry.as_ref().unwrap().formatted, "checkout failed");
        assert_eq!(
            e.tags.get("logger").map(String::as_str),
            Some(module_path!())
        );
        assert_eq!(
            e.contexts.get("Rust Tracing Fields"),
            Some(&Value::Object(vec![
                ("user_id".into(), Value::Number(42.0)),
                ("cart".into(), Value::from("c-9")),
                ("paid".into(), Value::Bool(false)),
            ]))
        );
        assert!(e.exception.is_none());
    }

    #[test]
    fn an_error_field_is_the_exception() {
        let reports = run(layer(), || {
            let err = Upstream;
            tracing::error!(error = &err as &dyn std::error::Error, "sync failed");
        });
        let [Report::Event(e)] = reports.as_slice() else {
            panic!("one event: {reports:?}")
        };
        let ex = &e.exception.as_ref().unwrap().values[0];
        assert_eq!(
            (ex.ty.as_str(), ex.value.as_str()),
            ("Upstream", "upstream timed out")
        );
        assert_eq!(ex.mechanism.as_ref().unwrap().ty, "tracing");
        assert_eq!(e.logentry.as_ref().unwrap().formatted, "sync failed");
    }

    #[test]
    fn lower_levels_are_breadcrumbs_and_trace_is_ignored() {
        let reports = run(layer(), || {
            tracing::warn!("low disk");
            tracing::info!(items = 3, "cart loaded");
            tracing::debug!("cache hit");
            tracing::trace!("noise");
        });
        let crumbs: Vec<_> = reports
            .iter()
            .map(|r| match r {
                Report::Crumb(c) => (c.level, c.message.clone().unwrap_or_default()),
                Report::Event(_) => panic!("no event"),
            })
            .collect();
        assert_eq!(
            crumbs,
            [
                (Some(Level::Warning), "low disk".to_owned()),
                (Some(Level::Info), "cart loaded".to_owned()),
                (Some(Level::Debug), "cache hit".to_owned()),
            ]
        );
        let Report::Crumb(c) = &reports[1] else {
            unreachable!()
        };
        assert_eq!(c.data.get("items"), Some(&Value::Number(3.0)));
        assert_eq!(c.category.as_deref(), Some(module_path!()));
    }

    #[test]
    fn the_event_filter_decides() {
        let l = layer().event_filter(|md| match *md.level() {
            tracing_core::Level::WARN => EventFilter::Event,
            _ => EventFilter::Ignore,
        });
        let reports = run(l, || {
            tracing::error!("ignored now");
            tracing::warn!("an event now");
        });
        let [Report::Event(e)] = reports.as_slice() else {
            panic!("one event: {reports:?}")
        };
        assert_eq!(e.level, Level::Warning);
    }

    std::thread_local! {
        static SPANS: core::cell::RefCell<Vec<String>> = const { core::cell::RefCell::new(Vec::new()) };
    }

    fn start(id: u64, parent: Option<u64>, name: &str, data: Vec<(String, Value)>) {
        let data: Vec<String> = data
            .iter()
            .map(|(k, v)| std::format!("{k}={v:?}"))
            .collect();
        SPANS.with(|s| {
            s.borrow_mut()
                .push(std::format!("start {id} {parent:?} {name} {data:?}"))
        });
    }

    fn finish(id: u64) {
        SPANS.with(|s| s.borrow_mut().push(std::format!("finish {id}")));
    }

    #[test]
    fn spans_start_below_their_parent_and_finish_when_closed() {
        SPANS.with(|s| s.borrow_mut().clear());
        let l = layer().with_span_sink(SpanSink { start, finish });
        run(l, || {
            let outer = tracing::info_span!("checkout", cart = 3);
            let _o = outer.enter();
            {
                let inner = tracing::info_span!("validate");
                let _i = inner.enter();
                tracing::debug_span!("ignored by the default filter").in_scope(|| {});
            }
        });
        let log = SPANS.with(|s| s.borrow().clone());
        assert_eq!(log.len(), 4, "{log:?}");
        let id = |line: &str| line.split(' ').nth(1).unwrap().to_owned();
        let (outer, inner) = (id(&log[0]), id(&log[1]));
        assert_eq!(
            log[0],
            std::format!("start {outer} None checkout [\"cart=Number(3.0)\"]")
        );
        assert_eq!(
            log[1],
            std::format!("start {inner} Some({outer}) validate []")
        );
        assert_eq!(log[2], std::format!("finish {inner}"));
        assert_eq!(log[3], std::format!("finish {outer}"));
    }
}
