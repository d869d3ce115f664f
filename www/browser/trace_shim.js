// Tracing: the part on the critical path.
// Off (no tracesSampleRate, tracesSampler or browserTracingIntegration): none of this runs and
// tracing.js is never fetched. On: init makes the propagation context (`prop`: the trace id, the
// span id the pageload root will have, the pageload's sampling decision and the dsc) and imports
// tracing.js (at once, or at the load event while the page loads: a bundler's chunk loading must
// not hold the load event up). Nothing waits for it: until it is there, errors are linked to the
// trace, requests to the propagation targets (fetch and XHR) carry `sentry-trace` and `baggage`
// from these ids, each with a span id of its own that tracing.js turns into the request's
// http.client span in the pageload (`t.early`), and startSpan & co. give spans that record
// nothing. tracing.js moves `prop` on (a navigation starts a new trace) and makes the request
// spans from then on; the headers are made here either way.
import { newId } from '../shared.js';
import { propagates } from '../trace.js';
import { closed, integrations, loaded, log, options, t } from './client.js';

export let prop;
export let tr; // tracing.js's api, once it is there
const early = []; // requests sent before tracing.js came, while the pageload records: their spans to be (the first 100: tracing.js may never come)

const g = globalThis;
const now = () => (performance.timeOrigin + performance.now()) / 1000;

export function startTracing() {
  prop = { traceId: newId(), spanId: newId().slice(16) };
  const auto = integrations.BrowserTracing;
  const o = auto && auto.options;
  // The pageload's sampling decision, as tracing.js's `sample` makes it (tracing.js takes this
  // one), so that the requests sent before it came carry it; written out here, not imported: this
  // file is on the critical path, and the pageload has no parent decision to inherit.
  if (o && o.instrumentPageLoad !== false && (options.tracesSampleRate !== undefined || typeof options.tracesSampler === 'function')) {
    let r = options.tracesSampler;
    try {
      r = typeof r === 'function'
        ? r({ name: location.pathname, attributes: { 'sentry.op': 'pageload', 'sentry.source': 'url' }, inheritOrSampleWith: (x) => x })
        : options.tracesSampleRate;
    } catch {
      r = 0;
    }
    if (typeof r === 'boolean') r = +r;
    prop.rate = typeof r === 'number' && r >= 0 && r <= 1 ? r : 0;
    prop.sampled = Math.random() < prop.rate;
  }
  // The dsc, as tracing.js's dscOf makes the pageload's (it puts its own in place when it comes).
  let key;
  try {
    key = new URL(options.dsn).username || undefined;
  } catch { /* no key */ }
  const dsc = prop.dsc = {
    trace_id: prop.traceId, public_key: key, release: options.release, environment: options.environment || 'production',
    sample_rate: prop.rate, sampled: prop.sampled,
  };
  for (const k in dsc) if (dsc[k] === undefined) delete dsc[k]; else dsc[k] += '';
  Object.assign(t, { prop, auto: o, early });
  loaded(() => import('../tracing.js')
    .then((m) => { if (!closed) tr = m.start(t); })
    .catch((e) => log('could not load tracing.js; spans are not recorded', e)));
}

/**
 * A request's span and its `sentry-trace` value (undefined: not a propagation target, or without
 * browserTracingIntegration): [span, header]. The span is tracing.js's http.client span, or before
 * it came (and while the pageload records) a record it makes one of.
 */
export function requestSpan(method, url, type) {
  if (!prop || !t.auto) return [];
  let span = tr && tr.http(method, url, type);
  if (!tr && prop.sampled && early.length < 100) early.push(span = { rec: 1, traceId: prop.traceId, spanId: newId().slice(16), sampled: true, method, url, type, t0: now() });
  const a = span || (tr && tr.active()) || prop;
  return [span, propagates(url, options.tracePropagationTargets, g.location && location.href) ? `${a.traceId}-${a.spanId}${a.sampled === undefined ? '' : a.sampled ? '-1' : '-0'}` : undefined];
}
/** An outgoing `baggage`: the app's own entries (a `sentry-` one of theirs replaced) and the trace's, as trace.js's mergeBaggage. */
export function baggage(theirs) {
  const ours = Object.entries(prop.dsc).filter(([, v]) => v).map(([k, v]) => `sentry-${k}=${encodeURIComponent(v)}`).join(',');
  const all = [...(theirs ? theirs.split(',').map((x) => x.trim()).filter((x) => x && !x.startsWith('sentry-')) : []), ours].join(',');
  return all.length > 8192 ? ours : all;
}

// An error's link to the trace (the core's hint.trace / hint.dsc): the active span, else the root.
export function traced(hint) {
  if (!prop) return hint;
  const a = tr && tr.active();
  return { ...hint, trace: { trace_id: a ? a.traceId : prop.traceId, span_id: a ? a.spanId : prop.spanId }, dsc: prop.dsc };
}
// A request's span ends with its response (never throwing inside the app's promise chain); one
// made before tracing.js came keeps its end for it, or ends through it when it has come since.
export const settleSpan = (span, status) => {
  try {
    if (span && span.rec && !span.real) Object.assign(span, { t1: now(), status });
    else if (span) tr.done(span.real || span, status);
  } catch (e) {
    log('could not end a request span', e);
  }
};

// Before tracing.js is there (or without tracing): a span that records nothing. It has ids, the
// propagation context's trace id, so what reads them (a header of the app's own) stays valid.
function noSpan() {
  const span = {
    spanContext: () => ({ traceId: prop ? prop.traceId : newId(), spanId: newId().slice(16), traceFlags: 0 }),
    isRecording: () => false,
  };
  for (const m of ['end', 'setAttribute', 'setAttributes', 'setStatus', 'updateName']) span[m] = () => span;
  return span;
}
/** Runs `callback(span)` in a span that ends when it returns (or its promise settles). */
export function startSpan(ctx, callback) {
  return tr ? tr.startSpan(ctx, callback) : callback(noSpan());
}
/** Runs `callback(span, finish)` in a span that ends when you end it. */
export function startSpanManual(ctx, callback) {
  return tr ? tr.startSpanManual(ctx, callback) : callback(noSpan(), () => {});
}
/** A span that is not made active: end it yourself. */
export const startInactiveSpan = (ctx) => (tr ? tr.startInactiveSpan(ctx) : noSpan());
/** The span children start in now (the pageload or navigation root, or startSpan's), if any. */
export const getActiveSpan = () => (tr ? tr.active() : undefined);
