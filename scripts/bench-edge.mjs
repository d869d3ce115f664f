// npm run bench:edge: per-request overhead of an error reporter in workerd, tattle side by side
// with toucan-js and @sentry/cloudflare in the same run, plus each worker's bundle size.
// Method (../shared/DESIGN.md §6): miniflare's dispatchFetch (Node → workerd over local HTTP), one
// fresh Miniflare per SDK per run, 200 warm-up + 2,000 sequential requests each timed alone
// (interleaved across SDKs in blocks of 100, see measureRun), then 2,000 requests 16 at a time; the
// DSN points to a sink on 127.0.0.1 (a worker thread) that answers 200 at once and counts POSTs, the
// events in them and the drops client reports admit to. 3 runs, median (min–max); the overhead is
// each run's mean − that run's baseline mean. Not a test: it prints figures and asserts nothing
// about speed, only that each worker answered ok and each SDK sent something.
//
// Every SDK's events must all reach the sink (warm-up, sequential and concurrent phases, every
// run): the summary says so, or lists what is missing per SDK and phase.
//
// Workers (bench/edge/*.js), each bundled by esbuild (ESM, minified, wrangler's resolution:
// platform neutral, conditions workerd/worker/browser) into bench/.build/edge/:
//   baseline           creates `new Error('bench ' + n)` per request, reports nothing
//   toucan-js          `new Toucan({ dsn, context: ctx, request })` per request + captureException
//   @sentry/cloudflare withSentry((env) => ({ dsn }), handler) + captureException
//   … +tracing         the same two with tracesSampleRate: 1 (@sentry/cloudflare and tattle; toucan-js
//                      has no tracing): an http.server transaction per request besides the error,
//                      counted at the sink; their overhead minus the plain one is what tracing costs
//   tattle             withTattle((env) => ({ dsn, stormGuard: false }), handler) + a handled
//                      captureException, from 'tattle/worker' (the package's own exports entry →
//                      dist/worker.js), delivery defaults (an envelope leaves when built, from the
//                      invocation's lane, through ctx.waitUntil); its .wasm is copied beside the
//                      bundle and given to workerd as a CompiledWasm module. The guard is off: 2,000
//                      errors in a few seconds are what it thins out, and each request must take
//                      the full capture-and-send path (the STORM_GUARD binding is never set here).
//   … no error         toucan-js, @sentry/cloudflare and tattle with the binding MODE=none: the same
//                      worker, the Error made but not captured (a request that reports nothing)
// CPU time per request: each Miniflare's workerd process's utime + stime (/proc/<pid>/stat) over
// the sequential phase, sends included, ÷ its requests; minus the baseline's, what the SDK costs
// in CPU (what Workers bill), apart from the wall time the Node → workerd round trip adds.
// All run with the same compatibility date and flags (nodejs_compat: @sentry/cloudflare needs
// node:async_hooks and more; tattle needs AsyncLocalStorage), baseline included.
//
// dispatchFetch resolves when the worker's Response arrives, not when its ctx.waitUntil work ends
// (the SDKs send there): the sink counts are read once they stop growing after each phase.
// Environment: TATTLE_DIST (another dist/), BENCH_RUNS (default 3), BENCH_EDGE_ONLY=tattle,baseline.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { buildDir, root } from '../bench/common.mjs';

const RUNS = Number(process.env.BENCH_RUNS) || 3;
const WARMUP = 200;
const SEQUENTIAL = 2000;
const CONCURRENT = 2000;
const LANES = 16;
const COMPAT_DATE = '2026-04-01';
const COMPAT_FLAGS = ['nodejs_compat'];
const ONLY = process.env.BENCH_EDGE_ONLY?.split(',');
const dist = process.env.TATTLE_DIST || join(root, 'dist');
const outDir = join(buildDir, 'edge');
const say = (msg) => console.error(`[bench:edge] ${msg}`);
const pkgVersion = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

