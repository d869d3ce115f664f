// Every error on Workers (issue 18): Hono, Durable Objects, Workflows and WorkerEntrypoint classes,
// written once for @sentry/cloudflare (tests/e2e/workers/platform/*.mjs import 'SDK') and run in
// workerd (miniflare) three times in this one run: with tattle/worker, with Sentry, and with no SDK.
// Sentry is each row's best setup: @sentry/cloudflare 11 for the Durable Object, the Workflow and
// the WorkerEntrypoint; for a Hono app wrapped by withSentry @sentry/cloudflare 10.75.2 (11 no
// longer instruments Hono); @sentry/hono 10.75.2's `sentry()` middleware for the middleware rows.
// Both SDKs send to one Bugsink through one recorder; each event is found by its message, which
// carries the SDK's name. Checked per row, tattle against Sentry field by field: reported once, the
// mechanism type and handled flag, the request (for what came in as a request), the transaction
// (Hono: tattle names it by the route pattern), and the response, against the run without an SDK.
//
// The Durable Object and the Workflow are in a service of their own (objects.mjs) whose default
// export is not wrapped: nothing else starts the SDK in that isolate, as in production.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { uniqueWord, until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'tests/e2e/workers/platform');
const edge = join(root, 'tests/edge'); // hono, @sentry/hono 10.75.2 and the @sentry/cloudflare it pins
const WORKERS = ['front', 'custom', 'middleware', 'objects', 'entry', 'entry_tattle'];
const SDKS = ['tattle', 'sentry', 'none'];

let bugsink, recorder, dsn, work;
const runs = {}; // sdk → { mf, tag(word) }

// 'SDK' / 'SDK_HONO' per SDK and worker.
function sdkPlugin(sdk, worker) {
  return {
    name: 'sdk',
    setup(b) {
      b.onResolve({ filter: /^SDK(_HONO)?$/ }, async (args) => {
        if (sdk === 'none') return { path: join(src, 'nosdk.mjs') };
        if (sdk === 'tattle') return b.resolve('tattle/worker', { resolveDir: work, kind: args.kind });
        if (args.path === 'SDK_HONO') return b.resolve('@sentry/hono/cloudflare', { resolveDir: edge, kind: args.kind });
        // A Hono app under withSentry: 10.75.2, the last that reports what Hono catches.
        const from = worker === 'front' || worker === 'custom' ? edge : root;
        return b.resolve('@sentry/cloudflare', { resolveDir: from, kind: args.kind });
      });
    },
  };
}

async function bundle(sdk) {
  const out = join(work, sdk);
  for (const worker of WORKERS) {
    await build({
      entryPoints: [join(src, `${worker}.mjs`)],
      nodePaths: [join(work, 'node_modules'), join(edge, 'node_modules')],
      bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'], external: ['*.wasm', 'node:*', 'cloudflare:*'],
      outfile: join(out, `${worker}.mjs`), logLevel: 'error', plugins: [sdkPlugin(sdk, worker)],
    });
  }
  copyFileSync(join(root, 'dist/tattle_core_tr_bg.wasm'), join(out, 'tattle_core_tr_bg.wasm'));
  return out;
}

