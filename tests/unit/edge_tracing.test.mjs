// www/edge_tracing.js without a runtime's wasm: the invocation hooks edge.js calls, run in Node's
// own AsyncLocalStorage against a real HTTP server on 127.0.0.1. `send` stands in for the core
// (it records what would be built and sent); tests/e2e/edge_tracing.test.mjs runs the whole path
// in workerd and Deno. Here: what the e2e worker does not vary — tracePropagationTargets, a
// tracesSampler's context and decision, an incoming `-0`, a span outside any invocation.
import { after, before, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { edgeTracing, tracingOn } from '../../www/edge_tracing.js';

let server, base;
const seen = [];
before(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url, headers: req.headers });
    res.writeHead(req.url.startsWith('/missing') ? 404 : 200).end('x');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** One isolate's tracing with `options`; `invoke(request, handler)` runs a fetch invocation. */
function isolate(options) {
  const scopes = new AsyncLocalStorage();
  const sent = [];
  const waits = [];
  const lane = { wait: (p) => waits.push(p) };
  const t = edgeTracing({
    options: { dsn: 'https://pk@o1.example/1', ...options },
    scopes,
    child: (p) => ({ ...p }),
    send: (name, args) => sent.push({ name, args }),
    laneNow: () => lane,
    log: () => {},
  });
  async function invoke(request, handler) {
    const scope = { request: { url: request.url, method: request.method }, lane };
    scope.invocation = { root: scope };
    let response;
    await scopes.run(scope, async () => {
      t.begin('fetch', request, scope);
      response = await handler(t, scope);
      t.finish('fetch', scope, response, false);
    });
    await Promise.all(waits.splice(0));
    return response;
  }
  return { t, sent, invoke, scopes };
}
const txOf = (sent) => sent.filter((s) => s.name === 'transaction').map((s) => s.args[0]);

