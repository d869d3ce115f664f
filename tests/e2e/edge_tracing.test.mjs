// tattle/worker's tracing and release health (issue 12) in real edge runtimes: workerd (miniflare)
// and Deno. The worker is tests/e2e/workers/tracing_app.mjs (tracesSampleRate 1, a release).
//
// The server is tests/support/receiver.mjs, a recording envelope receiver: Bugsink stores no
// transactions or sessions, and answers every envelope with `86400:transaction` (so an SDK that
// honours rate limits stops sending transactions after its first answer). The receiver answers
// 200 as Relay does, and 429 + X-Sentry-Rate-Limits when the rate-limit test says so. The
// subrequests go to an upstream server the test starts on 127.0.0.1, which records the headers it
// got. Every envelope is judged by sentry-relay (tests/support/relay.mjs).
//
// Per runtime, in one isolate / process, in this order (the session counts depend on it):
//   1. an incoming sentry-trace + baggage continued: same trace id, parent = the incoming span,
//      the incoming dsc in the envelope header; two subrequest spans, each the parent named in the
//      sentry-trace its request carried to the upstream server (one under the transaction, one
//      under the app's own startSpan), the app's own baggage entries kept;
//   2. 50 concurrent requests → 50 transactions, each with only its own spans;
//   3. an error captured in a request carries that request's transaction's trace and span ids;
//      a 404 answer is the transaction's status;
//   4. a scheduled and a queue invocation: a transaction each (op function / queue.process, as
//      @sentry/cloudflare names them); not requests, so not in the session counts;
//   5. a throw, then flush(): the session aggregates (exited / errored / crashed) of every request
//      so far arrive with the release and environment;
//   6. every envelope passes sentry-relay;
//   7. an answer `429 X-Sentry-Rate-Limits: 60:transaction` holds transactions; errors still arrive.
// And per runtime, the same worker without tracesSampleRate (off means off): global fetch is the
// runtime's own, subrequests carry no trace headers, no transaction or sessions item is sent;
// an incoming sentry-trace still links the request's errors to the caller's trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { startReceiver } from '../support/receiver.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { uniqueWord, until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hex = (n) => randomBytes(n).toString('hex');

