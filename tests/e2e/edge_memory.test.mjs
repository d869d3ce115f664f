// A long run of requests in one workerd isolate with a handled capture each (issue 18; cf.
// @sentry/cloudflare#21150, a wrapper chain growing per request): tattle's memory must stay flat.
// Measured after a warm-up and after each half of the run, for tattle and, in the same run, for the
// same worker without an SDK (the baseline): the isolate's JS heap in use after a full GC (V8's
// inspector in workerd: a heap snapshot, which collects first, then Runtime.getHeapUsage), and the workerd
// process's resident set (/proc/<pid>/status VmRSS; it includes the wasm memory, which no heap
// figure does). The bounds: over the second half tattle's heap grows at most HEAP_SLACK_MB more
// than the baseline's (a leak of one 1 KB object per request would be ~10 MB per 10,000), and its
// RSS at most RSS_FACTOR × the baseline's growth + RSS_SLACK_MB. RSS is V8's lazy page use as much
// as anything: measured here (20,000 requests), the baseline's RSS alone grew 68 MB over the first
// half and 28 MB over the second, tattle's 139 and 52 MB (it allocates more per request, so V8
// lets its heap spread further before it collects); a leak keeps that growth from slowing.
// Requests: TATTLE_EDGE_MEMORY_REQUESTS (default 20,000; the 100,000 takes ~5× as long, too
// long for every run on a shared 2-core machine), 16 at a time; the DSN points at a sink on
// 127.0.0.1 that answers 200 at once and counts the events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import WebSocket from 'ws';
import { freePort } from '../support/bugsink.mjs';
import { until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REQUESTS = Number(process.env.TATTLE_EDGE_MEMORY_REQUESTS) || 20000;
const WARMUP = 2000;
const LANES = 16;
const HEAP_SLACK_MB = 1;
const RSS_FACTOR = 3;
const RSS_SLACK_MB = 20;

let work, sink, events = 0;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tattle-edge-memory-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'tattle'), 'dir');
  sink = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      events += body.split('"type":"event"').length - 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  sink?.closeAllConnections();
  sink?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

// workerd processes started by this process (miniflare spawns one per instance).
const workerds = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('workerd');
  } catch {
    return false;
  }
}).map(Number);
// The isolate's JS heap in use after a full GC, through workerd's inspector (CDP).
async function heapMb(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
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
  try {
    // workerd never answers HeapProfiler.collectGarbage; a heap snapshot collects first (its
    // chunks are ignored), and the messages are handled in order, so the usage read next is after it.
    ws.send(JSON.stringify({ id: ++id, method: 'HeapProfiler.takeHeapSnapshot', params: { reportProgress: false } }));
    return (await call('Runtime.getHeapUsage')).usedSize / 1048576;
  } finally {
    ws.close();
  }
}
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function measure(sdk) {
  const out = join(work, sdk);
  await build({
    entryPoints: [join(root, 'tests/e2e/workers/memory_app.mjs')],
    nodePaths: [join(work, 'node_modules')], bundle: true, format: 'esm', platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'], external: ['*.wasm', 'node:*'], outfile: join(out, 'app.mjs'), logLevel: 'error',
    plugins: [{ name: 'sdk', setup(b) {
      b.onResolve({ filter: /^SDK$/ }, (args) => (sdk === 'none'
        ? { path: join(root, 'tests/e2e/workers/platform/nosdk.mjs') }
        : b.resolve('tattle/worker', { resolveDir: work, kind: args.kind })));
    } }],
  });
  copyFileSync(join(root, 'dist/tattle_core_tr_bg.wasm'), join(out, 'tattle_core_tr_bg.wasm'));
  const before = new Set(workerds());
  const inspectorPort = await freePort();
  const mf = new Miniflare({
    inspectorPort,
    modules: true, scriptPath: join(out, 'app.mjs'), modulesRoot: out,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-01', compatibilityFlags: ['nodejs_als'],
    bindings: { DSN: `http://key@127.0.0.1:${sink.address().port}/1` },
  });
  try {
    await mf.ready;
    const [pid] = workerds().filter((p) => !before.has(p));
    assert.ok(pid, 'found the workerd process');
    let n = 0;
    const run = async (count) => {
      let left = count;
      await Promise.all(Array.from({ length: LANES }, async () => {
        while (left > 0) {
          left--;
          const res = await mf.dispatchFetch(`http://memory.test/?n=${n++}`);
          assert.equal(await res.text(), 'ok');
        }
      }));
    };
    const t0 = Date.now();
    const at = async () => ({ rss: rssMb(pid), heap: await heapMb(inspectorPort) });
    await run(WARMUP);
    const m0 = await at();
    await run(REQUESTS / 2);
    const m1 = await at();
    await run(REQUESTS / 2);
    const m2 = await at();
    const grew = (k) => [m1[k] - m0[k], m2[k] - m1[k]];
    return { sdk, m0, rss: grew('rss'), heap: grew('heap'), ms: Date.now() - t0, requests: n };
  } finally {
    await mf.dispose();
  }
}

test(`${REQUESTS.toLocaleString('en')} requests with a capture each in one isolate: memory stays flat`, { timeout: 1800000 }, async (t) => {
  const base = await measure('none');
  const before = events;
  const mine = await measure('tattle');
  const mb = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  const fmt = (m) => `${m.sdk}: after ${WARMUP} warm-up heap ${m.m0.heap.toFixed(2)} MB, RSS ${m.m0.rss.toFixed(1)} MB; `
    + `first half heap ${mb(m.heap[0])} MB, RSS ${mb(m.rss[0])} MB; second half heap ${mb(m.heap[1])} MB, RSS ${mb(m.rss[1])} MB `
    + `(${m.requests} requests in ${(m.ms / 1000).toFixed(0)} s)`;
  t.diagnostic(fmt(base));
  t.diagnostic(fmt(mine));
  await until('every event at the sink', () => events - before >= WARMUP + REQUESTS, { timeoutMs: 60000 }).catch(() => {});
  t.diagnostic(`events at the sink: ${events - before} of ${WARMUP + REQUESTS}`);
  assert.equal(events - before, WARMUP + REQUESTS, 'every capture was delivered');
  assert.ok(mine.heap[1] <= Math.max(base.heap[1], 0) + HEAP_SLACK_MB,
    `tattle's heap grew ${mine.heap[1].toFixed(2)} MB over the second half, the baseline's ${base.heap[1].toFixed(2)} MB (+${HEAP_SLACK_MB} MB allowed)`);
  assert.ok(mine.rss[1] <= RSS_FACTOR * Math.max(base.rss[1], 0) + RSS_SLACK_MB,
    `tattle's RSS grew ${mine.rss[1].toFixed(1)} MB over the second half, the baseline's ${base.rss[1].toFixed(1)} MB`);
});