describe('edge tracing hooks', () => {
  test('tracing is on only with a number rate or a sampler function', () => {
    assert.equal(tracingOn({}), false);
    assert.equal(tracingOn({ tracesSampleRate: '1' }), false);
    assert.equal(tracingOn({ tracesSampleRate: 0 }), true);
    assert.equal(tracingOn({ tracesSampler: () => 1 }), true);
  });

  test('tracePropagationTargets: only matching subrequests carry sentry-trace and baggage', async () => {
    const { invoke, sent } = isolate({ tracesSampleRate: 1, tracePropagationTargets: ['/yes', /\/re-\d$/] });
    await invoke(new Request('https://w.example/p'), async (t) => {
      for (const p of ['/yes', '/no', '/re-1', '/missing']) await (await t.fetch(`${base}${p}`)).text();
      return new Response('ok');
    });
    const got = (p) => seen.find((s) => s.path === p).headers;
    assert.ok(got('/yes')['sentry-trace']);
    assert.match(got('/yes').baggage, /sentry-public_key=pk/);
    assert.ok(got('/re-1')['sentry-trace']);
    assert.equal(got('/no')['sentry-trace'], undefined);
    assert.equal(got('/missing')['sentry-trace'], undefined);
    const [tx] = txOf(sent);
    assert.equal(tx.spans.length, 4, 'a span for every subrequest, propagated or not');
    const missing = tx.spans.find((s) => s.description.endsWith('/missing'));
    assert.equal(missing.status, 'not_found');
    assert.equal(missing.data['http.response.status_code'], 404);
  });

  test('a subrequest after the transaction ended gets no span, but still the trace headers', async () => {
    const { invoke, sent, scopes, t } = isolate({ tracesSampleRate: 1 });
    let late;
    await invoke(new Request('https://w.example/p'), async (tr, scope) => {
      late = scopes.run(scope, async () => {
        await new Promise((r) => setTimeout(r, 20)); // after the response, as waitUntil work
        return (await tr.fetch(`${base}/late`)).text();
      });
      return new Response('ok');
    });
    await late;
    const [tx] = txOf(sent);
    assert.equal(tx.spans.length, 0);
    assert.equal(seen.find((s) => s.path === '/late').headers['sentry-trace'], `${tx.contexts.trace.trace_id}-${tx.contexts.trace.span_id}-1`);
    assert.equal(t.traceOf(undefined), undefined);
  });

  test("tracesSampler sees the request and decides; unsampled, errors still get the trace's ids", async () => {
    const asked = [];
    const { invoke, sent, t, scopes } = isolate({ tracesSampler: (ctx) => { asked.push(ctx); return !ctx.name.includes('/health'); } });
    let trace;
    await invoke(new Request('https://w.example/health?x=1'), async (tr, scope) => {
      trace = t.traceOf(scopes.getStore());
      await (await tr.fetch(`${base}/yes-health`)).text();
      assert.equal(scope.invocation.trace.isRecording(), false);
      return new Response('ok');
    });
    await invoke(new Request('https://w.example/cart', { method: 'POST' }), async () => new Response('ok'));
    assert.deepEqual(asked.map((c) => c.name), ['GET /health', 'POST /cart']);
    assert.equal(asked[0].normalizedRequest.url, 'https://w.example/health?x=1');
    assert.equal(asked[0].attributes['http.request.method'], 'GET');
    assert.deepEqual(txOf(sent).map((tx) => tx.transaction), ['POST /cart'], 'only the sampled one is sent');
    assert.match(trace.trace.trace_id, /^[0-9a-f]{32}$/);
    assert.equal(trace.dsc.sampled, 'false');
    assert.match(seen.find((s) => s.path === '/yes-health').headers['sentry-trace'], new RegExp(`^${trace.trace.trace_id}-[0-9a-f]{16}-0$`));
  });

  test('an incoming -0 is not sampled without a sampler, whatever tracesSampleRate says', async () => {
    const { invoke, sent } = isolate({ tracesSampleRate: 1 });
    const T = 'a'.repeat(32);
    await invoke(new Request('https://w.example/x', { headers: { 'sentry-trace': `${T}-${'b'.repeat(16)}-0` } }), async (t, scope) => {
      assert.equal(scope.invocation.trace.traceId, T);
      return new Response('ok');
    });
    assert.equal(txOf(sent).length, 0);
  });

  test('session counts: only with a release, not with autoSessionTracking false; all buckets in one item when due', async () => {
    const ok = () => new Response('ok');
    for (const [options, expected] of [[{}, 0], [{ release: 'r@1', autoSessionTracking: false }, 0], [{ release: 'r@1' }, 1]]) {
      const { invoke, sent, t } = isolate({ tracesSampleRate: 1, ...options });
      await invoke(new Request('https://w.example/a'), async () => ok());
      await invoke(new Request('https://w.example/b'), async (_, scope) => { scope.invocation.errored = true; return ok(); });
      assert.equal(sent.filter((s) => s.name === 'session').length, 0, 'not due before 60 s');
      t.sendSessions({ wait() {} }, true);
      const sessions = sent.filter((s) => s.name === 'session');
      assert.equal(sessions.length, expected, JSON.stringify(options));
      if (expected) {
        const [{ aggregates, attrs }] = sessions[0].args;
        assert.deepEqual(attrs, {});
        assert.equal(aggregates.length, 1);
        assert.equal(aggregates[0].exited, 1);
        assert.equal(aggregates[0].errored, 1);
        assert.equal(aggregates[0].crashed, undefined);
        t.sendSessions({ wait() {} }, true);
        assert.equal(sent.filter((s) => s.name === 'session').length, 1, 'nothing new, nothing sent');
      }
    }
  });

  test('session counts leave by themselves from the first invocation that ends 60 s after the last sent (a mocked clock)', async () => {
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-01-01T10:00:30Z') });
    try {
      const { invoke, sent } = isolate({ tracesSampleRate: 1, release: 'r@1' });
      const sessions = () => sent.filter((s) => s.name === 'session').map((s) => s.args[0].aggregates);
      const ok = async () => new Response('ok');
      await invoke(new Request('https://w.example/a'), ok);
      mock.timers.setTime(Date.parse('2026-01-01T10:01:29Z'));
      await invoke(new Request('https://w.example/b'), ok);
      assert.deepEqual(sessions(), [], '59 s after the first: not yet');
      mock.timers.setTime(Date.parse('2026-01-01T10:01:31Z'));
      await invoke(new Request('https://w.example/d'), ok);
      assert.deepEqual(sessions(), [[
        { started: '2026-01-01T10:00:00.000Z', exited: 1 },
        { started: '2026-01-01T10:01:00.000Z', exited: 2 },
      ]], 'one item with both minutes, from the first invocation ending 60 s on');
    } finally {
      mock.timers.reset();
    }
  });

  test('startSpan outside an invocation is a transaction of its own; nested spans go under it', async () => {
    const { t, sent } = isolate({ tracesSampleRate: 1 });
    const result = await t.spanApi.startSpan({ name: 'boot', op: 'task' }, async (root) => {
      assert.equal(t.spanApi.getActiveSpan(), root);
      t.spanApi.startSpan({ name: 'inner' }, (inner) => assert.equal(inner.parentSpanId, root.spanId));
      return 7;
    });
    assert.equal(result, 7);
    const [tx] = txOf(sent);
    assert.equal(tx.transaction, 'boot');
    assert.equal(tx.transaction_info.source, 'custom');
    assert.deepEqual(tx.spans.map((s) => s.description), ['inner']);
    assert.equal(t.spanApi.getActiveSpan(), undefined, 'nothing active after it');
    await assert.rejects(t.spanApi.startSpan({ name: 'fails' }, async () => { throw new Error('x'); }), /x/);
    assert.equal(txOf(sent)[1].contexts.trace.status, 'internal_error');
  });
});
