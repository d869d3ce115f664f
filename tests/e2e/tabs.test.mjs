// Two tabs of one site share tattle's IndexedDB store: when the server comes back, both drain it
// at once, and the store's leases (www/store.js, idbStore: read and lease in one transaction) must
// keep them from sending one stored envelope twice. Headless Chromium, both tabs pages of ONE
// browser context (so one IndexedDB), against a real Bugsink that is down, then back on the same
// port and data.
//
// What is recorded, per POST: at the recorder (pass-through in front of Bugsink), the envelope's
// event_id and Bugsink's status; in each tab (a fetch wrapper added before the page's scripts, so
// it is the fetch tattle's delivery captures), which tab sent which event_id, when it started and
// ended, and how it ended. Asserted: every one of the 100 events digested once, accepted by exactly
// one POST, never POSTed again after it was accepted, never POSTed by both tabs at once (the POSTs
// of one id are disjoint in time: a second one only after the first failed), and the store empty.
//
// Can it fail? Yes, and it was made to: with the lease check taken out of a scratch copy of the
// bundle (idbStore.oldest handing out items whatever their lease: `!skip.has(v.id) && (true ||
// …)` in a copy of pkg/store.js, bundled with esbuild into a temporary dist/ beside the real .wasm,
// served here through TATTLE_DIST=<that dir>), both tabs' probes take the same oldest envelope and
// both drains the same oldest 8: 93 of the 100 ids came back accepted by two POSTs, sent by both
// tabs at once, and the test failed on it. Without TATTLE_DIST it serves (a copy, taken at start,
// of) the real dist/: build it first (node scripts/build.mjs).
//
// It also fails now and then (2 runs in about 50) on the real store, and rightly: idbStore.oldest
// reads the clock (`t`) before its transaction, which may wait behind the other tab's. When the
// other tab leases an item meanwhile, that lease began after `t`, and the check meant for a clock
// that went back (`l.since > t`) hands the item out a second time. The failure's message shows it:
// the id, both tabs' POSTs (both 200) and both leases, one with `since` later than the other's
// though written earlier.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { collectConsole, launchChromium, startStaticServer } from '../support/browser.mjs';
import { PAGES } from '../support/stack.mjs';
import { sleep, until } from '../support/wait.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const DIST = process.env.TATTLE_DIST || join(root, 'dist-test'); // with the test hooks (stats)
const PER_TAB = 50;
const TOTAL = 2 * PER_TAB;

const norm = (id) => String(id).replaceAll('-', '').toLowerCase();

/** Event envelopes among the recorder's bodies, in arrival order, with the status Bugsink answered. */
function eventPosts(bodies) {
  return bodies
    .filter((b) => b.body.includes('{"type":"event"'))
    .map((b) => ({ id: norm(JSON.parse(b.body.toString().split('\n')[0]).event_id), status: b.status, error: b.error }));
}

async function digested(bugsink) {
  const issues = await bugsink.listIssues();
  return issues.reduce((n, i) => n + i.digested_event_count, 0);
}

const pageUrl = (server, dsn, opts, tab) =>
  `${server.url}/delivery.html?dsn=${encodeURIComponent(dsn)}&opts=${encodeURIComponent(JSON.stringify(opts))}&tab=${tab}`;

/**
 * Runs in the page before its scripts: wraps fetch so each envelope POST is logged in
 * window.__posts as { tab, id, type, start, end, status, error } (ms, wall clock; end 0 while in
 * flight). tattle's delivery keeps the fetch it finds at init: this one. Also logs each lease
 * the store grants in window.__leases (for a failure's message).
 */
function logPosts(tab) {
  const real = window.fetch;
  const posts = [];
  window.__posts = posts;
  window.fetch = function fetch(input, init) {
    if (!init || init.method !== 'POST') return real(input, init);
    const post = { tab, id: null, type: null, start: Date.now(), end: 0, status: 0, error: null };
    try {
      const lines = (typeof init.body === 'string' ? init.body : new TextDecoder().decode(init.body)).split('\n');
      post.id = JSON.parse(lines[0]).event_id ?? null;
      post.type = JSON.parse(lines[1]).type;
    } catch {
      post.type = 'unreadable'; // gzipped: not expected for bodies this small
    }
    posts.push(post);
    const p = real(input, init);
    p.then((r) => { post.end = Date.now(); post.status = r.status; }, (e) => { post.end = Date.now(); post.error = String(e); });
    return p;
  };
  // And each lease the store grants (a cursor update that sets one), for a failure's message:
  // { id, since, at } (at: when the grant was written, wall clock).
  const leases = [];
  window.__leases = leases;
  const update = IDBCursor.prototype.update;
  IDBCursor.prototype.update = function (value) {
    if (value && value.lease) leases.push({ tab, id: value.id, since: value.lease.since, at: Date.now() });
    return update.call(this, value);
  };
}

