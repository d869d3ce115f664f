//! The `log` crate (cargo feature `log`), as sentry-log does it: error records become captured
//! events, warn/info/debug records breadcrumbs (trace records nothing; [`TattleLogger::filter`]
//! changes that). [`TattleLogger::with_dest`] keeps the app's own logger: every record still
//! goes to it.
//!
//! ```ignore
//! log::set_boxed_logger(Box::new(tattle::integrations::log::TattleLogger::new())).ok();
//! log::set_max_level(log::LevelFilter::Info);
//! ```

use super::{Report, Sink};
use crate::client::Client;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{Breadcrumb, Level, Map, Timestamp, Value};
use alloc::boxed::Box;
use log::{Log, Metadata, Record};

/// What becomes of a `log` record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFilter {
    /// Nothing.
    Ignore,
    /// A breadcrumb on the current scope.
    Breadcrumb,
    /// A captured event.
    Event,
}

/// The default: error → event, warn/info/debug → breadcrumb, trace → nothing.
pub fn default_filter(metadata: &Metadata<'_>) -> LogFilter {
    match metadata.level() {
        log::Level::Error => LogFilter::Event,
        log::Level::Trace => LogFilter::Ignore,
        _ => LogFilter::Breadcrumb,
    }
}

/// A logger for nothing: what [`TattleLogger::new`] passes records on to.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoopLogger;

impl Log for NoopLogger {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }
    fn log(&self, _: &Record<'_>) {}
    fn flush(&self) {}
}

type FilterFn = Box<dyn Fn(&Metadata<'_>) -> LogFilter + Send + Sync>;

/// The `log::Log` that reports to tattle, then passes each record to `dest`.
pub struct TattleLogger<L = NoopLogger> {
    dest: L,
    filter: FilterFn,
    sink: Sink,
}

impl TattleLogger<NoopLogger> {
    /// A logger that only reports to tattle.
    pub fn new() -> Self {
        Self::with_dest(NoopLogger)
    }
}

impl Default for TattleLogger<NoopLogger> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: Log> TattleLogger<L> {
    /// A logger that reports to tattle and passes every record to `dest` (the app's logger).
    pub fn with_dest(dest: L) -> Self {
        TattleLogger {
            dest,
            filter: Box::new(default_filter),
            sink: super::to_api,
        }
    }

    /// Chooses what each record becomes, by its metadata (level, target).
    pub fn filter(
        mut self,
        filter: impl Fn(&Metadata<'_>) -> LogFilter + Send + Sync + 'static,
    ) -> Self {
        self.filter = Box::new(filter);
        self
    }

    #[cfg(test)]
    fn with_sink(mut self, sink: Sink) -> Self {
        self.sink = sink;
        self
    }
}

fn level_of(level: log::Level) -> Level {
    match level {
        log::Level::Error => Level::Error,
        log::Level::Warn => Level::Warning,
        log::Level::Info => Level::Info,
        _ => Level::Debug,
    }
}

/// What a record becomes, by `filter`'s choice.
fn report_for(record: &Record<'_>, filter: LogFilter) -> Option<Report> {
    let level = level_of(record.level());
    let message = record.args().to_string();
    match filter {
        LogFilter::Ignore => None,
        LogFilter::Breadcrumb => Some(Report::Crumb(Breadcrumb {
            timestamp: Timestamp(0),
            ty: Some("default".to_owned()),
            category: Some(record.target().to_owned()),
            message: Some(message),
            level: Some(level),
            data: Map::new(),
        })),
        LogFilter::Event => {
            let mut event =
                Client::message_event(&message, level, String::new(), Timestamp(0), None);
            event.platform = "native";
            event
                .tags
                .insert("logger".to_owned(), record.target().to_owned());
            let mut at = Vec::new();
            if let Some(m) = record.module_path() {
                at.push(("module_path".to_owned(), Value::from(m)));
            }
            if let Some(f) = record.file() {
                at.push(("file".to_owned(), Value::from(f)));
            }
            if let Some(l) = record.line() {
                at.push(("line".to_owned(), Value::Number(f64::from(l))));
            }
            event
                .contexts
                .insert("Rust Log Location".to_owned(), Value::Object(at));
            Some(Report::Event(event))
        }
    }
}

impl<L: Log> Log for TattleLogger<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        (self.filter)(metadata) != LogFilter::Ignore || self.dest.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if let Some(report) = report_for(record, (self.filter)(record.metadata())) {
            (self.sink)(report);
        }
        if self.dest.enabled(record.metadata()) {
            self.dest.log(record);
        }
    }

    fn flush(&self) {
        self.dest.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::super::recorder;
    use super::*;
    use std::sync::Mutex;

    fn record(logger: &impl Log, level: log::Level, text: &str) {
        logger.log(
            &Record::builder()
                .level(level)
                .target("shop::cart")
                .module_path(Some("shop::cart"))
                .file(Some("src/cart.rs"))
                .line(Some(12))
                .args(format_args!("{text}"))
                .build(),
        );
    }

    #[test]
    fn error_is_an_event_the_rest_breadcrumbs() {
        recorder::take();
        let logger = TattleLogger::new().with_sink(recorder::sink);
        record(&logger, log::Level::Info, "cart loaded");
        record(&logger, log::Level::Trace, "noise");
        record(&logger, log::Level::Error, "payment refused");
        let reports = recorder::take();
        assert_eq!(reports.len(), 2, "{reports:?}");
        let Report::Crumb(c) = &reports[0] else {
            panic!("a breadcrumb")
        };
        assert_eq!(c.message.as_deref(), Some("cart loaded"));
        assert_eq!(c.category.as_deref(), Some("shop::cart"));
        assert_eq!(c.level, Some(Level::Info));
        let Report::Event(e) = &reports[1] else {
            panic!("an event")
        };
        assert_eq!(e.logentry.as_ref().unwrap().formatted, "payment refused");
        assert_eq!(e.level, Level::Error);
        assert_eq!(e.tags.get("logger").map(String::as_str), Some("shop::cart"));
        assert_eq!(
            e.contexts
                .get("Rust Log Location")
                .and_then(|v| v.get("line")),
            Some(&Value::Number(12.0))
        );
    }

    struct Collect(Mutex<Vec<String>>);
    impl Log for Collect {
        fn enabled(&self, m: &Metadata<'_>) -> bool {
            m.level() <= log::Level::Warn
        }
        fn log(&self, r: &Record<'_>) {
            self.0.lock().unwrap().push(r.args().to_string());
        }
        fn flush(&self) {}
    }

    #[test]
    fn with_dest_passes_records_on_and_filter_decides() {
        recorder::take();
        let logger = TattleLogger::with_dest(Collect(Mutex::new(Vec::new())))
            .filter(|_| LogFilter::Ignore)
            .with_sink(recorder::sink);
        record(&logger, log::Level::Error, "to the app's logger");
        record(&logger, log::Level::Info, "below its level");
        assert!(recorder::take().is_empty(), "the filter ignores all");
        assert_eq!(*logger.dest.0.lock().unwrap(), ["to the app's logger"]);
        assert!(logger.enabled(&Metadata::builder().level(log::Level::Error).build()));
        assert!(!logger.enabled(&Metadata::builder().level(log::Level::Info).build()));
    }
}
