// The wasm core's tracing exports, called directly in Node on the built package (`node scripts/build.mjs`:
// pkg/tattle_core_tr.js, the tracing build's wasm-bindgen glue, with dist/tattle_core_tr_bg.wasm, its shipped
// module: the base build has no `transaction`, see split.test.mjs; TATTLE_PKG /
// TATTLE_DIST pick other builds): transaction(event, dsc, hint), session(session), and error captures linked to a
// trace (hint.trace, hint.dsc). (The glue and the module must come from one build: its import and export names are
// minified per build, so TATTLE_DIST=…/dist-test takes …/pkg-test's glue.) Every envelope they make goes through sentry-relay's normalizer
// (tests/support/relay.mjs), whose checks of transactions and sessions are themselves checked first (selftest).
// Then the outcomes go through www/shared.js handOver to the real delivery (www/delivery.js) and a local
// envelope receiver that answers with X-Sentry-Rate-Limits for transactions: errors still leave.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatProblems, relayCheck, relaySelfTest } from '../support/relay.mjs';
import { didOf, handOver } from '../../www/shared.js';
import { pageDelivery } from '../../www/delivery.js';
import { memoryStore } from '../../www/store.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.TATTLE_DIST || join(root, 'dist');
const PKG = process.env.TATTLE_PKG || join(dirname(DIST), basename(DIST).replace(/^dist/, 'pkg'));
const TRACE = '4111111111111111abcdefabcdef0123'; // a Luhn-valid card number inside: ids are not data
const ROOT_SPAN = '4242424242424242';
const T0 = 1764467362.125;

