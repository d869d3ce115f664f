// Tracing: the part on the critical path.
// Off (no tracesSampleRate, tracesSampler or browserTracingIntegration): none of this runs and
// tracing.js is never fetched. On: init makes the propagation context (`prop`: the trace id and
// the span id the pageload root will have) and imports tracing.js at once. Until it is there,
// errors are linked to the trace (its ids), the app's fetches wait for it (to carry the trace
// headers), at most WAIT_MS (then, or when the import failed, they go as they are), XHRs go
// without headers, and startSpan & co. give spans that record nothing. tracing.js moves `prop` on
// (a navigation starts a new trace) and adds the sampling decision and the dsc.
import { newId } from '../shared.js';
import { closed, integrations, log, t } from './client.js';

export let prop;
export let tr; // tracing.js's api, once it is there
export let waiting; // the import of tracing.js while it loads (with browserTracingIntegration)
const WAIT_MS = 500; // the longest an app's fetch waits for it

export function startTracing() {
  prop = { traceId: newId(), spanId: newId().slice(16) };
  const auto = integrations.BrowserTracing;
  Object.assign(t, { prop, auto: auto && auto.options });
  const done = () => { waiting = undefined; };
  const loading = import('../tracing.js')
    .then((m) => { if (!closed) tr = m.start(t); })
    .catch((e) => log('could not load tracing.js; spans are not recorded', e))
    .then(done);
  if (auto) waiting = Promise.race([loading, new Promise((resolve) => setTimeout(resolve, WAIT_MS))]).then(done);
}

// An error's link to the trace (the core's hint.trace / hint.dsc): the active span, else the root.
export function traced(hint) {
  if (!prop) return hint;
  const a = tr && tr.active();
  return { ...hint, trace: { trace_id: a ? a.traceId : prop.traceId, span_id: a ? a.spanId : prop.spanId }, dsc: prop.dsc };
}
// A request's span ends with its response (never throwing inside the app's promise chain).
export const settleSpan = (span, status) => {
  try {
    if (span) tr.done(span, status);
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
