// The shim's client: its state, the queue of calls held until the core is ready, captures, and
// the load of the rest (lazy.js and the .wasm) at idle, at the first capture or at flush().
import { createGuard } from '../guard.js';
import { captureKey, integrationsOf, newId, safeText, scrubPatterns, withSynthetic } from '../shared.js';
import { keptTransaction } from './early.js';
import { prop, startTracing, traced } from './trace_shim.js';
import { setHandlers } from '../integrations/globalhandlers.js';

// What the rest (lazy.js) and tracing.js share with the shim (see the top of each): filled in by
// index.js once every module it names has run, and by startTracing.
export const t = {};
export let state = 0; // 0 idle, 1 until the core is ready (or failed), 2 ready, 3 failed or closed
export let on = false; // init took a DSN: captures are kept for delivery
export let closed = false;
export let options = {};
// Calls made before the core is ready, in order (only ever emptied with splice: early.js and
// lazy.js take them).
export const queue = [];
let loading = null;
export let lastId;
let admit; // the storm guard, when on
export let impl; // the rest (lazy.js), once its core is ready or failed
let idle; // cancels the scheduled load
export const counts = {}; // drops counted before the rest is there: "reason category" → n
const MAX_EARLY = 100; // captures held while the core loads; beyond, dropped and counted
export const MAX_QUEUED = 1000; // all calls held meanwhile (scope setters, breadcrumbs); beyond, dropped
const IDLE_MS = 3000; // the latest the rest loads without a capture: requestIdleCallback's timeout
const NO_IDLE_MS = 1000; // where there is no requestIdleCallback (Safari): a plain timer
let early = 0;
// The fetch tattle sends with: the one there at init, before tattle wraps it for breadcrumbs.
export let rawFetch;
// Whether a hook runs on each event in JavaScript (the user's beforeSend or scrubbing patterns:
// lazy.js makes it, shared.js beforeSendOf): then each capture carries a synthetic exception for it.
let hooked;
// The integrations in effect (Sentry's names): GlobalHandlers, Breadcrumbs, Console, Dedupe,
// BrowserSession (defaults), BrowserTracing (only when given).
export let integrations = {};

export function log(...args) {
  if (options.debug) console.warn('tattle:', ...args);
}

// lazy.js's end of the load: the rest, ready (2) or failed (3).
export const settle = (s, rest) => { impl = rest; state = closed ? 3 : s; };
// A transaction (tracing.js) to the core's `transaction` export, as a capture goes.
export const send = (event, dsc) => { run('transaction', [event, dsc]); load(); };

/**
 * init's first part: takes the options, starts tracing when asked and schedules the load of the
 * rest at idle (or sooner: the first capture, flush()). False when tattle stays off (no DSN,
 * `enabled: false`, or init already ran).
 */
export function configure(opts) {
  if (state !== 0) return false;
  options = opts || {};
  if (options.enabled === false || !options.dsn) {
    state = 3;
    return false;
  }
  state = 1;
  on = true;
  integrations = integrationsOf(options, ['GlobalHandlers', 'Breadcrumbs', 'Console', 'Dedupe', 'BrowserSession'], log, ['BrowserTracing']);
  hooked = typeof options.beforeSend === 'function' || scrubPatterns(options).length > 0;
  rawFetch = globalThis.fetch;
  // Release health (lazy.js sends it): one session per page, from now; Relay needs a release.
  const session = !!integrations.BrowserSession && options.autoSessionTracking !== false && !!options.release;
  Object.assign(t, { options, rawFetch, session, started: Date.now() });
  if (options.stormGuard !== false) {
    admit = createGuard({ ...options.stormGuard, ...(integrations.Dedupe ? {} : { dedupeWindowMs: 0 }) }, Date.now);
  }
  if (options.tracesSampleRate !== undefined || options.tracesSampler || integrations.BrowserTracing) startTracing();
  // At idle once the page loaded: chunks a bundler loads with script tags (webpack) would hold up
  // the page's load event, and idle comes while the page waits for its own files.
  loaded(() => {
    const g = globalThis;
    if (typeof g.requestIdleCallback === 'function') {
      const h = g.requestIdleCallback(() => load(), { timeout: IDLE_MS });
      idle = () => g.cancelIdleCallback(h);
    } else {
      const h = setTimeout(load, NO_IDLE_MS);
      idle = () => clearTimeout(h);
    }
  });
  return true;
}

