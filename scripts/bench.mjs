// npm run bench: tattle and @sentry/browser side by side in the same headless Chromium run.
// Method (../shared/DESIGN.md §6): pages on 127.0.0.1 with COOP/COEP (5 µs timers), the network
// replaced by counting stubs that answer 200 at once (@sentry/browser gets the stub as its fetch
// transport's fetch: it ignores a patched window.fetch), a fresh browser (profile) per measurement
// and run, 3 runs, median and spread. Not a test: it prints figures and asserts nothing about
// speed, only that each measurement measured something.
//
// The pages and their script are this file's own (PAGES and pageLib below). tattle runs with its
// defaults, and "stormGuard:false" where said (a burst
// of distinct errors is exactly what the guard thins out; those figures must see every event take
// the full path). Delivery defaults as of the real-time delivery: an envelope leaves when built,
// 8 requests in flight, a 1 MB in-memory backlog beyond which envelopes go to IndexedDB ('tattle'
// DB, store 'envelopes', at most 1,000), no compression.
//
// Measurements:
//   first     the page's first error, thrown (uncaught, from a microtask) right after init, before
//             anything else: throw → fetch stub called for it. tattle's is cold: it comes before
//             idle, so it waits for lazy.js and the .wasm (fetched and compiled from a fresh
//             profile); init ms is the time from the page's first script to init() returned
//             (tattle's critical-path module included).
//   realtime  a NEW distinct uncaught error thrown every 500 ms (20 throws, each from its own
//             setTimeout callback), SDK defaults: throw → fetch stub called for that event (found
//             by its exception value in the body), p50 and p95 of the 20 per run.
//   burst     2,000 distinct captureException(new Error(`burst ${i}`)) in a row (tattle with
//             stormGuard: false): the synchronous loop's time, and the wall time from the first
//             capture to the last event reaching the stub, per event; events reaching the stub
//             (bodies decoded, gzip too), what tattle still keeps in IndexedDB, drops admitted.
//   heap      CDP: two forced GCs + Runtime.getHeapUsage before 10,000 distinct captures (slices
//             of 20, yielding between slices, as an app would) and again once every event is sent,
//             stored (IndexedDB) or dropped (admitted: tattle's own counters or client reports),
//             polled for at most 90 s; events sent vs stored vs dropped; tattle's wasm memory.
//   capture   init/ready time, then 100 warm-up + 2,000 captureException calls each timed alone
//             (user, 5 tags and a context set; tattle with stormGuard: false), then flush.
//   bytes     the capture's requests as the stub got them: body bytes (after the SDK's own
//             Content-Encoding) per request that carried an event, and which encodings were used.
//   pageload  a page with a stylesheet, 3 scripts and 6 images, the SDK started from a module
//             script (defaults, a release: sessions on), without and with tracing
//             (tracesSampleRate 1 + browserTracingIntegration): DOMContentLoaded and load (navigation
//             timing), the SDK's JS fetched before load, then 50 same-origin fetches in a row (ms
//             each: the fetch wrapper, with tracing a span and the trace headers), and when the
//             pageload transaction reached the stub.
//   storm     uncaught errors from a setTimeout loop for 2 s (varied messages, then one identical
//             message), SDK defaults: events reaching the stub, largest requestAnimationFrame gap
//             (rAF does tick in headless Chromium, ~60 Hz; a page with no SDK is the baseline).
// Environment: TATTLE_DIST (another dist/), BENCH_RUNS (default 3), BENCH_ONLY=heap,realtime (some),
// BENCH_PROFILE=1: a CDP CPU profile of each measurement (100 µs sampling) written to
// bench/results/<measurement>-<variant>-<run>.cpuprofile (open in Chrome DevTools), and its top
// functions by self time printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bundleSentry, root } from '../bench/common.mjs';
import { launchChromium, startStaticServer } from '../tests/support/browser.mjs';

const RUNS = Number(process.env.BENCH_RUNS) || 3;
const HEAP_CAPTURES = 10000;
const BURST = 2000;
const REALTIME = { throws: 20, everyMs: 500 };
const ONLY = process.env.BENCH_ONLY?.split(',');
const PROFILE = Boolean(process.env.BENCH_PROFILE);
const dist = process.env.TATTLE_DIST || join(root, 'dist');
const say = (msg) => console.error(`[bench] ${msg}`);

const TATTLE = 'tattle';
const TATTLE_NO_GUARD = 'tattle stormGuard:false';
const TATTLE_COLD = 'tattle, first error';
const SENTRY_COLD = '@sentry/browser, first error';
const SENTRY = '@sentry/browser';
const NO_SDK = 'no SDK';
// The page-load measurement's variants: with and without performance monitoring.
const LOAD = {
  none: 'page load: no SDK',
  tattle: 'page load: tattle',
  tattleTracing: 'page load: tattle, tracing',
  sentry: 'page load: @sentry/browser',
  sentryTracing: 'page load: @sentry/browser, tracing',
};
const LOAD_FETCHES = 50;
const pages = {
  [LOAD.none]: 'load-none.html',
  [LOAD.tattle]: 'load-tattle.html',
  [LOAD.tattleTracing]: 'load-tattle-tracing.html',
  [LOAD.sentry]: 'load-sentry.html',
  [LOAD.sentryTracing]: 'load-sentry-tracing.html',
  [TATTLE]: 'tattle.html',
  [TATTLE_NO_GUARD]: 'tattle.html?stormGuard=off',
  [SENTRY]: 'sentry.html',
  [TATTLE_COLD]: 'tattle.html?cold',
  [SENTRY_COLD]: 'sentry.html?cold',
  [NO_SDK]: 'nosdk.html',
};