let work;
before(() => {
  // An app that depends on the package: node_modules/tattle is this repo (with its dist/).
  work = mkdtempSync(join(tmpdir(), 'tattle-edge-tracing-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'tattle'), 'dir');
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The subrequests' target: answers 200 "up", records each request's path and headers. */
async function startUpstream() {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url, headers: { ...req.headers } });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('up');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    stop: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}

const runtimes = {
  // Bundled the way wrangler does (as worker.test.mjs does it); .wasm as a CompiledWasm module.
  async workerd(bindings) {
    const out = join(work, 'workerd');
    if (!runtimes.built) runtimes.built = build({
      entryPoints: [join(root, 'tests/e2e/workers/tracing_app.mjs')],
      nodePaths: [join(work, 'node_modules')],
      bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'],
      external: ['*.wasm', 'node:*'], outfile: join(out, 'tracing_app.mjs'), logLevel: 'warning',
    }).then(() => copyFileSync(join(root, 'dist/tattle_core_tr_bg.wasm'), join(out, 'tattle_core_tr_bg.wasm')));
    await runtimes.built;
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(out, 'tracing_app.mjs'),
      modulesRoot: out,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['nodejs_als'],
      bindings,
    });
    await mf.ready;
    const worker = await mf.getWorker();
    return {
      async request(path, headers) {
        const res = await mf.dispatchFetch(`http://worker.test${path}`, { headers });
        return { status: res.status, text: await res.text(), traceId: res.headers.get('x-trace-id') };
      },
      scheduled: async (cron) => assert.equal((await worker.scheduled({ cron, scheduledTime: new Date() })).outcome, 'ok'),
      queue: async (queue, n) => assert.equal((await worker.queue(queue, Array.from({ length: n }, (_, i) => (
        { id: `m${i}`, timestamp: new Date(), body: i, attempts: 1 })))).outcome, 'ok'),
      stop: () => mf.dispose(),
    };
  },
  async Deno(bindings) {
    const importMap = join(work, 'import_map.json');
    writeFileSync(importMap, JSON.stringify({ imports: { 'tattle/worker': `file://${join(root, 'dist/deno.js')}` } }));
    const child = spawn(join(root, 'node_modules/.bin/deno'), [
      'run', '--allow-net=127.0.0.1', `--allow-read=${root}`, '--allow-env=DSN,UPSTREAM,TRACING', `--import-map=${importMap}`,
      '--no-lock', join(root, 'tests/e2e/workers/tracing_deno.mjs'),
    ], { env: { ...process.env, ...bindings, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.once('exit', r));
    let err = '';
    child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    let port;
    try {
      port = await new Promise((resolve, reject) => {
        child.stdout.on('data', (d) => {
          const m = /listening (\d+)/.exec(String(d));
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`deno exited with ${code}: ${err}`)));
        setTimeout(() => reject(new Error(`deno did not start in 30 s: ${err}`)), 30000);
      });
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    return {
      async request(path, headers) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        return { status: res.status, text: await res.text(), traceId: res.headers.get('x-trace-id') };
      },
      async scheduled(cron) {
        assert.equal((await (await fetch(`http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent(cron)}`)).text()), 'ok');
      },
      async queue(queue, n) {
        assert.equal((await (await fetch(`http://127.0.0.1:${port}/__queue?queue=${queue}&n=${n}`)).text()), 'ok');
      },
      async stop() {
        child.kill('SIGKILL');
        await exited;
      },
    };
  },
};

for (const [name, start] of Object.entries(runtimes)) {
  describe(`${name}: tracing and release health`, { timeout: 180000 }, () => {
    let receiver, upstream, app;
    const txWith = (traceId, timeoutMs) => receiver.waitForItems('transaction', {
      where: (i) => i.json?.contexts?.trace?.trace_id === traceId, timeoutMs,
    }).then(([tx]) => tx);
    const upstreamGot = (path) => upstream.seen.find((r) => r.path === path);

    before(async () => {
      receiver = await startReceiver();
      upstream = await startUpstream();
      app = await start({ DSN: receiver.dsn, UPSTREAM: upstream.url });
    });
    after(async () => {
      await app?.stop().catch(() => {});
      await upstream?.stop();
      await receiver?.stop();
    });

    test(`${name}: an incoming sentry-trace is continued; subrequest spans are the parents the upstream server was told`, async () => {
      const tag = uniqueWord();
      const T = hex(16);
      const S = hex(8);
      const res = await app.request(`/sub?tag=${tag}`, {
        'sentry-trace': `${T}-${S}-1`,
        baggage: `other=x,sentry-trace_id=${T},sentry-public_key=upkey,sentry-release=upstream%401,sentry-sample_rate=1,sentry-sampled=true`,
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.traceId, T, 'getActiveSpan() in the handler is in the incoming trace');
      const tx = await txWith(T);
      const ev = tx.json;
      const ctx = ev.contexts.trace;
      assert.equal(ctx.parent_span_id, S, 'the incoming span is the parent');
      assert.equal(ctx.op, 'http.server');
      assert.equal(ctx.status, 'ok');
      assert.equal(ctx.data['http.response.status_code'], 200);
      assert.equal(ev.transaction, 'GET /sub');
      assert.equal(ev.transaction_info.source, 'url');
      assert.match(ev.request.url, new RegExp(`/sub\\?tag=${tag}$`));
      assert.equal(ev.request.method, 'GET');
      assert.equal(ev.release, 'worker@1.0.0');
      const head = tx.envelope.header.trace;
      assert.equal(head.trace_id, T);
      assert.equal(head.release, 'upstream@1', "the incoming dsc is passed on, not tattle's own");
      assert.equal(head.public_key, 'upkey');

      assert.equal(ev.spans.length, 3, JSON.stringify(ev.spans.map((s) => s.description)));
      const [a, work, b] = ['/a', `work ${tag}`, '/b'].map((d) => ev.spans.find((s) => s.description?.endsWith(d)));
      assert.ok(a && work && b, JSON.stringify(ev.spans));
      for (const s of ev.spans) assert.equal(s.trace_id, T);
      assert.equal(a.op, 'http.client');
      assert.equal(a.parent_span_id, ctx.span_id, 'the first subrequest is under the transaction');
      assert.equal(a.description, `GET ${upstream.url}/up/${tag}/a`, 'no query in the span');
      assert.equal(a.data['http.response.status_code'], 200);
      assert.equal(a.status, 'ok');
      assert.equal(work.op, 'task');
      assert.equal(work.parent_span_id, ctx.span_id);
      assert.equal(b.parent_span_id, work.span_id, "the second is under the app's own span");
      for (const s of ev.spans) assert.ok(s.start_timestamp >= ev.start_timestamp && s.timestamp <= ev.timestamp, 'inside the transaction');

      const gotA = upstreamGot(`/up/${tag}/a?secret=1`);
      const gotB = upstreamGot(`/up/${tag}/b`);
      assert.equal(gotA.headers['sentry-trace'], `${T}-${a.span_id}-1`);
      assert.equal(gotB.headers['sentry-trace'], `${T}-${b.span_id}-1`);
      assert.match(gotA.headers.baggage, new RegExp(`sentry-trace_id=${T}`));
      assert.match(gotA.headers.baggage, /sentry-release=upstream%401/);
      assert.ok(gotB.headers.baggage.split(',').includes('app=1'), `the app's own baggage kept: ${gotB.headers.baggage}`);
      assert.match(gotB.headers.baggage, new RegExp(`sentry-trace_id=${T}`));
    });

    test(`${name}: 50 concurrent requests → 50 transactions, each with only its own spans`, async () => {
      const tags = Array.from({ length: 50 }, (_, i) => `${uniqueWord()}${i}`);
      const answers = await Promise.all(tags.map((tag) => app.request(`/sub?tag=${tag}`)));
      for (const r of answers) assert.equal(r.status, 200, r.text);
      const traces = answers.map((r) => r.traceId);
      assert.equal(new Set(traces).size, 50, 'a new trace per request');
      await receiver.waitForItems('transaction', { count: 50, where: (i) => traces.includes(i.json?.contexts?.trace?.trace_id), timeoutMs: 30000 });
      for (const [i, tag] of tags.entries()) {
        const { json: ev } = await txWith(traces[i]);
        const root = ev.contexts.trace;
        assert.ok(root.parent_span_id == null, 'a new trace has no parent');
        assert.deepEqual(ev.spans.map((s) => s.description).sort(),
          [`GET ${upstream.url}/up/${tag}/a`, `GET ${upstream.url}/up/${tag}/b`, `work ${tag}`].sort(), `request ${i}: only its own spans`);
        const ids = new Set([root.span_id, ...ev.spans.map((s) => s.span_id)]);
        for (const s of ev.spans) {
          assert.equal(s.trace_id, traces[i]);
          assert.ok(ids.has(s.parent_span_id), 'every span under a span of its own transaction');
        }
        assert.match(upstreamGot(`/up/${tag}/a?secret=1`).headers['sentry-trace'], new RegExp(`^${traces[i]}-[0-9a-f]{16}-1$`));
      }
      const sent = receiver.items('transaction').filter((i) => traces.includes(i.json?.contexts?.trace?.trace_id));
      assert.equal(sent.length, 50, 'each sent once');
    });

    test(`${name}: an error captured in a request carries its transaction's trace; a 404 is the transaction's status`, async () => {
      const tag = uniqueWord();
      const res = await app.request(`/error?tag=${tag}`);
      assert.equal(res.status, 200);
      const eventId = res.text.trim();
      const [err] = await receiver.waitForItems('event', { where: (i) => i.json?.event_id === eventId });
      const tx = await txWith(res.traceId);
      assert.equal(tx.json.transaction, 'GET /error');
      assert.equal(err.json.contexts.trace.trace_id, res.traceId);
      assert.equal(err.json.contexts.trace.span_id, tx.json.contexts.trace.span_id, "the error is linked to the request's transaction");
      assert.equal(err.envelope.header.trace?.trace_id, res.traceId, 'the dsc in the error envelope header');

      const missing = await app.request(`/missing?tag=${tag}`);
      assert.equal(missing.status, 404);
      const { json: ev } = await txWith(missing.traceId);
      assert.equal(ev.contexts.trace.status, 'not_found');
      assert.equal(ev.contexts.trace.data['http.response.status_code'], 404);
    });

    test(`${name}: scheduled and queue invocations get their own transactions (function, queue.process)`, async () => {
      await app.scheduled('*/5 * * * *');
      await app.queue('jobs', 2);
      const [cron] = await receiver.waitForItems('transaction', { where: (i) => i.json?.contexts?.trace?.op === 'function' });
      assert.equal(cron.json.transaction, 'Scheduled Cron */5 * * * *');
      assert.equal(cron.json.transaction_info.source, 'task');
      assert.equal(cron.json.contexts.trace.data['faas.cron'], '*/5 * * * *');
      assert.equal(cron.json.contexts.trace.data['faas.trigger'], 'timer');
      assert.equal(cron.json.contexts.trace.status, 'ok');
      const [q] = await receiver.waitForItems('transaction', { where: (i) => i.json?.contexts?.trace?.op === 'queue.process' });
      assert.equal(q.json.transaction, 'process jobs');
      assert.equal(q.json.contexts.trace.data['messaging.batch.message_count'], 2);
      assert.equal(q.json.contexts.trace.data['messaging.destination.name'], 'jobs');
      assert.notEqual(q.json.contexts.trace.trace_id, cron.json.contexts.trace.trace_id, 'each its own trace');
    });

    test(`${name}: session aggregates (exited / errored / crashed per request) arrive with the release at flush()`, async () => {
      const res = await app.request(`/throw?tag=${uniqueWord()}`);
      assert.equal(res.status, 500, 'the throw reaches the platform');
      const flushed = await app.request('/flush');
      assert.equal(flushed.status, 200);
      await receiver.waitForItems('sessions');
      // Every request so far: 1 + 50 + /missing exited, /error errored, /throw crashed (the
      // /flush request itself is counted after its flush). A sessions item may also have left
      // earlier, ≥ 60 s after the first request: all are summed.
      const items = receiver.items('sessions').map((i) => i.json);
      const sum = { exited: 0, errored: 0, crashed: 0 };
      for (const s of items) {
        assert.equal(s.attrs.release, 'worker@1.0.0');
        assert.equal(s.attrs.environment, 'edge');
        for (const a of s.aggregates) {
          assert.match(a.started, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00(\.0+)?Z$/, 'minute buckets');
          for (const k of Object.keys(sum)) sum[k] += a[k] || 0;
        }
      }
      assert.deepEqual(sum, { exited: 52, errored: 1, crashed: 1 });
    });

    test(`${name}: every envelope passes sentry-relay`, async () => {
      const bodies = receiver.envelopes.map((e) => e.body);
      assert.ok(receiver.items('transaction').length >= 55, `${receiver.items('transaction').length} transactions`);
      const verdict = await relayCheck(bodies);
      assert.ok(verdict.ok, formatProblems(verdict.problems));
    });

    test(`${name}: 429 X-Sentry-Rate-Limits: 60:transaction holds transactions; errors still arrive`, async () => {
      receiver.setRespond((req) => (req.envelope?.items.some((i) => i.type === 'transaction')
        ? { status: 429, headers: { 'X-Sentry-Rate-Limits': '60:transaction:organization' } } : undefined));
      const first = await app.request(`/ok?tag=${uniqueWord()}`);
      await txWith(first.traceId); // answered 429
      const txCount = receiver.items('transaction').length;
      const tag = uniqueWord();
      const res = await app.request(`/error?tag=${tag}`);
      const sub = await app.request(`/sub?tag=${tag}`);
      assert.equal(sub.status, 200);
      await receiver.waitForItems('event', { where: (i) => i.json?.event_id === res.text.trim() });
      assert.match(upstreamGot(`/up/${tag}/a?secret=1`).headers['sentry-trace'], new RegExp(`^${sub.traceId}-`), 'tracing goes on');
      // The two transactions would leave right after their responses: give them time to arrive.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(receiver.items('transaction').length, txCount, 'no transaction sent while limited');
    });
  });
}

for (const [name, start] of Object.entries(runtimes)) {
  describe(`${name}: tracing off`, { timeout: 120000 }, () => {
    let receiver, upstream, app;
    before(async () => {
      receiver = await startReceiver();
      upstream = await startUpstream();
      app = await start({ DSN: receiver.dsn, UPSTREAM: upstream.url, TRACING: 'off' });
    });
    after(async () => {
      await app?.stop().catch(() => {});
      await upstream?.stop();
      await receiver?.stop();
    });

    test(`${name}: without tracesSampleRate nothing of tracing runs or is sent; an incoming trace still links errors`, async () => {
      const tag = uniqueWord();
      const T = hex(16);
      const S = hex(8);
      const incoming = { 'sentry-trace': `${T}-${S}-1`, baggage: `sentry-trace_id=${T},sentry-public_key=upkey,sentry-release=upstream%401` };
      const sub = await app.request(`/sub?tag=${tag}`, incoming);
      assert.equal(sub.status, 200, sub.text);
      assert.equal(sub.traceId, '', 'no active span');
      const err = await app.request(`/error?tag=${tag}`, incoming);
      await app.request(`/throw?tag=${tag}`).catch(() => {});
      assert.equal((await app.request('/flush')).text, 'true');
      assert.equal((await app.request('/fetch-is-native')).text, 'true', 'global fetch left alone');
      const [ev] = await receiver.waitForItems('event', { where: (i) => i.json?.event_id === err.text.trim() });
      assert.equal(ev.json.contexts.trace.trace_id, T, "the caller's trace");
      assert.equal(ev.json.contexts.trace.parent_span_id, S);
      assert.match(ev.json.contexts.trace.span_id, /^[0-9a-f]{16}$/);
      assert.equal(ev.envelope.header.trace?.release, 'upstream@1', 'the incoming dsc in the envelope header');
      await receiver.waitForItems('event', { where: (i) => i.json?.exception?.values?.at(-1)?.value === `traced throw ${tag}` });
      for (const path of [`/up/${tag}/a?secret=1`, `/up/${tag}/b`]) {
        const got = upstream.seen.find((r) => r.path === path);
        assert.ok(got, `the upstream server got ${path}`);
        assert.equal(got.headers['sentry-trace'], undefined, 'no sentry-trace sent on');
        assert.equal(got.headers.baggage, path.endsWith('/b') ? 'app=1' : undefined, "only the app's own baggage");
      }
      await new Promise((r) => setTimeout(r, 1000));
      const types = [...new Set(receiver.items().map((i) => i.type))].sort();
      assert.deepEqual(types, ['event'], `only error events sent: ${types}`);
    });
  });
}
