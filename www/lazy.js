// The part of tattle's browser entry that is not on the page's critical path (dist/lazy.js): the
// wasm core and its glue, the delivery, the offline store and minimal mode. www/index.js (the
// shim: the API, the queue, the global handlers, breadcrumbs) loads it with a dynamic import() at
// idle or at the first capture, whichever comes first, and hands it `t`, what it shares:
//   t.options, t.log, t.rawFetch, t.frames, t.pending, t.queue() (the calls held so
//   far, emptied), t.left() (pagehide came meanwhile), t.counts (drops counted meanwhile:
//   "reason category" → n), t.setHandlers(on), t.settle(state, impl), t.session (release health
//   on), t.started (init's time, ms).
// It shares no module with the shim (each file bundles its own copy of what it uses), so any
// state both need goes through `t`.
import loadCore, * as core from './tattle_core.js';
import { pageDelivery } from './delivery.js';
import { beforeSendOf, busyInBeforeSend, didOf, handOver, heldFor, newId, sessionAfterError, tunnelDsnOf } from './shared.js';
import { idbStore, memoryStore } from './store.js';
import { endpointOf, envelopeOf, minimalEvent, whyNoWasm } from './minimal.js';

// eslint-disable-next-line no-undef
const VERSION = TATTLE_VERSION; // the crate's (scripts/build.mjs): the sdk a minimal event names

// The chunk with this build's .wasm inside (scripts/build.mjs points it at wasm_inline.js or
// wasm_inline_tr.js): the shim's source where the bundler copied no .wasm, and this file's where
// the fetched one was not there.
const inlined = () => import('./wasm_inline.js');
// The file a stack's first frame is in.
const fileOf = (stack) => (/(\w+:\/\/\S+?):\d+:\d+/.exec(stack) || [])[1];

/**
 * What the core compiles from, once the shim's fetch settled: the module the shim compiled, the
 * fetched bytes when they are WebAssembly (served under another type), else (a 404, a page in its
 * place, a failed fetch; not for the app's own wasmUrl) the .wasm out of the chunk that carries it. No `url`: the shim took the
 * chunk itself. `compiled` rejects when compiling failed (a CSP, a broken file): the chunk would
 * fail the same way, and the caller says why.
 */
async function moduleFrom(wasm, compiled, url, options, log) {
  if (!url) {
    inlined().then(oneFile, () => {});
    return compiled;
  }
  // The app's own wasmUrl is where the .wasm is: when it is not there, the console says so.
  if (options.wasmUrl) return wasm.then(() => compiled);
  let r;
  try {
    r = await wasm;
  } catch (e) {
    log('could not fetch the .wasm; taking it from its chunk', e);
  }
  if (r) {
    const m = await compiled;
    if (!(m instanceof Response)) return m;
    if (m.ok) {
      const bytes = new Uint8Array(await m.arrayBuffer());
      if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return bytes;
    }
    log(`no .wasm at ${m.url} (HTTP ${m.status}); taking it from its chunk`);
  }
  const m = await inlined();
  oneFile(m);
  return m.wasm();
}

// The one console message about a bundle that has the chunk inside (the bundler made no chunk of
// the import(): esbuild without --splitting, Rollup with inlineDynamicImports): all of tattle is
// then in the file the page loads before it runs. tattle/inline (TATTLE_ONE_FILE) is one file on
// purpose: no message.
function oneFile(m) {
  // eslint-disable-next-line no-undef
  if (TATTLE_ONE_FILE) return;
  const file = fileOf(m.at());
  if (file && file === fileOf(new Error().stack)) {
    console.warn(`tattle: the bundle holds all of tattle (${Math.round(m.size / 1024)} KB gz of WebAssembly with it), loaded before the page runs: the bundler made no chunk of its import(). esbuild: add --splitting; Rollup: output.dir, no inlineDynamicImports.`);
  }
}

/**
 * Starts the rest: the delivery, then the core out of `compiled` (a Promise of the compiled
 * WebAssembly.Module, or of the .wasm's Response when the shim did not compile it), which the shim
 * fetched and compiled while this module loaded; `wasm` is the Promise of that Response (what the
 * console error names when it fails). Resolves when the core is ready or failed, after
 * `t.settle(2 | 3, impl)` and the held calls were run.
 */
