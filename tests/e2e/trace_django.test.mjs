// The seed's trace, end to end on real parts: a page in Debian's Chromium with tattle
// (tracesSampleRate 1, browserTracingIntegration, a release) fetches from the seed's backend,
// Django 5.2 with sentry-sdk (tests/support/django_backend/), on another origin. Both SDKs send to
// the recording receiver (Bugsink stores no transactions; see tests/support/receiver.mjs). One
// trace must run from the page load through the fetch into the Django view; an error after the
// fetch must carry that trace; the page's session must arrive and turn crashed after an uncaught
// error; Relay's normalizer must accept everything tattle sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startStaticServer } from '../support/browser.mjs';
import { startDjango } from '../support/django.mjs';
import { startReceiver } from '../support/receiver.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RELEASE = 'shop@2.4.1';

// The app: tattle as @sentry/browser code would set it up, then (during the page load) a fetch to
// the backend, then an uncaught error once the answer is in. An image and a stylesheet give the
// load some resources; the text gives it a largest contentful paint.
const page = (backend) => `<!doctype html>
<html><head><title>shop</title><link rel="stylesheet" href="/style.css"></head>
<body><h1>Checkout</h1><p>Your basket holds three items.</p><img src="/pixel.svg" width="40" height="40">
<script type="module">
  import * as Sentry from '/dist/index.js';
  Sentry.init({
    dsn: new URLSearchParams(location.search).get('dsn'),
    release: '${RELEASE}',
    environment: 'staging',
    tracesSampleRate: 1.0,
    tracePropagationTargets: ['${backend}'],
    integrations: [Sentry.browserTracingIntegration()],
  });
  window.Sentry = Sentry;
  window.pinged = fetch('${backend}/api/ping').then((r) => r.json());
  window.pinged.then(() => setTimeout(() => { throw new Error('checkout exploded after the ping'); }, 0));
</script></body></html>`;

let rcv, dj, web, browser, tab;
before(async () => {
  rcv = await startReceiver();
  web = await startStaticServer({
    '/dist': join(root, 'dist'),
    '/style.css': { body: 'h1 { color: #333 }', type: 'text/css' },
    '/pixel.svg': { body: '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>', type: 'image/svg+xml' },
    '/shop.html': async (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(page(dj.url));
    },
  });
  dj = await startDjango({ dsn: rcv.dsn, allowOrigin: web.url, release: 'backend@7' });
  browser = await launchChromium();
  tab = await browser.newPage();
  await tab.goto(`${web.url}/shop.html?dsn=${encodeURIComponent(rcv.dsn)}`);
});
after(async () => {
  await browser?.close();
  await dj?.stop();
  await web?.stop();
  await rcv?.stop();
});

describe('one trace from the page load through the fetch into the Django view', () => {
  let pageload, backendTx, ping;
  before(async () => {
    ping = await tab.evaluate(() => window.pinged);
    [pageload] = await rcv.waitForItems('transaction', { where: (i) => i.json.contexts?.trace?.op === 'pageload', timeoutMs: 40000 });
    [backendTx] = await rcv.waitForItems('transaction', { where: (i) => i.json.transaction === '/api/ping' });
  });

  test('the pageload transaction: named after the path, with resource and browser spans and web vitals', () => {
    const tx = pageload.json;
    assert.equal(tx.transaction, '/shop.html');
    assert.equal(tx.release, RELEASE);
    assert.equal(tx.environment, 'staging');
    assert.ok(tx.start_timestamp < tx.timestamp);
    const ops = new Set(tx.spans.map((s) => s.op));
    assert.ok([...ops].some((op) => op.startsWith('resource.')), `resource spans: ${[...ops]}`);
    assert.ok([...ops].some((op) => op.startsWith('browser')), `browser spans: ${[...ops]}`);
    for (const vital of ['ttfb', 'fcp', 'lcp']) {
      assert.equal(typeof tx.measurements?.[vital]?.value, 'number', `${vital} in ${JSON.stringify(tx.measurements)}`);
    }
    for (const s of tx.spans) assert.equal(s.trace_id, tx.contexts.trace.trace_id);
  });

  test("the fetch's http.client span is the parent the backend received and continued", () => {
    const tx = pageload.json;
    const fetchSpan = tx.spans.find((s) => s.op === 'http.client' && s.description?.includes('/api/ping'));
    assert.ok(fetchSpan, `http.client span in ${JSON.stringify(tx.spans.map((s) => [s.op, s.description]))}`);
    assert.match(fetchSpan.description, /^GET /);
    assert.equal(fetchSpan.data?.['http.response.status_code'], 200);
    // What Django got (the view echoes its request's headers).
    assert.equal(ping['sentry-trace'], `${tx.contexts.trace.trace_id}-${fetchSpan.span_id}-1`);
    assert.match(ping.baggage, new RegExp(`sentry-trace_id=${tx.contexts.trace.trace_id}`));
    assert.match(ping.baggage, /sentry-release=shop%402.4.1/);
    assert.match(ping.baggage, /sentry-sampled=true/);
    // What sentry-sdk sent for the view.
    assert.equal(backendTx.json.contexts.trace.trace_id, tx.contexts.trace.trace_id);
    assert.equal(backendTx.json.contexts.trace.parent_span_id, fetchSpan.span_id);
    assert.equal(backendTx.envelope.header.trace?.trace_id, tx.contexts.trace.trace_id, "the backend passes the browser's sampling context on");
  });

  test('the error after the fetch carries the trace', async () => {
    const [err] = await rcv.waitForItems('event', { where: (i) => JSON.stringify(i.json.exception || '').includes('checkout exploded') });
    assert.equal(err.json.contexts?.trace?.trace_id, pageload.json.contexts.trace.trace_id);
    assert.match(err.json.contexts.trace.span_id, /^[0-9a-f]{16}$/);
  });

  test('the page session: started with release and environment, crashed by the uncaught error', async () => {
    const sessions = await rcv.waitForItems('session', { count: 2, timeoutMs: 20000 });
    const [first] = sessions;
    assert.equal(first.json.init, true);
    assert.equal(first.json.status, 'ok');
    assert.equal(first.json.attrs.release, RELEASE);
    assert.equal(first.json.attrs.environment, 'staging');
    const crashed = sessions.slice(1).find((s) => s.json.status === 'crashed');
    assert.ok(crashed, `a crashed update in ${JSON.stringify(sessions.map((s) => s.json))}`);
    assert.equal(crashed.json.sid, first.json.sid);
    assert.ok(crashed.json.errors >= 1);
  });

  test("Relay's normalizer accepts every envelope tattle sent", async () => {
    const ours = rcv.envelopes.filter((e) => e.header.sdk?.name === 'tattle.javascript');
    assert.ok(ours.some((e) => e.items.some((i) => i.type === 'transaction')));
    const result = await relayCheck(ours.map((e) => e.body));
    assert.ok(result.ok, formatProblems(result.problems));
  });
});
