// The seed's backend as a test part, on its own: Django 5.2 + sentry-sdk (DjangoIntegration, traces_sample_rate 1.0)
// from tests/support/django_backend/, sending to the recording receiver (tests/support/receiver.mjs; Bugsink stores
// no transactions). Proves what the browser and edge tracing tests rely on: an incoming sentry-trace/baggage is
// continued (trace id, parent span id, the head SDK's dynamic sampling context), an unsampled one is not recorded,
// the view's error is linked to the trace, CORS lets a page on another origin send the trace headers (checked by
// Chromium itself), and what sentry-sdk sends passes Relay's normalizer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startDjango } from '../support/django.mjs';
import { parseEnvelope, startReceiver } from '../support/receiver.mjs';
import { ensureVenv, startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { launchChromium, startStaticServer } from '../support/browser.mjs';
import { uniqueWord, until } from '../support/wait.mjs';

const hex = (bytes) => randomBytes(bytes).toString('hex');
const baggageOf = (dsc) => Object.entries(dsc).map(([k, v]) => `sentry-${k}=${encodeURIComponent(v)}`).join(',');

// relay_check.py normalizes `event` items only (today); transactions go through the same StoreNormalizer here.
// Relay raises for an invalid transaction (e.g. a trace context without trace_id) and lists other problems in
// `errors`; both are failures.
const NORMALIZE = `
import json, sys
from sentry_relay.processing import StoreNormalizer
out = []
for tx in json.load(sys.stdin):
    try:
        n = StoreNormalizer(project_id=1).normalize_event(tx)
        out.append({"errors": n.get("errors") or [], "trace": n.get("contexts", {}).get("trace"), "type": n.get("type")})
    except Exception as e:
        out.append({"errors": [{"type": type(e).__name__, "reason": str(e).splitlines()[0]}]})
print(json.dumps(out))
`;
async function normalizeTransactions(payloads) {
  const venv = await ensureVenv();
  return new Promise((resolve, reject) => {
    const child = spawn(join(venv, 'bin', 'python'), ['-c', NORMALIZE], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`normalizer: ${code}\n${err}`))));
    child.stdin.end(JSON.stringify(payloads));
  });
}

let rcv, dj, page, otherPage, browser;
before(async () => {
  rcv = await startReceiver();
  const html = { body: '<!doctype html><title>page</title>', type: 'text/html; charset=utf-8' };
  page = await startStaticServer({ '/page.html': html });
  otherPage = await startStaticServer({ '/page.html': html });
  dj = await startDjango({ dsn: rcv.dsn, allowOrigin: page.url });
});
after(async () => {
  await browser?.close();
  await dj?.stop();
  await page?.stop();
  await otherPage?.stop();
  await rcv?.stop();
});

const txOf = (traceId, name) => (i) => i.json?.contexts?.trace?.trace_id === traceId && i.json.transaction === name;