/** Runs `f` now, or at the load event while the document loads. */
export const loaded = (f) => (globalThis.document && document.readyState !== 'complete' ? addEventListener('load', f, { once: true }) : f());

// Calls the core, or queues the call until the core is ready.
export function call(name, args) {
  if (state === 1) {
    // A page that logs in a loop while the .wasm loads must not grow this without bound; the
    // captures have their own limit (MAX_EARLY) below this one.
    if (queue.length < MAX_QUEUED || name.startsWith('capture')) queue.push([name, args]);
    else if (queue.length === MAX_QUEUED) log('over 1,000 calls before the .wasm was ready: later scope changes and breadcrumbs dropped');
  }
  else if (impl) return impl.call(name, args);
  return undefined;
}

export function capture(name, value, rest, hint) {
  const id = (hint && hint.event_id) || newId();
  lastId = id;
  if (!on) return id;
  const dropped = impl && impl.busy() ? 'internal_sdk_error' : admit && admit(captureKey(name, value, rest, hint));
  if (dropped) {
    count(dropped);
  } else if (state === 1 && ++early > MAX_EARLY) {
    count('queue_overflow');
  } else {
    run(name, [value, ...rest, withSynthetic(hooked, name, value, traced({ ...hint, event_id: id }))]);
  }
  load(); // the first capture brings the rest now, if idle has not yet
  return id;
}
export const count = (reason, category = 'error') => {
  if (impl) return impl.count(reason, category);
  const key = `${reason} ${category}`;
  counts[key] = (counts[key] || 0) + 1;
};

// A capture (or a scope change) to the core, through lazy.js; queued until it is there.
export function run(name, args) {
  if (impl) impl.run(name, args);
  else call(name, args);
}

/**
 * Loads the rest and the .wasm (both downloads at once), once: at idle, at the first capture, or
 * at flush(). Resolves when the core is ready or failed.
 */
export function load() {
  if (loading || state !== 1) return loading;
  if (idle) idle();
  // Tracing on at init (`prop`, see startTracing), or a transaction an earlier page kept
  // (keepEarly) that this one must build: the core's tracing build (lazy_tr.js,
  // tattle_core_tr_bg.wasm: the `transaction` export), else the base one, ~2.7 KB gz smaller.
  // Both spelled out in full, so that bundlers see and emit both. (The URLs are relative to the
  // bundle, dist/index.js, which holds this file.) chunked.js and inline.js (TATTLE_CHUNKED) have
  // the tracing build only (in one file, two would weigh twice) and its .wasm inside a chunk.
  // eslint-disable-next-line no-undef
  const traced = TATTLE_CHUNKED || prop || keptTransaction();
  // eslint-disable-next-line no-undef
  let wasmUrl = TATTLE_CHUNKED ? undefined : options.wasmUrl
    || (traced ? new URL('./tattle_core_tr_bg.wasm', import.meta.url) : new URL('./tattle_core_bg.wasm', import.meta.url));
  let wasm;
  try {
    // Fetched with the unwrapped fetch: tattle's own download is not the app's breadcrumb. Not
    // fetched where no file can be: the URL still ends as the package names it (the bundler did not
    // copy the asset: esbuild, Rollup) and this code is not dist/index.js as shipped (an import
    // map, a CDN) but inside the app's bundle. Then the chunk that carries the .wasm comes instead
    // (no 404 on the console); lazy.js falls back to it too when the fetch finds no .wasm.
    // eslint-disable-next-line no-undef
    if (!TATTLE_CHUNKED && !options.wasmUrl && /_bg\.wasm$/.test(wasmUrl) && !/\/index\.js$/.test(import.meta.url)) wasmUrl = undefined;
    wasm = wasmUrl ? rawFetch(wasmUrl) : (TATTLE_CHUNKED || traced ? import('../wasm_inline_tr.js') : import('../wasm_inline.js')).then((m) => m.wasm());
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
  // eslint-disable-next-line no-undef
  loading = (TATTLE_CHUNKED || traced ? import('../lazy_tr.js') : import('../lazy.js'))
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
