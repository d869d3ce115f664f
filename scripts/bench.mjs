// npm run bench: tattle and @sentry/browser side by side in the same headless Chromium run.
// Method (../shared/DESIGN.md §6): pages on 127.0.0.1 with COOP/COEP (5 µs timers), the network
// replaced by counting stubs that answer 200 at once, a fresh browser (profile) per measurement and
// run, 3 runs, median and spread. Not a test: it prints figures and asserts nothing about speed,
// only that each measurement measured something.
//
// Measurements (page side in bench/pages/run.js; stubs in the bench/pages/*.html):
//   capture  init/ready time, then 100 warm-up + 2,000 captureException calls each timed alone.
//   bytes    the capture's requests as the stub got them: body bytes (after the SDK's own
//            Content-Encoding) per request that carried an event, and which encodings were used.
//   storm    uncaught errors from a setTimeout loop for 2 s (varied messages, then one identical
//            message), SDK defaults: events reaching the stub, largest requestAnimationFrame gap
//            (rAF does tick in headless Chromium, ~60 Hz; a page with no SDK is the baseline).
//   heap     CDP: two forced GCs + Runtime.getHeapUsage before and after 10,000 captures + flush;
//            tattle also with stormGuard: false, and its wasm memory from SDK.__stats if present.
//   latency  an isolated uncaught error after the SDK was idle 1.5 s: just-before-throw → stub
//            called; 5 samples, median.
// Every page's stub also reads the SDK's client reports, so drops it admits to are shown.
// Environment: TATTLE_DIST (another dist/), BENCH_RUNS (default 3), BENCH_ONLY=heap,latency (some).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSentry, root } from '../bench/common.mjs';
import { launchChromium, startStaticServer } from '../tests/support/browser.mjs';

const RUNS = Number(process.env.BENCH_RUNS) || 3;
const HEAP_CAPTURES = 10000;
const ONLY = process.env.BENCH_ONLY?.split(',');
const dist = process.env.TATTLE_DIST || join(root, 'dist');
const say = (msg) => console.error(`[bench] ${msg}`);

const TATTLE = 'tattle';
const TATTLE_NO_GUARD = 'tattle stormGuard:false';
const SENTRY = '@sentry/browser';
const NO_SDK = 'no SDK';
const pages = {
  [TATTLE]: 'tattle.html',
  [TATTLE_NO_GUARD]: 'tattle.html?stormGuard=off',
  [SENTRY]: 'sentry.html',
  [NO_SDK]: 'nosdk.html',
};

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
  capture: {
    // tattle runs with stormGuard: false here: 2,100 captures in a burst are exactly what the guard
    // thins out, and this measurement must time (and count) every event taking the full path rather
    // than be flattered by the guard dropping most of them. Hence the 2100/2100 check below.
    variants: [TATTLE_NO_GUARD, SENTRY],
    async run(tab, name) {
      const init = await tab.evaluate(() => ({ initMs: window.initMs, readyMs: window.readyMs }));
      const r = await tab.evaluate(() => window.runCapture());
      if (!r.isolated) throw new Error('page is not crossOriginIsolated: timers are coarse');
      // A capture that sends nothing is not a measurement (tattle sends every event here).
      if (name === TATTLE_NO_GUARD && r.events !== 2100) {
        const stats = await tab.evaluate(() => window.sdkStats());
        throw new Error(`tattle sent ${r.events} of 2100 events (${r.requests} requests); ` +
          `client reports: ${JSON.stringify(r.discarded)}; __stats: ${JSON.stringify(stats)}`);
      }
      if (r.requests === 0) throw new Error(`${name} sent nothing`);
      return { ...init, ...r };
    },
  },
  stormVaried: { variants: [TATTLE, SENTRY, NO_SDK], run: storm(false) },
  stormIdentical: { variants: [TATTLE, SENTRY, NO_SDK], run: storm(true) },
  heap: {
    variants: [TATTLE, TATTLE_NO_GUARD, SENTRY],
    async run(tab, name) {
      const cdp = await tab.context().newCDPSession(tab);
      const statsBefore = await tab.evaluate(() => window.sdkStats());
      const before = await heapUsed(cdp);
      const r = await tab.evaluate((n) => window.runMany(n), HEAP_CAPTURES);
      const after = await heapUsed(cdp);
      const stats = await tab.evaluate(() => window.sdkStats());
      if (!(before > 0 && after > 0)) throw new Error(`${name}: no heap usage from CDP`);
      if (r.requests === 0) throw new Error(`${name}: sent nothing`);
      const wasm = (s) => (s && typeof s.wasmMemoryBytes === 'number' ? s.wasmMemoryBytes / 1024 : null);
      return {
        beforeKB: before / 1024, afterKB: after / 1024, retainedKB: (after - before) / 1024,
        requests: r.requests, flushed: r.flushed, wasmKBBefore: wasm(statsBefore), wasmKB: wasm(stats), stats,
      };
    },
  },
  latency: {
    variants: [TATTLE, SENTRY],
    async run(tab, name) {
      const r = await tab.evaluate(() => window.runLatency({ samples: 5, gapMs: 1500 }));
      if (r.median === null) throw new Error(`${name}: no isolated error reached the stub`);
      return r;
    },
  },
};