let core;
let receiver;
const received = []; // { body, category }
before(async () => {
  core = await import(pathToFileURL(join(PKG, 'tattle_core_tr.js')).href);
  core.initSync({ module: readFileSync(join(DIST, 'tattle_core_tr_bg.wasm')) });
  let limited = false;
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => {
      const type = /"type":"([a-z_]+)"/.exec(body.split('\n')[1] || '')?.[1];
      received.push({ body, type });
      // The first transaction is answered as Sentry does when transactions are over quota.
      const headers = { 'Content-Type': 'application/json' };
      if (type === 'transaction' && !limited) {
        limited = true;
        headers['X-Sentry-Rate-Limits'] = '60:transaction;span:organization';
      }
      res.writeHead(200, headers).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
});
after(async () => {
  if (!receiver) return;
  receiver.close();
  receiver.closeAllConnections(); // the delivery's fetch keeps its connection alive
  await once(receiver, 'close');
});

const dsn = () => `http://pubkey@127.0.0.1:${receiver.address().port}/1`;
const parse = (body) => body.split('\n').filter(Boolean).map((l) => JSON.parse(l));

function span(n, extra = {}) {
  return {
    trace_id: TRACE, span_id: (n + 1).toString(16).padStart(16, '0'), parent_span_id: ROOT_SPAN,
    op: 'http.client', description: `GET /items/${n}`, origin: 'auto.http.browser',
    start_timestamp: T0 + 0.5, timestamp: T0 + 0.75, status: 'ok', ...extra,
  };
}

function txEvent(spans) {
  return {
    type: 'transaction',
    transaction: '/reset?token=abc&page=2',
    transaction_info: { source: 'url' },
    start_timestamp: T0, timestamp: T0 + 2.5,
    contexts: { trace: {
      trace_id: TRACE, span_id: ROOT_SPAN, op: 'pageload', status: 'ok', origin: 'auto.pageload.browser',
      data: { url: 'https://shop.example/reset?token=abc' },
    } },
    spans,
    measurements: { lcp: { value: 1234.5, unit: 'millisecond' }, cls: { value: 0.01, unit: '' } },
    request: { url: 'https://shop.example/reset?token=abc', headers: { 'User-Agent': 'Mozilla/5.0 Chrome/156.0.0.0' } },
  };
}

const DSC = { trace_id: TRACE, public_key: 'pubkey', release: 'shop@2', environment: 'e2e', sample_rate: '1', sampled: 'true', transaction: '/reset?token=abc' };

test("the judge of transactions and sessions catches what it should (relay_check.py selftest)", async () => {
  const r = await relaySelfTest();
  assert.ok(r.ok, JSON.stringify(r.failures, null, 2));
  assert.ok(r.cases >= 10);
});

test('transaction(): filled, scrubbed on the device, at most 1,000 spans, accepted by Relay', async () => {
  assert.equal(core.init({ dsn: dsn(), release: 'shop@2', environment: 'e2e' }), true);
  core.setUser({ id: '7', ip_address: '10.1.2.3' });
  core.setTag('app', 'shop');
  core.setContext('app', { build: '42' });
  const spans = [
    span(0, { description: 'GET https://api.example/users?api_key=s3cret&page=2' }),
    span(1, { description: 'GET /api/auth/me', data: {
      'http.url': 'https://api.example/x?session=abc#access_token=t', 'http.query': 'token=abc&q=shoes',
      'http.response.status_code': 200, 'user.email': 'ada@example.com', 'http.request.header.cookie': 'sid=1',
    } }),
    ...Array.from({ length: 1198 }, (_, n) => span(n + 2)),
  ];
  const out = core.transaction(txEvent(spans), DSC, undefined);
  assert.equal(out.category, 'transaction');
  assert.deepEqual(out.drops, [['buffer_overflow', 'span', 200]]);
  const [header, item, tx] = parse(out.body);
  assert.equal(item.type, 'transaction');
  assert.equal(header.event_id, tx.event_id);
  assert.equal(out.id, tx.event_id);
  assert.equal(out.url.startsWith(`http://127.0.0.1:${receiver.address().port}/api/1/envelope/`), true);
  assert.deepEqual(header.trace, { ...DSC, transaction: '/reset?token=[Filtered]' });
  assert.equal(tx.transaction, '/reset?token=[Filtered]&page=2');
  assert.equal(tx.release, 'shop@2');
  assert.equal(tx.environment, 'e2e');
  assert.equal(tx.platform, 'javascript');
  assert.deepEqual(tx.user, { id: '7' }, 'no IP address without sendDefaultPii');
  assert.equal(tx.tags.app, 'shop');
  assert.deepEqual(tx.contexts.app, { build: '42' });
  assert.equal(tx.contexts.trace.trace_id, TRACE);
  assert.equal(tx.contexts.trace.data.url, 'https://shop.example/reset?token=[Filtered]');
  assert.equal(tx.request.url, 'https://shop.example/reset?token=[Filtered]');
  assert.equal(tx.request.headers['User-Agent'], 'Mozilla/5.0 Chrome/156.0.0.0');
  assert.equal(tx.spans.length, 1000);
  assert.equal(tx.spans[0].description, 'GET https://api.example/users?api_key=[Filtered]&page=2');
  assert.equal(tx.spans[1].description, 'GET /api/auth/me', 'a URL is judged as a URL, not as a secret word');
  assert.deepEqual(tx.spans[1].data, {
    'http.url': 'https://api.example/x?session=[Filtered]#access_token=[Filtered]', 'http.query': 'token=[Filtered]&q=shoes',
    'http.response.status_code': 200, 'user.email': '[Filtered]', 'http.request.header.cookie': '[Filtered]',
  });
  assert.deepEqual(tx.spans[2], span(2), 'ids, times, op, status and origin as they were');
  assert.deepEqual(tx.measurements, { lcp: { value: 1234.5, unit: 'millisecond' }, cls: { value: 0.01, unit: '' } });
  const { ok, problems } = await relayCheck([out.body]);
  assert.ok(ok, formatProblems(problems));
});

test('transaction(): a per-invocation scope from the hint; invalid input counted, tattle off sends nothing', () => {
  core.init({ dsn: dsn(), release: 'shop@2' });
  const scoped = core.transaction(txEvent([span(0)]), DSC, { scope: { tags: { route: 'checkout' }, user: { id: '9' } } });
  const tx = parse(scoped.body)[2];
  assert.equal(tx.tags.route, 'checkout');
  assert.deepEqual(tx.user, { id: '9' });
  assert.equal(parse(core.transaction(txEvent([span(0)]), DSC, undefined).body)[2].user, undefined, 'that scope is gone');
  const noTrace = core.transaction({ ...txEvent([]), contexts: {} }, DSC, undefined);
  assert.equal(noTrace.body, undefined);
  assert.deepEqual(noTrace.drops, [['internal_sdk_error', 'transaction', 1]]);
  const noDsc = core.transaction(txEvent([]), { public_key: 'k' }, undefined);
  assert.equal(parse(noDsc.body)[0].trace, undefined, 'a dsc without a trace id is no header');
  core.init({ release: 'shop@2' });
  const off = core.transaction(txEvent([span(0)]), DSC, undefined);
  assert.equal(off.body, undefined);
  assert.equal(off.drops, undefined);
});

test('session(): a session update and request-mode aggregates, release from the options, Relay accepts them', async () => {
  core.init({ dsn: dsn(), release: 'shop@2', environment: 'e2e' });
  const update = core.session({
    sid: 'fedcba9876543210fedcba9876543210', did: 'ada@example.com', init: true, started: T0, timestamp: T0 + 5,
    status: 'crashed', errors: 1, duration: 5, attrs: { user_agent: 'Mozilla/5.0' },
  });
  assert.equal(update.category, 'session');
  assert.match(update.id, /^[0-9a-f]{32}$/);
  const [header, item, s] = parse(update.body);
  assert.equal(item.type, 'session');
  assert.equal(header.event_id, undefined);
  assert.deepEqual(s, {
    sid: 'fedcba9876543210fedcba9876543210', did: '[Filtered]', init: true, started: '2025-11-30T01:49:22.125Z',
    timestamp: '2025-11-30T01:49:27.125Z', status: 'crashed', errors: 1, duration: 5,
    attrs: { user_agent: 'Mozilla/5.0', release: 'shop@2', environment: 'e2e' },
  });
  // What lazy.js sends for a user known by e-mail only (didOf): a pseudonym the scrubber leaves
  // alone, so crash-free users still count each user once.
  for (const email of ['ada@example.com', 'bob@example.org', 'card-4111111111111111@example.com']) {
    const did = didOf({ email });
    assert.equal(parse(core.session({ sid: 'fedcba9876543210fedcba9876543210', did, started: T0, status: 'ok' }).body)[2].did, did);
  }
  const aggregates = core.session({ aggregates: [{ started: '2025-11-30T01:49:00Z', exited: 49, errored: 1 }], attrs: { release: 'edge@1' } });
  const [, aggItem, agg] = parse(aggregates.body);
  assert.equal(aggItem.type, 'sessions');
  assert.deepEqual(agg.attrs, { release: 'edge@1', environment: 'e2e' });
  const { ok, problems } = await relayCheck([update.body, aggregates.body]);
  assert.ok(ok, formatProblems(problems));

  const bad = core.session({ sid: 'fedcba9876543210fedcba9876543210', started: T0, status: 'fine' });
  assert.equal(bad.body, undefined);
  assert.deepEqual(bad.drops, [['internal_sdk_error', 'session', 1]]);
  core.init({ dsn: dsn() });
  const noRelease = core.session({ sid: 'fedcba9876543210fedcba9876543210', started: T0, status: 'ok' });
  assert.equal(noRelease.body, undefined, 'Relay drops sessions without a release: none is sent');
  assert.equal(noRelease.drops, undefined);
});

test('errors captured in a trace carry contexts.trace and the trace header, beforeSend too', async () => {
  core.init({ dsn: dsn(), release: 'shop@2' });
  const trace = { trace_id: TRACE, span_id: ROOT_SPAN, parent_span_id: '00f067aa0ba902b7' };
  const err = core.captureException(new Error('boom'), { trace, dsc: DSC });
  assert.equal(err.category, 'error');
  const [header, , event] = parse(err.body);
  assert.deepEqual(event.contexts.trace, trace);
  assert.deepEqual(header.trace, { ...DSC, transaction: '/reset?token=[Filtered]' });
  const plain = core.captureMessage('no trace', 'info', { trace: { trace_id: 'nope', span_id: ROOT_SPAN }, dsc: { trace_id: 'x' } });
  assert.equal(parse(plain.body)[2].contexts?.trace, undefined, 'malformed: ignored');
  assert.equal(parse(plain.body)[0].trace, undefined);
  // With a beforeSend the event goes to JavaScript first; the envelope made of what it returned has the header.
  core.init({ dsn: dsn(), release: 'shop@2', holdForBeforeSend: true });
  const held = core.captureMessage('held', 'info', { trace, dsc: DSC });
  assert.deepEqual(JSON.parse(held.event).contexts.trace, trace);
  const wrapped = core.envelopeFor(held.id, held.event);
  assert.equal(parse(wrapped.body)[0].trace.trace_id, TRACE);
  const { ok, problems } = await relayCheck([err.body, plain.body, wrapped.body]);
  assert.ok(ok, formatProblems(problems));
});

test('handOver sends each item under its category: a transaction rate limit holds transactions, not errors', async () => {
  core.init({ dsn: dsn(), release: 'shop@2' });
  // (No client report timer: its 30 s would outlive the test; the drops are read from stats.)
  const delivery = pageDelivery(memoryStore(100), { reportTimer: false }, () => {});
  delivery.url = core.endpoint();
  received.length = 0;
  handOver(core.transaction(txEvent([span(0)]), DSC, undefined), delivery);
  assert.ok(await delivery.flush(5000), 'the first transaction left');
  handOver(core.transaction(txEvent([span(1)]), DSC, undefined), delivery);
  handOver(core.captureMessage('still sent', 'error', {}), delivery);
  handOver(core.session({ sid: 'fedcba9876543210fedcba9876543210', started: T0, status: 'ok' }), delivery);
  await delivery.flush(5000);
  assert.deepEqual(received.map((r) => r.type), ['transaction', 'event', 'session']);
  assert.equal(delivery.stats().discards['ratelimit_backoff\0transaction'], 1, 'the limited transaction was counted');
  delivery.close();
  const { ok, problems } = await relayCheck(received.map((r) => r.body));
  assert.ok(ok, formatProblems(problems));
});
