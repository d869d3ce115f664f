// Tracing's plain parts (www/trace.js), without a browser: the headers' grammar both ways, which
// URLs carry them, the sampling decision, and spans becoming a transaction event. The whole path
// runs in Chromium, workerd and Deno (tests/e2e/tracing*.test.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  baggageOf, createSpan, dscOf, httpStatus, mergeBaggage, parseBaggage, parseSentryTrace, propagates, publicKeyOf,
  sample, sentryTrace, spanId, traceId, transactionEvent,
} from '../../www/trace.js';

describe('ids and sentry-trace', () => {
  test('ids are lowercase hex of the right length, and differ', () => {
    assert.match(traceId(), /^[0-9a-f]{32}$/);
    assert.match(spanId(), /^[0-9a-f]{16}$/);
    assert.notEqual(traceId(), traceId());
  });
  test('sentry-trace round-trips, with and without a sampling decision', () => {
    const t = traceId();
    const s = spanId();
    assert.equal(sentryTrace(t, s, true), `${t}-${s}-1`);
    assert.equal(sentryTrace(t, s, false), `${t}-${s}-0`);
    assert.equal(sentryTrace(t, s, undefined), `${t}-${s}`);
    assert.deepEqual(parseSentryTrace(`${t}-${s}-1`), { traceId: t, parentSpanId: s, sampled: true });
    assert.deepEqual(parseSentryTrace(` ${t}-${s}-0 `), { traceId: t, parentSpanId: s, sampled: false });
    assert.deepEqual(parseSentryTrace(`${t}-${s}`), { traceId: t, parentSpanId: s, sampled: undefined });
  });
  test('a malformed sentry-trace is not read', () => {
    for (const bad of [undefined, '', 'x', `${'A'.repeat(32)}-${'b'.repeat(16)}`, `${'a'.repeat(31)}-${'b'.repeat(16)}-1`, `${'a'.repeat(32)}-${'b'.repeat(16)}-2`]) {
      assert.equal(parseSentryTrace(bad), undefined, String(bad));
    }
  });
});

describe('baggage', () => {
  const dsc = dscOf({ trace: 'a'.repeat(32), publicKey: 'pk', release: 'shop@1.2 +b', environment: 'prod', rate: 0.25, sampled: true, transaction: '/cart' });
  test('sentry- entries, URI-encoded, read back the same', () => {
    const b = baggageOf(dsc);
    assert.match(b, /sentry-release=shop%401.2%20%2Bb/);
    assert.match(b, /sentry-sample_rate=0.25/);
    assert.match(b, /sentry-sampled=true/);
    assert.deepEqual(parseBaggage(b), dsc);
  });
  test("the app's own entries stay, a sentry- entry of theirs is replaced", () => {
    const merged = mergeBaggage('userId=7, sentry-trace_id=old,other=x', dsc);
    const parts = merged.split(',');
    assert.ok(parts.includes('userId=7') && parts.includes('other=x'));
    assert.equal(parseBaggage(merged).trace_id, 'a'.repeat(32));
    assert.equal(parts.filter((p) => p.startsWith('sentry-trace_id=')).length, 1);
  });
  test('non-sentry and malformed entries are not read', () => {
    assert.equal(parseBaggage('a=1,b=2'), undefined);
    assert.deepEqual(parseBaggage('sentry-release=%E0%A4%A,sentry-environment=dev;prop=1'), { environment: 'dev' });
  });
  test('the public key is the DSN user', () => {
    assert.equal(publicKeyOf('https://abc123@o1.example.com/42'), 'abc123');
    assert.equal(publicKeyOf('not a dsn'), undefined);
  });
});

describe('propagation targets', () => {
  const origin = 'https://shop.example';
  test('by default only the page origin (relative URLs included)', () => {
    assert.equal(propagates('/api/x', undefined, origin), true);
    assert.equal(propagates('https://shop.example/api', undefined, origin), true);
    assert.equal(propagates('https://cdn.example/x.js', undefined, origin), false);
    assert.equal(propagates('http://shop.example/api', undefined, origin), false);
    assert.equal(propagates('/api', undefined, undefined), false);
  });
  test('strings match anywhere, RegExps test (global ones too, repeatedly)', () => {
    const re = /^https:\/\/api\./g;
    const targets = ['localhost:8000', re];
    assert.equal(propagates('http://localhost:8000/api/ping', targets, origin), true);
    assert.equal(propagates('https://api.example/v1', targets, origin), true);
    assert.equal(propagates('https://api.example/v1', targets, origin), true);
    assert.equal(propagates('https://shop.example/api', targets, origin), false);
    assert.equal(propagates('https://x', [], origin), false);
  });
});