async function start(sdk, traces = false, to = dsn) {
  const out = await bundle(sdk);
  const worker = (name, extra) => ({
    name, modules: true, scriptPath: join(out, `${name}.mjs`), modulesRoot: out,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-01', compatibilityFlags: ['nodejs_compat'], bindings: { DSN: to, TRACES: traces ? '1' : '0' }, ...extra,
  });
  const mf = new Miniflare({
    workers: [
      worker('front', {
        durableObjects: { ROOM: { className: 'Room', scriptName: 'objects' } },
        workflows: { FLOW: { name: 'flow', className: 'Flow', scriptName: 'objects' } },
        serviceBindings: { API: 'entry', API2: 'entry_tattle' },
      }),
      worker('custom'),
      worker('middleware'),
      worker('objects', {
        durableObjects: { ROOM: 'Room' },
        workflows: { FLOW: { name: 'flow', className: 'Flow' } },
      }),
      worker('entry'),
      worker('entry_tattle'),
    ],
    cf: { colo: 'AMS', country: 'NL' },
  });
  await mf.ready;
  const fetchFrom = async (name, path) => {
    const w = await mf.getWorker(name);
    const res = await w.fetch(`http://platform.test${path}`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  return { mf, fetchFrom };
}

before(async () => {
  bugsink = await startBugsink();
  recorder = await startRecorder(bugsink.url);
  dsn = dsnVia(bugsink.dsn, recorder);
  work = mkdtempSync(join(tmpdir(), 'tattle-platform-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'tattle'), 'dir');
});
after(async () => {
  for (const r of Object.values(runs)) await r.mf?.dispose().catch(() => {});
  await recorder?.stop();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// The rows: how to make the error happen (worker, path, then an optional wait), its message, and
// whether it came in as a request (then the event carries that request).
const ROWS = [
  { id: 'hono route', worker: 'front', path: (t) => `/users/123?tag=${t}`, message: (t) => `route ${t}`, request: '/users/', route: 'GET /users/:id' },
  { id: 'hono middleware', worker: 'front', path: (t) => `/mw/7?tag=${t}`, message: (t) => `middleware ${t}`, request: '/mw/7', route: 'GET /mw/:id' },
  { id: 'hono custom onError', worker: 'custom', path: (t) => `/users/5?tag=${t}`, message: (t) => `custom ${t}`, request: '/users/', route: 'GET /users/:id' },
  { id: 'hono sentry() route', worker: 'middleware', path: (t) => `/users/9?tag=${t}`, message: (t) => `hono route ${t}`, request: '/users/', route: 'GET /users/:id' },
  { id: 'hono sentry() middleware', worker: 'middleware', path: (t) => `/mw/3?tag=${t}`, message: (t) => `hono middleware ${t}`, request: '/mw/3', route: 'GET /mw/:id' },
  { id: 'handled capture', worker: 'front', path: (t) => `/handled?tag=${t}`, message: (t) => `handled ${t}`, request: '/handled', body: 'id' },
  { id: 'durable object fetch', worker: 'front', path: (t) => `/do/fetch?tag=${t}`, message: (t) => `object fetch ${t}`, request: '/boom' },
  { id: 'durable object rpc', worker: 'front', path: (t) => `/do/rpc?tag=${t}`, message: (t) => `object rpc ${t}` },
  {
    // Through mf.dispatchFetch (which upgrades), a message from the client end of the socket.
    id: 'durable object webSocketMessage', worker: 'front', message: (t) => `object websocket ${t}`, body: 'socket',
    action: async (r, t) => {
      const res = await r.mf.dispatchFetch(`http://platform.test/ws?tag=${t}`, { headers: { upgrade: 'websocket' } });
      const ws = res.webSocket;
      ws.accept();
      ws.send(t);
      await new Promise((resolve) => setTimeout(resolve, 500));
      ws.close(1000, 'done');
      return { status: res.status, type: null, text: 'socket' };
    },
  },
  {
    id: 'durable object alarm', worker: 'front', path: (t) => `/do/alarm?tag=${t}`, message: (t) => `object alarm ${t}`,
    // The alarm fails once and its retry (about 2 s later) succeeds.
    settle: (r, t) => until('the alarm retried', async () => (await r.fetchFrom('front', `/alarm-fired?tag=${t}`)).text === '2', { timeoutMs: 30000 }),
  },
  { id: 'entrypoint fetch', worker: 'front', path: (t) => `/api/fetch?tag=${t}`, message: (t) => `entrypoint fetch ${t}`, request: '/boom' },
  { id: 'entrypoint rpc', worker: 'front', path: (t) => `/api/rpc?tag=${t}`, message: (t) => `entrypoint rpc ${t}` },
  // withTattle takes the class too (tattle in every run: its own check only).
  { id: 'entrypoint rpc under withTattle', worker: 'front', path: (t) => `/api2/rpc?tag=${t}`, message: (t) => `withTattle entrypoint rpc ${t}`, only: true, mechanism: 'auto.faas.cloudflare.worker_entrypoint' },
  {
    id: 'workflow step', worker: 'front', path: (t) => `/wf?tag=${t}`, message: (t) => `workflow step ${t} after prepared`, body: 'id',
    tags: { 'workflow.step': 'charge card', workflow: 'FlowBase' },
    settle: (r, t, res) => until('the workflow errored', async () => JSON.parse((await r.fetchFrom('front', `/wf/${res.text}`)).text).status === 'errored', { timeoutMs: 60000 }),
  },
  // Nothing lost at the edge (tattle's checks; Sentry's outcome is only shown).
  { id: 'capture in waitUntil work after the response', worker: 'front', path: (t) => `/later?tag=${t}`, message: (t) => `later ${t}`, request: '/later', only: true },
  { id: 'capture during a streamed response', worker: 'front', path: (t) => `/stream?tag=${t}`, message: (t) => `streaming ${t}`, request: '/stream', only: true },
];
for (const row of ROWS) if (/^durable object/.test(row.id)) row.tags = { durable_object: 'RoomBase' };

const seen = {}; // sdk → row id → { response, events: [event data], sent }

// Events in what reached the recorder, by their exception's value.
function eventsSent(value, from = recorder) {
  const found = [];
  for (const b of from.bodies) {
    const text = b.body.toString('utf8');
    if (!text.includes(value)) continue;
    for (const line of text.split('\n')) {
      if (!line.startsWith('{') || !line.includes('"exception"')) continue;
      try {
        const ev = JSON.parse(line);
        if (ev.exception?.values?.some((x) => x.value === value)) found.push(ev);
      } catch { /* an item header */ }
    }
  }
  return found;
}

describe('every error on Workers, tattle beside @sentry/cloudflare and @sentry/hono', { timeout: 600000 }, () => {
  for (const sdk of SDKS) {
    test(`${sdk}: the scenarios run`, async () => {
      runs[sdk] = await start(sdk);
      const r = runs[sdk];
      seen[sdk] = {};
      for (const row of ROWS) {
        const t = `${sdk}${uniqueWord()}`;
        const response = row.action ? await row.action(r, t) : await r.fetchFrom(row.worker, row.path(t));
        if (row.settle) await row.settle(r, t, response);
        seen[sdk][row.id] = { tag: t, response, message: row.message(t) };
      }
      if (sdk === 'none') return;
      // Every row's event, and a moment more for a second copy of any to arrive.
      const missing = () => ROWS.filter((row) => !eventsSent(seen[sdk][row.id].message).length).map((row) => row.id);
      await until(`${sdk}'s events`, () => missing().length === 0, { timeoutMs: 30000 }).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const row of ROWS) seen[sdk][row.id].events = eventsSent(seen[sdk][row.id].message);
      await r.mf.dispose();
      r.mf = undefined;
    });
  }

  for (const row of ROWS) {
    test(`${row.id}: tattle reports it once, as Sentry does, and the response is unchanged`, async (t) => {
      const [mine, theirs, none] = ['tattle', 'sentry', 'none'].map((sdk) => seen[sdk]?.[row.id]);
      assert.ok(mine && theirs && none, 'all three runs ran');
      const summary = (s) => (s.events.length ? JSON.stringify({
        n: s.events.length, mechanism: s.events[0].exception.values.at(-1).mechanism, transaction: s.events[0].transaction,
        url: s.events[0].request?.url,
      }) : 'no event');
      t.diagnostic(`tattle ${summary(mine)}; sentry ${summary(theirs)}`);
      assert.equal(mine.events.length, 1, `tattle: one event for "${mine.message}"`);
      const ev = mine.events[0];
      const mech = ev.exception.values.at(-1).mechanism;
      // The response: what the app answers without an SDK.
      assert.equal(mine.response.status, none.response.status, 'status as without an SDK');
      assert.equal(mine.response.type, none.response.type, 'content type as without an SDK');
      if (row.body === 'socket') assert.equal(mine.response.status, 101);
      else if (row.body === 'id') assert.match(mine.response.text, /^[0-9a-f-]{32,36}$/, 'an id, as without an SDK');
      else assert.equal(mine.response.text.replaceAll(mine.tag, '<tag>'), none.response.text.replaceAll(none.tag, '<tag>'), 'body as without an SDK');
      if (row.id === 'handled capture') assert.equal(mine.response.text, ev.event_id, 'captureException returned the event\'s id');
      for (const [k, v] of Object.entries(row.tags || {})) assert.equal(ev.tags?.[k], v, `tag ${k}`);
      const stored = await bugsink.findEvent(ev.event_id, { timeoutMs: 20000 });
      assert.equal(stored.data.exception.values.at(-1).value, mine.message, 'stored in Bugsink');
      if (row.request) {
        assert.ok(ev.request?.url?.includes(row.request), `the request in the event: ${ev.request?.url}`);
        assert.equal(ev.request.method, 'GET');
      }
      if (row.route) assert.equal(ev.transaction, row.route, 'named by the route pattern');
      if (row.mechanism) assert.deepEqual(mech, { type: row.mechanism, handled: false });
      if (row.only) return;
      // Field by field against Sentry's event for the same scenario.
      assert.equal(theirs.events.length, 1, `Sentry: one event (${theirs.events.length})`);
      const s = theirs.events[0];
      const sMech = s.exception.values.at(-1).mechanism;
      assert.equal(mech.type, sMech.type, 'mechanism type as Sentry\'s');
      assert.equal(mech.handled, sMech.handled, 'handled as Sentry marks it');
      assert.equal(!!ev.request?.url, !!s.request?.url, 'a request where Sentry has one');
      assert.equal(theirs.response.status, mine.response.status, 'the same status as under Sentry');
    });
  }

  // With tracing on, each of these invocations is a transaction named as @sentry/cloudflare names
  // its span (the method; the route pattern for Hono), its error in that trace. Not the workflow:
  // its run's transaction is built and handed to delivery when the step fails for good, and
  // never reaches the server under miniflare (its event does); not solved yet. Nor the Durable
  // Object's failed alarm: its transaction arrived in two fresh-clone runs and not in a third (the
  // alarm's error event is checked in its own row above); not solved yet either, so not claimed here.
  test('tattle with tracesSampleRate: a transaction per Durable Object RPC and Hono invocation', async () => {
    const expected = [
      ['hono route', 'GET /users/:id', 'http.server'], ['durable object rpc', 'explode', 'rpc'],
      ['entrypoint rpc', 'lookup', 'rpc'],
    ];
    // A Bugsink of its own: the one above has taken its quota of this run's events by now (and
    // answers 429, which tattle honours by holding its sends).
    const own = await startBugsink();
    const rec = await startRecorder(own.url);
    const transactions = () => rec.bodies.flatMap((b) => b.body.toString().split('\n'))
      .filter((l) => l.startsWith('{') && l.includes('"type":"transaction"') && l.includes('"spans"')).map((l) => JSON.parse(l));
    // Each error's transaction: the one of that name in its trace.
    const txOf = (id, name) => {
      const [ev] = eventsSent(tags[id], rec);
      return ev && transactions().find((x) => x.contexts?.trace?.trace_id === ev.contexts?.trace?.trace_id && x.transaction === name);
    };
    const r = await start('tattle', true, dsnVia(own.dsn, rec));
    const tags = {};
    try {
      for (const [id] of expected) {
        const row = ROWS.find((x) => x.id === id);
        const t = `traced${uniqueWord()}`;
        const response = await r.fetchFrom(row.worker, row.path(t));
        if (row.settle) await row.settle(r, t, response);
        tags[id] = row.message(t);
      }
      // Transactions leave after the response: wait for them (bounded) before workerd goes.
      await until('the traced events and their transactions', () => expected.every(([id, name]) => txOf(id, name)), { timeoutMs: 30000 }).catch(() => {});
    } finally {
      await r.mf.dispose();
      await rec.stop();
      await own.stop();
    }
    const problems = [];
    for (const [id, name, op] of expected) {
      const tx = txOf(id, name);
      if (!tx) problems.push(`${id}: no transaction "${name}" in the error's trace`);
      else if (tx.contexts.trace.op !== op) problems.push(`${id}: op ${tx.contexts.trace.op}, not ${op}`);
    }
    assert.deepEqual(problems, [], `transactions sent: ${transactions().map((x) => x.transaction).join(', ')}`);
    const verdict = await relayCheck(rec.bodies.map((b) => b.body));
    assert.ok(verdict.ok, formatProblems(verdict.problems));
  });

  test('every envelope tattle sent passes sentry-relay', async () => {
    const mine = recorder.bodies.filter((b) => b.body.includes('"name":"tattle') || /"sdk":\{"name":"tattle/.test(b.body.toString()));
    assert.ok(mine.length >= ROWS.length, `${mine.length} envelopes`);
    const verdict = await relayCheck(mine.map((b) => b.body));
    assert.ok(verdict.ok, formatProblems(verdict.problems));
  });
});
