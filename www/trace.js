// Tracing's plain parts, shared by the browser's tracing chunk (tracing.js) and the edge entry
// (edge.js): ids, the `sentry-trace` and `baggage` headers, which requests carry them, the
// sampling decision, spans with Sentry's Span API, and the transaction event they become.
// No side effects at import and nothing of the wasm core: the core scrubs and sends what
// `transactionEvent` builds (its `transaction` export).

const hex = (bytes) => {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
};
/** A span id: 16 lowercase hex digits. */
export const spanId = () => hex(8);
/** A trace id: 32 lowercase hex digits. */
export const traceId = () => hex(16);

/** Seconds since the epoch, as a float (a span's times). */
export const nowSeconds = () => (typeof performance !== 'undefined' && performance.timeOrigin
  ? (performance.timeOrigin + performance.now()) / 1000 : Date.now() / 1000);

/** The `sentry-trace` header: `{trace}-{span}`, then `-1` / `-0` when the trace was sampled or not. */
export const sentryTrace = (trace, span, sampled) =>
  `${trace}-${span}${sampled === undefined ? '' : sampled ? '-1' : '-0'}`;

const TRACE_RE = /^[ \t]*([0-9a-f]{32})-([0-9a-f]{16})(?:-([01]))?[ \t]*$/;
/** An incoming `sentry-trace`: `{ traceId, parentSpanId, sampled }`, or undefined when malformed. */
export function parseSentryTrace(header) {
  const m = typeof header === 'string' && TRACE_RE.exec(header);
  if (!m) return undefined;
  return { traceId: m[1], parentSpanId: m[2], sampled: m[3] === undefined ? undefined : m[3] === '1' };
}

// What a dsc may say (Relay reads these; anything else of ours stays out of the header).
const DSC_KEYS = ['trace_id', 'public_key', 'release', 'environment', 'sample_rate', 'sampled', 'transaction', 'sample_rand'];
const MAX_BAGGAGE = 8192; // the W3C limit on the whole header

/** The `sentry-` entries of a `baggage` header for `dsc` (values URI-encoded). */
export function baggageOf(dsc) {
  const out = [];
  for (const k of DSC_KEYS) {
    const v = dsc && dsc[k];
    if (v !== undefined && v !== null && v !== '') out.push(`sentry-${k}=${encodeURIComponent(String(v))}`);
  }
  return out.join(',');
}

/** The `sentry-` entries of an incoming `baggage` header as a dsc (keys without the prefix), or undefined. */
export function parseBaggage(header) {
  if (typeof header !== 'string') return undefined;
  let dsc;
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq < 0 || !key.startsWith('sentry-')) continue;
    try {
      (dsc = dsc || {})[key.slice(7)] = decodeURIComponent(part.slice(eq + 1).split(';')[0].trim());
    } catch { /* a malformed escape: that entry is not ours to read */ }
  }
  return dsc;
}

/** An outgoing `baggage`: the app's own entries kept (a `sentry-` one of theirs is replaced by ours). */
export function mergeBaggage(existing, dsc) {
  const ours = baggageOf(dsc);
  const theirs = typeof existing === 'string'
    ? existing.split(',').map((s) => s.trim()).filter((s) => s && !s.startsWith('sentry-')) : [];
  const all = [...theirs, ours].filter(Boolean).join(',');
  return all.length > MAX_BAGGAGE ? ours : all;
}

/**
 * Whether a request to `url` carries the trace headers. `targets`: strings (found anywhere in the
 * URL) and RegExps, as @sentry/browser's `tracePropagationTargets`; undefined means the page's own
 * origin (`origin`; relative URLs are the page's).
 */