describe('Django + sentry-sdk backend', { timeout: 120000 }, () => {
  test('an incoming sentry-trace + baggage is continued: the view\'s transaction has that trace and parent, the '
    + 'head SDK\'s DSC, and passes Relay', async () => {
    const traceId = hex(16);
    const parentSpanId = hex(8);
    const publicKey = hex(16);
    const baggage = `${baggageOf({
      trace_id: traceId, public_key: publicKey, release: 'web@1.2.3', environment: 'staging', sample_rate: '1',
      sampled: 'true', transaction: '/checkout',
    })},app-entry=kept`;
    const res = await fetch(`${dj.url}/api/ping`, { headers: { 'sentry-trace': `${traceId}-${parentSpanId}-1`, baggage } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.ok, true);
    assert.equal(body['sentry-trace'], `${traceId}-${parentSpanId}-1`, 'the view got the sentry-trace header as sent');
    assert.equal(body.baggage, baggage, 'the view got the baggage header as sent');
    assert.equal(body.server.trace_id, traceId);
    assert.equal(body.server.sampled, true);

    const [tx] = await rcv.waitForItems('transaction', { where: txOf(traceId, '/api/ping') });
    const t = tx.json;
    assert.equal(t.type, 'transaction');
    assert.equal(t.transaction_info?.source, 'route');
    assert.equal(t.contexts.trace.parent_span_id, parentSpanId, 'the incoming span is the parent');
    assert.equal(t.contexts.trace.span_id, body.server.span_id, 'the span the view ran in');
    assert.notEqual(t.contexts.trace.span_id, parentSpanId);
    assert.equal(t.contexts.trace.op, 'http.server');
    assert.equal(t.contexts.trace.status, 'ok');
    assert.equal(t.release, 'tattle-django-backend@1.0.0');
    // The envelope header carries the head SDK's dynamic sampling context, not the backend's own.
    const h = tx.envelope.header;
    assert.equal(h.event_id, t.event_id);
    assert.equal(h.trace.trace_id, traceId);
    assert.equal(h.trace.public_key, publicKey);
    assert.equal(h.trace.release, 'web@1.2.3');
    assert.equal(h.trace.environment, 'staging');
    assert.equal(h.trace.transaction, '/checkout');

    const judged = await relayCheck([tx.envelope.body]);
    assert.ok(judged.ok, formatProblems(judged.problems));
    const [norm] = await normalizeTransactions([t]);
    assert.deepEqual(norm.errors, [], `Relay's normalizer on the transaction: ${JSON.stringify(norm.errors)}`);
    assert.equal(norm.type, 'transaction');
    assert.equal(norm.trace.trace_id, traceId);
    assert.equal(norm.trace.parent_span_id, parentSpanId);
  });

  test('/api/slow: the child span is in the transaction, inside its time range', async () => {
    const traceId = hex(16);
    const res = await fetch(`${dj.url}/api/slow?ms=120`, { headers: { 'sentry-trace': `${traceId}-${hex(8)}-1` } });
    assert.deepEqual((await res.json()).ms, 120);
    const [{ json: t }] = await rcv.waitForItems('transaction', { where: txOf(traceId, '/api/slow') });
    const sleepSpan = t.spans.find((s) => s.description === 'slow.sleep');
    assert.ok(sleepSpan, `spans: ${t.spans.map((s) => s.description).join(', ')}`);
    assert.equal(sleepSpan.op, 'function');
    assert.equal(sleepSpan.parent_span_id, t.contexts.trace.span_id);
    assert.equal(sleepSpan.trace_id, traceId);
    const secs = (s) => (typeof s === 'number' ? s : Date.parse(s) / 1000);
    const took = secs(sleepSpan.timestamp) - secs(sleepSpan.start_timestamp);
    assert.ok(took >= 0.119 && took < 5, `slow.sleep took ${took} s`);
    assert.ok(secs(t.timestamp) - secs(t.start_timestamp) >= took);
  });

  test('an unsampled incoming trace (-0) is continued unsampled: no transaction is sent', async () => {
    const unsampled = hex(16);
    const body = await (await fetch(`${dj.url}/api/ping`, { headers: { 'sentry-trace': `${unsampled}-${hex(8)}-0` } })).json();
    assert.equal(body.server.trace_id, unsampled);
    assert.equal(body.server.sampled, false);
    // sentry-sdk's transport sends in order: once a later sampled request's transaction is here, the unsampled
    // one would be too.
    const later = hex(16);
    await fetch(`${dj.url}/api/ping`, { headers: { 'sentry-trace': `${later}-${hex(8)}-1` } });
    await rcv.waitForItems('transaction', { where: txOf(later, '/api/ping') });
    const leaked = rcv.items().filter((i) => JSON.stringify(i.json ?? {}).includes(unsampled));
    assert.deepEqual(leaked.map((i) => i.type), []);
  });

  test('/api/boom: the error arrives once, linked to the incoming trace and the view\'s transaction; passes Relay',
    async () => {
      const traceId = hex(16);
      const parentSpanId = hex(8);
      const tag = uniqueWord();
      const res = await fetch(`${dj.url}/api/boom?tag=${tag}`, {
        headers: { 'sentry-trace': `${traceId}-${parentSpanId}-1`, origin: page.url },
      });
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('access-control-allow-origin'), page.url, 'the 500 is readable cross-origin too');
      // the error is sent before the transaction (the exception is captured inside the request)
      const [tx] = await rcv.waitForItems('transaction', { where: txOf(traceId, '/api/boom') });
      assert.equal(tx.json.contexts.trace.status, 'internal_error');
      const errors = rcv.items('event').filter((i) => i.json?.exception?.values?.some((v) => v.value === `tattle backend boom ${tag}`));
      assert.equal(errors.length, 1, 'one error event for the view\'s exception');
      const ev = errors[0].json;
      assert.equal(ev.exception.values.at(-1).type, 'BackendBoom');
      assert.equal(ev.exception.values.at(-1).mechanism?.handled, false);
      assert.equal(ev.contexts.trace.trace_id, traceId, 'the error carries the incoming trace id');
      // the span active when it was captured (sentry-sdk captures inside Django's got_request_exception signal,
      // in a span of op event.django): one of the transaction's spans, whose parents lead to the transaction's root
      const byId = new Map(tx.json.spans.map((s) => [s.span_id, s]));
      const chain = [];
      for (let id = ev.contexts.trace.span_id; byId.has(id) && chain.length < 50; id = byId.get(id).parent_span_id) {
        chain.push(byId.get(id));
      }
      assert.ok(chain.length > 0, `error span ${ev.contexts.trace.span_id} is one of the transaction's spans`);
      assert.equal(chain.at(-1).parent_span_id, tx.json.contexts.trace.span_id, 'its ancestors lead to the root');
      assert.equal(errors[0].envelope.header.trace?.trace_id, traceId);
      const judged = await relayCheck([errors[0].envelope.body]);
      assert.ok(judged.ok, formatProblems(judged.problems));
    });

  test('CORS: preflights for sentry-trace + baggage are answered for the page\'s origin only, and not traced',
    async () => {
      const before = rcv.items('transaction').length;
      const preflight = (origin) => fetch(`${dj.url}/api/ping`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'baggage,sentry-trace' },
      });
      const ok = await preflight(page.url);
      assert.ok(ok.status >= 200 && ok.status < 300, `preflight status ${ok.status}`);
      assert.equal(ok.headers.get('access-control-allow-origin'), page.url);
      const allowed = ok.headers.get('access-control-allow-headers').split(',').map((s) => s.trim().toLowerCase());
      for (const h of ['sentry-trace', 'baggage', 'content-type']) assert.ok(allowed.includes(h), `${h} in ${allowed}`);
      assert.match(ok.headers.get('access-control-allow-methods'), /\bGET\b/);

      const refused = await preflight(otherPage.url);
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
      assert.equal(refused.headers.get('access-control-allow-headers'), null);

      // a traced request after the preflights: everything before it has been sent by then
      const traceId = hex(16);
      await fetch(`${dj.url}/api/ping`, { headers: { 'sentry-trace': `${traceId}-${hex(8)}-1` } });
      await rcv.waitForItems('transaction', { where: txOf(traceId, '/api/ping') });
      const newer = rcv.items('transaction').slice(before).map((i) => `${i.json.request?.method} ${i.json.transaction}`);
      assert.deepEqual(newer, ['GET /api/ping'], 'no transaction for OPTIONS');
    });

  test('Chromium: a page on the allowed origin sends sentry-trace + baggage cross-origin and the view continues '
    + 'the trace; another origin is refused', async () => {
    browser ??= await launchChromium();
    const traceId = hex(16);
    const parentSpanId = hex(8);
    const baggage = baggageOf({ trace_id: traceId, public_key: hex(16), sample_rate: '1', sampled: 'true' });
    const call = async (origin) => {
      const tab = await browser.newPage();
      try {
        await tab.goto(`${origin}/page.html`);
        return await tab.evaluate(async ([url, headers]) => {
          try {
            const r = await fetch(url, { headers });
            return { status: r.status, body: await r.json() };
          } catch (e) {
            return { error: String(e) };
          }
        }, [`${dj.url}/api/ping`, { 'sentry-trace': `${traceId}-${parentSpanId}-1`, baggage }]);
      } finally {
        await tab.close();
      }
    };
    const got = await call(page.url);
    assert.equal(got.status, 200, JSON.stringify(got));
    assert.equal(got.body['sentry-trace'], `${traceId}-${parentSpanId}-1`);
    assert.equal(got.body.baggage, baggage);
    const [tx] = await rcv.waitForItems('transaction', { where: txOf(traceId, '/api/ping') });
    assert.equal(tx.json.contexts.trace.parent_span_id, parentSpanId);

    const refused = await call(otherPage.url);
    assert.match(refused.error ?? '', /TypeError|Failed to fetch/, JSON.stringify(refused));
  });
});

