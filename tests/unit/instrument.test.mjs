// The browser shim's breadcrumb wrappers (www/instrument/) in Node, without Chromium: the fetch
// wrapper over Node's real fetch against a local server, and the console wrapper over the real
// console. What they record is read from the shim's call queue (browser/client.js), where calls
// wait until the core is there. The history, DOM and XHR wrappers need a page:
// tests/e2e/crumbs.test.mjs runs them in Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

// Node has no requestIdleCallback; the shim would load the rest (lazy.js and the .wasm) 1 s after
// init with a plain timer. These tests are about what happens before that, so idle never comes.
globalThis.requestIdleCallback = () => 0;
globalThis.cancelIdleCallback = () => {};

const { configure, queue } = await import('../../www/browser/client.js');
const { instrumentFetch } = await import('../../www/instrument/fetch.js');
const { consoleText, instrumentConsole } = await import('../../www/instrument/console.js');

const hints = [];
assert.equal(configure({
  dsn: 'https://pk@127.0.0.1:9/1',
  beforeBreadcrumb: (crumb, hint) => { hints.push(hint); return crumb.message === 'drop me' ? null : crumb; },
}), true);
// The breadcrumbs queued since the last call, as the core would get them.
const crumbs = () => queue.splice(0).filter(([name]) => name === 'addBreadcrumb').map(([, [c]]) => c);

let server;
let base;
before(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(`answer to ${req.method} ${req.url}`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

describe('fetch breadcrumbs (instrument/fetch.js)', () => {
  const rawFetch = globalThis.fetch;
  before(() => instrumentFetch(rawFetch, true));
  after(() => { globalThis.fetch = rawFetch; });

  test('the app gets the real response, and a breadcrumb with method, URL and status follows', async () => {
    assert.notEqual(globalThis.fetch, rawFetch, 'fetch is wrapped');
    const r = await fetch(`${base}/items?page=2`, { method: 'post', body: 'x' });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'answer to POST /items?page=2');
    const r404 = await fetch(new Request(`${base}/missing`));
    assert.equal(r404.status, 404);
    await new Promise((resolve) => setImmediate(resolve));
    const got = crumbs();
    assert.deepEqual(got.map((c) => [c.category, c.data.method, c.data.url, c.data.status_code]), [
      ['fetch', 'POST', `${base}/items?page=2`, 200],
      ['fetch', 'GET', `${base}/missing`, 404],
    ]);
    const hint = hints.at(-1);
    assert.equal(hint.response, r404, 'the hint holds the response itself');
    assert.ok(hint.endTimestamp >= hint.startTimestamp);
  });

  test('a failed request rejects with the same error, and its breadcrumb says error', async () => {
    // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
    const e = await fetch('http://127.0.0.1:9/down').then(() => null, (err) => err);
    assert.ok(e instanceof TypeError, `the app sees fetch's own rejection (${e})`);
    await new Promise((resolve) => setImmediate(resolve));
    const [c] = crumbs();
    assert.equal(c.level, 'error');
    assert.equal(c.data.url, 'http://127.0.0.1:9/down');
    assert.equal(hints.at(-1).error, e);
  });
});

describe('console breadcrumbs (instrument/console.js)', () => {
  test('each level is printed as before and recorded with Sentry\'s level names', () => {
    const printed = [];
    const orig = {};
    for (const level of ['log', 'warn', 'error', 'debug']) {
      orig[level] = console[level];
      console[level] = (...args) => printed.push([level, ...args]);
    }
    try {
      instrumentConsole(['log', 'warn', 'error']);
      const cycle = { a: 1 };
      cycle.self = cycle;
      console.log('hello', { n: 1 });
      console.warn(cycle);
      console.error('tattle: its own line');
      console.debug('not in levels');
      console.log('drop me');
      assert.deepEqual(printed.map((p) => p[0]), ['log', 'warn', 'error', 'debug', 'log'], 'every call printed');
      assert.equal(printed[0][2].n, 1, 'the arguments are passed as they were');
      assert.deepEqual(crumbs().map((c) => [c.level, c.message]), [
        ['info', 'hello {"n":1}'],
        ['warning', '[object Object]'],
      ], "tattle's own lines, levels left out and what beforeBreadcrumb drops are not recorded");
    } finally {
      Object.assign(console, orig);
    }
  });

  test('console text: long text is cut, what JSON cannot hold is still text', () => {
    assert.equal(consoleText('x'.repeat(5000)), `${'x'.repeat(1000)}…`);
    assert.equal(consoleText(10n), '10');
    assert.equal(consoleText(Object.create(null)), '{}');
  });
});