// ---- page side ------------------------------------------------------------------------------
// Runs in the page (served as /run.js, before the SDK). Timing: performance.now() has 5 µs
// resolution (the pages are crossOriginIsolated). The stubs call record() once per request.
function pageLib() {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const textOf = (body) => (typeof body === 'string' ? body
    : body instanceof ArrayBuffer || ArrayBuffer.isView(body) ? new TextDecoder().decode(body) : null);

  // What the stubs saw. With `keep` the stub only keeps references (so its cost inside a capture
  // is the same for every SDK; sizes, encodings and events are worked out afterwards by tally());
  // with `classify` it reads each body at once (after noting the time): events (a gzip body or one
  // it cannot read counts as one: tattle sends one event per request), client reports' drops,
  // and `watch(at, text)` for the real-time measurement.
  window.rec = { requests: 0, events: 0, unreadable: 0, discarded: {}, keep: true, classify: false, log: [], watch: null };
  window.record = function record(input, init) {
    const at = performance.now();
    const r = window.rec;
    r.requests++;
    if (r.keep) r.log.push({ at, input, init });
    // The page-load measurement: when the first transaction reached the stub (neither SDK
    // compresses by default). @sentry/browser 11 sends its pageload as a `span` item (span
    // streaming), tattle as a classic `transaction` item: either counts.
    if (r.watchTransactions && /"type":"(transaction|span)"/.test(textOf(init && init.body) || '')) {
      r.transactions = (r.transactions || 0) + 1;
      r.transactionAt ??= at;
    }
    if (!r.classify) return;
    const headers = new Headers((init && init.headers) || undefined);
    const text = headers.get('content-encoding') ? null : textOf(init && init.body);
    if (text === null) {
      r.unreadable++;
      r.events++;
      return;
    }
    r.events += text.split('"type":"event"').length - 1;
    if (text.includes('"discarded_events"')) readEnvelope(new TextEncoder().encode(text), r.discarded);
    if (r.watch) r.watch(at, text);
  };

  // Bytes as they would go on the wire (after any Content-Encoding the SDK applied itself).
  async function wireBytes(body) {
    if (body == null) return new Uint8Array(0);
    if (typeof body === 'string') return new TextEncoder().encode(body);
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
    return new Uint8Array(await new Response(body).arrayBuffer()); // ReadableStream, URLSearchParams …
  }

  // Reads one envelope (header line, then item header + payload pairs; a payload is `length`
  // bytes if the item header says so, else one line): counts its event items, and adds what its
  // client reports say was discarded to `discarded` (reason → quantity).
  function readEnvelope(bytes, discarded) {
    const dec = new TextDecoder();
    let pos = 0;
    let events = 0;
    const line = () => {
      let end = bytes.indexOf(10, pos);
      if (end < 0) end = bytes.length;
      const s = dec.decode(bytes.subarray(pos, end));
      pos = end + 1;
      return s;
    };
    line();
    while (pos < bytes.length) {
      const h = line();
      if (!h.trim()) continue;
      let header;
      try { header = JSON.parse(h); } catch { break; }
      if (header.type === 'event') events++;
      let payload;
      if (typeof header.length === 'number') {
        payload = dec.decode(bytes.subarray(pos, pos + header.length));
        pos += header.length;
        if (bytes[pos] === 10) pos++;
      } else payload = line();
      if (header.type === 'client_report') {
        try {
          for (const d of JSON.parse(payload).discarded_events || []) {
            discarded[d.reason] = (discarded[d.reason] || 0) + (d.quantity || 0);
          }
        } catch { /* not JSON: not counted */ }
      }
    }
    return events;
  }

  // Sums up the requests kept since the last tally: count, body bytes, Content-Encoding, events
  // (gzip bodies decoded), when the first and the last event arrived, and the drops the SDK's own
  // client reports admit to.
  window.tally = async function tally() {
    const r = window.rec;
    const log = r.log;
    r.log = [];
    let bytes = 0;
    let events = 0;
    let eventBytes = 0;
    let eventRequests = 0;
    const eventTimes = []; // when each event reached the stub
    const encodings = {};
    const discarded = {};
    for (const { at, input, init } of log) {
      const req = input instanceof Request ? input : null;
      const headers = new Headers((init && init.headers) || (req && req.headers) || undefined);
      const encoding = headers.get('content-encoding');
      encodings[encoding || 'none'] = (encodings[encoding || 'none'] || 0) + 1;
      const raw = init && init.body !== undefined ? await wireBytes(init.body)
        : req ? new Uint8Array(await req.clone().arrayBuffer())
          : input && typeof input === 'object' && 'body' in input ? await wireBytes(input.body) : new Uint8Array(0);
      bytes += raw.byteLength;
      let plain = raw;
      if (encoding && ['gzip', 'deflate', 'deflate-raw'].includes(encoding)) {
        const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream(encoding));
        plain = new Uint8Array(await new Response(stream).arrayBuffer());
      }
      const n = readEnvelope(plain, discarded);
      events += n;
      if (n > 0) {
        eventRequests++;
        eventBytes += raw.byteLength;
        for (let k = 0; k < n; k++) eventTimes.push(at);
      }
    }
    return {
      requests: log.length, events, bytes, bytesPerRequest: log.length ? bytes / log.length : 0,
      // Requests that carry an event (not sessions or client reports): the bytes an error costs.
      eventRequests, bytesPerEventRequest: eventRequests ? eventBytes / eventRequests : 0,
      encodings, discarded, eventTimes: eventTimes.sort((a, b) => a - b),
    };
  };

  // Envelopes tattle keeps in IndexedDB ('tattle' DB, store 'envelopes'); 0 when there is none.
  // The connection closes at once (and on versionchange), so it never blocks tattle's own.
  window.idbCount = async function idbCount() {
    if (typeof indexedDB === 'undefined') return 0;
    if (indexedDB.databases && !(await indexedDB.databases()).some((d) => d.name === 'tattle')) return 0;
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('tattle');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.onversionchange = () => db.close();
    try {
      if (!db.objectStoreNames.contains('envelopes')) return 0;
      return await new Promise((resolve, reject) => {
        const q = db.transaction('envelopes').objectStore('envelopes').count();
        q.onsuccess = () => resolve(q.result);
        q.onerror = () => reject(q.error);
      });
    } finally {
      db.close();
    }
  };

  // Stats the SDK reports about itself (tattle's __stats: delivery state, wasm memory …), or null.
  window.sdkStats = function sdkStats() {
    const s = window.SDK && window.SDK.__stats;
    try {
      return typeof s === 'function' ? s() : s && typeof s === 'object' ? { ...s } : null;
    } catch (e) {
      return { error: String(e) };
    }
  };
  // Drops tattle counted and has not reported yet (its delivery's `discards`, "reason\0category").
  // null for an SDK that does not tell (@sentry/browser reports its drops when the page hides).
  const pendingDrops = () => {
    const stats = window.sdkStats();
    return stats && stats.discards ? Object.values(stats.discards).reduce((s, n) => s + n, 0) : null;
  };
  const sum = (o) => Object.values(o).reduce((s, n) => s + n, 0);

  // Resolves once value() ≥ target, or value() has not changed for `stallMs`, or after `maxMs`.
  async function settle(value, target, { stallMs = 3000, maxMs = 120000, everyMs = 20 } = {}) {
    const t0 = performance.now();
    let last = -1;
    let since = t0;
    for (;;) {
      const v = await value();
      const now = performance.now();
      if (v >= target) return { reached: true, ms: now - t0 };
      if (v !== last) {
        last = v;
        since = now;
      } else if (now - since > stallMs || now - t0 > maxMs) return { reached: false, ms: now - t0 };
      await sleep(everyMs);
    }
  }

  // The page's first error, from a microtask right after init (the page calls this after init,
  // with ?cold): `window.first` gets the throw's time and the time its event reached the stub.
  window.throwFirst = function throwFirst() {
    const r = window.rec;
    r.keep = false;
    r.classify = true;
    const first = (window.first = { thrownAt: null, arrivedAt: null });
    r.watch = (at, text) => { if (first.arrivedAt === null && text.includes('"value":"first error"')) first.arrivedAt = at; };
    queueMicrotask(() => {
      first.thrownAt = performance.now();
      throw new Error('first error');
    });
  };

  // Real time: a new distinct error every `everyMs`, uncaught, each from its own setTimeout
  // callback; the time from just before `throw` to the stub being called with that event (found
  // by its exception value in the body, not by a breadcrumb of a later event).
  window.runRealtime = async function runRealtime({ throws, everyMs, timeoutMs = 5000 }) {
    const r = window.rec;
    r.keep = false;
    r.classify = true;
    const id = Math.random().toString(36).slice(2, 10);
    const thrownAt = new Array(throws).fill(null);
    const arrivedAt = new Array(throws).fill(null);
    const re = new RegExp(`"value":"realtime ${id} (\\d+)"`, 'g');
    r.watch = (at, text) => {
      for (const m of text.matchAll(re)) {
        const i = Number(m[1]);
        if (arrivedAt[i] === null) arrivedAt[i] = at;
      }
    };
    await sleep(everyMs);
    await new Promise((resolve) => {
      const tick = (i) => {
        if (i + 1 < throws) setTimeout(() => tick(i + 1), everyMs);
        else resolve();
        thrownAt[i] = performance.now();
        throw new Error(`realtime ${id} ${i}`);
      };
      setTimeout(() => tick(0), 0);
    });
    const deadline = performance.now() + timeoutMs;
    while (arrivedAt.some((a) => a === null) && performance.now() < deadline) await sleep(20);
    r.watch = null;
    // A throw whose event never came counts as infinitely late.
    const ms = thrownAt.map((t, i) => (arrivedAt[i] === null ? Infinity : arrivedAt[i] - t));
    const sorted = [...ms].sort((a, b) => a - b);
    const rank = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    return { samples: ms, p50: rank(0.5), p95: rank(0.95), max: sorted[sorted.length - 1],
      arrived: arrivedAt.filter((a) => a !== null).length, throws };
  };

  // Burst: n distinct captureException in a row; then wait until n requests reached the stub (one
  // event each for tattle), or none came for 3 s (an SDK that dropped some); then flush (client
  // reports) and read what the stub got.
  window.runBurst = async function runBurst(n) {
    const S = window.SDK;
    const r = window.rec;
    r.keep = true;
    r.classify = false;
    r.log = [];
    const before = r.requests;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) S.captureException(new Error(`burst ${i}`));
    const loopMs = performance.now() - t0;
    const waited = await settle(() => r.requests - before, n);
    const stored = await window.idbCount();
    const stats = window.sdkStats();
    const flushed = await S.flush(10000);
    const { eventTimes, ...t } = await window.tally();
    // By when the first half, 90 % and all of the events that reached the stub had reached it.
    const by = (p) => (eventTimes.length ? eventTimes[Math.ceil(p * eventTimes.length) - 1] - t0 : null);
    return {
      loopMs, halfMs: by(0.5), p90Ms: by(0.9), wallMs: by(1), reachedAll: waited.reached,
      events: t.events, requests: t.requests, stored, flushed, stats, discarded: t.discarded, encodings: t.encodings,
      pendingDrops: pendingDrops(),
    };
  };

  // Heap: n distinct captureException calls in slices of 20, yielding to the event loop between
  // slices (as an app would). Keeps no references to what was sent (the heap is the SDK's own);
  // returns once every event is sent, stored or admitted dropped (or that stopped changing).
  window.runHeap = async function runHeap(n, SLICE = 20) {
    const S = window.SDK;
    const r = window.rec;
    r.keep = false;
    r.classify = true;
    r.log = [];
    const before = r.events;
    const yieldNow = () => new Promise((resolve) => {
      const c = new MessageChannel();
      c.port1.onmessage = () => { c.port1.close(); resolve(); };
      c.port2.postMessage(0);
    });
    const t0 = performance.now();
    for (let i = 0; i < n; i += SLICE) {
      for (let j = i; j < Math.min(n, i + SLICE); j++) S.captureException(new Error(`heap error ${j} ${Math.random()}`));
      await yieldNow();
    }
    const loopMs = performance.now() - t0;
    let stored = 0;
    const accounted = async () => {
      stored = await window.idbCount();
      return r.events - before + stored + pendingDrops() + sum(r.discarded);
    };
    const waited = await settle(accounted, n, { stallMs: 5000, maxMs: 90000, everyMs: 100 });
    return {
      loopMs, settleMs: waited.ms, accountedFor: waited.reached, sent: r.events - before, stored,
      dropped: pendingDrops() + sum(r.discarded), discarded: { ...r.discarded },
    };
  };

  // Capture: user, 5 tags and a context set; 100 warm-up + 2,000 captureException calls with
  // varied messages; each call timed alone; then flush and read what the stub got.
  window.runCapture = async function runCapture() {
    const S = window.SDK;
    S.setUser({ id: 'user-1', email: 'user@example.com' });
    for (let i = 0; i < 5; i++) S.setTag(`tag${i}`, `value-${i}`);
    S.setContext('app', { build: 1234, channel: 'stable', features: ['a', 'b'] });
    for (let i = 0; i < 100; i++) S.captureException(new Error(`warm-up ${i}`));
    const times = new Float64Array(2000);
    for (let i = 0; i < 2000; i++) {
      const error = new Error(`bench error ${i} ${Math.random()}`);
      const a = performance.now();
      S.captureException(error);
      times[i] = performance.now() - a;
    }
    const sorted = Array.from(times).sort((x, y) => x - y);
    const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
    const flushed = await S.flush(30000);
    const { eventTimes: _c, ...sent } = await window.tally();
    return { mean, p99: sorted[Math.floor(sorted.length * 0.99)], ...sent, flushed, stored: await window.idbCount(),
      pendingDrops: pendingDrops(), isolated: crossOriginIsolated };
  };

  // Hostile data: what a page pays on its main thread when it hands the SDK a context
  // whose 7 keys point back at it, throws an object with 20,000 keys, adds 100 breadcrumbs of
  // 20 KB and logs 50 KB; then one more capture. Each call timed alone; the worst one kept.
  window.runHostile = async function runHostile() {
    const S = window.SDK;
    const steps = {};
    let worst = 0;
    const time = (name, fn) => {
      const a = performance.now();
      try { fn(); } catch { /* a throw into the page is the SDK's failure, counted below */ steps[`${name} threw`] = 1; }
      const ms = performance.now() - a;
      steps[name] = Math.max(steps[name] || 0, ms);
      worst = Math.max(worst, ms);
    };
    const cyc = {};
    for (const k of 'abcdefg') cyc[k] = cyc;
    time('setContext(7 keys pointing back at it)', () => S.setContext('cyc', cyc));
    const wide = {};
    for (let i = 0; i < 20000; i++) wide[`k${String(i).padStart(5, '0')}`] = i;
    time('captureException(20,000 keys)', () => S.captureException(wide));
    const big = 'x'.repeat(20000);
    for (let i = 0; i < 100; i++) time('addBreadcrumb(20 KB), worst', () => S.addBreadcrumb({ category: 'app', message: `${i} ${big}` }));
    time('console.log(50 KB)', () => console.log('y'.repeat(50000)));
    time('captureException(the next error)', () => S.captureException(new Error('after the hostile data')));
    const flushed = await S.flush(30000);
    const { eventTimes: _e, ...sent } = await window.tally();
    return { worst, steps, flushed, ...sent };
  };

  // Storm: uncaught errors thrown from a setTimeout loop for `ms` (each callback schedules the
  // next, then throws), with varied messages or one identical message; meanwhile a
  // requestAnimationFrame loop notes when each frame callback ran. Then the SDK may flush, and
  // the stub's count is read.
  // The page load, measured once the load event is over: navigation timing, the SDK's JS as
  // fetched, then LOAD_FETCHES same-origin fetches in a row (each wrapped by the SDK; with tracing
  // each gets a span and the trace headers), then (tracing only) when the pageload transaction
  // reached the stub.
  window.runLoad = async function runLoad({ fetches, tracing }) {
    if (document.readyState !== 'complete') await new Promise((resolve) => addEventListener('load', resolve, { once: true }));
    await sleep(0); // loadEventEnd is set after the load handlers ran
    const nav = performance.getEntriesByType('navigation')[0];
    const sdkBytes = performance.getEntriesByType('resource')
      .filter((e) => /\/dist\/|\/sentry/.test(e.name)).reduce((sum, e) => sum + (e.encodedBodySize || 0), 0);
    const t = performance.now();
    for (let i = 0; i < fetches; i++) await (await fetch(`/api/data?i=${i}`)).json();
    const fetchMs = (performance.now() - t) / fetches;
    let transactionAfterLoadMs = null;
    if (tracing) {
      const until = performance.now() + 40000;
      while (!window.rec.transactionAt && performance.now() < until) await sleep(20);
      if (window.rec.transactionAt) transactionAfterLoadMs = window.rec.transactionAt - nav.loadEventEnd;
    }
    return {
      initMs: window.initMs, dclMs: nav.domContentLoadedEventEnd, loadMs: nav.loadEventEnd, sdkKB: sdkBytes / 1024,
      fetchMs, transactions: window.rec.transactions || 0, transactionAfterLoadMs,
    };
  };

  window.runStorm = async function runStorm({ identical, ms = 2000 }) {
    const S = window.SDK;
    const frames = [];
    let t0 = Infinity;
    let thrown = 0;
    const framesDone = new Promise((resolve) => {
      const frame = () => {
        const now = performance.now();
        frames.push(now);
        if (now < t0 + ms) requestAnimationFrame(frame);
        else resolve();
      };
      requestAnimationFrame(frame);
    });
    // Start on a frame boundary, after a few frames, so the first gap is a normal one.
    while (frames.length < 5) await new Promise((resolve) => requestAnimationFrame(resolve));
    t0 = performance.now();
    const stormDone = new Promise((resolve) => {
      const tick = () => {
        if (performance.now() - t0 >= ms) return resolve();
        setTimeout(tick, 0);
        thrown++;
        if (identical) throw new Error('storm: the same error again');
        throw new Error(`storm error ${thrown} ${Math.random()}`);
      };
      setTimeout(tick, 0);
    });
    await Promise.all([stormDone, framesDone]);
    // The largest gap between consecutive frame callbacks that ends inside the storm (or is the
    // first one after it: a long frame straddling the end counts too).
    let maxGap = 0;
    let maxGapAt = 0; // when, after the storm began, the largest gap ended
    let inStorm = 0;
    for (let i = 1; i < frames.length; i++) {
      if (frames[i] <= t0) continue;
      inStorm++;
      if (frames[i] - frames[i - 1] > maxGap) {
        maxGap = frames[i] - frames[i - 1];
        maxGapAt = frames[i] - t0;
      }
    }
    const flushed = S ? await S.flush(15000) : true;
    const { eventTimes: _s, ...sent } = await window.tally();
    return { thrown, frames: inStorm, maxGap, maxGapAt, flushed, ...sent };
  };
}

