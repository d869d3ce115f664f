// The browser tracing chunk's parts that run without a page (www/tracing.js in Node: the manual
// span API and the transactions it makes, the resource ops, CLS), the session rules and the
// tracing/session integrations (www/shared.js). The page-bound rest (pageload, navigation, fetch
// and XHR, web vitals, idle ending) runs in Chromium: tests/e2e/tracing.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clsStep, resourceOp, start } from '../../www/tracing.js';
import { browserTracingIntegration, didOf, integrationsOf, sessionAfterError } from '../../www/shared.js';

// tracing.js's `t` as the shim gives it, without browserTracingIntegration (no pageload: Node
// has no page), recording what it sends and counts.
function tracer(options) {
  const sent = [];
  const drops = [];
  const t = {
    options: { dsn: 'https://pk@o1.example/1', release: 'r@1', ...options },
    log: () => {},
    prop: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) },
    auto: undefined,
    send: (event, dsc) => sent.push({ event, dsc }),
    drop: (reason, category) => drops.push([reason, category]),
  };
  return { api: start(t), sent, drops, t };
}

describe('the manual span API (startSpan & co.)', () => {
  test('a root span and its children become one transaction in the page trace', () => {
    const { api, sent } = tracer({ tracesSampleRate: 1 });
    const r = api.startSpan({ name: 'checkout', op: 'ui.action', attributes: { items: 3 } }, (root) => {
      assert.equal(api.active(), root);
      api.startSpan({ name: 'validate', op: 'function' }, (child) => {
        assert.equal(api.active(), child);
        child.setAttribute('ok', true);
      });
      const inactive = api.startInactiveSpan({ name: 'prefetch' });
      assert.equal(api.active(), root, 'an inactive span is not made active');
      inactive.end();
      return 7;
    });
    assert.equal(r, 7, "the callback's result comes back");
    assert.equal(api.active(), undefined);
    assert.equal(sent.length, 1);
    const { event, dsc } = sent[0];
    assert.equal(event.transaction, 'checkout');
    assert.equal(event.transaction_info.source, 'custom');
    assert.equal(event.contexts.trace.trace_id, 'a'.repeat(32));
    assert.equal(event.contexts.trace.op, 'ui.action');
    assert.equal(event.contexts.trace.data.items, 3);
    assert.deepEqual(event.spans.map((s) => s.description).sort(), ['prefetch', 'validate']);
    for (const s of event.spans) assert.equal(s.parent_span_id, event.contexts.trace.span_id);
    assert.deepEqual(event.spans.find((s) => s.description === 'validate').data, { ok: true });
    assert.deepEqual(dsc, {
      trace_id: 'a'.repeat(32), public_key: 'pk', release: 'r@1', environment: 'production', sample_rate: '1', sampled: 'true', transaction: 'checkout',
    });
  });

  test('a throwing callback: the span ends with internal_error and the error reaches the app', () => {
    const { api, sent } = tracer({ tracesSampleRate: 1 });
    const boom = new Error('boom');
    assert.throws(() => api.startSpan({ name: 'fails' }, () => { throw boom; }), (e) => e === boom);
    assert.equal(sent[0].event.contexts.trace.status, 'internal_error');
  });

  test('an async callback: the span ends when its promise settles; the promise is the app\'s', async () => {
    const { api, sent } = tracer({ tracesSampleRate: 1 });
    const p = api.startSpan({ name: 'slow' }, () => new Promise((r) => setTimeout(() => r('done'), 30)));
    assert.equal(sent.length, 0, 'still open');
    assert.equal(await p, 'done');
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(sent.length, 1);
    const e = sent[0].event;
    assert.ok(e.timestamp - e.start_timestamp >= 0.025, `${e.timestamp - e.start_timestamp}`);
  });

  test('startSpanManual ends when told; onlyIfParent without a parent records nothing; forceTransaction', () => {
    const { api, sent } = tracer({ tracesSampleRate: 1 });
    let finish;
    api.startSpanManual({ name: 'manual' }, (span, f) => { finish = f; });
    assert.equal(sent.length, 0);
    finish();
    assert.equal(sent.length, 1);
    const orphan = api.startInactiveSpan({ name: 'orphan', onlyIfParent: true });
    assert.equal(orphan.isRecording(), false);
    orphan.end();
    api.startSpan({ name: 'outer' }, () => {
      api.startSpan({ name: 'own', forceTransaction: true }, () => {});
    });
    assert.deepEqual(sent.map((s) => s.event.transaction), ['manual', 'own', 'outer']);
  });

  test('sampled out: nothing sent, the drop counted as sample_rate/transaction; tracesSampler decides', () => {
    const zero = tracer({ tracesSampleRate: 0 });
    zero.api.startSpan({ name: 'x' }, (s) => {
      assert.equal(s.isRecording(), false);
      assert.match(s.spanContext().spanId, /^[0-9a-f]{16}$/);
    });
    assert.deepEqual(zero.sent, []);
    assert.deepEqual(zero.drops, [['sample_rate', 'transaction']]);
    const names = [];
    const sampler = tracer({ tracesSampler: (ctx) => { names.push(ctx.name); return ctx.name !== 'health'; } });
    sampler.api.startSpan({ name: 'health' }, () => {});
    sampler.api.startSpan({ name: 'cart' }, () => {});
    assert.deepEqual(names, ['health', 'cart']);
    assert.deepEqual(sampler.sent.map((s) => s.event.transaction), ['cart']);
  });

  // (The headers are the shim's, browser/trace_shim.js: only with browserTracingIntegration, in Chromium.)
  test('without browserTracingIntegration, no pageload: a request outside a span gets no span; inside one, a child', () => {
    const { api, sent } = tracer({ tracesSampleRate: 1 });
    assert.equal(api.http('GET', '/api', 'fetch'), undefined);
    api.startSpan({ name: 'x' }, () => { api.done(api.http('GET', '/api', 'fetch'), 200); });
    assert.deepEqual(sent[0].event.spans.map((s) => [s.op, s.description, s.status]), [['http.client', 'GET /api', 'ok']]);
  });
});

