//! Serde data types of the Sentry event protocol, as far as tattle sends them.
//!
//! Only data lives here: no I/O, no clock. Optional fields are skipped when empty so the
//! payload stays small and every field sent is one Relay knows.

#[allow(unused_imports)]
use crate::prelude::*;
pub(crate) mod budget;
mod map;
mod value;
pub(crate) mod write;

pub use map::Map;
pub use value::Value;

use serde::{Serialize, Serializer};

/// Severity of an event or breadcrumb, in Sentry's vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Debug information.
    Debug,
    /// Informational.
    Info,
    /// A warning.
    Warning,
    /// An error (the default for exceptions).
    #[default]
    Error,
    /// A fatal error, such as a panic.
    Fatal,
}

impl Level {
    /// The name Sentry uses (what serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Parses Sentry's level names; `log` is JavaScript's alias of `info`.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "debug" => Level::Debug,
            "info" | "log" => Level::Info,
            "warning" | "warn" => Level::Warning,
            "error" => Level::Error,
            "fatal" | "critical" => Level::Fatal,
            _ => return None,
        })
    }
}

/// A point in time as milliseconds since the Unix epoch; sent as an RFC 3339 string, which
/// Relay accepts everywhere a timestamp goes and which needs no float formatting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-25T06:29:22.123Z`.
    pub fn to_rfc3339(self) -> String {
        let ms = self.0 % 1000;
        let secs = self.0 / 1000;
        let (h, mi, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
        let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
        let mut out = String::with_capacity(24);
        push_padded(&mut out, y as u64, 4);
        out.push('-');
        push_padded(&mut out, mo as u64, 2);
        out.push('-');
        push_padded(&mut out, d as u64, 2);
        out.push('T');
        push_padded(&mut out, h, 2);
        out.push(':');
        push_padded(&mut out, mi, 2);
        out.push(':');
        push_padded(&mut out, s, 2);
        out.push('.');
        push_padded(&mut out, ms, 3);
        out.push('Z');
        out
    }
}

fn push_padded(out: &mut String, v: u64, width: usize) {
    let digits = crate::json::u64_digits(v);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Days since 1970-01-01 to a (year, month, day) civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

/// `{"values": [...]}`, the wrapper Sentry uses for exception and breadcrumb lists.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Values<T> {
    /// The wrapped list.
    pub values: Vec<T>,
}

/// Name and version of the SDK that built the event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SdkInfo {
    /// SDK name.
    pub name: &'static str,
    /// SDK version.
    pub version: &'static str,
}

/// tattle's own SDK info: `tattle.rust` from the Rust API (a Rust wasm app), else
/// `tattle.javascript` (the npm package's wasm, and native builds).
pub const SDK: SdkInfo = SdkInfo {
    name: if cfg!(all(feature = "std", target_arch = "wasm32")) {
        "tattle.rust"
    } else {
        "tattle.javascript"
    },
    version: env!("CARGO_PKG_VERSION"),
};

/// How an exception was caught.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mechanism {
    /// `generic`, `onerror`, `onunhandledrejection`, `panic`, …
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the application handled the error (false for global handlers).
    pub handled: bool,
    /// True when the exception was made from a value that is not an error (its type is a guess).
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub synthetic: bool,
    /// For a linked exception: where it hung on its parent (`cause`, `errors[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Position in the chain (the captured exception is 0), when there is a chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception_id: Option<u32>,
    /// `exception_id` of the exception this one is linked from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<u32>,
    /// True for an AggregateError, whose `errors` are the real failures.
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub is_exception_group: bool,
}

impl Mechanism {
    /// A mechanism of type `ty` with nothing else set.
    pub fn new(ty: &str, handled: bool) -> Mechanism {
        Mechanism {
            ty: ty.to_owned(),
            handled,
            synthetic: false,
            source: None,
            exception_id: None,
            parent_id: None,
            is_exception_group: false,
        }
    }
}

/// One stack frame, in Sentry's schema.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// Function name as the engine printed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// File name (the URL path, or the script name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Full URL or path of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abs_path: Option<String>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lineno: Option<u32>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colno: Option<u32>,
    /// Whether the frame belongs to the application (false for tattle's own and engine frames).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_app: Option<bool>,
    /// For a WebAssembly frame: the byte offset in the module, as hex (`0x1f0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instruction_addr: Option<String>,
    /// How the server reads `instruction_addr`: `rel:N`, an offset in the module that is image
    /// N of `debug_meta` (a `wasm` image). The Rust API's panics only.
    #[cfg(feature = "std")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr_mode: Option<String>,
}

/// A list of frames, oldest call first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stacktrace {
    /// The frames, oldest first (Sentry's order).
    pub frames: Vec<Frame>,
}

/// One exception of an event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exception {
    /// Error type, such as `TypeError`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Error message.
    pub value: String,
    /// How it was caught.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<Mechanism>,
    /// Where it was thrown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stacktrace: Option<Stacktrace>,
}

/// The user affected.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct User {
    /// Application user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// User name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// IP address, or `{{auto}}` to let the server fill it in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Any other fields, sent under `data`.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub data: Map<Value>,
}

/// A breadcrumb: something that happened before the event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Breadcrumb {
    /// When it happened.
    pub timestamp: Timestamp,
    /// `default`, `http`, `navigation`, …
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// Dotted category, such as `ui.click`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Human-readable message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Severity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Structured data.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub data: Map<Value>,
}

/// The HTTP request (for a browser: the page) during which the event happened.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Request {
    /// URL of the page or request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HTTP method of a request a worker handled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Request headers.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub headers: Map<String>,
}

/// The message of a message event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// The message as shown.
    pub formatted: String,
}

/// `debug_meta`: what the server needs to resolve frames it cannot read as they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DebugMeta {
    /// One image per file with a debug id.
    pub images: Vec<DebugImage>,
}

/// A file of the app and the debug id its source map was uploaded with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DebugImage {
    /// `sourcemap`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// The file, exactly as the frames' `abs_path` names it.
    pub code_file: String,
    /// The UUID `sentry-cli sourcemaps inject` gave the file and its map (for a `wasm`
    /// image: from its build id, as @sentry/wasm makes it).
    pub debug_id: String,
    /// A `wasm` image's build id, as hex.
    #[cfg(feature = "std")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_id: Option<String>,
}

/// A Sentry event.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Event {
    /// 32 lowercase hex digits.
    pub event_id: String,
    /// When the event happened.
    pub timestamp: Timestamp,
    /// Platform of the code that raised it, such as `javascript`.
    pub platform: &'static str,
    /// Severity.
    pub level: Level,
    /// Message of a message event. Sent as `logentry` (the spec's place; Bugsink's schema
    /// rejects the legacy top-level `message` string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logentry: Option<LogEntry>,
    /// Exceptions, innermost last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<Values<Exception>>,
    /// Release identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Environment, such as `production`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Distribution of the release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dist: Option<String>,
    /// What the app was doing (a route or view name), from the scope's transaction name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction: Option<String>,
    /// Affected user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// Request or page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    /// Indexed key/value tags.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub tags: Map<String>,
    /// Named context objects.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub contexts: Map<Value>,
    /// Arbitrary extra data.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extra: Map<Value>,
    /// Custom grouping.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fingerprint: Vec<String>,
    /// Breadcrumbs, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breadcrumbs: Option<Values<Breadcrumb>>,
    /// The source maps that resolve the frames, by debug id (see `debug_ids`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debug_meta: Option<DebugMeta>,
    /// The SDK that sent it.
    pub sdk: SdkInfo,
}

impl Default for SdkInfo {
    fn default() -> Self {
        SDK
    }
}
