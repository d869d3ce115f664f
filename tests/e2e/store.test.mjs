// The IndexedDB offline store (www/store.js, idbStore) in real engines: Debian's Chromium
// (playwright-core), Firefox ESR (puppeteer-core over WebDriver BiDi) and WebKitGTK (Safari's
// engine, over WebDriver classic: tests/support/webkit.mjs). The page
// (pages/store.html) loads www/store.js and the store contract (tests/support/store_contract.mjs)
// unbundled, over http on 127.0.0.1. Two idbStore()s on one database name in one page stand in
// for two tabs in the contract's lease checks; two real tabs of one origin race for the same
// items too. Plus what only IndexedDB has: the upgrade of a version-1 database, an older tab that
// blocks the upgrade, a newer one that needs it, and the cost of a call with 1000 envelopes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectConsole, launchChromium, startStaticServer } from '../support/browser.mjs';
import { launchFirefox } from '../support/firefox.mjs';
import { launchWebKit } from '../support/webkit.mjs';
import { PAGES } from '../support/stack.mjs';
import { contract } from '../support/store_contract.mjs';
import { sleep, until } from '../support/wait.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const checks = contract({ make: null, shared: true }); // here only for the names: they run in the page

let server;
before(async () => {
  server = await startStaticServer({
    '/www/': join(root, 'www'),
    '/support/': join(root, 'tests', 'support'),
    '/': PAGES,
  });
});
after(() => server?.stop());

let dbs = 0;
const freshName = (what) => `tattle-e2e-${what}-${++dbs}-${Date.now()}`;

async function openPage(newPage) {
  const page = await newPage();
  const log = page.on ? collectConsole(page) : null; // the WebKit client has no events
  await page.goto(`${server.url}/store.html`);
  await until('the store page', () => page.evaluate(() => window.pageReady === true), { timeoutMs: 10000, everyMs: 50 });
  return { page, log };
}

/**
 * Each page, at one wall-clock instant, asks for the 10 items of `name` (through its own,
 * already opened idbStore). Returns what each got and when its call ran (ms, wall clock).
 */
function raceTabs(pages, name) {
  const at = Date.now() + 300;
  return Promise.all(pages.map((p) => p.evaluate(async ({ name, at }) => {
    const store = idbStore({ name });
    await store.count(); // opened
    // Wait for the instant by messages to itself, not a timer: Firefox slows the timers of the
    // tab in the background to 1 s; messages run at once, and yield to the other tab.
    await new Promise((r) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => (Date.now() >= at ? r() : port2.postMessage(0));
      port2.postMessage(0);
    });
    const t0 = performance.timeOrigin + performance.now();
    const got = await store.oldest(10, new Set());
    return { ids: got.map((i) => i.id), t0, t1: performance.timeOrigin + performance.now() };
  }, { name, at })));
}

const ENGINES = {
  chromium: {
    launch: launchChromium,
    // playwright: each browser.newPage() is its own context (own IndexedDB); tabs of one site share one
    tabs: async (browser) => { const ctx = await browser.newContext(); return () => ctx.newPage(); },
  },
  firefox: {
    launch: launchFirefox,
    tabs: async (browser) => () => browser.newPage(), // puppeteer: pages of the default context share storage
  },
  webkit: {
    launch: launchWebKit,
    tabs: async (browser) => () => browser.newPage(), // the session's one window: no second tab
    oneTab: 'the WebKit client drives one window (two stores in one page stand in for two tabs above)',
    noConsole: 'the WebKit client does not collect console messages',
  },
};