// The stub is installed before the SDK loads. tattle calls the global fetch it found at init
// (other requests, the .wasm download, go to the real fetch); @sentry/browser gets it as its fetch
// transport's fetch. sendBeacon is stubbed too (tattle does not use it; counted if it did).
const PAGES = {
  'run.js': `(${pageLib})();`,
  'nosdk.html': `<!doctype html><meta charset="utf-8"><title>bench no SDK</title>
<script src="/run.js"></script>
<script>window.initMs = 0; window.readyMs = 0; window.SDK = null;</script>`,
  'sentry.html': `<!doctype html><meta charset="utf-8"><title>bench @sentry/browser</title>
<script src="/run.js"></script>
<script>
  window.t0 = performance.now();
  window.stubFetch = (input, init) => {
    window.record(input, init);
    return Promise.resolve(new Response(null, { status: 200 }));
  };
</script>
<script type="module">
  import * as SDK from '/sentry.js';
  SDK.init({
    dsn: 'http://public@127.0.0.1:9/1', release: 'bench@1',
    transport: (options) => SDK.makeFetchTransport(options, window.stubFetch),
  });
  window.initMs = performance.now() - window.t0;
  window.readyMs = window.initMs;
  if (new URLSearchParams(location.search).has('cold')) window.throwFirst();
  window.SDK = SDK;
</script>`,
  'tattle.html': `<!doctype html><meta charset="utf-8"><title>bench tattle</title>
<script src="/run.js"></script>
<script>
  window.t0 = performance.now();
  const realFetch = window.fetch;
  window.fetch = (input, init) => {
    const method = (init && init.method) || (input instanceof Request ? input.method : 'GET');
    if (method.toUpperCase() !== 'POST') return realFetch(input, init);
    window.record(input, init);
    return Promise.resolve(new Response(null, { status: 200 }));
  };
  navigator.sendBeacon = (url, body) => { window.record(url, { method: 'POST', body }); return true; };
</script>
<script type="module">
  import * as SDK from '/dist/index.js';
  const q = new URLSearchParams(location.search);
  // tattle's defaults; ?stormGuard=off turns the storm guard off and nothing else.
  const options = { dsn: 'http://public@127.0.0.1:9/1', release: 'bench@1', debug: q.has('debug') };
  if (q.get('stormGuard') === 'off') options.stormGuard = false;
  SDK.init(options);
  window.initMs = performance.now() - window.t0;
  if (q.has('cold')) window.throwFirst();
  else await SDK.flush();               // loads the rest and the .wasm now; resolves once ready
  window.readyMs = performance.now() - window.t0;
  window.SDK = SDK;
</script>`,
};

