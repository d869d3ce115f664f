// Delivery that loses nothing, against a real Bugsink in headless Chromium: a server that is
// down and comes back, a server quota (429), an error thrown in `pagehide`, and an error storm.
// Each test is bounded in time and stops what it started.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { freePort, startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { launchChromium, startStaticServer } from '../support/browser.mjs';
import { fileURLToPath } from 'node:url';
import { PAGES } from '../support/stack.mjs';
import { sleep, uniqueWord, until } from '../support/wait.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Event envelopes the recorder saw, with the status Bugsink answered. */
function eventPosts(recorder) {
  return recorder.bodies
    .filter((b) => b.body.includes('{"type":"event"'))
    .map((b) => ({ id: JSON.parse(b.body.toString().split('\n')[0]).event_id, status: b.status }));
}

function clientReports(recorder) {
  return recorder.bodies
    .filter((b) => b.body.includes('{"type":"client_report"'))
    .flatMap((b) => JSON.parse(b.body.toString().split('\n')[2]).discarded_events);
}

const pageUrl = (server, dsn, opts, extra = '') =>
  `${server.url}/delivery.html?dsn=${encodeURIComponent(dsn)}&opts=${encodeURIComponent(JSON.stringify(opts))}${extra}`;

async function digested(bugsink) {
  const issues = await bugsink.listIssues();
  return issues.reduce((n, i) => n + i.digested_event_count, 0);
}