for (const [engine, how] of Object.entries(ENGINES)) {
  describe(`idbStore in ${engine}`, { timeout: 180000 }, () => {
    let browser, newTab, page, log;
    before(async () => {
      browser = await how.launch();
      newTab = await how.tabs(browser);
      ({ page, log } = await openPage(newTab));
    });
    after(() => browser?.close());

    for (const c of checks) {
      test(`contract: ${c.name}`, async () => {
        const failure = await page.evaluate((name) => runCheck(name), c.name);
        if (failure) assert.fail(failure);
      });
    }

    test('two real tabs of one origin take the 10 stored items at the same instant: no id twice', { skip: how.oneTab }, async () => {
      const other = await openPage(newTab);
      try {
        let overlapped = 0;
        for (let round = 0; round < 8; round++) {
          const name = freshName('tabs');
          await page.evaluate(({ name }) => idbStore({ name }).put(Array.from({ length: 10 }, (_, i) => item(`t${i}`, i % 3))), { name });
          const [x, y] = await raceTabs([page, other.page], name);
          const all = [...x.ids, ...y.ids];
          assert.equal(new Set(all).size, all.length, `round ${round}: an id went to both tabs: ${JSON.stringify([x.ids, y.ids])}`);
          assert.equal(all.length, 10, `round ${round}: every item went to one tab`);
          if (x.t0 < y.t1 && y.t0 < x.t1) overlapped++;
        }
        // The calls must really have run at once, or this proved nothing.
        assert.ok(overlapped >= 1, `the two tabs' oldest() calls overlapped in time in ${overlapped} of 8 rounds`);
        console.log(`# ${engine}: the two tabs' calls overlapped in time in ${overlapped} of 8 rounds`);
        assert.deepEqual(other.log.errors, [], other.log.dump());
      } finally {
        await other.page.close();
      }
    });

    test('a database of version 1 (index on `at`, no insertion order) is upgraded with what waits in it', async () => {
      const name = freshName('v1');
      const got = await page.evaluate(async ({ name }) => {
        const old = await rawOpen(name, 1, (db) => db.createObjectStore('envelopes', { keyPath: 'id' }).createIndex('at', 'at'));
        const t = old.transaction('envelopes', 'readwrite');
        for (const x of [item('b', 5), item('z', 1), item('a', 5)]) t.objectStore('envelopes').put(x);
        await new Promise((r) => { t.oncomplete = r; });
        old.close();
        const s = idbStore({ name });
        const before = (await s.oldest(10, new Set())).map((i) => i.id);
        await s.put([item('c', 5)]);
        const other = idbStore({ name });
        const after = (await other.oldest(10, new Set())).map((i) => i.id);
        const db = await rawOpen(name);
        const shape = { version: db.version, stores: [...db.objectStoreNames], indexes: [...db.transaction('envelopes').objectStore('envelopes').indexNames] };
        db.close();
        return { before, after, count: await s.count(), shape };
      }, { name });
      // Ties of version 1 were in id order; those put after the upgrade come after them.
      assert.deepEqual(got.before, ['z', 'a', 'b']);
      assert.deepEqual(got.after, ['c'], 'the first store leased z, a and b: the second gets only c');
      assert.equal(got.count, 4);
      assert.deepEqual(got.shape, { version: 2, stores: ['envelopes', 'meta'], indexes: ['age'] });
    });

    test('an older tattle holding version 1 open blocks the upgrade: memory instead, at once', async () => {
      const name = freshName('blocked');
      const got = await page.evaluate(async ({ name }) => {
        const old = await rawOpen(name, 1, (db) => db.createObjectStore('envelopes', { keyPath: 'id' }).createIndex('at', 'at'));
        try {
          const s = idbStore({ name });
          const t0 = performance.now();
          await s.put([item('m', 1)]);
          const ms = performance.now() - t0;
          const inDb = await new Promise((r) => { const q = old.transaction('envelopes').objectStore('envelopes').count(); q.onsuccess = () => r(q.result); });
          return { ids: (await s.oldest(10, new Set())).map((i) => i.id), count: await s.count(), inDb, ms };
        } finally {
          old.close();
        }
      }, { name });
      assert.deepEqual(got.ids, ['m']);
      assert.equal(got.count, 1);
      assert.equal(got.inDb, 0, 'it went to memory, not to the version-1 database');
      assert.ok(got.ms < 2000, `took ${got.ms} ms`);
    });

    test('a newer tattle in another tab can upgrade: this one closes its connection instead of blocking it', async () => {
      const name = freshName('newer');
      const got = await page.evaluate(async ({ name }) => {
        const s = idbStore({ name });
        await s.put([item('n', 1)]);
        const newer = await Promise.race([
          rawOpen(name, 3).then((db) => { db.close(); return 'upgraded'; }, (e) => e.message),
          new Promise((r) => setTimeout(r, 5000, 'timed out')),
        ]);
        const after = await s.count().then((n) => `count ${n}`, (e) => e.name);
        return { newer, after };
      }, { name });
      assert.equal(got.newer, 'upgraded');
      assert.equal(got.after, 'InvalidStateError', 'the closed store says so (the delivery logs it and keeps memory)');
    });

    test('idbStore falls back to memory when indexedDB.open throws (opaque origins)', async () => {
      const got = await page.evaluate(async () => {
        const own = Object.getOwnPropertyDescriptor(window, 'indexedDB');
        Object.defineProperty(window, 'indexedDB', { configurable: true, value: { open() { throw new DOMException('no', 'SecurityError'); } } });
        try {
          const s = idbStore({ name: 'never-created', max: 2 });
          const dropped = await s.put([item('a', 1), item('b', 2), item('c', 3)]);
          return { dropped: dropped.map((i) => i.id), left: (await s.oldest(10, new Set())).map((i) => i.id) };
        } finally {
          if (own) Object.defineProperty(window, 'indexedDB', own);
          else delete window.indexedDB;
        }
      });
      assert.deepEqual(got, { dropped: ['a'], left: ['b', 'c'] });
      assert.equal(await page.evaluate(() => typeof indexedDB.open), 'function', 'the real indexedDB is back');
    });

    test('cost with 1000 stored envelopes of 2 KB (ms per call)', async () => {
      const name = freshName('cost');
      const ms = await page.evaluate(async ({ name }) => {
        const body = 'x'.repeat(2048);
        const a = idbStore({ name, max: 1000 });
        const b = idbStore({ name, max: 1000 });
        const time = async (times, fn) => {
          const t0 = performance.now();
          for (let i = 0; i < times; i++) await fn(i);
          return +((performance.now() - t0) / times).toFixed(2);
        };
        const r = {};
        r.put1000 = await time(1, () => a.put(Array.from({ length: 1000 }, (_, i) => ({ ...item(`p${i}`, i), body }))));
        r.putOneWhenFull = await time(20, (i) => a.put([{ ...item(`q${i}`, 2000 + i), body }]));
        r.oldest4 = await time(20, () => a.oldest(4, new Set()));
        r.oldest4Skip100 = await time(20, () => a.oldest(4, new Set(Array.from({ length: 100 }, (_, i) => `p${20 + i}`))));
        r.count = await time(20, () => a.count());
        r.release = await time(20, () => a.release('p30'));
        await a.oldest(990, new Set());
        r.oldest10Past990Leased = await time(10, () => b.oldest(10, new Set()));
        r.oldest1000 = await time(1, () => b.oldest(1000, new Set()));
        r.delete = await time(20, (i) => a.delete(`p${100 + i}`));
        return r;
      }, { name });
      console.log(`# ${engine}: ${JSON.stringify(ms)}`);
      // Linear, not quadratic (that would be seconds): bounds with room for a loaded machine.
      assert.ok(ms.oldest10Past990Leased < 3000, JSON.stringify(ms));
      assert.ok(ms.oldest4 < 200, JSON.stringify(ms));
    });

    test('no console errors in the page', { skip: how.noConsole }, () => {
      assert.deepEqual(log.errors, [], log.dump());
    });
  });
}