export function start(t, wasm, wasmUrl, compiled) {
  const { options, log } = t;
  // The user's beforeSend and scrubbing patterns, run on each event here (the shim only knows
  // whether there is one: its captures then carry a synthetic exception).
  t.sendHook = beforeSendOf(options);
  // What the core gets (shared.js coreOptions, from the hook the shim made): beforeSend runs here.
  const coreOptions = () => ({ ...options, beforeSend: undefined, holdForBeforeSend: t.sendHook !== undefined });
  let minimal; // why the .wasm cannot run, when captures go in a minimal form instead (minimal.js)
  let broken = false; // the .wasm never loaded or the DSN is invalid: captures are not delivered in full
  let state = 1;
  let wasmExports;
  let recoveries = 0;
  const offline = options.offlineStore;
  const maxStored = (offline && offline.maxEvents) || 1000;
  const store = offline === false || typeof indexedDB === 'undefined' ? memoryStore(100) : idbStore(maxStored);
  // The fetch from before tattle wrapped it for breadcrumbs: its own sends are not the app's.
  // keepEarly runs on pagehide from the shim's own listener (set at init), before this one.
  const delivery = pageDelivery(store, options.transportOptions, log, { fetch: t.rawFetch, tunnelDsn: tunnelDsnOf(options) });
  for (const [key, n] of Object.entries(t.counts)) {
    const [reason, category] = key.split(' ');
    delivery.count(reason, category, n);
    delete t.counts[key];
  }

  // Calls the core while it is ready.
  function call(name, args) {
    if (state !== 2) return undefined;
    try {
      return core[name](...args);
    } catch (e) {
      log('internal error in', name, e);
      if (e instanceof WebAssembly.RuntimeError) recover();
    }
    return undefined;
  }

  // A trap killed the instance: start a fresh one of the same module, give it the options and
  // the root scope again, and go on. The capture that trapped is lost; the page never notices.
  function recover() {
    if (++recoveries > 5) {
      off(); // something traps every time: stay off rather than loop
      return;
    }
    try {
      core.__tattle_reinstantiate();
      core.init(coreOptions());
      t.frames.length = 1;
      t.pending.length = 0;
      const root = t.frames[0];
      if (root.user !== undefined) core.setUser(root.user);
      for (const [k, v] of Object.entries(root.tags)) core.setTag(k, v);
      for (const [k, v] of Object.entries(root.contexts)) core.setContext(k, v);
      for (const [k, v] of Object.entries(root.extras)) core.setExtra(k, v);
      if (root.level !== undefined) core.setLevel(root.level);
      if (root.fingerprint !== undefined) core.setFingerprint(root.fingerprint);
      if (root.transactionName !== undefined) core.setTransactionName(root.transactionName);
    } catch (e) {
      off();
      log('could not recover from a trap; tattle is off', e);
    }
  }
  function off() {
    state = 3;
    t.settle(3, impl);
    t.setHandlers(false);
  }

  // Calls the core and, for a capture, hands what it built to the delivery: the core builds the
  // envelope (or says why not), beforeSend has its say, the delivery decides when it leaves.
  function run(name, args) {
    if (minimal) runMinimal(name, args);
    else handOver(call(name, args), delivery, heldFor(t.sendHook, args, (id, json) => call('envelopeFor', [id, json])));
  }

  // A capture while the .wasm cannot run: its minimal form (or the reason it is dropped), through
  // beforeSend, to the delivery.
  function runMinimal(name, args) {
    if (!name.startsWith('capture')) return; // scope changes: nothing of the scope is sent
    try {
      const event = minimalEvent(name, args, options, minimal, VERSION);
      if (typeof event === 'string') return delivery.count(event, 'error');
      const wrap = (id, json) => ({ id, url: delivery.url, body: envelopeOf(id, json, options) });
      const json = JSON.stringify(event);
      handOver(t.sendHook ? { id: event.event_id, event: json } : wrap(event.event_id, json), delivery, heldFor(t.sendHook, args, wrap));
    } catch (e) {
      log('could not send a minimal event', e);
      delivery.count('internal_sdk_error', 'error');
    }
  }

  // What an earlier page kept in localStorage (the shim's keepEarly), built now, inside a scope
  // of its own per page.
  function replayEarly() {
    const scoped = !minimal;
    let calls;
    try {
      calls = JSON.parse(localStorage.getItem('tattle:early') || 'null');
      localStorage.removeItem('tattle:early');
    } catch {
      return;
    }
    if (!Array.isArray(calls) || !calls.length) return;
    if (scoped) core.pushScope();
    try {
      for (const [name, args] of calls) {
        if (name === '$page') { // the next page's calls: a fresh scope
          if (scoped) { core.popScope(); core.pushScope(); }
          continue;
        }
        const v = args[0];
        if (v && v.$error) args[0] = Object.assign(new Error(v.$error.message), v.$error);
        run(name, args);
      }
    } finally {
      if (scoped) core.popScope();
    }
  }
  const replay = () => {
    replayEarly();
    for (const [name, args] of t.queue()) runHere(name, args);
  };

  // Release health, as @sentry/browser's: the page's session (from init's time, user as `did`),
  // sent once the core is up, and again when a capture of this page changes its status: the
  // first handled exception counts (errors: 1), an unhandled one (mechanism handled false) crashes it.
  let session;
  function sendSession() {
    const did = didOf(t.frames[0].user, options.sendDefaultPii === true);
    try {
      const update = { ...session, timestamp: new Date().toISOString() };
      if (did) update.did = did;
      handOver(call('session', [update]), delivery);
    } catch (e) {
      log('could not send the session', e);
    }
    session.init = false;
  }
  function runHere(name, args) {
    try {
      const hint = args[args.length - 1];
      if (session && name === 'captureException' && sessionAfterError(session, hint && hint.handled)) sendSession();
    } catch (e) {
      log('could not update the session', e);
    }
    run(name, args);
  }

  const impl = {
    call,
    run: runHere,
    count: (reason, category) => delivery.count(reason, category),
    busy: busyInBeforeSend,
    async flush() {
      if (broken) {
        if (minimal) await delivery.flush(); // sent, but not in full
        return false;
      }
      return delivery.flush();
    },
    close() {
      minimal = undefined;
      call('shutdown', []);
      state = 3;
    },
    stats: () => ({ ...delivery.stats(), wasmMemoryBytes: wasmExports ? wasmExports.memory.buffer.byteLength : 0 }),
  };

  let response;
  wasm.then((r) => { response = r; }, () => {});
  return moduleFrom(wasm, compiled, wasmUrl, options, log)
    .then((m) => loadCore({ module_or_path: m }))
    .then((exports) => {
      wasmExports = exports;
      const ok = core.init(coreOptions());
      state = ok ? 2 : 3;
      t.settle(state, impl);
      if (ok) {
        delivery.url = core.endpoint();
        if (t.session) {
          session = {
            sid: newId(), init: true, started: new Date(t.started).toISOString(), status: 'ok', errors: 0,
            attrs: { release: options.release, environment: options.environment || 'production', user_agent: globalThis.navigator && navigator.userAgent },
          };
          sendSession();
        }
        replay();
      } else {
        broken = true;
        t.setHandlers(false);
        t.queue();
      }
    })
    .catch((e) => {
      // The .wasm cannot run here (a strict CSP, a file the bundler did not copy): one console
      // error with the cause and its fix; captures, those made meanwhile and those an earlier
      // page kept, go in the minimal form (without the scrubber, nothing it would judge).
      state = 3;
      broken = true;
      t.settle(3, impl);
      // Cut short by the page going: what it kept is the next page's to send.
      if (t.left()) return;
      // (The tracing build's glue is the one with the `transaction` export.)
      const why = whyNoWasm(e, wasmUrl, response, 'transaction' in core ? 'tattle_core_tr_bg.wasm' : 'tattle_core_bg.wasm');
      let url;
      try {
        url = endpointOf(options, VERSION); // where minimal events and client reports go
      } catch { /* an invalid DSN: said below */ }
      console.error(`tattle: ${why}. ${url ? 'Until then errors are sent without message, function names or scope.'
        : "Its DSN is not valid either: nothing is sent."}`);
      if (!url) return;
      try {
        delivery.url = url;
        minimal = why;
        replay();
      } catch (e2) {
        log('minimal mode failed', e2);
      }
    })
    .finally(() => { t.queue(); });
}
