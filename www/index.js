// tattle's browser entry, the part on the page's critical path (dist/index.js). A thin
// synchronous shim over the wasm core:
// - the API is usable at once: calls made before the core is ready are queued in order and
//   replayed, and captures get their event id immediately;
// - global `error` / `unhandledrejection` handlers and the breadcrumb wrappers are installed
//   synchronously by init() (what happens before the first error is what its breadcrumbs tell);
// - the rest (lazy.js: the wasm glue, the delivery, the offline store, minimal mode) and the .wasm
//   load at idle or at the first capture, whichever comes first: a page that never errors pays
//   only this file until it is idle, and the first error starts both downloads at once;
// - captures held when the page goes before the core is ready are kept in localStorage
//   (keepEarly) and sent by the next page;
// - with tracing on (tracesSampleRate, tracesSampler or browserTracingIntegration), tracing.js comes
//   at init (see "tracing: the part on the critical path" below); without, nothing of it runs;
// - it never throws into the page: any failure inside tattle is caught (and logged with debug).
import { createGuard } from './guard.js';
import {
  applyContext, beforeSendOf, captureKey, eventContext, eventHint, guarded, hintOf, integrationsOf, newId, safeText,
  withSynthetic,
} from './shared.js';

export {
  breadcrumbsIntegration, browserSessionIntegration, browserTracingIntegration, consoleIntegration, dedupeIntegration,
  globalHandlersIntegration,
} from './shared.js';

let state = 0; // 0 idle, 1 until the core is ready (or failed), 2 ready, 3 failed or closed
let on = false; // init took a DSN: captures are kept for delivery
let closed = false;
let options = {};
let queue = [];
let loading = null;
let lastId;
let admit; // the storm guard, when on
let impl; // the rest (lazy.js), once its core is ready or failed
let idle; // cancels the scheduled load
const counts = {}; // drops counted before the rest is there: "reason category" → n
const MAX_EARLY = 100; // captures held while the core loads; beyond, dropped and counted
const MAX_QUEUED = 1000; // all calls held meanwhile (scope setters, breadcrumbs); beyond, dropped
const IDLE_MS = 3000; // the latest the rest loads without a capture: requestIdleCallback's timeout
const NO_IDLE_MS = 1000; // where there is no requestIdleCallback (Safari): a plain timer
let early = 0;

function log(...args) {
  if (options.debug) console.warn('tattle:', ...args);
}


// The scopes as JavaScript sees them (the core holds the same): what getUser() reads and what a
// fresh instance gets after a trap. frames[0] is the page's scope (Sentry's isolation scope and
// its global scope: a page has one of each); each withScope (and each capture with a
// captureContext) pushes a copy of the current one.
const newFrame = (f = {}) => ({ ...f, tags: { ...f.tags }, contexts: { ...f.contexts }, extras: { ...f.extras } });
const frames = [newFrame()];
// What was set on the page's scope inside withScope: the child scope has it at once, the core's
// root gets it when the outermost withScope ends.
const pending = [];

// What the rest (lazy.js) and tracing.js share with this file: see the top of each.
const t = {
  log, frames, pending, counts,
  queue: () => queue.splice(0),
  left: () => left,
  setHandlers: (v) => setHandlers(v),
  settle: (s, rest) => { impl = rest; state = closed ? 3 : s; },
  // A transaction (tracing.js) to the core's `transaction` export, as a capture goes.
  send: (event, dsc) => { run('transaction', [event, dsc]); load(); },
  drop: (reason, category) => count(reason, category),
};

// Calls the core, or queues the call until the core is ready.
function call(name, args) {
  if (state === 1) {
    // A page that logs in a loop while the .wasm loads must not grow this without bound; the
    // captures have their own limit (MAX_EARLY) below this one.
    if (queue.length < MAX_QUEUED || name.startsWith('capture')) queue.push([name, args]);
    else if (queue.length === MAX_QUEUED) log('over 1,000 calls before the .wasm was ready: later scope changes and breadcrumbs dropped');
  }
  else if (impl) return impl.call(name, args);
  return undefined;
}

// The fetch tattle sends with: the one there at init, before tattle wraps it for breadcrumbs.
let rawFetch;