export function propagates(url, targets, origin) {
  const text = typeof url === 'string' ? url : String((url && url.url) || url);
  if (Array.isArray(targets)) {
    return targets.some((t) => (t instanceof RegExp ? (t.lastIndex = 0, t.test(text)) : typeof t === 'string' && t !== '' && text.includes(t)));
  }
  if (!origin) return false;
  try {
    return new URL(text, origin).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

/**
 * The sampling decision for a new root span: `tracesSampler(ctx)` (a number in [0, 1] or a boolean)
 * when there is one, else the parent's decision when there is one, else `tracesSampleRate`.
 * `{ sampled, rate }`; anything invalid samples out.
 */
export function sample(options, ctx = {}) {
  let rate;
  if (typeof options.tracesSampler === 'function') {
    try {
      rate = options.tracesSampler({ ...ctx, inheritOrSampleWith: (r) => (ctx.parentSampled !== undefined ? Number(ctx.parentSampled) : r) });
    } catch {
      rate = 0;
    }
  } else if (ctx.parentSampled !== undefined) {
    rate = ctx.parentSampled;
  } else {
    rate = options.tracesSampleRate;
  }
  const r = typeof rate === 'boolean' ? Number(rate) : rate;
  if (typeof r !== 'number' || !(r >= 0 && r <= 1)) return { sampled: false, rate: 0 };
  const rand = typeof ctx.sampleRand === 'number' ? ctx.sampleRand : Math.random();
  return { sampled: rand < r, rate: r };
}

// Span status from setStatus({ code, message }): 1 ok, 2 error with Sentry's status name as message.
const statusText = (s) => (!s || !s.code ? undefined : s.code === 1 ? 'ok' : (s.message && /^[a-z_]+$/.test(s.message) ? s.message : 'unknown_error'));

/** The span status Sentry gives an HTTP status code. */
export function httpStatus(code) {
  if (code < 400) return 'ok';
  const named = { 401: 'unauthenticated', 403: 'permission_denied', 404: 'not_found', 409: 'already_exists', 413: 'failed_precondition', 429: 'resource_exhausted', 499: 'cancelled', 501: 'unimplemented', 503: 'unavailable', 504: 'deadline_exceeded' }[code];
  return named || (code < 500 ? 'invalid_argument' : 'internal_error');
}

/**
 * A span with Sentry's Span API (v8+). `sampled` false makes a non-recording span (it still has
 * ids, for the headers). `onEnd(span)` runs once, when it ends.
 */
export function createSpan({ name, op, attributes, traceId: trace, parentSpanId, sampled, startTime, onEnd, origin }) {
  const data = {};
  const span = {
    name: name === undefined ? '' : String(name),
    op,
    origin: origin || 'manual',
    traceId: trace || traceId(),
    spanId: spanId(),
    parentSpanId,
    sampled,
    t0: startTime === undefined ? nowSeconds() : toSeconds(startTime),
    t1: undefined,
    status: undefined,
    data,
    spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: sampled ? 1 : 0 }),
    setAttribute(k, v) {
      if (k === 'sentry.op') span.op = v;
      else if (k === 'sentry.origin') span.origin = v;
      else if (v === undefined) delete data[k];
      else data[k] = v;
      return span;
    },
    setAttributes(o) {
      if (o && typeof o === 'object') for (const k of Object.keys(o)) span.setAttribute(k, o[k]);
      return span;
    },
    setStatus(s) { span.status = statusText(s); return span; },
    updateName(n) { span.name = String(n); return span; },
    isRecording: () => !!sampled && span.t1 === undefined,
    end(endTime) {
      if (span.t1 !== undefined) return;
      span.t1 = Math.max(span.t0, endTime === undefined ? nowSeconds() : toSeconds(endTime));
      if (onEnd) onEnd(span);
    },
  };
  span.setAttributes(attributes);
  return span;
}

// Sentry's span times: seconds, or milliseconds (a Date or a number past 9999999999), or [s, ns].
function toSeconds(t) {
  if (t instanceof Date) return t.getTime() / 1000;
  if (Array.isArray(t)) return t[0] + t[1] / 1e9;
  const n = Number(t);
  return n > 9999999999 ? n / 1000 : n;
}

const cleanData = (data) => (Object.keys(data).length ? data : undefined);

// Members left undefined are left out (the core would read them as null).
const compact = (o) => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

/** A child span as the transaction's `spans` entry. */
export const spanJson = (s) => compact({
  trace_id: s.traceId,
  span_id: s.spanId,
  parent_span_id: s.parentSpanId,
  op: s.op,
  description: s.name || undefined,
  start_timestamp: s.t0,
  timestamp: s.t1 === undefined ? s.t0 : s.t1,
  status: s.status,
  origin: s.origin,
  data: cleanData(s.data),
});

/**
 * The transaction event for a root span and its ended children (the core fills release, scope,
 * sdk, and scrubs). `extra`: `{ source, measurements, request, tags }`.
 */
export function transactionEvent(root, children, extra = {}) {
  return compact({
    type: 'transaction',
    transaction: root.name,
    transaction_info: { source: extra.source || root.data['sentry.source'] || 'custom' },
    start_timestamp: root.t0,
    timestamp: root.t1,
    contexts: {
      trace: compact({
        trace_id: root.traceId,
        span_id: root.spanId,
        parent_span_id: root.parentSpanId,
        op: root.op,
        status: root.status || 'ok',
        origin: root.origin,
        data: cleanData(root.data),
      }),
    },
    spans: children.filter((s) => s.t1 !== undefined).map(spanJson),
    measurements: extra.measurements,
    request: extra.request,
    tags: extra.tags,
  });
}

/** The dynamic sampling context: what the `baggage` header and the envelope's `trace` header say. */
export function dscOf({ trace, publicKey, release, environment, rate, sampled, transaction }) {
  const dsc = { trace_id: trace, public_key: publicKey, release, environment };
  if (rate !== undefined) dsc.sample_rate = String(rate);
  if (sampled !== undefined) dsc.sampled = String(!!sampled);
  if (transaction) dsc.transaction = transaction;
  for (const k of Object.keys(dsc)) if (dsc[k] === undefined) delete dsc[k];
  return dsc;
}

/** The DSN's public key (the user part of its URL), or undefined. */
export function publicKeyOf(dsn) {
  try {
    return new URL(dsn).username || undefined;
  } catch {
    return undefined;
  }
}
