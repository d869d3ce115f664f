// Hostile input never breaks the host page (issue 10, item 1), in Chromium, Firefox ESR and
// WebKit against a real Bugsink: values that made tattle's own code throw into the app (a
// Symbol message, a Proxy whose ownKeys trap throws, a throwing getter, a console argument with a
// null prototype, a BigInt and a cycle, a fetch whose method's toString throws). For each:
// nothing reaches the caller or the page's `error` handlers, the wrapped fetch behaves as the
// native one does, and a capture made afterwards still arrives with flush() true.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { capturedEvent, startStack } from '../support/stack.mjs';

// Runs in the page: each case's outcome ('ok' or what it threw), page-level errors, and how
// `fetch(url, { method: hostile })` settled (the native fetch rejects; it does not throw).
const HOSTILE = async () => {
  const seen = [];
  addEventListener('error', (e) => seen.push(`error: ${e.message}`));
  addEventListener('unhandledrejection', (e) => seen.push(`rejection: ${e.reason}`));
  const out = {};
  const run = (name, fn) => {
    try {
      const r = fn();
      out[name] = r === undefined ? 'ok' : r;
    } catch (e) {
      out[name] = `THREW ${e}`;
    }
  };
  run('captureMessage(Symbol)', () => (/^[0-9a-f]{32}$/.test(Tattle.captureMessage(Symbol('x'))) ? 'ok' : 'no id'));
  run('setTags(Proxy with a throwing ownKeys)', () => Tattle.setTags(new Proxy({}, { ownKeys() { throw new Error('trap'); } })));
  run('setExtras(a throwing getter)', () => Tattle.setExtras({ get boom() { throw new Error('getter'); } }));
  const o = Object.create(null);
  o.big = 10n;
  o.self = o;
  run('console.log(null prototype, BigInt, cycle)', () => console.log(o));
  run('withScope(not a function)', () => Tattle.withScope(42));
  run('flush(Symbol)', () => (typeof Tattle.flush(Symbol('t')).then === 'function' ? 'ok' : 'no promise'));
  let request;
  run('fetch(method whose toString throws)', () => {
    request = fetch('/nowhere', { method: { toString() { throw new Error('method'); } } });
    return typeof request.then === 'function' ? 'ok' : 'no promise';
  });
  const fetched = await request.then(() => 'resolved', (e) => `rejected ${e.name}: ${e.message}`);
  await new Promise((r) => setTimeout(r, 50)); // a late error event would land meanwhile
  return { out, fetched, seen };
};

for (const engine of ['chromium', 'firefox', 'webkit']) {
  describe(`hostile input in ${engine}`, { timeout: 120000 }, () => {
    let stack;
    before(async () => { stack = await startStack({ browser: engine }); });
    after(() => stack?.stop());

    test('nothing throws into the app, fetch behaves as the native one, the next capture arrives', async () => {
      // The native fetch's answer to the same call: a page where tattle is off (no DSN).
      const plain = await stack.browser.newPage();
      await plain.goto(`${stack.server.url}/basic.html`);
      await plain.waitForFunction(() => window.pageReady === true);
      const native = await plain.evaluate(HOSTILE);
      await plain.close?.(); // WebKit's driver has one window, reused

      const page = await stack.browser.newPage();
      await page.goto(stack.pageUrl('basic.html'));
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => Tattle.flush(5000)); // the .wasm is up
      const got = await page.evaluate(HOSTILE);
      for (const [name, outcome] of Object.entries(got.out)) assert.equal(outcome, 'ok', `${name}: ${outcome}`);
      assert.deepEqual(got.seen, [], 'no error reached the page');
      assert.equal(got.fetched, native.fetched, 'the wrapped fetch settles as the native one');
      assert.match(got.fetched, /^rejected /);
      const event = await capturedEvent(stack, page, () => Tattle.captureException(new Error('after the hostile input')));
      assert.equal(event.exception.values.at(-1).value, 'after the hostile input');
      await page.close?.();
    });
  });
}