let server, browser;
before(async () => {
  server = await startStaticServer({ '/dist/': join(root, 'dist'), '/dist-test/': join(root, 'dist-test'), '/': PAGES });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('delivery', { timeout: 240000 }, () => {
  test('server down while 500 errors are captured and the page reloads: 500 of 500 arrive, none twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tattle-down-'));
    const port = await freePort();
    let bugsink = await startBugsink({ dir, port });
    // The pass-through only counts what the page sends; when Bugsink is down it resets the
    // connection, as the down server itself would (not a 502).
    const recorder = await startRecorder(bugsink.url, { mirrorDown: true });
    const page = await browser.newPage();
    try {
      await bugsink.stop();
      // No session (release health): the store and Bugsink count the 500 error envelopes only.
      const opts = { stormGuard: { maxPerMinute: 1000 }, transportOptions: { maxRetryDelay: 2000 }, autoSessionTracking: false };
      await page.goto(pageUrl(server, dsnVia(bugsink.dsn, recorder), opts));
      await page.waitForFunction(() => window.pageReady === true);
      // The .wasm is up first: while it loads only 100 captures are held (the rest are counted
      // drops), and on a loaded machine it can still be loading here.
      await page.evaluate(() => Tattle.flush(10000));
      const ids = await page.evaluate(() => {
        const out = [];
        for (let i = 0; i < 500; i++) out.push(Tattle.captureException(new Error(`offline #${i}`)));
        return out;
      });
      assert.equal(new Set(ids).size, 500);
      await until('the 500 envelopes in IndexedDB', async () => (await page.evaluate(() => window.storedCount())) === 500);
      await page.reload(); // pagehide, and a new page that finds them stored
      await page.waitForFunction(() => window.pageReady === true);
      await sleep(500); // the new page tries, fails, backs off
      bugsink = await startBugsink({ dir, port, resume: true });
      await until('500 events digested by Bugsink', async () => (await digested(bugsink)) >= 500, { timeoutMs: 90000, everyMs: 1000 });
      assert.equal(await digested(bugsink), 500, 'exactly 500 stored');
      await until('the store emptied', async () => (await page.evaluate(() => window.storedCount())) === 0);
      const accepted = eventPosts(recorder).filter((p) => p.status === 200).map((p) => p.id);
      assert.equal(accepted.length, 500, 'each event accepted by one POST: no event id sent twice after success');
      assert.deepEqual(new Set(accepted), new Set(ids));
    } finally {
      await page.close();
      await recorder.stop();
      await bugsink.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a server quota (429): no requests while limited, the drops reported after', async () => {
    const bugsink = await startBugsink({ maxEventsPerProjectPer5Minutes: 3 });
    const recorder = await startRecorder(bugsink.url);
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl(server, dsnVia(bugsink.dsn, recorder), {}));
      await page.waitForFunction(() => window.pageReady === true);
      // One at a time until Bugsink says 429.
      let n = 0;
      for (; n < 20; n++) {
        await page.evaluate((i) => { Tattle.captureException(new Error(`quota #${i}`)); return Tattle.flush(5000); }, n);
        if (eventPosts(recorder).some((p) => p.status === 429)) break;
      }
      const posts = eventPosts(recorder);
      assert.equal(posts.at(-1).status, 429, `Bugsink's quota answered 429 after ${posts.length} events`);
      const limitedAt = recorder.bodies.length;
      await page.evaluate(() => { for (let i = 0; i < 5; i++) Tattle.captureException(new Error(`held back #${i}`)); });
      await sleep(3000);
      assert.equal(recorder.bodies.length, limitedAt, 'nothing at all sent while the limit lasts');
      // The limit is 60 s (Bugsink's "60::key" covers client reports too); then the report goes.
      const report = await until('the client report after the limit', () => {
        const drops = clientReports(recorder).filter((d) => d.reason === 'ratelimit_backoff');
        return drops.length ? drops : null;
      }, { timeoutMs: 90000, everyMs: 500 });
      const quantity = report.reduce((s, d) => s + d.quantity, 0);
      assert.equal(quantity, 6, 'the refused event and the 5 held back');
      assert.ok(report.every((d) => d.category === 'error'));
    } finally {
      await page.close();
      await recorder.stop();
      await bugsink.stop();
    }
  });

  test('flush() is false when the .wasm never loads (a 404), and says why on the console', async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    try {
      await page.goto(pageUrl(server, 'http://k@127.0.0.1:9/1', { wasmUrl: '/dist/missing.wasm' }));
      await page.waitForFunction(() => window.pageReady === true);
      const id = await page.evaluate(() => Tattle.captureException(new Error('never built')));
      assert.match(id, /^[0-9a-f]{32}$/);
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), false);
      assert.ok(errors.some((e) => /tattle: could not load http:\S+\/dist\/missing\.wasm \(HTTP 404\)/.test(e)), errors.join('\n'));
    } finally {
      await page.close();
    }
  });

  test('calls made while the .wasm loads are bounded: a logging loop cannot grow them without end', async () => {
    const hang = createServer(() => {});
    await new Promise((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl(server, 'http://k@127.0.0.1:9/1', { wasmUrl: `http://127.0.0.1:${hang.address().port}/tattle.wasm` }));
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => {
        for (let i = 0; i < 20000; i++) Tattle.addBreadcrumb({ message: `step ${i}` });
        Tattle.captureException(new Error('after the loop'));
      });
      // Away to a page where tattle is off: what the first one kept at pagehide stays readable.
      await page.goto(`${server.url}/basic.html`);
      const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('tattle:early') || '[]'));
      assert.ok(kept.length <= 1001, `${kept.length} calls kept`);
      assert.equal(kept.at(-1)[0], 'captureException', 'the capture after the loop is kept');
      await page.evaluate(() => localStorage.removeItem('tattle:early'));
    } finally {
      await page.close();
      hang.closeAllConnections?.();
      hang.close();
    }
  });

  test('captures made before the .wasm loaded survive the page going away and arrive from the next load', async () => {
    const bugsink = await startBugsink();
    const recorder = await startRecorder(bugsink.url);
    // A server that accepts the .wasm request and never answers: the page stays 'loading'.
    const hang = createServer(() => {});
    await new Promise((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      const tag = uniqueWord();
      const dsn = dsnVia(bugsink.dsn, recorder);
      await page.goto(pageUrl(server, dsn, { wasmUrl: `http://127.0.0.1:${hang.address().port}/tattle.wasm` }));
      await page.waitForFunction(() => window.pageReady === true);
      const id = await page.evaluate((t) => {
        Tattle.setTag('phase', t);
        return Tattle.captureException(new Error(`before the wasm ${t}`));
      }, tag);
      assert.equal(recorder.bodies.length, 0, 'nothing could be sent yet');
      await page.goto(pageUrl(server, dsn, {})); // pagehide: kept; the next load builds it
      await page.waitForFunction(() => window.pageReady === true);
      const issue = await until('the early capture in Bugsink', async () =>
        (await bugsink.listIssues()).find((i) => (i.calculated_value ?? '').includes(`before the wasm ${tag}`)), { timeoutMs: 20000 });
      const events = await bugsink.api('events/', { query: { issue: issue.id } });
      const { data: ev } = await bugsink.api(`events/${events.results[0].id}/`);
      assert.equal(ev.event_id.replaceAll('-', ''), id, 'with the event id handed out at capture time');
      assert.equal(ev.tags?.phase ?? Object.fromEntries(ev.tags ?? [])?.phase, tag, 'and the scope it was captured in');
      assert.equal(await page.evaluate(() => localStorage.getItem('tattle:early')), null, 'nothing left behind');
    } finally {
      await page.close();
      hang.closeAllConnections?.();
      hang.close();
      await recorder.stop();
      await bugsink.stop();
    }
  });

  test('two pages in a row that leave before the .wasm loads: both keep their captures, each with its own scope', async () => {
    const bugsink = await startBugsink();
    const hang = createServer(() => {});
    await new Promise((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      const tag = uniqueWord();
      const wasmUrl = `http://127.0.0.1:${hang.address().port}/tattle.wasm`;
      const ids = {};
      for (const phase of ['first', 'second']) {
        await page.goto(pageUrl(server, bugsink.dsn, { wasmUrl }));
        await page.waitForFunction(() => window.pageReady === true);
        ids[phase] = await page.evaluate(([p, t]) => {
          Tattle.setTag('phase', p);
          return Tattle.captureException(new Error(`left early ${p} ${t}`));
        }, [phase, tag]);
      }
      await page.goto(pageUrl(server, bugsink.dsn, {})); // this one loads: both pages' captures are built
      await page.waitForFunction(() => window.pageReady === true);
      for (const phase of ['first', 'second']) {
        const ev = await bugsink.findEvent(ids[phase], { timeoutMs: 20000 });
        const tags = Array.isArray(ev.data.tags) ? Object.fromEntries(ev.data.tags) : ev.data.tags;
        assert.equal(tags?.phase, phase, `the ${phase} page's capture keeps its own scope`);
      }
      assert.equal(await page.evaluate(() => localStorage.getItem('tattle:early')), null, 'nothing left behind');
    } finally {
      await page.close();
      hang.closeAllConnections?.();
      hang.close();
      await bugsink.stop();
    }
  });

  for (const early of [false, true]) {
    test(`an error thrown in pagehide just before navigating away arrives (app listener ${early ? 'before' : 'after'} tattle's)`, async () => {
      const bugsink = await startBugsink();
      const recorder = await startRecorder(bugsink.url);
      const page = await browser.newPage();
      const logs = [];
      page.on('console', (m) => logs.push(m.text()));
      try {
        const tag = `${early ? 'early' : 'late'}-${uniqueWord()}`;
        await page.goto(pageUrl(server, dsnVia(bugsink.dsn, recorder), {}, `&pagehide=1&tag=${tag}${early ? '&early=1' : ''}`));
        await page.waitForFunction(() => window.pageReady === true);
        await page.evaluate(() => Tattle.flush()); // the .wasm is up
        await page.goto(`${server.url}/basic.html`); // away: pagehide fires, the error is thrown in it
        const issue = await until('the pagehide error in Bugsink', async () =>
          (await bugsink.listIssues()).find((i) => (i.calculated_value ?? '').includes(`bye from pagehide ${tag}`)), { timeoutMs: 30000 })
          .catch(async (e) => {
            throw new Error(`${e.message}; the recorder saw ${recorder.requests.map((r) => `${r.method} ${r.status ?? r.error} ${String(r.body).slice(0, 400)} -> ${String(r.responseBody)}`).join(', ')}; issues: ${JSON.stringify((await bugsink.listIssues()).map((i) => i.calculated_value))}; console: ${logs.join(' | ')}`);
          });
        assert.match(issue.calculated_type, /Error/);
      } finally {
        await page.close();
        await recorder.stop();
        await bugsink.stop();
      }
    });
  }

  test('a storm of 100,000 errors in 10 s: the page stays responsive, memory bounded, drops counted', async () => {
    const bugsink = await startBugsink();
    const recorder = await startRecorder(bugsink.url);
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl(server, dsnVia(bugsink.dsn, recorder), {}, '&build=test')); // the build with stats()
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => Tattle.flush());
      const cdp = await page.context().newCDPSession(page);
      const heap = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('HeapProfiler.collectGarbage');
        return (await cdp.send('Runtime.getHeapUsage')).usedSize;
      };
      const heapBefore = await heap();
      const storm = await page.evaluate(() => new Promise((resolve) => {
        // 100 error events per 10 ms task for 10 s, from a few throw sites with varied messages;
        // a heartbeat timer says whether the page could still do anything else.
        let thrown = 0;
        let lastBeat = performance.now();
        let worstBeat = 0;
        const beat = setInterval(() => {
          const t = performance.now();
          worstBeat = Math.max(worstBeat, t - lastBeat);
          lastBeat = t;
        }, 20);
        const sites = [
          (i) => new Error(`render failed ${i}`),
          (i) => new TypeError(`cannot read x of undefined (${i % 7})`),
          () => new RangeError('same every time'),
        ];
        const start = performance.now();
        const tick = () => {
          for (let k = 0; k < 100; k++) {
            // The 'error' event the browser fires for an uncaught error, dispatched directly: an
            // uncaught throw would also make Chromium keep 100,000 console messages, which is
            // the browser's memory, not tattle's.
            const error = sites[thrown % 3](thrown++);
            dispatchEvent(new ErrorEvent('error', { error, message: error.message, filename: location.href, lineno: 1, colno: 1 }));
          }
          if (thrown < 100000) setTimeout(tick, 10);
          else {
            clearInterval(beat);
            resolve({ thrown, ms: performance.now() - start, worstBeat, stats: __tattleTest.stats() });
          }
        };
        tick();
      }));
      assert.equal(storm.thrown, 100000);
      await page.evaluate(() => Tattle.flush(10000));
      const heapAfter = await heap();
      const sent = eventPosts(recorder);
      // What the guard let through: at most the minute cap (100) of events.
      assert.ok(sent.length > 0 && sent.length <= 100, `${sent.length} events sent of 100,000 thrown (statuses ${JSON.stringify(sent.map((p) => p.status).reduce((m, st) => ({ ...m, [st]: (m[st] || 0) + 1 }), {}))}, distinct ${new Set(sent.map((p) => p.id)).size})`);
      const drops = clientReports(recorder);
      const dropped = drops.reduce((s, d) => s + d.quantity, 0);
      assert.equal(dropped + sent.length, 100000, `every error is sent or counted as dropped (${JSON.stringify(drops)})`);
      // Responsive: other timers kept running (a generous bound; the speed itself is measured by
      // `npm run bench`, not asserted here).
      assert.ok(storm.worstBeat < 1000, `a 20 ms heartbeat was never late by a second (worst gap ${storm.worstBeat.toFixed(0)} ms)`);
      assert.ok(heapAfter - heapBefore < 2 * 1024 * 1024, `JS heap retained ${(heapAfter - heapBefore) / 1024} KiB`);
      assert.ok(storm.stats.wasmMemoryBytes <= 16 * 1024 * 1024, `wasm memory ${storm.stats.wasmMemoryBytes} B`);
      console.error(`[storm] ${storm.thrown} thrown in ${storm.ms.toFixed(0)} ms, ${sent.length} sent, ${dropped} dropped, worst heartbeat gap ${storm.worstBeat.toFixed(0)} ms, heap +${((heapAfter - heapBefore) / 1024).toFixed(0)} KiB, wasm ${storm.stats.wasmMemoryBytes} B`);
    } finally {
      await page.close();
      await recorder.stop();
      await bugsink.stop();
    }
  });
});