const BASELINE = 'baseline';
const TATTLE = 'tattle';
const tattleVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const workers = [
  { name: BASELINE, src: 'baseline.js', sends: false },
  { name: 'toucan-js', src: 'toucan.js', sends: true, version: pkgVersion('toucan-js') },
  { name: '@sentry/cloudflare', src: 'sentry-cloudflare.js', sends: true, version: pkgVersion('@sentry/cloudflare') },
  { name: '@sentry/cloudflare +tracing', src: 'sentry-cloudflare-tracing.js', sends: true, traces: true },
  { name: TATTLE, src: 'tattle.js', sends: true, version: tattleVersion },
  { name: 'tattle +tracing', src: 'tattle-tracing.js', sends: true, traces: true, tattle: true },
  // No error: the same workers with the binding MODE=none (the Error made, nothing captured): what
  // an SDK costs a request that reports nothing (its wrapper, its per-request scope or client).
  { name: 'toucan-js no error', src: 'toucan.js', sends: false, mode: 'none' },
  { name: '@sentry/cloudflare no error', src: 'sentry-cloudflare.js', sends: false, mode: 'none' },
  { name: 'tattle no error', src: 'tattle.js', sends: false, mode: 'none', tattle: true },
].filter((w) => !ONLY || ONLY.includes(w.name));

// ---- bundles --------------------------------------------------------------------------------
// 'tattle/worker' resolves through the package's own "exports" (esbuild follows self-references);
// with TATTLE_DIST it is pointed at that directory's worker.js instead.
const tattleDistPlugin = {
  name: 'tattle-dist',
  setup(b) {
    if (!process.env.TATTLE_DIST) return;
    b.onResolve({ filter: /^tattle\/worker$/ }, () => ({ path: join(dist, 'worker.js') }));
  },
};

async function bundle(w) {
  const out = join(outDir, w.src.replace(/\.js$/, ''));
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(root, 'bench', 'edge', w.src)],
    outdir: out,
    entryNames: 'worker',
    assetNames: '[name]', // the .wasm keeps its name beside the bundle
    bundle: true, format: 'esm', minify: true, target: 'es2022',
    platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['browser', 'module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    loader: { '.wasm': 'copy' },
    plugins: [tattleDistPlugin],
    metafile: true, logLevel: 'warning', legalComments: 'none',
  });
  const files = Object.keys(result.metafile.outputs).map((f) => join(root, f));
  const script = files.find((f) => basename(f) === 'worker.js');
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
  return {
    script, wasm,
    size: {
      jsRaw: statSync(script).size, jsGzip: gz(script),
      wasmRaw: wasm.reduce((s, f) => s + statSync(f).size, 0), wasmGzip: wasm.reduce((s, f) => s + gz(f), 0),
      totalGzip: gz(script) + wasm.reduce((s, f) => s + gz(f), 0),
    },
  };
}

// ---- sink -----------------------------------------------------------------------------------
// An HTTP server on 127.0.0.1 in a worker thread (so neither answering nor reading the envelopes
// takes time on the thread that times the requests): answers 200 at once, then counts POSTs, event
// items and other items, and sums what client reports say was dropped.
const SINK = `
const { createServer } = require('node:http');
const { gunzipSync } = require('node:zlib');
const { parentPort } = require('node:worker_threads');
const fresh = () => ({ posts: 0, events: 0, transactions: 0, other: 0, bytes: 0, discarded: {} });
const byProject = {}; // the DSN's project id (the path's /api/<id>/envelope/) → counts

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST') return;
    const project = (/^\\/api\\/([^/]+)\\//.exec(req.url) || [])[1] || '?';
    const counts = (byProject[project] ??= fresh());
    counts.posts++;
    let body = Buffer.concat(chunks);
    counts.bytes += body.length;
    try {
      if (/gzip/.test(req.headers['content-encoding'] || '')) body = gunzipSync(body);
    } catch { /* counted as a POST without events */ }
    // Envelope: a header line, then item header + payload lines. Events are items of type "event".
    for (const line of body.toString('utf8').split('\\n')) {
      if (!line.startsWith('{"') || !(line.includes('"type"') || line.includes('"discarded_events"'))) continue;
      try {
        const item = JSON.parse(line);
        if (item.type === 'event') counts.events++;
        // A trace per request: a transaction item (tattle), or a streamed span item (span v2,
        // what @sentry/cloudflare 11 sends by default; one item per request, its segment span).
        else if ((item.type === 'transaction' || item.type === 'span') && !('event_id' in item)) counts.transactions++;
        else if (typeof item.type === 'string' && !('event_id' in item)) counts.other++;
        // A client report's payload: what the SDK admits it dropped, by reason.
        for (const d of Array.isArray(item.discarded_events) ? item.discarded_events : []) {
          counts.discarded[d.reason] = (counts.discarded[d.reason] || 0) + (d.quantity || 0);
        }
      } catch { /* a payload line */ }
    }
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', ({ op, project }) => {
  if (op === 'stop') { server.closeAllConnections(); server.close(() => parentPort.close()); return; }
  if (op === 'reset') byProject[project] = fresh();
  parentPort.postMessage({ counts: byProject[project] ?? fresh() });
});
`;