function capture(name, value, rest, hint) {
  const id = (hint && hint.event_id) || newId();
  lastId = id;
  if (!on) return id;
  const dropped = impl && impl.busy() ? 'internal_sdk_error' : admit && admit(captureKey(name, value, rest, hint));
  if (dropped) {
    count(dropped);
  } else if (state === 1 && ++early > MAX_EARLY) {
    count('queue_overflow');
  } else {
    run(name, [value, ...rest, withSynthetic(sendHook, name, value, traced({ ...hint, event_id: id }))]);
  }
  load(); // the first capture brings the rest now, if idle has not yet
  return id;
}
const count = (reason, category = 'error') => {
  if (impl) return impl.count(reason, category);
  const key = `${reason} ${category}`;
  counts[key] = (counts[key] || 0) + 1;
};

// The user's beforeSend (and scrubbing patterns), run on each event in JavaScript (by lazy.js).
let sendHook;

// A capture (or a scope change) to the core, through lazy.js; queued until it is there.
function run(name, args) {
  if (impl) impl.run(name, args);
  else call(name, args);
}

/**
 * Loads the rest and the .wasm (both downloads at once), once: at idle, at the first capture, or
 * at flush(). Resolves when the core is ready or failed.
 */
function load() {
  if (loading || state !== 1) return loading;
  if (idle) idle();
  // Tracing on at init (`prop`, see startTracing), or a transaction an earlier page kept
  // (keepEarly) that this one must build: the core's tracing build (lazy_tr.js,
  // tattle_core_tr_bg.wasm: the `transaction` export), else the base one, ~2.7 KB gz smaller.
  // Both spelled out in full, so that bundlers see and emit both.
  const traced = prop || keptTransaction();
  // eslint-disable-next-line no-undef
  const wasmUrl = TATTLE_WASM ? undefined : options.wasmUrl
    || (traced ? new URL('./tattle_core_tr_bg.wasm', import.meta.url) : new URL('./tattle_core_bg.wasm', import.meta.url));
  let wasm;
  try {
    // Fetched with the unwrapped fetch: tattle's own download is not the app's breadcrumb.
    // tattle/inline fetches nothing: its build defines TATTLE_WASM (scripts/build.mjs).
    // eslint-disable-next-line no-undef
    wasm = TATTLE_WASM ? inlineWasm(TATTLE_WASM) : rawFetch(wasmUrl);
  } catch (e) {
    wasm = Promise.reject(e);
  }
  // Compiled while lazy.js downloads (compiling needs no imports): the first error waits for the
  // longer of the two, not for both in a row. A response that is not application/wasm goes to
  // the glue as it is (it compiles from bytes instead); an HTTP error, too (it says which).
  const compiled = wasm.then((r) => (r.ok && WebAssembly.compileStreaming && /^application\/wasm/.test(r.headers.get('Content-Type'))
    ? WebAssembly.compileStreaming(r) : r));
  // lazy.js reports a failure; never the page's unhandledrejection.
  wasm.catch(() => {});
  compiled.catch(() => {});
  loading = (traced ? import('./lazy_tr.js') : import('./lazy.js'))
    .then((rest) => rest.start(t, wasm, wasmUrl, compiled))
    .catch((e) => {
      // lazy.js itself did not load (a file the server or the bundler lost): calls stay held as
      // before (bounded), pagehide keeps the captures in localStorage for the next page, and
      // flush() says false.
      if (state !== 1) return log('internal error while loading', e);
      console.error(`tattle: could not load or start lazy.js (${safeText(e && e.message)}): nothing is sent from this page; its captures are kept for the next one.`);
    });
  return loading;
}

