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
import { dscOf, mergeBaggage, propagates, publicKeyOf, sample, sentryTrace } from '../trace.js';
import { closed, integrations, loaded, log, options, t } from './client.js';

export let prop;
export let tr; // tracing.js's api, once it is there
const early = []; // requests sent before tracing.js came, while the pageload records: their spans to be

const g = globalThis;
const now = () => (performance.timeOrigin + performance.now()) / 1000;

export function startTracing() {
  prop = { traceId: newId(), spanId: newId().slice(16) };
  const auto = integrations.BrowserTracing;
  const o = auto && auto.options;
  // The pageload's sampling decision, as tracing.js would make it (it takes this one), so that the
  // requests sent before it came carry it.
  if (o && o.instrumentPageLoad !== false && (options.tracesSampleRate !== undefined || typeof options.tracesSampler === 'function')) {
    Object.assign(prop, sample(options, { name: location.pathname, attributes: { 'sentry.op': 'pageload', 'sentry.source': 'url' } }));
  }
  prop.dsc = dscOf({
    trace: prop.traceId, publicKey: publicKeyOf(options.dsn), release: options.release,
    environment: options.environment || 'production', rate: prop.rate, sampled: prop.sampled,
  });
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
  if (!tr && prop.sampled) early.push(span = { rec: 1, traceId: prop.traceId, spanId: newId().slice(16), sampled: true, method, url, type, t0: now() });
  const a = span || (tr && tr.active()) || prop;
  return [span, propagates(url, options.tracePropagationTargets, g.location && location.href) ? sentryTrace(a.traceId, a.spanId, a.sampled) : undefined];
}
/** An outgoing `baggage`: the app's own entries and the trace's. */
export const baggage = (theirs) => mergeBaggage(theirs, prop.dsc);

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