async function startSink() {
  const worker = new Worker(SINK, { eval: true });
  let failed;
  worker.on('error', (e) => { failed = e; });
  const next = () => new Promise((resolve, reject) => {
    if (failed) reject(failed);
    worker.once('message', resolve);
  });
  const { port } = await next();
  const call = async (m) => { const p = next(); worker.postMessage(m); return (await p).counts; };
  return {
    port,
    counts: (project) => call({ op: 'counts', project }),
    reset: (project) => call({ op: 'reset', project }),
    stop: async () => { worker.postMessage({ op: 'stop' }); await new Promise((r) => worker.once('exit', r)); },
  };
}

// After a phase the SDKs' ctx.waitUntil sends may still be under way: wait until the sink has the
// expected events, or its counts stopped growing for 1 s (at most 20 s).
async function settle(sink, project, expected, traces) {
  const deadline = Date.now() + 20000;
  let last = -1, since = Date.now(), c;
  while (Date.now() < deadline) {
    c = await sink.counts(project);
    if (c.events >= expected && (!traces || c.transactions >= expected)) break;
    const now = c.posts + c.events + c.transactions;
    if (now !== last) { last = now; since = Date.now(); } else if (Date.now() - since > 1000) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return c;
}

// ---- measurement ----------------------------------------------------------------------------
// One run: a fresh Miniflare per SDK, all started together (each its own workerd and its own DSN
// project, so the sink counts them apart), then the sequential phase with the SDKs interleaved in
// blocks of 100 requests, the order rotating from block to block: on a shared machine the load
// drifts, so every SDK sees the same drift and the difference to the baseline is what the SDK
// costs. The concurrent phase stays one sustained block of 2,000 per SDK (order rotating by run):
// short bursts with pauses between them would let an SDK's send queue drain and hide its drops.
const SEQ_BLOCK = 100;
const CON_BLOCK = CONCURRENT;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function startWorker(w, b, project) {
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: b.script },
      ...b.wasm.map((path) => ({ type: 'CompiledWasm', path })),
    ],
    modulesRoot: join(b.script, '..'),
    compatibilityDate: COMPAT_DATE,
    compatibilityFlags: COMPAT_FLAGS,
    bindings: { DSN: `http://benchkey@127.0.0.1:${sink.port}/${project}`, MODE: w.mode || 'capture' },
  });
  const url = await mf.ready;
  const pid = newWorkerd();
  let i = 0;
  const one = async () => {
    const n = i++;
    const res = await mf.dispatchFetch(new URL(`/req/${n}?q=${n}`, url), { headers: { 'user-agent': 'bench-edge' } });
    const text = await res.text();
    if (res.status !== 200 || text !== 'ok') throw new Error(`${w.name}: request ${n} got ${res.status} ${text.slice(0, 300)}`);
  };
  return { w, mf, one, project, pid, times: [], conWall: 0 };
}