// Captures made while the .wasm loads are calls in `queue`. If the page goes before it is ready,
// they are kept raw in localStorage (synchronous: pagehide does not wait for IndexedDB) and
// built on the next load (lazy.js, replayEarly), inside a scope of their own.
const EARLY_KEY = 'tattle:early';
// Whether an earlier page kept a transaction (only the tracing build can make its envelope).
const keptTransaction = () => {
  try {
    return /\["transaction",/.test(localStorage.getItem(EARLY_KEY));
  } catch { /* no storage: nothing kept */ }
};
const plain = (v) => (v instanceof Error ? { $error: { name: v.name, message: v.message, stack: v.stack } } : v);
let left = false; // pagehide came while the .wasm loaded
function keepEarly() {
  if (state !== 1) return;
  left = true;
  if (!queue.length || !captured(queue)) return;
  let calls = queue.map(([name, args]) => [name, args.map(plain)]);
  queue = [];
  // An earlier page that also left before its .wasm was ready: its calls stay, in a scope of
  // their own (the `$page` mark), and the newest MAX_KEPT calls of all are kept.
  let kept;
  try {
    kept = JSON.parse(localStorage.getItem(EARLY_KEY));
  } catch { /* unreadable: replaced */ }
  if (Array.isArray(kept) && kept.length) calls = [...kept, ['$page', []], ...calls].slice(-MAX_KEPT);
  let text;
  try {
    text = JSON.stringify(calls);
  } catch {
    // An argument JSON cannot hold (a cycle, a BigInt): keep each call that can be.
    text = `[${calls.map((c) => { try { return JSON.stringify(c); } catch { return ''; } }).filter(Boolean).join(',')}]`;
  }
  localStorage.setItem(EARLY_KEY, text);
}
const MAX_KEPT = 3000;
// (A transaction that ended as the page went, tracing.js's, is kept as a capture is.)
const captured = (calls) => calls.some(([name]) => name.startsWith('capture') || name === 'transaction');
// The page's own listener, from init (the delivery's comes later, with lazy.js): a listener that
// threw would land in the page's `error` handler.
const onPageHide = () => {
  try {
    if (tr) tr.hide(); // the pageload or navigation ends: its transaction goes (or is kept) with the rest
    keepEarly();
  } catch (e) {
    log('could not keep the early captures', e);
  }
};

function onError(ev) {
  try {
    // A Rust app's panic, already reported by tattle's panic hook inside that app: the trap
    // that follows it is not a second error.
    const panicAt = globalThis.__tattlePanicAt;
    if (ev.error instanceof WebAssembly.RuntimeError && panicAt && Date.now() - panicAt < 2000) return;
    // The location rides along: it becomes the frame when the thrown value has no stack (a
    // thrown string, or an `error` event with no Error object at all).
    const hint = {
      mechanism: 'onerror', handled: false,
      message: ev.message, filename: ev.filename, lineno: ev.lineno, colno: ev.colno,
    };
    capture('captureException', ev.error ?? undefined, [], hint);
  } catch (e) {
    log('error handler failed', e);
  }
}

function onRejection(ev) {
  try {
    capture('captureException', ev.reason, [], { mechanism: 'onunhandledrejection', handled: false });
  } catch (e) {
    log('rejection handler failed', e);
  }
}

// The integrations in effect (Sentry's names): GlobalHandlers, Breadcrumbs, Console, Dedupe,
// BrowserSession (defaults), BrowserTracing (only when given).
let integrations = {};
function setHandlers(v) {
  if (typeof addEventListener !== 'function') return;
  const method = v ? addEventListener : removeEventListener;
  const handlers = integrations.GlobalHandlers;
  if (handlers && handlers.options.onerror !== false) method('error', onError);
  if (handlers && handlers.options.onunhandledrejection !== false) method('unhandledrejection', onRejection);
  method('pagehide', onPageHide);
}

// ---- tracing: the part on the critical path ----
// Off (no tracesSampleRate, tracesSampler or browserTracingIntegration): none of this runs and
// tracing.js is never fetched. On: init makes the propagation context (`prop`: the trace id and
// the span id the pageload root will have) and imports tracing.js at once. Until it is there,
// errors are linked to the trace (its ids), the app's fetches wait for it (to carry the trace
// headers), at most WAIT_MS (then, or when the import failed, they go as they are), XHRs go
// without headers, and startSpan & co. give spans that record nothing. tracing.js moves `prop` on (a navigation starts a new trace)
// and adds the sampling decision and the dsc.
let prop;
let tr; // tracing.js's api, once it is there
let waiting; // the import of tracing.js while it loads (with browserTracingIntegration)
const WAIT_MS = 500; // the longest an app's fetch waits for it
function startTracing() {
  prop = { traceId: newId(), spanId: newId().slice(16) };
  const auto = integrations.BrowserTracing;
  Object.assign(t, { prop, auto: auto && auto.options });
  const done = () => { waiting = undefined; };
  const loading = import('./tracing.js')
    .then((m) => { if (!closed) tr = m.start(t); })
    .catch((e) => log('could not load tracing.js; spans are not recorded', e))
    .then(done);
  if (auto) waiting = Promise.race([loading, new Promise((resolve) => setTimeout(resolve, WAIT_MS))]).then(done);
}

// An error's link to the trace (the core's hint.trace / hint.dsc): the active span, else the root.
function traced(hint) {
  if (!prop) return hint;
  const a = tr && tr.active();
  return { ...hint, trace: { trace_id: a ? a.traceId : prop.traceId, span_id: a ? a.spanId : prop.spanId }, dsc: prop.dsc };
}
// A request's span ends with its response (never throwing inside the app's promise chain).
const settleSpan = (span, status) => {
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

/** Starts tattle. Never throws; an invalid DSN logs one console error and disables tattle. */
export function init(opts) {
  try {
    if (state !== 0) return;
    options = opts || {};
    if (options.enabled === false || !options.dsn) {
      state = 3;
      return;
    }
    state = 1;
    on = true;
    integrations = integrationsOf(options, ['GlobalHandlers', 'Breadcrumbs', 'Console', 'Dedupe', 'BrowserSession'], log, ['BrowserTracing']);
    sendHook = beforeSendOf(options);
    rawFetch = globalThis.fetch;
    // Release health (lazy.js sends it): one session per page, from now; Relay needs a release.
    const session = !!integrations.BrowserSession && options.autoSessionTracking !== false && !!options.release;
    Object.assign(t, { options, rawFetch, sendHook, session, started: Date.now() });
    if (options.tracesSampleRate !== undefined || options.tracesSampler || integrations.BrowserTracing) startTracing();
    if (options.stormGuard !== false) {
      admit = createGuard({ ...options.stormGuard, ...(integrations.Dedupe ? {} : { dedupeWindowMs: 0 }) }, Date.now);
    }
    setHandlers(true);
    instrument();
    const initial = options.initialScope;
    if (initial && typeof initial === 'object') {
      if (initial.user) setUser(initial.user);
      if (initial.tags) setTags(initial.tags);
      if (initial.extra) setExtras(initial.extra);
      for (const [name, ctx] of Object.entries(initial.contexts || {})) setContext(name, ctx);
    }
    // The rest at idle (or sooner: the first capture, flush()).
    const g = globalThis;
    if (typeof g.requestIdleCallback === 'function') {
      const h = g.requestIdleCallback(() => load(), { timeout: IDLE_MS });
      idle = () => g.cancelIdleCallback(h);
    } else {
      const h = setTimeout(load, NO_IDLE_MS);
      idle = () => clearTimeout(h);
    }
  } catch (e) {
    log('init failed', e);
  }
}

// tattle/inline, for bundlers that do not copy `new URL(…, import.meta.url)` assets: the .wasm is
// in the bundle (gzipped, then base64), and streams into the compiler out of a local Response.
// Async: a browser without DecompressionStream fails the load like a missing .wasm, not init.
async function inlineWasm(base64) {
  const gz = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip')),
    { headers: { 'Content-Type': 'application/wasm' } });
}

// Every exported function goes through `guarded`: tattle's own failure never reaches the app.
const anId = () => lastId || newId();

// A capture with a captureContext happens in a child scope made for it.
function captureIn(context, name, value, rest, hint) {
  if (context == null) return capture(name, value, rest, hint);
  enter();
  try {
    applyContext(context, currentScope, log);
    return capture(name, value, rest, hint);
  } finally {
    leave();
  }
}

/** Captures an exception (any thrown value), with an EventHint or a captureContext. Returns the event id. */
export const captureException = guarded((exception, hint) => {
  const h = hintOf(hint);
  return captureIn(h.context, 'captureException', exception, [],
    { mechanism: h.mechanism || 'generic', handled: h.handled !== false, event_id: h.event_id });
}, anId, log);

/** Captures a message at `level` (default `info`), or with a captureContext. Returns the event id. */
export const captureMessage = guarded((message, level) => {
  const named = typeof level === 'string';
  return captureIn(named ? undefined : level, 'captureMessage', message, [named ? level : undefined], {});
}, anId, log);

/** Captures an event the app made itself. Returns the event id. */
export const captureEvent = guarded((event, hint) => {
  const h = hintOf(hint);
  return captureIn(eventContext(event, h.context, log), 'captureEvent', event, [], eventHint(event, h));
}, anId, log);

// A scope change: to the frame(s) it concerns and to the core's current scope. The page's scope
// changed inside withScope changes the child too (so a capture inside sees it) and is replayed
// into the core's root when the outermost withScope ends.
function write(root, name, args, update) {
  const depth = frames.length - 1;
  if (root && depth) {
    update(frames[0]);
    if (pending.length < MAX_QUEUED) pending.push([name, args]);
  }
  update(frames[depth]);
  call(name, args);
}

// The frames copy what they can read: a hostile object (a throwing getter or ownKeys trap)
// still goes to the core, which reads it property by property.
const mirrorInto = (target, values) => { try { Object.assign(target, values); } catch { /* the core has it */ } };
const clearFrame = (f) => { for (const k of Object.keys(f)) delete f[k]; Object.assign(f, newFrame()); };

// A scope as @sentry/browser's: `root` the page's scope (setTag & co., getIsolationScope(),
// getGlobalScope()), else the current one (getCurrentScope(), withScope's). Setters return the
// scope, for chaining.
function scopeOf(root) {
  const s = {};
  const def = (name, update, coreName = name) => {
    s[name] = guarded((...args) => { write(root, coreName, args, (f) => update(f, ...args)); return s; }, () => s, log);
  };
  def('setUser', (f, user) => { f.user = user || undefined; });
  def('setTag', (f, key, value) => { f.tags[key] = value; });
  def('setTags', (f, tags) => mirrorInto(f.tags, tags));
  def('setContext', (f, name, context) => { f.contexts[name] = context; });
  def('setExtra', (f, key, value) => { f.extras[key] = value; });
  def('setExtras', (f, extras) => mirrorInto(f.extras, extras));
  def('setLevel', (f, level) => { f.level = level; });
  def('setFingerprint', (f, fingerprint) => { f.fingerprint = fingerprint; });
  def('setTransactionName', (f, name) => { f.transactionName = name; });
  def('clear', clearFrame, 'clearScope');
  s.addBreadcrumb = (crumb) => { addCrumb(root, crumb); return s; };
  s.getUser = () => frames[root ? 0 : frames.length - 1].user;
  return s;
}
const pageScope = scopeOf(true);
const currentScope = scopeOf(false);

/** The scope of what runs now: withScope's inside its callback, else the page's. */
export const getCurrentScope = () => currentScope;
/** The page's scope (`setTag` & co. set it). */
export const getIsolationScope = () => pageScope;
/** The page's scope: tattle has one scope a page's events all carry, as the isolation scope. */
export const getGlobalScope = () => pageScope;

// The top-level setters set the page's scope and return nothing, as @sentry/browser's.
const onPage = (name) => (...args) => { pageScope[name](...args); };
export const setUser = onPage('setUser');
export const setTag = onPage('setTag');
export const setTags = onPage('setTags');
export const setContext = onPage('setContext');
export const setExtra = onPage('setExtra');
export const setExtras = onPage('setExtras');

function addCrumb(root, crumb, hint) {
  try {
    const hook = options.beforeBreadcrumb;
    if (typeof hook === 'function') {
      crumb = hook({ timestamp: Date.now() / 1000, ...crumb }, hint);
      if (!crumb) return;
    }
    write(root, 'addBreadcrumb', [crumb], () => {});
  } catch (e) {
    log('beforeBreadcrumb failed; breadcrumb dropped', e);
  }
}
/** Adds a breadcrumb, after the `beforeBreadcrumb` option had its say. */
export function addBreadcrumb(crumb, hint) {
  addCrumb(true, crumb, hint);
}

// Automatic breadcrumbs. Each wrapper calls the original first and never lets tattle's own
// failure reach the page; `breadcrumbs: { console: false, … }` turns one off.
// Each comes with the hint @sentry/browser gives beforeBreadcrumb: console { input, level },
// fetch { input, response | error, startTimestamp, endTimestamp }, xhr { xhr, input },
// ui.click { event }, navigation { from, to }.
const crumb = (c, hint) => { try { addBreadcrumb(c, hint); } catch { /* never break the host */ } };

function instrument() {
  // tattle's `breadcrumbs` option and Sentry's Breadcrumbs ({ dom, fetch, xhr, history }) and
  // Console ({ levels }) integrations.
  const on = (name) => {
    const integration = integrations[name === 'console' ? 'Console' : 'Breadcrumbs'];
    return (!options.breadcrumbs || options.breadcrumbs[name] !== false) && !!integration && integration.options[name] !== false;
  };
  const g = globalThis;
  if (on('console') && g.console) {
    const levels = integrations.Console.options.levels;
    for (const level of ['debug', 'info', 'warn', 'error', 'log']) {
      const orig = console[level];
      if (typeof orig !== 'function' || (Array.isArray(levels) && !levels.includes(level))) continue;
      console[level] = function (...args) {
        try {
          const message = args.map(consoleText).join(' ');
          if (!message.startsWith('tattle:')) {
            const lvl = level === 'warn' ? 'warning' : level === 'log' ? 'info' : level;
            crumb({ category: 'console', level: lvl, message }, { input: args, level });
          }
        } catch { /* never break the host */ }
        return orig.apply(this, args);
      };
    }
  }
  const crumbs = on('fetch');
  if ((crumbs || prop) && typeof rawFetch === 'function') {
    // The app's call goes to the real fetch untouched (same result, same rejection); with
    // tracing, tracing.js adds the trace headers to a propagation target's (in a copy of the
    // app's own) and makes its http.client span.
    g.fetch = function tracedFetch(input, init) {
      if (waiting) return waiting.then(() => tracedFetch.apply(this, arguments));
      const startTimestamp = Date.now();
      let args = arguments;
      let method;
      let url;
      let span;
      try {
        method = safeText((init && init.method) || (input && input.method) || 'GET').toUpperCase();
        url = typeof input === 'string' ? input : safeText((input && input.url) || input);
        if (tr) [args, span] = tr.fetch(args, method, url);
      } catch { /* never break the host */ }
      const result = rawFetch.apply(this, args);
      try {
        if (result && typeof result.then === 'function') {
          result.then(
            (response) => {
              settleSpan(span, response.status);
              if (crumbs) {
                crumb({ type: 'http', category: 'fetch', data: { method, url, status_code: response.status } },
                  { input: [input, init], response, startTimestamp, endTimestamp: Date.now() });
              }
            },
            (error) => {
              settleSpan(span);
              if (crumbs) {
                crumb({ type: 'http', category: 'fetch', level: 'error', data: { method, url } },
                  { input: [input, init], error, startTimestamp, endTimestamp: Date.now() });
              }
            },
          );
        }
      } catch { /* never break the host */ }
      return result;
    };
  }
  const xhr = g.XMLHttpRequest && g.XMLHttpRequest.prototype;
  const xhrCrumbs = on('xhr');
  if ((xhrCrumbs || prop) && xhr) {
    const open = xhr.open;
    const sendXhr = xhr.send;
    xhr.open = function (method, url) {
      try {
        this.__tattle = { method: safeText(method).toUpperCase(), url: safeText(url) };
      } catch { /* never break the host */ }
      return open.apply(this, arguments);
    };
    xhr.send = function () {
      try {
        const info = this.__tattle;
        if (info) {
          const body = arguments[0];
          const span = tr && tr.xhr(this, info.method, info.url);
          this.addEventListener('loadend', () => {
            settleSpan(span, this.status || undefined);
            if (xhrCrumbs) crumb({ type: 'http', category: 'xhr', data: { ...info, status_code: this.status } }, { xhr: this, input: body });
          });
        }
      } catch { /* never break the host */ }
      return sendXhr.apply(this, arguments);
    };
  }
  if (on('history') && g.history && g.location) {
    let last = g.location.href;
    const moved = () => {
      try {
        const to = g.location.href;
        if (to !== last) crumb({ category: 'navigation', data: { from: last, to } }, { from: last, to });
        last = to;
      } catch { /* never break the host */ }
    };
    for (const name of ['pushState', 'replaceState']) {
      const orig = g.history[name];
      g.history[name] = function () {
        const r = orig.apply(this, arguments);
        moved();
        return r;
      };
    }
    g.addEventListener('popstate', moved);
  }
  if (on('dom') && g.document) {
    g.document.addEventListener('click', (ev) => {
      try {
        const el = ev.target;
        if (!el || !el.tagName) return;
        let name = el.tagName.toLowerCase();
        if (el.id) name += `#${el.id}`;
        if (typeof el.className === 'string' && el.className.trim()) name += `.${el.className.trim().split(/\s+/).join('.')}`;
        crumb({ category: 'ui.click', message: name }, { event: ev });
      } catch { /* never break the host */ }
    }, true);
  }
}

// A console argument as breadcrumb text: strings as they are, objects as JSON where they can
// be, anything else (a BigInt, a cycle, a null prototype, a Symbol) as whatever text it has;
// at most 1,000 characters each.
function consoleText(a) {
  if (typeof a === 'string') return safeText(a);
  if (a && typeof a === 'object') {
    try {
      const json = JSON.stringify(a);
      if (json !== undefined) return safeText(json);
    } catch { /* below */ }
  }
  return safeText(a);
}

const enter = guarded(() => { frames.push(newFrame(frames[frames.length - 1])); call('pushScope', []); }, null, log);
const leave = guarded(() => {
  if (frames.length > 1) {
    frames.pop();
    call('popScope', []);
  }
  if (frames.length === 1) for (const [name, args] of pending.splice(0)) call(name, args);
}, null, log);

/**
 * Runs `callback(scope)` with a child scope; what it sets applies only to captures inside. What
 * the callback returns or throws is the app's own and comes back unchanged.
 */
export function withScope(callback) {
  if (typeof callback !== 'function') return undefined;
  enter();
  try {
    return callback(currentScope);
  } finally {
    leave();
  }
}

// Hooks for tattle's own tests, only in the build they use (dist-test/: scripts/build.mjs
// --test-hooks defines TATTLE_TEST_HOOKS true); the shipped build drops this block whole.
// trap(): makes the wasm core trap, as a Rust panic would; stats(): what the delivery holds and
// the wasm memory size (none until lazy.js is there); core(name, args): calls the core's export
// `name` once it is ready (undefined when that build has no such export).
// eslint-disable-next-line no-undef
if (TATTLE_TEST_HOOKS) {
  globalThis.__tattleTest = {
    trap: () => call('testTrap', []),
    core: (name, args) => call(name, args),
    stats: () => (impl ? impl.stats() : { wasmMemoryBytes: 0 }),
  };
}

/** The id of the last event captured. */
export const lastEventId = () => lastId;


/**
 * Waits until everything captured so far has been delivered. True only when the server accepted
 * every event since the last flush, or a filter you set (sampleRate, ignoreErrors, beforeSend…)
 * dropped it; false when something was lost (rate limits, a refused size, the .wasm never
 * loaded), waits in the offline store for the server to come back, or `timeout` ms passed first.
 * Before the rest of tattle loaded (at idle or the first capture), flush() loads it: what an
 * earlier page left in the offline store is part of what it waits for.
 */
export function flush(timeout) {
  const wait = typeof timeout === 'number' ? timeout : 0;
  const drained = (async () => {
    try {
      await load();
      if (!on) return true;
      return impl ? await impl.flush() : false;
    } catch (e) {
      log('flush failed', e);
      return false;
    }
  })();
  if (!(wait > 0)) return drained;
  return Promise.race([drained, new Promise((resolve) => setTimeout(resolve, wait, false))]);
}

/** Flushes, then turns tattle off. */
export async function close(timeout) {
  const result = await flush(timeout);
  try {
    closed = true;
    if (idle) idle();
    setHandlers(false);
    if (impl) impl.close();
  } catch (e) {
    log('close failed', e);
  }
  state = 3;
  return result;
}