describe('idle roots (browserTracingIntegration), on mocked timers', () => {
  // Node has no page: the pageload root is named '/', has no Navigation Timing and no history;
  // what is checked here is when it ends. The timers are mocked (node:test's MockTimers), the
  // span times are real (performance.now()).
  const idle = (t, opts = {}) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const tracing = tracer({ tracesSampleRate: 1 });
    Object.assign(tracing.t, { auto: opts });
    tracing.api = start(tracing.t);
    return tracing;
  };

  test('the pageload ends 1 s after its last child ended, at that child\'s end', (t) => {
    const { api, sent } = idle(t);
    const root = api.active();
    assert.equal(root.op, 'pageload');
    assert.equal(root.spanContext().spanId, 'b'.repeat(16), 'the span id the shim announced at init');
    const child = api.startInactiveSpan({ name: 'open', op: 'task' });
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 0, 'an open child holds it');
    child.end();
    t.mock.timers.tick(999);
    assert.equal(sent.length, 0);
    t.mock.timers.tick(1);
    assert.equal(sent.length, 1);
    const { event } = sent[0];
    assert.equal(event.contexts.trace.op, 'pageload');
    assert.equal(event.contexts.trace.status, 'ok');
    assert.equal(event.timestamp, event.spans.find((s) => s.description === 'open').timestamp);
    assert.equal(api.active(), undefined);
  });

  test('a route name the app gives the pageload (updateName + sentry.source) is sent, and goes in the dsc', (t) => {
    const { api, sent } = idle(t);
    api.active().updateName('/users/:id').setAttribute('sentry.source', 'route');
    api.hide();
    assert.equal(sent[0].event.transaction, '/users/:id');
    assert.equal(sent[0].event.transaction_info.source, 'route');
    assert.equal(sent[0].dsc.transaction, '/users/:id');
  });

  test('at most 30 s (deadline_exceeded), however busy', (t) => {
    const { api, sent } = idle(t);
    api.startInactiveSpan({ name: 'never ends' });
    t.mock.timers.tick(29999);
    assert.equal(sent.length, 0);
    t.mock.timers.tick(1);
    assert.equal(sent[0].event.contexts.trace.status, 'deadline_exceeded');
    assert.equal(sent[0].event.contexts.trace.data['sentry.idle_span_finish_reason'], 'finalTimeout');
    assert.deepEqual(sent[0].event.spans.map((s) => s.description), [], 'a child still open is left out');
  });

  test('hide() (the page going) ends it at once', (t) => {
    const { api, sent } = idle(t);
    api.startInactiveSpan({ name: 'still open' });
    api.hide();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].event.contexts.trace.data['sentry.idle_span_finish_reason'], 'documentHidden');
  });

  test('instrumentPageLoad: false: no pageload', (t) => {
    const { api, sent } = idle(t, { instrumentPageLoad: false });
    assert.equal(api.active(), undefined);
    t.mock.timers.tick(31000);
    assert.deepEqual(sent, []);
  });
});