// CPU time: the workerd process each Miniflare starts (a child of this process), its user +
// system time from /proc/<pid>/stat (clock ticks, 100 a second on Linux). One workerd per SDK, so
// its CPU over a phase is that SDK's worker (and workerd's own request handling, which the
// baseline has too).
const TICK_MS = 10;
const known = new Set();
function newWorkerd() {
  try {
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p) || known.has(p)) continue;
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === process.pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('workerd')) {
          known.add(p);
          return Number(p);
        }
      } catch { /* gone */ }
    }
  } catch { /* no /proc */ }
  return undefined;
}
function cpuMs(pid) {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

async function measureRun(run) {
  const started = [];
  try {
    for (const [i, w] of active.entries()) started.push(await startWorker(w, bundles[w.name], `${run}${i + 1}`));
    const phase = async (name, expected, body) => {
      for (const s of started) await sink.reset(s.project);
      await body();
      const out = {};
      for (const s of started) out[s.w.name] = await settle(sink, s.project, s.w.sends ? expected : 0, s.w.traces);
      return out;
    };
    say(`run ${run}/${RUNS}: ${WARMUP} warm-up requests each`);
    const warm = await phase('warm-up', WARMUP, async () => {
      for (const s of started) for (let k = 0; k < WARMUP; k++) await s.one();
    });
    say(`run ${run}/${RUNS}: ${SEQUENTIAL} sequential requests each, interleaved in blocks of ${SEQ_BLOCK}`);
    const cpu0 = new Map(started.map((s) => [s, cpuMs(s.pid)]));
    const seq = await phase('sequential', SEQUENTIAL, async () => {
      for (let round = 0; round < SEQUENTIAL / SEQ_BLOCK; round++) {
        for (const s of rotate(started, round + run)) {
          for (let k = 0; k < SEQ_BLOCK; k++) {
            const t0 = performance.now();
            await s.one();
            s.times.push(performance.now() - t0);
          }
        }
      }
    });
    // The sends after the phase are counted too (settle waited for them): CPU per request is all of it.
    for (const s of started) s.cpuPerRequest = (cpuMs(s.pid) - cpu0.get(s)) / SEQUENTIAL;
    say(`run ${run}/${RUNS}: ${CONCURRENT} requests each, ${LANES} at a time, in blocks of ${CON_BLOCK}`);
    const con = await phase('concurrent', CONCURRENT, async () => {
      for (let round = 0; round < CONCURRENT / CON_BLOCK; round++) {
        for (const s of rotate(started, round + run)) {
          let left = CON_BLOCK;
          const t0 = performance.now();
          await Promise.all(Array.from({ length: LANES }, async () => {
            while (left > 0) { left--; await s.one(); }
          }));
          s.conWall += performance.now() - t0;
        }
      }
    });
    for (const s of started) {
      const name = s.w.name, sorted = [...s.times].sort((a, b) => a - b);
      const [wa, sq, co] = [warm[name], seq[name], con[name]];
      if (s.w.sends && wa.events + sq.events + co.events === 0) {
        throw new Error(`${name}: no event reached the sink (POSTs: ${wa.posts + sq.posts + co.posts})`);
      }
      (results[name] ??= []).push({
        mean: s.times.reduce((a, x) => a + x, 0) / s.times.length, cpu: s.cpuPerRequest,
        p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1],
        concurrentRps: CONCURRENT / (s.conWall / 1000), concurrentWallMs: s.conWall,
        warmupPosts: wa.posts, warmupEvents: wa.events,
        transactions: { warmup: wa.transactions, sequential: sq.transactions, concurrent: co.transactions },
        posts: sq.posts, events: sq.events, otherItems: sq.other, bytesPerPost: sq.posts ? sq.bytes / sq.posts : 0,
        concurrentPosts: co.posts, concurrentEvents: co.events, concurrentOtherItems: co.other,
        discarded: { warmup: wa.discarded, sequential: sq.discarded, concurrent: co.discarded },
      });
    }
  } finally {
    for (const s of started) await s.mf.dispose();
  }
}