const started = Date.now();
const sentryBundle = await bundleSentry();
const server = await startStaticServer(
  { '/dist/': dist, '/sentry.js': { file: sentryBundle }, '/': join(root, 'bench', 'pages') },
  { coopCoep: true },
);
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
          ((results[key] ??= {})[name] ??= []).push(await m.run(tab, name));
        } finally {
          await browser.close();
        }
      }
    }
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
  capture: summarize('capture', ['initMs', 'readyMs', 'mean', 'p99', 'requests', 'events', 'bytesPerRequest', 'bytesPerEventRequest']),
  stormVaried: summarize('stormVaried', ['thrown', 'requests', 'events', 'maxGap', 'frames']),
  stormIdentical: summarize('stormIdentical', ['thrown', 'requests', 'events', 'maxGap', 'frames']),
  heap: summarize('heap', ['retainedKB', 'requests', 'wasmKB']),
  latency: summarize('latency', ['median']),
};
// Content-Encodings seen and drops reported (client reports), summed over all runs.
const sumOver = (runs, key) => {
  const total = {};
  for (const r of runs) for (const [k, v] of Object.entries(r[key] ?? {})) total[k] = (total[k] || 0) + v;
  return total;
};
for (const key of ['capture', 'stormVaried', 'stormIdentical']) {
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

console.log(`\nmedian (min–max) of ${RUNS} runs, headless Chromium ${chromium}, fresh browser per measurement`);
const dropText = (s) => Object.entries(s.discarded).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
const encText = (s) => Object.entries(s.encodings).map(([k, v]) => `${k} ×${v}`).join(', ');
if (summary.capture) {
  table('capture: init, then 2,000 captureException after 100 warm-up, each timed alone (tattle with stormGuard: false)', 'capture', [
    ['init ms', 'initMs', 1], ['ready ms', 'readyMs', 1], ['capture mean ms', 'mean', 4], ['capture p99 ms', 'p99', 3],
  ]);
  const t = summary.capture[TATTLE_NO_GUARD], p = summary.capture[SENTRY];
  ratios('capture', [['init', t.initMs, p.initMs], ['ready', t.readyMs, p.readyMs], ['capture mean', t.mean, p.mean],
    ['p99', t.p99, p.p99]]);
  table('bytes on the wire per event: the capture measurement\'s requests (bodies as sent, after any Content-Encoding)', 'capture', [
    ['requests', 'requests', 0], ['events', 'events', 0], ['bytes / event request', 'bytesPerEventRequest', 0],
    ['bytes / request', 'bytesPerRequest', 0], ['Content-Encoding (all runs)', encText], ['client reports (all runs)', dropText],
  ]);
  ratios('bytes', [['per event request', t.bytesPerEventRequest, p.bytesPerEventRequest]]);
  console.log('  (requests < 2,100: the SDK dropped the rest of the burst before sending; @sentry/browser\'s transport\n' +
    '   holds at most 64 requests in flight. Requests without an event are sessions or client reports.)');
}
for (const [key, what] of [['stormVaried', 'varied messages'], ['stormIdentical', 'one identical message']]) {
  if (!summary[key]) continue;
  table(`storm, SDK defaults: uncaught errors from a setTimeout loop for 2 s, ${what}`, key, [
    ['errors thrown', 'thrown', 0], ['requests', 'requests', 0], ['events', 'events', 0],
    ['max rAF gap ms', 'maxGap', 1], ['rAF frames', 'frames', 0], ['client reports (all runs)', dropText],
  ]);
  const t = summary[key][TATTLE], p = summary[key][SENTRY], b = summary[key][NO_SDK];
  ratios(key, [['requests', t.requests, p.requests], ['max rAF gap', t.maxGap, p.maxGap]]);
  console.log(`  max rAF gap / no SDK: tattle ${ratio(t.maxGap, b.maxGap)}, @sentry/browser ${ratio(p.maxGap, b.maxGap)}`);
}
if (summary.heap) {
  table(`heap: retained JS heap after ${HEAP_CAPTURES.toLocaleString('en')} captureException + flush (two forced GCs around)`, 'heap', [
    ['retained JS heap KB', 'retainedKB', 0], ['requests', 'requests', 0], ['wasm memory KB', 'wasmKB', 0],
  ]);
  ratios('retained JS heap', [['defaults', summary.heap[TATTLE].retainedKB, summary.heap[SENTRY].retainedKB],
    ['stormGuard:false', summary.heap[TATTLE_NO_GUARD].retainedKB, summary.heap[SENTRY].retainedKB]]);
}
if (summary.latency) {
  table('throw → request: isolated uncaught error from a setTimeout after 1.5 s idle, median of 5 samples per run', 'latency', [
    ['ms', 'median', 2],
  ]);
  ratios('throw → request', [['ms', summary.latency[TATTLE].median, summary.latency[SENTRY].median]]);
}
say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'bench.json'), JSON.stringify({
  date: new Date().toISOString(), chromium, tattleDist: dist, runs: RUNS, results, summary,
}, null, 2));