/** Fires `online` in every page at one wall-clock instant (spinning on messages, not timers). */
function onlineTogether(pages) {
  const at = Date.now() + 300;
  return Promise.all(pages.map((p) => p.evaluate((at) => new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      if (Date.now() < at) return port2.postMessage(0);
      const t = Date.now();
      dispatchEvent(new Event('online'));
      resolve(t);
    };
    port2.postMessage(0);
  }), at)));
}

const tally = (list, key) => list.reduce((m, x) => ({ ...m, [key(x)]: (m[key(x)] || 0) + 1 }), {});

let server, browser, dist;
before(async () => {
  // A copy of dist/ taken now: a build running meanwhile (it empties dist/ first) can't pull the
  // bundle from under a tab that is loading.
  dist = await mkdtemp(join(tmpdir(), 'tattle-tabs-dist-'));
  await until(`a built ${DIST} (index.js and the .wasm)`, async () => {
    await rm(dist, { recursive: true, force: true });
    await cp(DIST, dist, { recursive: true }).catch(() => {});
    return existsSync(join(dist, 'index.js')) && existsSync(join(dist, 'tattle_core_bg.wasm'));
  }, { timeoutMs: 120000, everyMs: 1000 });
  server = await startStaticServer({ '/dist/': dist, '/': PAGES });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dist) await rm(dist, { recursive: true, force: true });
});