// ---- where the time goes --------------------------------------------------------------------
// One more fresh tattle worker under V8's sampling profiler (workerd's inspector, CDP Profiler):
// 200 warm-up requests, then 2,000 sequential ones profiled. Self time by where it ran: the wasm
// core (frames with a wasm:// URL), tattle's JS (the bundle), workerd's built-ins and glue (no
// URL: Request/Response, fetch, streams), the GC, and idle (waiting for the next request).
async function whereTimeGoes(w) {
  const { default: WebSocket } = await import('ws');
  const { freePort } = await import('../tests/support/bugsink.mjs');
  const inspectorPort = await freePort();
  const b = bundles[w.name];
  const mf = new Miniflare({
    inspectorPort,
    modules: [{ type: 'ESModule', path: b.script }, ...b.wasm.map((path) => ({ type: 'CompiledWasm', path }))],
    modulesRoot: join(b.script, '..'), compatibilityDate: COMPAT_DATE, compatibilityFlags: COMPAT_FLAGS,
    bindings: { DSN: `http://benchkey@127.0.0.1:${sink.port}/99`, MODE: 'capture' },
  });
  try {
    const url = await mf.ready;
    const one = async (n) => { await (await mf.dispatchFetch(new URL(`/req/${n}?q=${n}`, url))).text(); };
    for (let n = 0; n < WARMUP; n++) await one(n);
    const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
    const ws = new WebSocket(targets.find((t) => t.id === 'core:user:').webSocketDebuggerUrl);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    let id = 0;
    const call = (method, params = {}) => new Promise((resolve) => {
      const mine = ++id;
      const on = (data) => {
        const m = JSON.parse(data);
        if (m.id === mine) { ws.off('message', on); resolve(m.result); }
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ id: mine, method, params }));
    });
    await call('Profiler.enable');
    await call('Profiler.setSamplingInterval', { interval: 100 });
    await call('Profiler.start');
    for (let n = 0; n < SEQUENTIAL; n++) await one(WARMUP + n);
    const { profile: p } = await call('Profiler.stop');
    ws.close();
    // Self time per node: its samples × the mean interval.
    const hits = new Map();
    for (const sid of p.samples) hits.set(sid, (hits.get(sid) || 0) + 1);
    const total = p.samples.length;
    const msPer = (p.endTime - p.startTime) / 1000 / total;
    const by = {};
    const fns = {};
    for (const node of p.nodes) {
      const n = hits.get(node.id) || 0;
      if (!n) continue;
      const { functionName: fn, url: u } = node.callFrame;
      const where = fn === '(idle)' ? 'idle' : fn === '(garbage collector)' ? 'GC' : fn === '(program)' ? 'workerd (native)'
        : u.startsWith('wasm://') ? 'wasm core' : u ? 'tattle JS' : 'workerd built-ins';
      by[where] = (by[where] || 0) + n;
      if (where === 'wasm core' || where === 'tattle JS') {
        const key = `${where}: ${fn || '(anonymous)'}`;
        fns[key] = (fns[key] || 0) + n;
      }
    }
    const busy = total - (by.idle || 0);
    return {
      requests: SEQUENTIAL, msPerRequest: Object.fromEntries(Object.entries(by).map(([k, n]) => [k, (n * msPer) / SEQUENTIAL])),
      shareOfBusy: Object.fromEntries(Object.entries(by).filter(([k]) => k !== 'idle').map(([k, n]) => [k, n / busy])),
      top: Object.entries(fns).sort((x, y) => y[1] - x[1]).slice(0, 10).map(([k, n]) => [k, (n * msPer * 1000) / SEQUENTIAL]),
    };
  } finally {
    await mf.dispose();
  }
}
let profile;

// ---- run ------------------------------------------------------------------------------------
const started = Date.now();
const load = [loadavg()];
mkdirSync(outDir, { recursive: true });
const bundles = {};
for (const w of workers) {
  if ((w.name === TATTLE || w.tattle) && !existsSync(join(dist, 'worker.js'))) {
    say(`skipping tattle: ${join(dist, 'worker.js')} does not exist (node scripts/build.mjs builds it)`);
    w.skip = true;
    continue;
  }
  bundles[w.name] = await bundle(w);
}
const active = workers.filter((w) => !w.skip);
const sink = await startSink();
const results = {};
try {
  for (let run = 1; run <= RUNS; run++) {
    await measureRun(run);
    load.push(loadavg());
  }
  if (process.env.BENCH_EDGE_PROFILE !== '0' && bundles[TATTLE]) profile = await whereTimeGoes(workers.find((w) => w.name === TATTLE));
} finally {
  await sink.stop();
}

