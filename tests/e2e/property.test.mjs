// Property test in Chromium (fast-check, from npm): random values of every kind JavaScript has
// (objects with getters, null prototypes, cycles, BigInts, Symbols, Maps, typed arrays, sparse
// arrays, very long strings…) thrown at every API function, and thrown and rejected uncaught.
// Properties:
//   - no call into tattle ever throws into the caller, and the page sees exactly the error and
//     rejection events it caused itself (none from tattle);
//   - every capture becomes an event that sentry-relay's normalizer accepts, or a drop that a
//     client report counts: captures = events + drops, none lost silently;
//   - flush() is truthful about it, and a capture afterwards still arrives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { capturedEvent, startStack } from '../support/stack.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { until } from '../support/wait.mjs';

const RUNS = 60; // each run: 9 API calls and 4 captures with one random value
let stack, dir;
before(async () => {
  // fast-check for the page, bundled once: the page gets it as window.fc.
  dir = mkdtempSync(join(tmpdir(), 'tattle-fc-'));
  await build({
    stdin: { contents: "import * as fc from 'fast-check'; window.fc = fc;", resolveDir: process.cwd() },
    bundle: true, format: 'iife', outfile: join(dir, 'fc.js'), logLevel: 'warning',
  });
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`${RUNS} runs of random values at every API function and as uncaught errors and rejections`, { timeout: 240000 }, async () => {
  const page = await stack.browser.newPage();
  await page.route('**/fc.js', (route) => route.fulfill({ path: join(dir, 'fc.js'), contentType: 'text/javascript' }));
  // The storm guard off: every capture must take the full path (the guard's own drops would be
  // counted too, but would hide whether the core copes with the value).
  await page.goto(`${stack.pageUrl('basic.html')}&build=plain`);
  await page.waitForFunction(() => window.pageReady === true);
  await page.addScriptTag({ url: `${stack.server.url}/fc.js` });
  const result = await page.evaluate(async (runs) => {
    // A fresh init with the guard off (basic.html's init ran with the defaults): a second init is
    // ignored by tattle, so this page is reloaded by the test instead when that matters; here we
    // count what the defaults do, guard drops included.
    const seen = { errors: 0, rejections: 0 };
    addEventListener('error', () => { seen.errors++; });
    addEventListener('unhandledrejection', (e) => { seen.rejections++; e.preventDefault(); });
    const threw = [];
    let captures = 0;
    let thrown = 0;
    let rejected = 0;
    const call = (name, fn) => {
      try {
        fn();
      } catch (e) {
        threw.push(`${name}: ${String(e)}`);
      }
    };
    const value = fc.anything({
      withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
      withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true, maxDepth: 4, maxKeys: 6,
    });
    const hostile = fc.oneof(value, fc.constantFrom(
      Symbol('s'), new Proxy({}, { ownKeys() { throw new Error('ownKeys'); }, get() { throw new Error('get'); } }),
      { get boom() { throw new Error('getter'); } }, 'x'.repeat(300000), Object.assign(new Error('with cause'), { cause: 1n }),
    ));
    const samples = fc.sample(hostile, { numRuns: runs, seed: 42 });
    for (const v of samples) {
      call('setUser', () => Tattle.setUser(v));
      call('setTag', () => Tattle.setTag('k', v));
      call('setTags', () => Tattle.setTags(v));
      call('setContext', () => Tattle.setContext('c', v));
      call('setExtra', () => Tattle.setExtra('e', v));
      call('setExtras', () => Tattle.setExtras(v));
      call('addBreadcrumb', () => Tattle.addBreadcrumb(v));
      call('withScope', () => Tattle.withScope((scope) => { scope.setTag('w', v); scope.setLevel(v); scope.setFingerprint(v); }));
      call('captureException', () => { Tattle.captureException(v); captures++; });
      call('captureMessage', () => { Tattle.captureMessage(v, v); captures++; });
      // Uncaught, as the app's own code would: tattle reports them; the page sees them too.
      await new Promise((resolve) => setTimeout(() => { resolve(); thrown++; captures++; throw v; }));
      Promise.reject(v);
      rejected++;
      captures++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    Tattle.setUser(null);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const flushed = await Tattle.flush(20000);
    return { threw, captures, thrown, rejected, seen, flushed };
  }, RUNS);

  assert.deepEqual(result.threw, [], 'no tattle call threw into the caller');
  assert.equal(result.seen.errors, result.thrown, 'the page saw exactly the errors it threw itself');
  assert.equal(result.seen.rejections, result.rejected, 'and exactly the rejections it caused');

  // Every capture is an event at the server or a counted drop.
  const bodies = () => stack.recorder.bodies.map((b) => b.body.toString());
  const account = () => {
    const all = bodies();
    const events = all.filter((b) => b.includes('{"type":"event"')).length;
    const dropped = all.filter((b) => b.includes('{"type":"client_report"'))
      .flatMap((b) => JSON.parse(b.split('\n')[2]).discarded_events)
      .reduce((n, d) => n + d.quantity, 0);
    return { events, dropped };
  };
  await until('every capture sent or counted', () => {
    const a = account();
    return a.events + a.dropped >= result.captures ? a : null;
  }, { timeoutMs: 30000 }).catch(() => null);
  const { events, dropped } = account();
  assert.equal(events + dropped, result.captures, `${result.captures} captures: ${events} events + ${dropped} counted drops`);
  assert.ok(events > 0, 'some arrived');
  const verdict = await relayCheck(stack.recorder.bodies.map((b) => b.body));
  assert.ok(verdict.ok, formatProblems(verdict.problems));
  // flush(): true only if nothing was lost; with the guard's cap and dedupe some were dropped.
  const lost = bodies().filter((b) => b.includes('{"type":"client_report"'))
    .flatMap((b) => JSON.parse(b.split('\n')[2]).discarded_events)
    .some((d) => !['before_send', 'event_processor', 'sample_rate'].includes(d.reason));
  assert.equal(result.flushed, !lost, `flush() said ${result.flushed}; drops ${JSON.stringify(account())}`);
  const event = await capturedEvent(stack, page, () => Tattle.captureException(new Error('after the property run')))
    .catch(async (e) => { throw new Error(`${e.message}: the capture after the run did not arrive`); });
  assert.equal(event.exception.values.at(-1).value, 'after the property run');
  await page.close();
});
