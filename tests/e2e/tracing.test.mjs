// Tracing and release health in the browser, end to end: the built package (dist/) in Debian's
// Chromium, a page with a script, a stylesheet and an image, an API on the page's origin and one
// on another origin (both record the headers they got), and a receiver that records every
// envelope (Bugsink stores no transactions or sessions, so the test keeps its own; each envelope
// also goes through sentry-relay's normalizer). What it checks, as @sentry/browser would do it:
// the pageload transaction (Navigation/Resource Timing spans, web vitals, the fetch's
// http.client span whose id the API got as the parent in `sentry-trace`), headers only to
// propagation targets, errors linked to the trace, tracesSampleRate 0 (headers with -0, no
// transaction, a sample_rate drop), tracing off (tracing.js never fetched), the session and its
// crashed update, and `X-Sentry-Rate-Limits: 60:transaction` holding transactions only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectConsole, launchChromium, startStaticServer } from '../support/browser.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { startReceiver as startShared } from '../support/receiver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The recording receiver (tests/support/receiver.mjs: Bugsink stores no transactions or
// sessions), as this file reads it: waitFor(type, (json, item) => …) → { payload, envelope };
// `limits` set → every answer carries that X-Sentry-Rate-Limits.
async function startReceiver() {
  const rcv = await startShared({ publicKey: 'publickey' });
  return {
    dsn: rcv.dsn,
    envelopes: rcv.envelopes,
    set limits(v) { rcv.setRespond(v ? { headers: { 'X-Sentry-Rate-Limits': v } } : undefined); },
    async waitFor(type, pred = () => true, timeoutMs = 15000) {
      const [item] = await rcv.waitForItems(type, { where: (i) => i.json !== undefined && pred(i.json, i), timeoutMs });
      return { payload: item.json, envelope: item.envelope };
    },
    stop: () => rcv.stop(),
  };
}
const itemsOf = (envelopes, type) => envelopes.flatMap((e) => e.items).filter((i) => i.type === type);