describe('resource ops', () => {
  test('as Sentry names them; fetch and XHR left to their http.client spans', () => {
    assert.equal(resourceOp({ initiatorType: 'script', name: '/a.js' }), 'resource.script');
    assert.equal(resourceOp({ initiatorType: 'link', name: '/s.css?v=2' }), 'resource.css');
    assert.equal(resourceOp({ initiatorType: 'css', name: '/font.woff2' }), 'resource.css');
    assert.equal(resourceOp({ initiatorType: 'link', name: '/manifest.json' }), 'resource.link');
    assert.equal(resourceOp({ initiatorType: 'img', name: '/p.png' }), 'resource.img');
    assert.equal(resourceOp({ initiatorType: 'other', name: '/x' }), 'resource.other');
    assert.equal(resourceOp({ initiatorType: 'fetch', name: '/api' }), undefined);
    assert.equal(resourceOp({ initiatorType: 'xmlhttprequest', name: '/api' }), undefined);
  });
});

describe('CLS: the largest session window', () => {
  const run = (shifts) => shifts.reduce((s, e) => clsStep(s, e), { value: 0 }).value;
  test('shifts within 1 s add up; a gap starts a new window; the largest counts', () => {
    assert.equal(run([]), 0);
    assert.ok(Math.abs(run([{ startTime: 0, value: 0.1 }, { startTime: 500, value: 0.1 }]) - 0.2) < 1e-9);
    assert.ok(Math.abs(run([{ startTime: 0, value: 0.1 }, { startTime: 2000, value: 0.05 }]) - 0.1) < 1e-9);
  });
  test('a window lasts at most 5 s; shifts after input do not count', () => {
    const steady = Array.from({ length: 12 }, (_, i) => ({ startTime: i * 900, value: 0.01 }));
    assert.ok(run(steady) <= 0.06 + 1e-9, `${run(steady)}`);
    assert.equal(run([{ startTime: 0, value: 0.5, hadRecentInput: true }]), 0);
  });
});

describe('release health rules', () => {
  test('the first handled exception: counted and sent (status ok, as Sentry); more: counted only; unhandled: crashed, final', () => {
    const s = { status: 'ok', errors: 0 };
    assert.equal(sessionAfterError(s, true), true);
    assert.deepEqual(s, { status: 'ok', errors: 1 });
    assert.equal(sessionAfterError(s, undefined), false);
    assert.equal(s.errors, 2);
    assert.equal(sessionAfterError(s, false), true);
    assert.deepEqual(s, { status: 'crashed', errors: 3 });
    assert.equal(sessionAfterError(s, false), false);
    assert.equal(s.errors, 3, 'a crashed session is final');
  });
  test("did: the user's id as it is; an e-mail or username alone as a stable letters-only pseudonym, as it is with sendDefaultPii", () => {
    assert.equal(didOf({ id: 42, email: 'ada@example.com' }), '42');
    assert.equal(didOf({ id: 'user-7' }), 'user-7');
    const ada = didOf({ email: 'ada@example.com' });
    assert.match(ada, /^u_[a-z]{14}$/);
    assert.equal(didOf({ email: 'ada@example.com' }), ada, 'stable: the same user counts once');
    assert.notEqual(didOf({ email: 'bob@example.com' }), ada, 'distinct users stay distinct');
    assert.notEqual(didOf({ username: 'ada' }), didOf({ username: 'adb' }));
    assert.ok(!ada.includes('ada') && !ada.includes('example'), 'nothing of the address');
    assert.equal(didOf({ email: 'ada@example.com' }, true), 'ada@example.com');
    assert.equal(didOf(undefined), undefined);
    assert.equal(didOf({}), undefined);
    assert.equal(didOf({ get id() { throw new Error('hostile'); } }), undefined);
  });
  test('BrowserSession is a default the app can filter out; BrowserTracing only when given', () => {
    const own = ['GlobalHandlers', 'BrowserSession'];
    const known = ['BrowserTracing'];
    const logged = [];
    const log = (m) => logged.push(m);
    assert.deepEqual(Object.keys(integrationsOf({}, own, log, known)).sort(), ['BrowserSession', 'GlobalHandlers']);
    const filtered = integrationsOf({ integrations: (d) => d.filter((i) => i.name !== 'BrowserSession') }, own, log, known);
    assert.equal(filtered.BrowserSession, undefined);
    const traced = integrationsOf({ integrations: [browserTracingIntegration({ instrumentNavigation: false })] }, own, log, known);
    assert.deepEqual(traced.BrowserTracing.options, { instrumentNavigation: false });
    assert.deepEqual(logged, [], 'known names are not reported as foreign');
  });
});