// ---- summary --------------------------------------------------------------------------------
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const FIELDS = ['cpu', 'mean', 'p50', 'p99', 'concurrentRps', 'posts', 'events', 'concurrentPosts', 'concurrentEvents', 'bytesPerPost'];
const summary = {};
const baseRuns = results[BASELINE];
for (const [name, runs] of Object.entries(results)) {
  const s = Object.fromEntries(FIELDS.map((f) => [f, stat(runs.map((r) => r[f]))]));
  // Overhead per run (this run's mean − this run's baseline mean), then median and spread of those.
  if (baseRuns && name !== BASELINE) s.overhead = stat(runs.map((r, i) => r.mean - baseRuns[i].mean));
  if (baseRuns && name !== BASELINE) s.cpuOverhead = stat(runs.map((r, i) => r.cpu - baseRuns[i].cpu));
  s.size = bundles[name].size;
  // Drops the SDK reported in client reports, by phase and reason, summed over all runs.
  s.discarded = {};
  for (const r of runs) {
    for (const [phase, reasons] of Object.entries(r.discarded)) {
      for (const [reason, n] of Object.entries(reasons)) {
        const key = `${phase} ${reason}`;
        s.discarded[key] = (s.discarded[key] || 0) + n;
      }
    }
  }
  summary[name] = s;
}

const fmt = (s, d) => (s ? `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})` : 'n/a');
const signed = (s, d) => (s ? `${s.median >= 0 ? '+' : ''}${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})` : '-');
const counts = (s, posts, events, of) => `${s[posts].median}/${s[events].median} of ${of}`
  + (s[events].min !== s[events].max ? ` (${s[events].min}–${s[events].max})` : '');
const num = (x) => x.toLocaleString('en');
function table(title, cols) {
  console.log(`\n${title}`);
  const rows = [['', ...cols.map(([label]) => label)]];
  for (const [name, s] of Object.entries(summary)) rows.push([name, ...cols.map(([, f]) => f(s, name))]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 2);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('').trimEnd());
}

const versions = Object.fromEntries([['miniflare', pkgVersion('miniflare')], ['workerd', pkgVersion('workerd')],
  ...active.filter((w) => w.version).map((w) => [w.name, w.version])]);
console.log(`\nmedian (min–max) of ${RUNS} runs, workerd ${versions.workerd} via miniflare ${versions.miniflare}, `
  + `compatibility ${COMPAT_DATE} [${COMPAT_FLAGS.join(', ')}], fresh Miniflare per SDK per run`);
console.log(`SDKs: ${active.filter((w) => w.version).map((w) => `${w.name} ${w.version}`).join(', ')}`
  + ' (each worker: a handled captureException per request; tattle with stormGuard: false)');