// An API that records the headers each request brought. `cors`: another origin's, which lets
// the page send sentry-trace and baggage (as the seed's Django backend does).
function api(seen, cors) {
  return async (req, res) => {
    const h = cors ? {
      'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'sentry-trace, baggage, content-type, x-app',
    } : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, h);
      return res.end();
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    await once(req, 'end');
    seen.push({ path: req.url, method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url.includes('slow')) await new Promise((r) => setTimeout(r, 3000));
    const status = req.url.includes('missing') ? 404 : 200;
    res.writeHead(status, { ...h, 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  };
}

// The test page: init with the scenario's options (a query parameter picks them, since options
// with functions cannot travel in a URL), then at once a same-origin fetch (before tracing.js can
// be there: the early window) and one to the other origin.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>tattle tracing</title>
<link rel="stylesheet" href="/style.css">
</head><body>
<h1>Tracing page</h1>
<p>Some text for the first contentful paint and the largest one.</p>
<img src="/pixel.svg" width="40" height="40" alt="">
<button id="busy">busy</button>
<script src="/plain.js"></script>
<script type="module">
  import * as Tattle from '/dist/index.js';
  const q = new URLSearchParams(location.search);
  const s = q.get('s');
  const other = q.get('other');
  const options = {
    dsn: q.get('dsn'), release: 'tr@1.0.0', environment: 'e2e', debug: true,
    transportOptions: { reportDelay: 300 },
  };
  if (s === 'on' || s === 'limits') Object.assign(options, { tracesSampleRate: 1, integrations: [Tattle.browserTracingIntegration()] });
  if (s === 'zero') Object.assign(options, { tracesSampleRate: 0, integrations: [Tattle.browserTracingIntegration()] });
  if (s === 'targets') Object.assign(options, { tracesSampleRate: 1, tracePropagationTargets: [other], integrations: [Tattle.browserTracingIntegration()] });
  if (s === 'nosession') options.integrations = (d) => d.filter((i) => i.name !== 'BrowserSession');
  if (s === 'nosession2') options.autoSessionTracking = false;
  Tattle.init(options);
  Tattle.setUser({ id: 'user-42', email: 'u@example.com' });
  window.Tattle = Tattle;
  // A click whose handler takes ~60 ms: an interaction for INP.
  document.querySelector('#busy').addEventListener('click', () => { const end = performance.now() + 60; while (performance.now() < end); });
  // ?hold=1: a slow request keeps the pageload open (for an interaction during it).
  if (q.has('hold')) fetch('/api/slow-hold');
  window.early = Promise.all([
    fetch('/api/early', { headers: { baggage: 'app=1', 'x-app': 'kept' } }).then((r) => r.status),
    fetch(other + '/api/other').then((r) => r.status),
  ]);
  window.pageReady = true;
</script>
</body></html>`;

let receiver;
let server;
let otherApi;
let browser;
const seen = [];
const seenOther = [];

// The test page's server: dist/, the page and its assets, the API recording into `seenList`;
// `routes` adds (or replaces) routes, such as a dist file served late (distFile).
const pageServer = (seenList, routes = {}) => startStaticServer({
  '/dist/': join(root, 'dist'),
  '/page.html': { body: PAGE, type: 'text/html; charset=utf-8' },
  '/style.css': { body: 'h1 { color: #333; font-size: 48px; }', type: 'text/css' },
  '/pixel.svg': { body: '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="red"/></svg>', type: 'image/svg+xml' },
  '/plain.js': { body: 'window.plainLoaded = true;', type: 'text/javascript' },
  '/api': api(seenList, false),
  ...routes,
});
// A route serving dist/<name> after `delayMs`, calling `onRequest` first.
const distFile = (name, delayMs = 0, onRequest = () => {}) => async (req, res) => {
  onRequest(name);
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
  res.end(readFileSync(join(root, 'dist', name)));
};

before(async () => {
  receiver = await startReceiver();
  otherApi = await startStaticServer({ '/api': api(seenOther, true) });
  server = await pageServer(seen);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await otherApi?.stop();
  await receiver?.stop();
});

async function open(s) {
  const page = await browser.newPage();
  const console = collectConsole(page);
  await page.goto(`${server.url}/page.html?s=${s}&dsn=${encodeURIComponent(receiver.dsn)}&other=${encodeURIComponent(otherApi.url)}`);
  await page.waitForFunction(() => window.pageReady === true);
  await page.evaluate(() => window.early);
  return { page, console };
}

const ofTrace = (traceId) => (p) => p.contexts?.trace?.trace_id === traceId;
const judge = async (envelopes) => {
  const { ok, problems } = await relayCheck(envelopes.map((e) => e.body));
  assert.ok(ok, formatProblems(problems));
};

describe('tracing on (tracesSampleRate 1, browserTracingIntegration)', () => {
  let page;
  let console;
  let tx;
  let early;
  before(async () => {
    seen.length = 0;
    seenOther.length = 0;
    ({ page, console } = await open('on'));
    early = seen.find((r) => r.path === '/api/early');
    assert.ok(early, 'the early fetch reached the API');
    const traceId = early.headers['sentry-trace']?.slice(0, 32);
    tx = (await receiver.waitFor('transaction', (p) => p.contexts.trace.trace_id === traceId && p.contexts.trace.op === 'pageload')).payload;
  });
  after(() => page?.close());

  test('the pageload transaction: name, source, op, start at timeOrigin, spans', async (t) => {
    t.diagnostic(`pageload ${(tx.timestamp - tx.start_timestamp).toFixed(3)} s, ${tx.spans.length} spans: ${tx.spans.map((s) => s.op).join(' ')}; measurements ${JSON.stringify(tx.measurements)}`);
    assert.equal(tx.transaction, '/page.html');
    assert.equal(tx.transaction_info.source, 'url');
    assert.equal(tx.type, 'transaction');
    assert.equal(tx.release, 'tr@1.0.0');
    assert.equal(tx.environment, 'e2e');
    const timeOrigin = await page.evaluate(() => performance.timeOrigin / 1000);
    assert.ok(Math.abs(tx.start_timestamp - timeOrigin) < 0.01, `${tx.start_timestamp} vs ${timeOrigin}`);
    assert.ok(tx.timestamp > tx.start_timestamp && tx.timestamp - tx.start_timestamp < 30);
    const ops = new Set(tx.spans.map((s) => s.op));
    for (const op of ['browser.domContentLoadedEvent', 'browser.loadEvent', 'browser.request', 'browser.response', 'resource.script', 'resource.css', 'resource.img', 'http.client']) {
      assert.ok(ops.has(op), `a ${op} span in ${[...ops]}`);
    }
    const css = tx.spans.find((s) => s.op === 'resource.css');
    assert.match(css.description, /\/style\.css$/);
    for (const s of tx.spans) {
      assert.equal(s.trace_id, tx.contexts.trace.trace_id);
      assert.ok(s.timestamp >= s.start_timestamp, JSON.stringify(s));
    }
    assert.deepEqual(console.errors, [], console.dump());
  });

  test('web vitals as measurements (ttfb, fcp, lcp in ms; cls unitless)', () => {
    const m = tx.measurements;
    for (const name of ['ttfb', 'fcp', 'lcp']) {
      assert.equal(m[name]?.unit, 'millisecond', `${name} in ${JSON.stringify(m)}`);
      assert.ok(m[name].value > 0 && m[name].value < 30000, `${name} ${m[name].value}`);
    }
    assert.equal(m.cls.unit, 'none');
    assert.ok(m.cls.value >= 0);
  });

  test("the fetch's http.client span is the parent the API got in sentry-trace; baggage merged", () => {
    const [trace, parent, sampled] = early.headers['sentry-trace'].split('-');
    assert.equal(trace, tx.contexts.trace.trace_id);
    assert.equal(sampled, '1');
    const span = tx.spans.find((s) => s.op === 'http.client' && s.description === 'GET /api/early');
    assert.ok(span, JSON.stringify(tx.spans.filter((s) => s.op === 'http.client')));
    assert.equal(span.span_id, parent);
    assert.equal(span.parent_span_id, tx.contexts.trace.span_id);
    assert.equal(span.data['http.method'], 'GET');
    assert.equal(span.data['http.response.status_code'], 200);
    assert.match(span.data.url, /\/api\/early$/);
    assert.equal(span.status, 'ok');
    const baggage = early.headers.baggage.split(',').map((s) => s.trim());
    assert.ok(baggage.includes('app=1'), `the app's own entry kept: ${early.headers.baggage}`);
    assert.equal(early.headers['x-app'], 'kept', "the app's own header kept");
    for (const e of [`sentry-trace_id=${trace}`, 'sentry-public_key=publickey', 'sentry-release=tr%401.0.0', 'sentry-environment=e2e', 'sentry-sample_rate=1', 'sentry-sampled=true']) {
      assert.ok(baggage.includes(e), `${e} in ${early.headers.baggage}`);
    }
  });

  test('no trace headers to another origin (not a propagation target by default)', () => {
    const other = seenOther.find((r) => r.path === '/api/other');
    assert.ok(other, 'the cross-origin fetch arrived');
    assert.equal(other.headers['sentry-trace'], undefined);
    assert.equal(other.headers.baggage, undefined);
  });

  test("an error captured after the fetch carries the pageload's trace id", async () => {
    const id = await page.evaluate(() => Tattle.captureException(new Error('after the fetch')));
    const { payload: ev, envelope } = await receiver.waitFor('event', (p) => p.event_id === id);
    assert.equal(ev.contexts.trace.trace_id, tx.contexts.trace.trace_id);
    assert.match(ev.contexts.trace.span_id, /^[0-9a-f]{16}$/);
    assert.equal(envelope.header.trace?.trace_id, tx.contexts.trace.trace_id, 'the envelope header has the dsc');
  });

  test('a later fetch inside startSpan: its span is a child of that span; an XHR gets headers and a span', async () => {
    await page.evaluate(() => Tattle.startSpan({ name: 'load-cart', op: 'ui.action' }, () => fetch('/api/cart').then((r) => r.text())));
    await page.evaluate(() => new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('GET', '/api/missing-xhr');
      x.onloadend = resolve;
      x.send();
    }));
    const cart = seen.find((r) => r.path === '/api/cart');
    const xhr = seen.find((r) => r.path === '/api/missing-xhr');
    assert.match(cart.headers['sentry-trace'], /^[0-9a-f]{32}-[0-9a-f]{16}-1$/);
    assert.match(xhr.headers['sentry-trace'], /^[0-9a-f]{32}-[0-9a-f]{16}-1$/);
    assert.match(xhr.headers.baggage, /sentry-trace_id=/);
  });

  test("the app's own headers and bodies survive: a Request, a Headers instance, an array", async () => {
    await page.evaluate(() => Promise.all([
      fetch(new Request('/api/req', { method: 'POST', body: 'request body', headers: { 'x-app': 'req', baggage: 'r=1,sentry-release=theirs' } })),
      fetch('/api/hdrs', { method: 'PUT', body: 'init body', headers: new Headers({ 'x-app': 'hdrs' }) }),
      fetch('/api/arr', { headers: [['x-app', 'arr']] }),
    ]));
    const req = seen.find((r) => r.path === '/api/req');
    assert.deepEqual([req.method, req.body, req.headers['x-app']], ['POST', 'request body', 'req']);
    assert.match(req.headers['sentry-trace'], /^[0-9a-f]{32}-[0-9a-f]{16}-1$/);
    const baggage = req.headers.baggage.split(',');
    assert.ok(baggage.includes('r=1'));
    assert.ok(baggage.includes('sentry-release=tr%401.0.0') && !baggage.includes('sentry-release=theirs'), req.headers.baggage);
    const hdrs = seen.find((r) => r.path === '/api/hdrs');
    assert.deepEqual([hdrs.method, hdrs.body, hdrs.headers['x-app']], ['PUT', 'init body', 'hdrs']);
    assert.ok(hdrs.headers['sentry-trace']);
    const arr = seen.find((r) => r.path === '/api/arr');
    assert.equal(arr.headers['x-app'], 'arr');
    assert.ok(arr.headers['sentry-trace']);
  });

  test('navigation: pushState to a new path starts a navigation transaction in a new trace', async () => {
    await page.evaluate(() => history.pushState({}, '', '/shop/cart'));
    await page.evaluate(() => fetch('/api/after-nav').then((r) => r.text()));
    const nav = (await receiver.waitFor('transaction', (p) => p.contexts.trace.op === 'navigation' && p.transaction === '/shop/cart')).payload;
    assert.notEqual(nav.contexts.trace.trace_id, tx.contexts.trace.trace_id);
    const afterNav = seen.find((r) => r.path === '/api/after-nav');
    assert.equal(afterNav.headers['sentry-trace'].slice(0, 32), nav.contexts.trace.trace_id);
    assert.ok(nav.spans.some((s) => s.op === 'http.client' && s.description === 'GET /api/after-nav'));
  });

  test('the session: init with release and environment, then crashed after an uncaught error', async () => {
    const first = await receiver.waitFor('session', (p) => p.init === true && p.attrs?.release === 'tr@1.0.0' && p.did === 'user-42');
    const s = first.payload;
    assert.equal(s.status, 'ok');
    assert.equal(s.attrs.environment, 'e2e');
    assert.equal(s.errors, 0);
    // the handled error above: counted (the server reads errors > 0 as errored)
    await receiver.waitFor('session', (p) => p.sid === s.sid && p.status === 'ok' && p.errors === 1);
    await page.evaluate(() => setTimeout(() => { throw new Error('uncaught for the session'); }));
    const crashed = (await receiver.waitFor('session', (p) => p.sid === s.sid && p.status === 'crashed')).payload;
    assert.equal(crashed.init, false);
    assert.equal(crashed.started, s.started);
    assert.ok(crashed.errors >= 2);
  });

  test('every envelope passes the normalizer', async () => {
    await judge(receiver.envelopes);
  });
});

