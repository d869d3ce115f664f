// tattle's browser entry, the part on the page's critical path (dist/index.js). A thin
// synchronous shim over the wasm core:
// - the API is usable at once: calls made before the core is ready are queued in order and
//   replayed, and captures get their event id immediately (browser/client.js);
// - global `error` / `unhandledrejection` handlers (integrations/globalhandlers.js) and the
//   breadcrumb wrappers (integrations/breadcrumbs.js over instrument/) are installed
//   synchronously by init() (what happens before the first error is what its breadcrumbs tell);
// - the rest (lazy.js: the wasm glue, the delivery, the offline store, minimal mode) and the .wasm
//   load at idle or at the first capture, whichever comes first: a page that never errors pays
//   only this file until it is idle, and the first error starts both downloads at once;
// - captures held when the page goes before the core is ready are kept in localStorage
//   (browser/early.js) and sent by the next page;
// - with tracing on (tracesSampleRate, tracesSampler or browserTracingIntegration), tracing.js comes
//   at init (browser/trace_shim.js); without, nothing of it runs;
// - the scopes (browser/scope.js) mirror what the core holds;
// - it never throws into the page: any failure inside tattle is caught (and logged with debug).
// esbuild bundles these modules into the one file, as before the split.
import {
  call, configure, count, counts, impl, lastId, log, queue, send, settle, t,
} from './browser/client.js';
import { left } from './browser/early.js';
import { frames, pending, setContext, setExtras, setTags, setUser } from './browser/scope.js';
import { instrument } from './integrations/breadcrumbs.js';
import { setHandlers } from './integrations/globalhandlers.js';

export {
  breadcrumbsIntegration, browserSessionIntegration, browserTracingIntegration, consoleIntegration, dedupeIntegration,
  globalHandlersIntegration,
} from './shared.js';
export { close, flush } from './browser/client.js';
export { captureEvent, captureException, captureMessage } from './browser/capture.js';
export {
  addBreadcrumb, getCurrentScope, getGlobalScope, getIsolationScope, setContext, setExtra, setExtras, setTag, setTags,
  setUser, withScope,
} from './browser/scope.js';
export { getActiveSpan, startInactiveSpan, startSpan, startSpanManual } from './browser/trace_shim.js';

// What the rest (lazy.js) and tracing.js share with the shim: see the top of each.
Object.assign(t, {
  log, frames, pending, counts, settle, send, setHandlers,
  queue: () => queue.splice(0),
  left: () => left,
  drop: count,
});

/** Starts tattle. Never throws; an invalid DSN logs one console error and disables tattle. */
export function init(opts) {
  try {
    if (!configure(opts)) return;
    setHandlers(true);
    instrument();
    const initial = opts.initialScope;
    if (initial && typeof initial === 'object') {
      if (initial.user) setUser(initial.user);
      if (initial.tags) setTags(initial.tags);
      if (initial.extra) setExtras(initial.extra);
      for (const [name, ctx] of Object.entries(initial.contexts || {})) setContext(name, ctx);
    }
  } catch (e) {
    log('init failed', e);
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