describe('sampling', () => {
  test('tracesSampleRate against the random number', () => {
    assert.deepEqual(sample({ tracesSampleRate: 0.5 }, { sampleRand: 0.4 }), { sampled: true, rate: 0.5 });
    assert.deepEqual(sample({ tracesSampleRate: 0.5 }, { sampleRand: 0.6 }), { sampled: false, rate: 0.5 });
    assert.equal(sample({ tracesSampleRate: 0 }, { sampleRand: 0 }).sampled, false);
    assert.equal(sample({}, { sampleRand: 0 }).sampled, false);
  });
  test('the parent decides when there is no sampler; the sampler wins over both', () => {
    assert.equal(sample({ tracesSampleRate: 0 }, { parentSampled: true, sampleRand: 0.9 }).sampled, true);
    assert.equal(sample({ tracesSampleRate: 1 }, { parentSampled: false, sampleRand: 0 }).sampled, false);
    const seen = [];
    const tracesSampler = (ctx) => { seen.push(ctx.name); return ctx.name === '/keep'; };
    assert.equal(sample({ tracesSampleRate: 0, tracesSampler }, { name: '/keep', sampleRand: 0.99 }).sampled, true);
    assert.equal(sample({ tracesSampleRate: 1, tracesSampler }, { name: '/drop', sampleRand: 0 }).sampled, false);
    assert.deepEqual(seen, ['/keep', '/drop']);
  });
  test('a sampler that throws or answers nonsense samples out', () => {
    assert.equal(sample({ tracesSampler: () => { throw new Error('x'); } }, { sampleRand: 0 }).sampled, false);
    assert.equal(sample({ tracesSampler: () => 'yes' }, { sampleRand: 0 }).sampled, false);
    assert.equal(sample({ tracesSampleRate: 2 }, { sampleRand: 0 }).sampled, false);
  });
});

describe('spans and the transaction event', () => {
  test('a root with children becomes a transaction; attributes, status and times carry over', () => {
    const ended = [];
    const root = createSpan({ name: '/checkout', op: 'pageload', sampled: true, startTime: 1000, onEnd: (s) => ended.push(s) });
    const child = createSpan({ name: 'GET /api', op: 'http.client', traceId: root.traceId, parentSpanId: root.spanId, sampled: true, startTime: 1000.5 });
    child.setAttributes({ 'http.response.status_code': 200, url: '/api', 'sentry.origin': 'auto.http.browser' }).setStatus({ code: 1 });
    child.end(1001);
    const open = createSpan({ name: 'never ended', traceId: root.traceId, parentSpanId: root.spanId, sampled: true });
    root.setAttribute('sentry.source', 'url');
    root.end(1002);
    root.end(1003); // a second end changes nothing
    assert.equal(ended.length, 1);
    assert.equal(root.isRecording(), false);
    const ev = transactionEvent(root, [child, open], { measurements: { lcp: { value: 120, unit: 'millisecond' } } });
    assert.equal(ev.type, 'transaction');
    assert.equal(ev.transaction, '/checkout');
    assert.equal(ev.transaction_info.source, 'url');
    assert.equal(ev.start_timestamp, 1000);
    assert.equal(ev.timestamp, 1002);
    assert.equal(ev.contexts.trace.trace_id, root.traceId);
    assert.equal(ev.contexts.trace.op, 'pageload');
    assert.equal(ev.spans.length, 1);
    const [s] = ev.spans;
    assert.equal(s.parent_span_id, root.spanId);
    assert.equal(s.status, 'ok');
    assert.equal(s.origin, 'auto.http.browser');
    assert.deepEqual(s.data, { 'http.response.status_code': 200, url: '/api' });
    assert.deepEqual([s.start_timestamp, s.timestamp], [1000.5, 1001]);
    assert.equal(ev.measurements.lcp.value, 120);
  });
  test('an unsampled span keeps ids but records nothing', () => {
    const s = createSpan({ name: 'x', sampled: false });
    assert.equal(s.isRecording(), false);
    assert.equal(s.spanContext().traceFlags, 0);
    assert.match(s.spanContext().spanId, /^[0-9a-f]{16}$/);
  });
  test('times in ms, Dates and [s, ns] are read as seconds; an end before the start is clamped', () => {
    const s = createSpan({ name: 'x', sampled: true, startTime: new Date(2_000_000_000_000) });
    assert.equal(s.t0, 2_000_000_000);
    s.end([1_000_000_000, 5e8]);
    assert.equal(s.t1, s.t0);
  });
  test('HTTP status codes as span statuses', () => {
    assert.deepEqual([200, 302, 404, 429, 400, 500, 503].map(httpStatus),
      ['ok', 'ok', 'not_found', 'resource_exhausted', 'invalid_argument', 'internal_error', 'unavailable']);
  });
});