describe('an interaction during the pageload', () => {
  test('inp: the longest interaction, in milliseconds', async () => {
    seen.length = 0;
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/page.html?s=on&hold=1&dsn=${encodeURIComponent(receiver.dsn)}&other=${encodeURIComponent(otherApi.url)}`);
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => window.early);
      const traceId = seen.find((r) => r.path === '/api/early').headers['sentry-trace'].slice(0, 32);
      await page.click('#busy');
      const tx = (await receiver.waitFor('transaction', (p) => p.contexts.trace.trace_id === traceId)).payload;
      assert.equal(tx.measurements.inp?.unit, 'millisecond', JSON.stringify(tx.measurements));
      assert.ok(tx.measurements.inp.value >= 50, `inp ${tx.measurements.inp.value}`);
    } finally {
      await page.close();
    }
  });
});

describe('the page goes before its pageload ended', () => {
  test('the pageload transaction is still sent (at once, or kept and sent by the next page)', async () => {
    seen.length = 0;
    const page = await browser.newPage();
    try {
      // An API call that holds the pageload open; the page leaves while it waits.
      await page.goto(`${server.url}/page.html?s=on&dsn=${encodeURIComponent(receiver.dsn)}&other=${encodeURIComponent(otherApi.url)}`);
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => window.early);
      const traceId = seen.find((r) => r.path === '/api/early').headers['sentry-trace'].slice(0, 32);
      await page.evaluate(() => { fetch('/api/slow-hold'); });
      await page.goto(`${server.url}/page.html?s=off&dsn=${encodeURIComponent(receiver.dsn)}&other=${encodeURIComponent(otherApi.url)}`);
      const tx = (await receiver.waitFor('transaction', (p) => p.contexts.trace.trace_id === traceId)).payload;
      assert.equal(tx.contexts.trace.op, 'pageload');
      assert.equal(tx.contexts.trace.data['sentry.idle_span_finish_reason'], 'documentHidden');
    } finally {
      await page.close();
    }
  });
});

describe('tracing.js slow to come', () => {
  // Nothing waits for tracing.js (served 3 s late here): the fetch the page makes at init, to a
  // propagation target, leaves at once with both headers (the ids and the pageload's sampling
  // decision exist from init), an XHR too, and tracing.js, when it comes, records their spans in
  // the pageload transaction under the span ids their headers named.
  test('a fetch and an XHR at init carry sentry-trace and baggage at once; their spans land in the pageload', async () => {
    const slowSeen = [];
    let servedAt;
    const slow = await pageServer(slowSeen, { '/dist/tracing.js': distFile('tracing.js', 3000, () => {}) });
    const page = await browser.newPage();
    try {
      await page.goto(`${slow.url}/page.html?s=on&dsn=${encodeURIComponent(receiver.dsn)}&other=${encodeURIComponent(otherApi.url)}`);
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => window.early);
      await page.evaluate(() => new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', '/api/early-xhr');
        x.onloadend = resolve;
        x.send();
      }));
      // Both answered while tracing.js was still on its way.
      const before = await page.evaluate(() => Tattle.getActiveSpan() === undefined);
      assert.equal(before, true, 'tracing.js was not there yet');
      servedAt = Date.now();
      const fetched = slowSeen.find((r) => r.path === '/api/early');
      const xhr = slowSeen.find((r) => r.path === '/api/early-xhr');
      const [, traceId, fetchSpan] = /^([0-9a-f]{32})-([0-9a-f]{16})-1$/.exec(fetched.headers['sentry-trace']) || [];
      assert.ok(traceId, `sentry-trace on the fetch at init: ${fetched.headers['sentry-trace']}`);
      assert.equal(fetched.headers['x-app'], 'kept');
      assert.match(fetched.headers.baggage, /^app=1,sentry-trace_id=[0-9a-f]{32},sentry-public_key=\w+,sentry-release=tr%401\.0\.0,sentry-environment=e2e,sentry-sample_rate=1,sentry-sampled=true$/);
      assert.ok(fetched.headers.baggage.includes(`sentry-trace_id=${traceId}`));
      const [, xhrTrace, xhrSpan] = /^([0-9a-f]{32})-([0-9a-f]{16})-1$/.exec(xhr.headers['sentry-trace']) || [];
      assert.equal(xhrTrace, traceId, `sentry-trace on the XHR at init: ${xhr.headers['sentry-trace']}`);
      assert.match(xhr.headers.baggage, new RegExp(`sentry-trace_id=${traceId}`));
      // tracing.js comes; the pageload ends and is sent with both requests' spans.
      await page.waitForFunction(() => Tattle.getActiveSpan() !== undefined, null, { timeout: 15000 });
      const tx = (await receiver.waitFor('transaction', (p) => p.contexts.trace.trace_id === traceId)).payload;
      assert.equal(tx.contexts.trace.op, 'pageload');
      const span = (id) => tx.spans.find((s) => s.span_id === id);
      assert.equal(span(fetchSpan)?.op, 'http.client', `the fetch's span, under its header's id: ${JSON.stringify(tx.spans.map((s) => s.description))}`);
      assert.equal(span(fetchSpan).description, 'GET /api/early');
      assert.equal(span(fetchSpan).parent_span_id, tx.contexts.trace.span_id);
      assert.equal(span(fetchSpan).data['http.response.status_code'], 200);
      assert.equal(span(fetchSpan).status, 'ok');
      assert.ok(span(fetchSpan).timestamp >= span(fetchSpan).start_timestamp);
      assert.ok(span(fetchSpan).timestamp * 1000 < servedAt, 'it ended before tracing.js came: its own times, not tracing.js\'s');
      assert.equal(span(xhrSpan)?.description, 'GET /api/early-xhr');
    } finally {
      await page.close();
      await slow.stop();
    }
  });
});

describe('a page that leaves before the rest of tattle loaded', () => {
  test("its pageload is kept and the next page sends it, with tracing off there (the tracing build is loaded for it)", async () => {
    const keptSeen = [];
    const fetched = [];
    // lazy_tr.js comes 4 s late: the first page is gone before it, so its pageload is kept
    // (localStorage) instead of sent.
    const late = await pageServer(keptSeen, {
      '/dist/lazy_tr.js': distFile('lazy_tr.js', 4000, (f) => fetched.push(f)),
      '/dist/lazy.js': distFile('lazy.js', 0, (f) => fetched.push(f)),
    });
    const page = await browser.newPage();
    try {
      const q = `dsn=${encodeURIComponent(receiver.dsn)}&other=${encodeURIComponent(otherApi.url)}`;
      await page.goto(`${late.url}/page.html?s=on&${q}`);
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => window.early);
      const traceId = keptSeen.find((r) => r.path === '/api/early').headers['sentry-trace'].slice(0, 32);
      await page.waitForFunction(() => Tattle.getActiveSpan() !== undefined); // tracing.js is there
      assert.deepEqual(fetched, fetched.filter((f) => f === 'lazy_tr.js'), 'the first page asked for the tracing build only');
      await page.goto(`${late.url}/page.html?s=off&${q}`); // tracing off on this one
      const tx = (await receiver.waitFor('transaction', (p) => p.contexts.trace.trace_id === traceId)).payload;
      assert.equal(tx.contexts.trace.op, 'pageload');
      assert.equal(tx.contexts.trace.data['sentry.idle_span_finish_reason'], 'documentHidden');
      assert.ok(!fetched.includes('lazy.js'), `the second page loaded the tracing build for the kept transaction: ${fetched}`);
    } finally {
      await page.close();
      await late.stop();
    }
  });
});

describe('tracesSampleRate 0', () => {
  test('headers with -0, no transaction, the drop counted as sample_rate/transaction', async () => {
    seen.length = 0;
    const before = receiver.envelopes.length;
    const { page } = await open('zero');
    try {
      const early = seen.find((r) => r.path === '/api/early');
      assert.match(early.headers['sentry-trace'], /^[0-9a-f]{32}-[0-9a-f]{16}-0$/);
      assert.match(early.headers.baggage, /sentry-sampled=false/);
      assert.match(early.headers.baggage, /sentry-sample_rate=0/);
      const traceId = early.headers['sentry-trace'].slice(0, 32);
      const report = await receiver.waitFor('client_report', (p) => p.discarded_events.some((d) => d.reason === 'sample_rate' && d.category === 'transaction'));
      assert.equal(report.payload.discarded_events.find((d) => d.reason === 'sample_rate').quantity, 1);
      // An error is still linked to the trace.
      const id = await page.evaluate(() => Tattle.captureException(new Error('unsampled trace')));
      const ev = (await receiver.waitFor('event', (p) => p.event_id === id)).payload;
      assert.equal(ev.contexts.trace.trace_id, traceId);
      assert.equal(itemsOf(receiver.envelopes.slice(before), 'transaction').length, 0);
    } finally {
      await page.close();
    }
  });
});

describe('tracing off', () => {
  test('tracing.js is never fetched, no headers, no transaction; the session still goes', async () => {
    seen.length = 0;
    const before = receiver.envelopes.length;
    const requested = server.requests.length;
    const { page } = await open('off');
    try {
      const id = await page.evaluate(() => Tattle.captureException(new Error('no tracing')));
      const ev = (await receiver.waitFor('event', (p) => p.event_id === id)).payload;
      assert.equal(ev.contexts?.trace, undefined);
      assert.equal(await page.evaluate(() => Tattle.getActiveSpan()), undefined);
      assert.equal(await page.evaluate(() => Tattle.startSpan({ name: 'x' }, (s) => s.isRecording())), false);
      const paths = server.requests.slice(requested).map((r) => r.path);
      assert.ok(paths.includes('/dist/lazy.js'), paths.join(' '));
      assert.ok(!paths.includes('/dist/tracing.js'), paths.join(' '));
      // Nor the core's tracing build (lazy_tr.js, tattle_core_tr_bg.wasm): the base one.
      assert.ok(paths.includes('/dist/tattle_core_bg.wasm') && !paths.some((p) => /_tr(_bg)?\.(js|wasm)$/.test(p)), paths.join(' '));
      const early = seen.find((r) => r.path === '/api/early');
      assert.equal(early.headers['sentry-trace'], undefined);
      assert.equal(early.headers.baggage, 'app=1');
      assert.equal(itemsOf(receiver.envelopes.slice(before), 'transaction').length, 0);
      await receiver.waitFor('session', (p, i) => receiver.envelopes.indexOf(i.envelope) >= before && p.init === true);
    } finally {
      await page.close();
    }
  });

  for (const s of ['nosession', 'nosession2']) {
    test(`sessions off (${s === 'nosession' ? 'BrowserSession filtered out of integrations' : 'autoSessionTracking: false'})`, async () => {
      const before = receiver.envelopes.length;
      const { page } = await open(s);
      try {
        const id = await page.evaluate(() => Tattle.captureException(new Error('no session')));
        await receiver.waitFor('event', (p) => p.event_id === id);
        await page.evaluate(() => Tattle.flush(2000));
        assert.deepEqual(itemsOf(receiver.envelopes.slice(before), 'session').map((i) => i.json), []);
      } finally {
        await page.close();
      }
    });
  }
});

describe('propagation targets', () => {
  test('tracePropagationTargets: the other origin gets the headers, the page origin no longer does', async () => {
    seen.length = 0;
    seenOther.length = 0;
    const { page } = await open('targets');
    try {
      const other = seenOther.find((r) => r.path === '/api/other');
      assert.match(other.headers['sentry-trace'], /^[0-9a-f]{32}-[0-9a-f]{16}-1$/);
      assert.match(other.headers.baggage, /sentry-sampled=true/);
      const early = seen.find((r) => r.path === '/api/early');
      assert.equal(early.headers['sentry-trace'], undefined);
      assert.equal(early.headers.baggage, 'app=1');
    } finally {
      await page.close();
    }
  });
});

describe('X-Sentry-Rate-Limits: 60:transaction', () => {
  test('holds transactions; errors still arrive', async () => {
    receiver.limits = '60:transaction:organization';
    const { page } = await open('limits');
    try {
      // An error first: its answer carries the limit.
      const id1 = await page.evaluate(() => Tattle.captureException(new Error('before the limit')));
      await receiver.waitFor('event', (p) => p.event_id === id1);
      const before = receiver.envelopes.length;
      await page.evaluate(() => history.pushState({}, '', '/limited/nav'));
      await page.evaluate(() => fetch('/api/limited').then((r) => r.text()));
      // The navigation ends about 1 s after the fetch; then an error goes.
      await new Promise((r) => setTimeout(r, 2500));
      const id2 = await page.evaluate(() => Tattle.captureException(new Error('during the limit')));
      await receiver.waitFor('event', (p) => p.event_id === id2);
      await receiver.waitFor('client_report', (p, i) => receiver.envelopes.indexOf(i.envelope) >= before
        && p.discarded_events.some((d) => d.reason === 'ratelimit_backoff' && d.category === 'transaction'));
      assert.deepEqual(itemsOf(receiver.envelopes.slice(before), 'transaction').map((i) => i.json.transaction), []);
    } finally {
      receiver.limits = undefined;
      await page.close();
    }
  });
});

describe('all of it', () => {
  test("every envelope this file's pages sent passes sentry-relay's normalizer (transactions, sessions, errors, reports)", async (t) => {
    const types = new Set(receiver.envelopes.flatMap((e) => e.items.map((i) => i.type)));
    t.diagnostic(`${receiver.envelopes.length} envelopes: ${[...types].join(', ')}`);
    for (const type of ['transaction', 'session', 'event', 'client_report']) assert.ok(types.has(type), `a ${type} among them`);
    await judge(receiver.envelopes);
  });
});