const discarded = (bodies) => bodies.flatMap((b) => parseEnvelope(b).items)
  .filter((i) => i.type === 'client_report').flatMap((i) => i.json.discarded_events ?? []);
const itemTypes = (buf) => parseEnvelope(buf).items.map((i) => i.type);

describe('the receiver, and why it exists', { timeout: 120000 }, () => {
  let bugsink;
  before(async () => {
    bugsink = await startBugsink();
  });
  after(async () => {
    await bugsink?.stop();
  });

  test('Bugsink as the server: it drops transactions and answers 86400:transaction, so sentry-sdk stops sending '
    + 'them (client report ratelimit_backoff); errors are stored', async () => {
    const rec = await startRecorder(bugsink.url);
    const backend = await startDjango({ dsn: dsnVia(bugsink.dsn, rec) });
    try {
      const tag = uniqueWord();
      await fetch(`${backend.url}/api/ping`);
      await rec.waitFor(1);
      await fetch(`${backend.url}/api/ping`);
      await fetch(`${backend.url}/api/boom?tag=${tag}`);
      await until('the error envelope', () => rec.bodies.some((b) => itemTypes(b.body).includes('event')), { timeoutMs: 15000 });
      await backend.stop(); // sentry-sdk flushes its client report at exit
      await until('a client report', () => discarded(rec.bodies.map((b) => b.body)).length > 0, { timeoutMs: 10000 });
      await Promise.all(rec.bodies.map((b) => b.response));

      const first = rec.bodies[0];
      assert.deepEqual(itemTypes(first.body), ['transaction']);
      assert.equal(first.status, 200);
      assert.match(first.responseHeaders['x-sentry-rate-limits'], /^86400:transaction;span:organization$/);
      const txPosts = rec.bodies.filter((b) => itemTypes(b.body).includes('transaction'));
      assert.equal(txPosts.length, 1, 'only the first transaction was sent');
      const held = discarded(rec.bodies.map((b) => b.body))
        .filter((d) => d.reason === 'ratelimit_backoff' && d.category === 'transaction');
      assert.equal(held.reduce((n, d) => n + d.quantity, 0), 2, JSON.stringify(held));
      const events = await bugsink.listEvents();
      assert.equal(events.length, 1, 'Bugsink stored the error and nothing for the transaction');
      assert.match((await bugsink.findEvent(events[0].event_id)).data.exception.values.at(-1).value, new RegExp(tag));
      assert.ok(bugsink.logTail(200).includes('skipping non-supported envelope item: transaction'));
    } finally {
      await backend.stop();
      await rec.stop();
    }
  });

  test('forward mode: the receiver records every transaction, Bugsink stores the error, and Bugsink\'s rate limit '
    + 'never reaches sentry-sdk', async () => {
    const fwd = await startReceiver({ forward: bugsink.url });
    const backend = await startDjango({ dsn: dsnVia(bugsink.dsn, fwd) });
    try {
      const [a, b, c] = [hex(16), hex(16), hex(16)];
      const tag = uniqueWord();
      for (const [id, path] of [[a, '/api/ping'], [b, '/api/ping'], [c, `/api/boom?tag=${tag}`]]) {
        await fetch(`${backend.url}${path}`, { headers: { 'sentry-trace': `${id}-${hex(8)}-1` } });
      }
      await fwd.waitForItems('transaction', { where: txOf(c, '/api/boom') });
      for (const id of [a, b]) assert.equal(fwd.items('transaction').filter(txOf(id, '/api/ping')).length, 1);
      const [ev] = fwd.items('event');
      assert.equal(ev.json.contexts.trace.trace_id, c);
      assert.equal(ev.envelope.request.answered.status, 200);
      assert.equal(ev.envelope.request.answered.headers['x-sentry-rate-limits'], undefined);
      const upstream = await ev.envelope.request.forwarded;
      assert.equal(upstream.status, 200, JSON.stringify(upstream));
      assert.match(upstream.headers['x-sentry-rate-limits'], /transaction/);
      const stored = await bugsink.findEvent(ev.envelope.header.event_id);
      assert.equal(stored.data.contexts.trace.trace_id, c);
    } finally {
      await backend.stop();
      await fwd.stop();
    }
  });

  test('respond: a 429 with X-Sentry-Rate-Limits: 60:transaction holds sentry-sdk\'s transactions back, not its errors',
    async () => {
      const limited = await startReceiver({
        respond: (req) => (req.envelope?.items.some((i) => i.type === 'transaction')
          ? { status: 429, headers: { 'X-Sentry-Rate-Limits': '60:transaction' } } : undefined),
      });
      const backend = await startDjango({ dsn: limited.dsn });
      try {
        const [a, b] = [hex(16), hex(16)];
        const tag = uniqueWord();
        await fetch(`${backend.url}/api/ping`, { headers: { 'sentry-trace': `${a}-${hex(8)}-1` } });
        const [first] = await limited.waitForItems('transaction', { where: txOf(a, '/api/ping') });
        assert.equal(first.envelope.request.answered.status, 429);
        await fetch(`${backend.url}/api/ping`, { headers: { 'sentry-trace': `${b}-${hex(8)}-1` } });
        await fetch(`${backend.url}/api/boom?tag=${tag}`, { headers: { 'sentry-trace': `${b}-${hex(8)}-1` } });
        const [ev] = await limited.waitForItems('event');
        assert.equal(ev.envelope.request.answered.status, 200);
        assert.equal(ev.json.contexts.trace.trace_id, b);
        await backend.stop();
        await until('a client report', () => discarded(limited.envelopes.map((e) => e.body)).length > 0, { timeoutMs: 10000 });
        assert.deepEqual(limited.items('transaction').map((i) => i.json.contexts.trace.trace_id), [a]);
        const held = discarded(limited.envelopes.map((e) => e.body))
          .filter((d) => d.reason === 'ratelimit_backoff' && d.category === 'transaction');
        assert.equal(held.reduce((n, d) => n + d.quantity, 0), 2, JSON.stringify(held));
      } finally {
        await backend.stop();
        await limited.stop();
      }
    });

  test('CORS: a page on any origin posts an envelope and can read the status and X-Sentry-Rate-Limits', async () => {
    browser ??= await launchChromium();
    const open = await startReceiver({ respond: { status: 429, headers: { 'X-Sentry-Rate-Limits': '60:transaction' } } });
    const tab = await browser.newPage();
    try {
      await tab.goto(`${page.url}/page.html`);
      const eventId = hex(16);
      const envelope = `${JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() })}\n`
        + `${JSON.stringify({ type: 'transaction' })}\n${JSON.stringify({ event_id: eventId, type: 'transaction' })}\n`;
      // as tattle's delivery posts: text/plain, gzip (Content-Encoding is not CORS-safelisted: a preflight)
      const got = await tab.evaluate(async ([url, text]) => {
        const body = await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
        const r = await fetch(url, {
          method: 'POST', body, headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Encoding': 'gzip' },
        });
        return { status: r.status, limits: r.headers.get('x-sentry-rate-limits') };
      }, [`${open.url}/api/1/envelope/?sentry_key=${open.publicKey}`, envelope]);
      assert.deepEqual(got, { status: 429, limits: '60:transaction' });
      assert.ok(open.requests.some((r) => r.method === 'OPTIONS'), 'Content-Encoding made a preflight');
      const post = open.requests.find((r) => r.method === 'POST');
      assert.equal(post.headers['content-encoding'], 'gzip');
      assert.ok(!post.rawBody.equals(post.body), 'the body was decoded');
      const [tx] = open.items('transaction');
      assert.equal(tx.envelope.header.event_id, eventId);
      assert.equal(tx.json.event_id, eventId);
    } finally {
      await tab.close();
      await open.stop();
    }
  });
});