// The page-load pages: a stylesheet, 3 scripts and 6 images (served by /asset/), the SDK started
// from a module script as an app would, tattle and @sentry/browser with their defaults (a
// release set: both send a session), with tracing: tracesSampleRate 1 and
// browserTracingIntegration().
const LOAD_BODY = `<link rel="stylesheet" href="/asset/style.css">
<h1>Page load</h1><p>Text for a contentful paint.</p>
${[1, 2, 3, 4, 5, 6].map((i) => `<img src="/asset/img-${i}.svg" width="32" height="32">`).join('')}
${[1, 2, 3].map((i) => `<script src="/asset/lib-${i}.js" defer></script>`).join('')}`;
function loadPage(sdk, tracing) {
  const stub = `<script src="/run.js"></script>
<script>
  window.rec.watchTransactions = true;
  const realFetch = window.fetch;
  window.stubFetch = (input, init) => {
    window.record(input, init);
    return Promise.resolve(new Response(null, { status: 200 }));
  };
  window.fetch = (input, init) => {
    const method = (init && init.method) || (input instanceof Request ? input.method : 'GET');
    return method.toUpperCase() === 'POST' ? window.stubFetch(input, init) : realFetch(input, init);
  };
</script>`;
  const opts = "dsn: 'http://public@127.0.0.1:9/1', release: 'bench@1'";
  const trace = tracing ? ', tracesSampleRate: 1, integrations: [SDK.browserTracingIntegration()]' : '';
  const start = sdk === 'tattle'
    ? `import * as SDK from '/dist/index.js';
  const t = performance.now();
  SDK.init({ ${opts}${trace} });`
    : sdk === 'sentry'
      ? `import * as SDK from '${tracing ? '/sentry-tracing.js' : '/sentry.js'}';
  const t = performance.now();
  SDK.init({ ${opts}${trace}, transport: (options) => SDK.makeFetchTransport(options, window.stubFetch) });`
      : 'const SDK = null; const t = performance.now();';
  return `<!doctype html><meta charset="utf-8"><title>bench page load</title>
${stub}
<script type="module">
  ${start}
  window.initMs = performance.now() - t;
  window.SDK = SDK;
</script>
${LOAD_BODY}`;
}
Object.assign(PAGES, {
  'load-none.html': loadPage(null, false),
  'load-tattle.html': loadPage('tattle', false),
  'load-tattle-tracing.html': loadPage('tattle', true),
  'load-sentry.html': loadPage('sentry', false),
  'load-sentry-tracing.html': loadPage('sentry', true),
});
// What the page-load pages fetch besides the SDK: small assets, and a JSON endpoint.
function assetRoute(req, res) {
  const name = new URL(req.url, 'http://x').pathname.replace(/^.*\//, '');
  const [type, body] = name.endsWith('.css') ? ['text/css', 'p { color: #222 }']
    : name.endsWith('.js') ? ['text/javascript', `window.libs = (window.libs || 0) + 1; // ${'x'.repeat(2000)}`]
      : ['image/svg+xml', `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#${name.length}${name.length}0"/></svg>`];
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Cross-Origin-Resource-Policy': 'same-origin' });
  res.end(body);
}
function dataRoute(req, res) {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Cross-Origin-Resource-Policy': 'same-origin' });
  res.end(JSON.stringify({ ok: true, traced: Boolean(req.headers['sentry-trace']) }));
}

// ---- node side ------------------------------------------------------------------------------
async function heapUsed(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

const storm = (identical) => async (tab, name) => {
  const r = await tab.evaluate((arg) => window.runStorm(arg), { identical });
  if (r.thrown === 0) throw new Error(`${name}: the storm threw nothing`);
  if (r.frames < 10) throw new Error(`${name}: requestAnimationFrame ran ${r.frames} times in 2 s (does rAF tick in this headless mode?)`);
  if (name !== NO_SDK && r.requests === 0) throw new Error(`${name}: no event of the storm reached the stub`);
  return r;
};

const measurements = {
  first: {
    variants: [TATTLE_COLD, SENTRY_COLD],
    async run(tab, name) {
      await tab.waitForFunction(() => window.first && window.first.arrivedAt !== null, null, { timeout: 15000 })
        .catch(() => { throw new Error(`${name}: the first error never reached the stub`); });
      return tab.evaluate(() => ({ initMs: window.initMs, ms: window.first.arrivedAt - window.first.thrownAt }));
    },
  },
  realtime: {
    variants: [TATTLE, SENTRY],
    async run(tab, name) {
      const r = await tab.evaluate((arg) => window.runRealtime(arg), REALTIME);
      if (r.arrived === 0) throw new Error(`${name}: no event of the ${r.throws} throws reached the stub`);
      return r;
    },
  },
  burst: {
    variants: [TATTLE_NO_GUARD, SENTRY],
    async run(tab, name) {
      const r = await tab.evaluate((n) => window.runBurst(n), BURST);
      if (!r.events) throw new Error(`${name}: no event of the burst reached the stub`);
      return { ...r, msPerEvent: r.wallMs / BURST, msPerEventReached: r.wallMs / r.events };
    },
  },
  heap: {
    variants: [TATTLE_NO_GUARD, TATTLE, SENTRY],
    async run(tab, name) {
      const cdp = await tab.context().newCDPSession(tab);
      const statsBefore = await tab.evaluate(() => window.sdkStats());
      const before = await heapUsed(cdp);
      const r = await tab.evaluate((n) => window.runHeap(n), HEAP_CAPTURES);
      const after = await heapUsed(cdp);
      const stats = await tab.evaluate(() => window.sdkStats());
      if (!(before > 0 && after > 0)) throw new Error(`${name}: no heap usage from CDP`);
      if (r.sent === 0) throw new Error(`${name}: sent nothing`);
      const wasm = (s) => (s && typeof s.wasmMemoryBytes === 'number' ? s.wasmMemoryBytes / 1024 : null);
      return {
        beforeKB: before / 1024, afterKB: after / 1024, growthKB: (after - before) / 1024, ...r,
        wasmKBBefore: wasm(statsBefore), wasmKB: wasm(stats), stats,
      };
    },
  },
  capture: {
    variants: [TATTLE_NO_GUARD, SENTRY],
    async run(tab, name) {
      const init = await tab.evaluate(() => ({ initMs: window.initMs, readyMs: window.readyMs }));
      const r = await tab.evaluate(() => window.runCapture());
      if (!r.isolated) throw new Error('page is not crossOriginIsolated: timers are coarse');
      if (r.events === 0) throw new Error(`${name} sent nothing`);
      return { ...init, ...r };
    },
  },
  hostile: {
    variants: [TATTLE, SENTRY],
    async run(tab, name) {
      const r = await tab.evaluate(() => window.runHostile());
      if (!r.events) throw new Error(`${name}: no event of the hostile page reached the stub`);
      return { ...r, contextMs: r.steps['setContext(7 keys pointing back at it)'], wideMs: r.steps['captureException(20,000 keys)'],
        crumbMs: r.steps['addBreadcrumb(20 KB), worst'], consoleMs: r.steps['console.log(50 KB)'], nextMs: r.steps['captureException(the next error)'] };
    },
  },
  pageload: {
    variants: Object.values(LOAD),
    async run(tab, name) {
      const tracing = name.endsWith('tracing');
      const r = await tab.evaluate((arg) => window.runLoad(arg), { fetches: LOAD_FETCHES, tracing });
      if (!(r.loadMs > 0)) throw new Error(`${name}: no load event timing`);
      if (tracing && !r.transactions) throw new Error(`${name}: no transaction reached the stub in 40 s`);
      if (!tracing && r.transactions) throw new Error(`${name}: a transaction was sent with tracing off`);
      return r;
    },
  },
  stormVaried: { variants: [TATTLE, SENTRY, NO_SDK], run: storm(false) },
  stormIdentical: { variants: [TATTLE, SENTRY, NO_SDK], run: storm(true) },
};

// BENCH_PROFILE: the page's main thread, sampled every 100 µs while a measurement runs.
async function startProfile(tab) {
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return cdp;
}
async function stopProfile(cdp, label) {
  const { profile } = await cdp.send('Profiler.stop');
  const file = join(root, 'bench', 'results', `${label.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
  // Self time per function: the time deltas of the samples that landed in it.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] || 0) / 1000;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\//, '')}:${lineNumber + 1}` : ''}`.trim();
    self.set(where, (self.get(where) || 0) + dt);
    total += dt;
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 10);
  say(`profile ${label} (${total.toFixed(0)} ms sampled) → ${file}\n${top.map(([w, ms]) => `    ${ms.toFixed(1).padStart(8)} ms  ${w}`).join('\n')}`);
}

const started = Date.now();
const load = [loadavg()];
const sentryBundle = await bundleSentry();
const sentryTracingBundle = await bundleSentry({ tracing: true });
const server = await startStaticServer({
  '/dist/': dist,
  '/sentry.js': { file: sentryBundle },
  '/sentry-tracing.js': { file: sentryTracingBundle },
  '/asset/': assetRoute,
  '/api/data': dataRoute,
  ...Object.fromEntries(Object.entries(PAGES).map(([file, body]) => [`/${file}`, { body, type: file.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8' }])),
}, { coopCoep: true });
const results = {};
let chromium;
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const [key, m] of Object.entries(measurements)) {
      if (ONLY && !ONLY.includes(key)) continue;
      for (const name of m.variants) {
        say(`run ${run}/${RUNS}: ${key}, ${name}`);
        const browser = await launchChromium();
        chromium ??= browser.version();
        try {
          const tab = await browser.newPage();
          await tab.goto(`${server.url}/${pages[name]}`);
          await tab.waitForFunction(() => window.SDK !== undefined, null, { timeout: 30000 });
          const profiler = PROFILE ? await startProfile(tab) : null;
          ((results[key] ??= {})[name] ??= []).push(await m.run(tab, name));
          if (profiler) await stopProfile(profiler, `${key}-${name}-${run}`);
        } finally {
          await browser.close();
        }
      }
    }
    load.push(loadavg());
  }
} finally {
  await server.stop();
}

// ---- summary -------------------------------------------------------------------------------
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = (runs, key) => {
  const xs = runs.map((r) => r[key]);
  if (xs.some((x) => typeof x !== 'number')) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};
const summarize = (key, fields) => results[key] && Object.fromEntries(Object.entries(results[key]).map(([name, runs]) => [
  name, Object.fromEntries(fields.map((f) => [f, stat(runs, f)])),
]));
const summary = {
  first: summarize('first', ['initMs', 'ms']),
  realtime: summarize('realtime', ['p50', 'p95', 'max', 'arrived']),
  burst: summarize('burst', ['loopMs', 'halfMs', 'p90Ms', 'wallMs', 'msPerEvent', 'msPerEventReached', 'events', 'stored', 'pendingDrops']),
  heap: summarize('heap', ['growthKB', 'sent', 'stored', 'dropped', 'settleMs', 'wasmKBBefore', 'wasmKB']),
  capture: summarize('capture', ['initMs', 'readyMs', 'mean', 'p99', 'requests', 'events', 'stored', 'pendingDrops', 'bytesPerRequest', 'bytesPerEventRequest']),
  stormVaried: summarize('stormVaried', ['thrown', 'requests', 'events', 'maxGap', 'maxGapAt', 'frames']),
  stormIdentical: summarize('stormIdentical', ['thrown', 'requests', 'events', 'maxGap', 'maxGapAt', 'frames']),
  pageload: summarize('pageload', ['initMs', 'dclMs', 'loadMs', 'sdkKB', 'fetchMs', 'transactions', 'transactionAfterLoadMs']),
  hostile: summarize('hostile', ['worst', 'contextMs', 'wideMs', 'crumbMs', 'consoleMs', 'nextMs', 'events']),
};
// Content-Encodings seen and drops reported (client reports), summed over all runs.
const sumOver = (runs, key) => {
  const total = {};
  for (const r of runs) for (const [k, v] of Object.entries(r[key] ?? {})) total[k] = (total[k] || 0) + v;
  return total;
};
for (const key of ['capture', 'stormVaried', 'stormIdentical', 'burst', 'heap']) {
  for (const [name, runs] of Object.entries(results[key] ?? {})) {
    Object.assign(summary[key][name], { encodings: sumOver(runs, 'encodings'), discarded: sumOver(runs, 'discarded') });
  }
}

const fmt = (s, digits) => (s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : 'n/a');
function table(title, key, cols) {
  console.log(`\n${title}`);
  const rows = [['', ...cols.map(([label]) => label)]];
  for (const [name, s] of Object.entries(summary[key])) {
    rows.push([name, ...cols.map(([, f, d]) => (typeof f === 'function' ? f(s) : fmt(s[f], d)))]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 2);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('').trimEnd());
}
const ratio = (a, b) => (a && b && b.median ? (a.median / b.median).toFixed(2) : 'n/a');
const ratios = (label, pairs) => console.log(`  tattle / @sentry/browser (${label}): ${pairs.map(([k, a, b]) => `${k} ${ratio(a, b)}`).join(', ')}`);
const goal = (label, ok) => console.log(`  goal ${label}: ${ok === null ? 'n/a' : ok ? 'met' : 'NOT met'}`);
const la = (l) => l.map((x) => x.toFixed(2)).join(' ');

console.log(`\nmedian (min–max) of ${RUNS} runs, headless Chromium ${chromium}, fresh browser per measurement`);
console.log(`load average (1/5/15 min) at start ${la(load[0])}; after each run ${load.slice(1).map(la).join(' | ')}`);
const dropText = (s) => Object.entries(s.discarded).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
const encText = (s) => Object.entries(s.encodings).map(([k, v]) => `${k} ×${v}`).join(', ');
if (summary.first) {
  table("first error: thrown right after init (tattle's before idle: lazy.js and the .wasm not there yet), throw → fetch stub called", 'first', [
    ['init ms', 'initMs', 1], ['throw → request ms', 'ms', 1],
  ]);
  const t = summary.first[TATTLE_COLD], p = summary.first[SENTRY_COLD];
  ratios('first error', [['init', t.initMs, p.initMs], ['throw → request', t.ms, p.ms]]);
}
if (summary.realtime) {
  table(`real time, SDK defaults: a new distinct uncaught error every ${REALTIME.everyMs} ms (${REALTIME.throws} throws), throw → fetch stub called`, 'realtime', [
    ['p50 ms', 'p50', 3], ['p95 ms', 'p95', 3], ['max ms', 'max', 3], [`arrived of ${REALTIME.throws}`, 'arrived', 0],
  ]);
  const t = summary.realtime[TATTLE], p = summary.realtime[SENTRY];
  ratios('throw → request', [['p50', t.p50, p.p50], ['p95', t.p95, p.p95]]);
  goal('tattle p95 ≤ 5 ms (median of runs)', t.p95.median <= 5);
}
if (summary.burst) {
  table(`burst: ${BURST.toLocaleString('en')} distinct captureException in a row (tattle with stormGuard: false), wall = first capture → last event at the stub`, 'burst', [
    ['loop ms', 'loopMs', 1], ['half reached ms', 'halfMs', 0], ['90 % ms', 'p90Ms', 0], ['wall ms', 'wallMs', 0], [`wall ms / ${BURST}`, 'msPerEvent', 4], ['wall ms / event reached', 'msPerEventReached', 4],
    ['events reached', 'events', 0], ['in IndexedDB', 'stored', 0], ['client reports (all runs)', dropText],
    ['counted, not reported yet', 'pendingDrops', 0],
  ]);
  const t = summary.burst[TATTLE_NO_GUARD], p = summary.burst[SENTRY];
  ratios('burst', [['loop', t.loopMs, p.loopMs], ['wall / event', t.msPerEvent, p.msPerEvent], ['wall / event reached', t.msPerEventReached, p.msPerEventReached]]);
  goal('tattle wall / event ≤ @sentry/browser', t.msPerEvent && p.msPerEvent ? t.msPerEvent.median <= p.msPerEvent.median : null);
  console.log(`  (@sentry/browser's fetch transport holds at most 40 requests at a time and drops the rest of a burst:\n` +
    '   its wall time covers only the events it kept.)');
}
if (summary.heap) {
  table(`heap: JS heap growth after ${HEAP_CAPTURES.toLocaleString('en')} distinct captureException (slices of 20), once all are sent, stored or dropped (two forced GCs)`, 'heap', [
    ['JS heap growth KB', 'growthKB', 0], ['sent', 'sent', 0], ['stored (IndexedDB)', 'stored', 0], ['dropped', 'dropped', 0],
    ['settled after ms', 'settleMs', 0], ['wasm memory KB before → after', (s) => (s.wasmKB ? `${fmt(s.wasmKBBefore, 0)} → ${fmt(s.wasmKB, 0)}` : '-')],
  ]);
  ratios('JS heap growth', [['stormGuard:false', summary.heap[TATTLE_NO_GUARD]?.growthKB, summary.heap[SENTRY]?.growthKB],
    ['defaults', summary.heap[TATTLE]?.growthKB, summary.heap[SENTRY]?.growthKB]]);
  const g = summary.heap[TATTLE_NO_GUARD]?.growthKB;
  goal('tattle (stormGuard: false) JS heap growth ≤ 1 MB', g ? g.median <= 1024 : null);
  console.log('  (tattle with defaults: its storm guard sends at most 100 events a minute and drops the rest, counted.)');
}
if (summary.capture) {
  table('capture: init, then 2,000 captureException after 100 warm-up, each timed alone (tattle with stormGuard: false)', 'capture', [
    ['init ms', 'initMs', 1], ['ready ms', 'readyMs', 1], ['capture mean ms', 'mean', 4], ['capture p99 ms', 'p99', 3],
  ]);
  const t = summary.capture[TATTLE_NO_GUARD], p = summary.capture[SENTRY];
  ratios('capture', [['init', t.initMs, p.initMs], ['ready', t.readyMs, p.readyMs], ['capture mean', t.mean, p.mean],
    ['p99', t.p99, p.p99]]);
  table('bytes on the wire per event: the capture measurement\'s requests (bodies as sent, after any Content-Encoding)', 'capture', [
    ['requests', 'requests', 0], ['events of 2,100', 'events', 0], ['left in IndexedDB', 'stored', 0], ['bytes / event request', 'bytesPerEventRequest', 0],
    ['bytes / request', 'bytesPerRequest', 0], ['Content-Encoding (all runs)', encText], ['client reports (all runs)', dropText],
    ['counted, not reported yet', 'pendingDrops', 0],
  ]);
  ratios('bytes', [['per event request', t.bytesPerEventRequest, p.bytesPerEventRequest]]);
  console.log('  (events < 2,100: the SDK dropped part of the burst (see client reports); requests without an event\n' +
    '   are sessions or client reports.)');
}
if (summary.hostile) {
  table('hostile data, SDK defaults: one page hands the SDK a self-referencing context, a 20,000-key thrown object, 100 × 20 KB breadcrumbs, a 50 KB console.log, then one more error; each call timed alone', 'hostile', [
    ['worst call ms', 'worst', 1], ['setContext ms', 'contextMs', 1], ['20,000 keys ms', 'wideMs', 1], ['20 KB crumb ms', 'crumbMs', 1],
    ['50 KB log ms', 'consoleMs', 1], ['next error ms', 'nextMs', 1], ['events', 'events', 0],
  ]);
  ratios('hostile data, worst main-thread call', [['worst', summary.hostile[TATTLE]?.worst, summary.hostile[SENTRY]?.worst]]);
}
if (summary.pageload) {
  table(`page load: a stylesheet, 3 scripts, 6 images; then ${LOAD_FETCHES} same-origin fetches in a row; tracing = tracesSampleRate 1 + browserTracingIntegration()`, 'pageload', [
    ['init ms', 'initMs', 2], ['DOMContentLoaded ms', 'dclMs', 1], ['load ms', 'loadMs', 1], ['SDK KB fetched by then (raw)', 'sdkKB', 1],
    ['ms / fetch', 'fetchMs', 3], ['transactions', 'transactions', 0], ['load → transaction at stub ms', 'transactionAfterLoadMs', 0],
  ]);
  const p = summary.pageload;
  ratios('page load, tracing', [['load', p[LOAD.tattleTracing]?.loadMs, p[LOAD.sentryTracing]?.loadMs],
    ['ms / fetch', p[LOAD.tattleTracing]?.fetchMs, p[LOAD.sentryTracing]?.fetchMs]]);
  console.log(`  tracing on / off: tattle load ${ratio(p[LOAD.tattleTracing]?.loadMs, p[LOAD.tattle]?.loadMs)}, ms / fetch ${ratio(p[LOAD.tattleTracing]?.fetchMs, p[LOAD.tattle]?.fetchMs)}; ` +
    `@sentry/browser load ${ratio(p[LOAD.sentryTracing]?.loadMs, p[LOAD.sentry]?.loadMs)}, ms / fetch ${ratio(p[LOAD.sentryTracing]?.fetchMs, p[LOAD.sentry]?.fetchMs)}`);
}
for (const [key, what] of [['stormVaried', 'varied messages'], ['stormIdentical', 'one identical message']]) {
  if (!summary[key]) continue;
  table(`storm, SDK defaults: uncaught errors from a setTimeout loop for 2 s, ${what}`, key, [
    ['errors thrown', 'thrown', 0], ['requests', 'requests', 0], ['events', 'events', 0],
    ['max rAF gap ms', 'maxGap', 1], ['gap ended at ms', 'maxGapAt', 0], ['rAF frames', 'frames', 0], ['client reports (all runs)', dropText],
  ]);
  const t = summary[key][TATTLE], p = summary[key][SENTRY], b = summary[key][NO_SDK];
  ratios(key, [['requests', t.requests, p.requests], ['max rAF gap', t.maxGap, p.maxGap]]);
  console.log(`  max rAF gap / no SDK: tattle ${ratio(t.maxGap, b.maxGap)}, @sentry/browser ${ratio(p.maxGap, b.maxGap)}`);
}
say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'bench.json'), JSON.stringify({
  date: new Date().toISOString(), chromium, tattleDist: dist, runs: RUNS, loadavg: load, results, summary,
}, null, 2));