const la = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`load average (1/5/15 min) at start ${la(load[0])}; after each run ${load.slice(1).map(la).join(' | ')}`);
table(`per request: ${num(SEQUENTIAL)} sequential dispatchFetch after ${WARMUP} warm-up (Node → workerd → Response), `
  + `and ${num(CONCURRENT)} more ${LANES} at a time`, [
  ['mean ms', (s) => fmt(s.mean, 3)], ['p50 ms', (s) => fmt(s.p50, 3)], ['p99 ms', (s) => fmt(s.p99, 3)],
  ['overhead ms (mean − baseline)', (s) => signed(s.overhead, 3)], [`${LANES}-concurrent req/s`, (s) => fmt(s.concurrentRps, 0)],
]);
table('CPU time per request: the workerd process\'s user + system time over the sequential phase (its sends included) ÷ '
  + `${num(SEQUENTIAL)} (10 ms ticks; /proc/<pid>/stat)`, [
  ['CPU ms/request', (s) => fmt(s.cpu, 3)], ['CPU overhead ms (− baseline)', (s) => signed(s.cpuOverhead, 3)],
]);
table('what reached the sink (POSTs/events, median of runs; sequential phase and concurrent phase) and bundle size', [
  ['sequential POSTs/events', (s, n) => (n === BASELINE ? `${s.posts.median}/${s.events.median}` : counts(s, 'posts', 'events', SEQUENTIAL))],
  ['concurrent POSTs/events', (s, n) => (n === BASELINE ? `${s.concurrentPosts.median}/${s.concurrentEvents.median}` : counts(s, 'concurrentPosts', 'concurrentEvents', CONCURRENT))],
  ['transactions or span items seq/conc', (s, n) => (workers.find((w) => w.name === n).traces
    ? `${median(results[n].map((r) => r.transactions.sequential))}/${median(results[n].map((r) => r.transactions.concurrent))}` : '-')],
  ['bytes/POST', (s) => (s.posts.median ? s.bytesPerPost.median.toFixed(0) : '-')],
  ['client reports (all runs)', (s) => Object.entries(s.discarded).map(([k, v]) => `${k} ${v}`).join(', ') || '-'],
  ['bundle gzip B', (s) => (s.size.wasmGzip ? `${num(s.size.totalGzip)} (js ${num(s.size.jsGzip)} + wasm ${num(s.size.wasmGzip)})` : num(s.size.totalGzip))],
  ['bundle raw B', (s) => num(s.size.jsRaw + s.size.wasmRaw)],
]);
// Every event (and, with tracing, every transaction) of every phase of every run must have reached the sink.
const missing = [];
for (const [name, runs] of Object.entries(results)) {
  const w = workers.find((x) => x.name === name);
  if (!w.sends) continue;
  runs.forEach((r, i) => {
    if (w.traces) {
      for (const [phase, of] of [['warmup', WARMUP], ['sequential', SEQUENTIAL], ['concurrent', CONCURRENT]]) {
        if (r.transactions[phase] !== of) missing.push(`${name} run ${i + 1} ${phase}: ${r.transactions[phase]} of ${of} transactions`);
      }
    }
    for (const [phase, got, of] of [['warm-up', r.warmupEvents, WARMUP], ['sequential', r.events, SEQUENTIAL],
      ['concurrent', r.concurrentEvents, CONCURRENT]]) {
      if (got !== of) missing.push(`${name} run ${i + 1} ${phase}: ${got} of ${of}`);
    }
  });
}
console.log(missing.length ? `\nNOT every event reached the sink:\n  ${missing.join('\n  ')}`
  : `\nevery event of every SDK reached the sink (${num(WARMUP + SEQUENTIAL + CONCURRENT)} per SDK per run, ${RUNS} runs), `
    + 'and with tracing every transaction too');
if (workers.some((w) => w.skip)) console.log(`\n(tattle not measured: no ${join(dist, 'worker.js')})`);
if (profile) {
  console.log(`\nwhere tattle's time goes (V8 sampling profiler in workerd, ${num(profile.requests)} sequential requests with a capture each; `
    + 'self time per request, and its share of the time workerd was busy)');
  for (const [k, ms] of Object.entries(profile.msPerRequest).sort((x, y) => y[1] - x[1])) {
    console.log(`  ${k.padEnd(20)} ${ms.toFixed(3)} ms${k === 'idle' ? '' : ` (${(profile.shareOfBusy[k] * 100).toFixed(0)}%)`}`);
  }
  console.log('  top functions (µs per request; minified names):');
  for (const [k, us] of profile.top) console.log(`    ${us.toFixed(1).padStart(7)}  ${k}`);
}
say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'edge.json'), JSON.stringify({
  date: new Date().toISOString(), node: process.version, versions, loadavg: load, missing, compatibilityDate: COMPAT_DATE,
  compatibilityFlags: COMPAT_FLAGS, runs: RUNS, warmup: WARMUP, sequential: SEQUENTIAL, concurrent: CONCURRENT,
  lanes: LANES, tattleDist: dist, profile, skipped: workers.filter((w) => w.skip).map((w) => w.name), results, summary,
}, null, 2));