describe('two tabs', { timeout: 240000 }, () => {
  test('server down while two tabs capture 50 errors each; back, both tabs drain the shared store: 100 of 100 arrive, none twice', async () => {
    const t0 = Date.now();
    const mark = (what) => console.error(`[tabs] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    const dir = await mkdtemp(join(tmpdir(), 'tattle-tabs-'));
    const port = await freePort();
    let bugsink = await startBugsink({ dir, port });
    // Down means a reset connection, as the down server itself gives (not a 502).
    const recorder = await startRecorder(bugsink.url, { mirrorDown: true });
    const context = await browser.newContext(); // both tabs: one origin, one IndexedDB
    try {
      await bugsink.stop();
      mark('Bugsink down');
      // No session (release health): the store, the POSTs and Bugsink count the 100 error envelopes only.
      const opts = { stormGuard: { maxPerMinute: 1000 }, transportOptions: { maxRetryDelay: 2000 }, autoSessionTracking: false };
      const dsn = dsnVia(bugsink.dsn, recorder);
      const tabs = {};
      const logs = {};
      for (const name of ['A', 'B']) {
        const page = await context.newPage();
        logs[name] = collectConsole(page);
        await page.addInitScript(logPosts, name);
        await page.goto(pageUrl(server, dsn, opts, name));
        await page.waitForFunction(() => window.pageReady === true, null, { timeout: 15000 })
          .catch((e) => { throw new Error(`tab ${name} never ready: ${e.message}\n${logs[name].dump()}`); });
        tabs[name] = page;
      }
      const pages = Object.values(tabs);
      const captured = await Promise.all(Object.entries(tabs).map(([name, page]) => page.evaluate(({ name, n }) => {
        const out = [];
        for (let i = 0; i < n; i++) out.push(Tattle.captureException(new Error(`tab ${name} offline #${i}`)));
        return out;
      }, { name, n: PER_TAB })));
      const owner = new Map(); // event id → the tab that captured it
      captured.forEach((ids, k) => ids.forEach((id) => owner.set(norm(id), 'AB'[k])));
      assert.equal(owner.size, TOTAL, 'the 100 captures have 100 distinct event ids');
      const want = new Set(owner.keys());
      // What each tab is up to, for a failure's message.
      const state = async () => JSON.stringify({
        stored: await tabs.A.evaluate(() => window.storedCount()),
        A: await tabs.A.evaluate(() => __tattleTest.stats()),
        B: await tabs.B.evaluate(() => __tattleTest.stats()),
        console: Object.fromEntries(Object.entries(logs).map(([k, l]) => [k, l.messages.slice(-10).map((m) => m.text)])),
      });
      await until('the 100 envelopes in IndexedDB', async () => (await tabs.A.evaluate(() => window.storedCount())) === TOTAL,
        { timeoutMs: 30000, everyMs: 100 }).catch(async (e) => { throw new Error(`${e.message}: ${await state()}`); });
      mark('100 envelopes stored');
      await sleep(2500); // both tabs probe (a 1 s backoff ±50 %) and fail at least once while down
      const downStates = await Promise.all(pages.map((p) => p.evaluate(() => __tattleTest.stats().state)));
      bugsink = await startBugsink({ dir, port, resume: true });
      const backAt = recorder.bodies.length;
      mark(`Bugsink back (tabs were ${downStates.join(', ')})`);
      // Both tabs probe at the same instant (and keep retrying on their own backoff anyway).
      const fired = await onlineTogether(pages);
      mark(`online fired in both tabs ${Math.abs(fired[0] - fired[1])} ms apart`);

      await until('100 events digested by Bugsink', async () => (await digested(bugsink)) >= TOTAL, { timeoutMs: 90000, everyMs: 500 });
      mark('100 digested');
      await until('the store emptied', async () => (await tabs.A.evaluate(() => window.storedCount())) === 0, { timeoutMs: 30000 });
      mark('store empty');
      // Quiet: nothing in flight in either tab, and nothing new for a second (a late duplicate
      // would show up here).
      let seen = -1;
      await until('both tabs quiet', async () => {
        const logs = await Promise.all(pages.map((p) => p.evaluate(() => window.__posts)));
        const all = logs.flat();
        const quiet = all.length === seen && all.every((p) => p.end);
        seen = all.length;
        return quiet;
      }, { timeoutMs: 30000, everyMs: 1000 });

      const posts = (await Promise.all(pages.map((p) => p.evaluate(() => window.__posts)))).flat()
        .filter((p) => p.type === 'event').map((p) => ({ ...p, id: norm(p.id) }));
      const atRecorder = eventPosts(recorder.bodies);
      const accepted = atRecorder.filter((p) => p.status === 200).map((p) => p.id);
      const twice = Object.entries(tally(accepted, (id) => id)).filter(([, n]) => n > 1);

      // Per id, as the tabs saw it: the POSTs in start order, each after the one before ended
      // and only if that one failed.
      const byId = new Map();
      for (const p of posts) byId.set(p.id, [...(byId.get(p.id) || []), p]);
      const clashes = [];
      for (const [id, list] of byId) {
        list.sort((a, b) => a.start - b.start);
        for (let k = 1; k < list.length; k++) {
          const [prev, next] = [list[k - 1], list[k]];
          if (!prev.end || prev.end > next.start || (prev.status >= 200 && prev.status < 300)) {
            clashes.push(`${id} (captured in ${owner.get(id)}): ${list.map((p) => `tab ${p.tab} ${p.start}..${p.end} ${p.status || p.error}`).join(' | ')}`);
            break;
          }
        }
      }
      const afterBack = eventPosts(recorder.bodies.slice(backAt)); // for the report only
      const sentBy = tally(posts.filter((p) => p.status === 200), (p) => `${p.tab} (captured in ${owner.get(p.id)})`);
      const tabsAfterBack = new Set(posts.filter((p) => p.start >= fired[0] - 300 && p.status === 200).map((p) => p.tab));
      mark(`${atRecorder.length} event POSTs at the recorder, ${afterBack.length} after Bugsink was back `
        + `(statuses ${JSON.stringify(tally(afterBack, (p) => p.status ?? 'reset'))}); accepted by tab: ${JSON.stringify(sentBy)}`);

      if (twice.length || clashes.length) {
        // What the tabs did with those ids: their POSTs and the leases they were granted.
        const leases = (await Promise.all(pages.map((p) => p.evaluate(() => window.__leases)))).flat();
        const bad = new Set([...twice.map(([id]) => id), ...clashes.map((c) => c.slice(0, 32))]);
        const story = [...bad].slice(0, 5).map((id) => `${id} (captured in tab ${owner.get(id)}):\n  POSTs: ${
          (byId.get(id) || []).map((p) => `tab ${p.tab} ${p.start}..${p.end} ${p.status || p.error}`).join(' | ')}\n  leases: ${
          leases.filter((l) => norm(l.id) === id).map((l) => `tab ${l.tab} since ${l.since} written at ${l.at}`).join(' | ')}`);
        assert.fail(`${twice.length} event ids accepted by more than one POST, ${clashes.length} POSTed again while another `
          + `POST of them was in flight or after it was accepted; the first ${story.length}:\n${story.join('\n')}`);
      }
      assert.equal(accepted.length, TOTAL, 'each event accepted by exactly one POST');
      assert.deepEqual(new Set(accepted), want, 'the accepted ids are the captured ones');
      assert.equal(posts.filter((p) => p.status === 200).length, TOTAL, 'the tabs saw 100 accepted POSTs between them');
      assert.equal(await digested(bugsink), TOTAL, 'Bugsink digested exactly 100 events');
      assert.equal(await tabs.B.evaluate(() => window.storedCount()), 0, 'the store is empty');
      assert.deepEqual([...tabsAfterBack].sort(), ['A', 'B'], 'both tabs delivered stored envelopes once Bugsink was back');
    } finally {
      await context.close();
      await recorder.stop();
      await bugsink.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
