// Hostile data within one budget (issue 10, items 2, 3 and 5), in Chromium, Firefox ESR and
// WebKit against a real Bugsink. On one page: a context whose 7 keys point back at it (it used to make every later
// event > 1 MiB, each silently dropped), a thrown object with 20,000 keys (its keys were
// insertion-sorted: O(n²)), 100 breadcrumbs of 20 KB and a 50 KB console.log (never cut). Then
// the next captured error and the next uncaught error both arrive, bounded, and flush() is true.
// The page's main-thread times are measured and reported, not asserted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/stack.mjs';
import { until } from '../support/wait.mjs';

for (const engine of ['chromium', 'firefox', 'webkit']) {
describe(`hostile data in ${engine}`, { timeout: 180000 }, () => {
let stack;
before(async () => { stack = await startStack({ browser: engine }); });
after(() => stack?.stop());

test('after hostile data the next captured and uncaught errors arrive, bounded', async (t) => {
  const page = await stack.browser.newPage();
  await page.goto(stack.pageUrl('budget.html'));
  await page.waitForFunction(() => window.pageReady === true);
  await page.evaluate(() => Tattle.flush(5000)); // the .wasm is up

  const got = await page.evaluate(() => window.hostile());
  assert.equal(await page.evaluate(() => Tattle.flush(10000)), true, 'flush after the captures');

  // The uncaught one, from a timer, as the app's own code would throw it. (The page counts the
  // error events it sees: only the app's own may reach it.)
  const previous = await page.evaluate(() => {
    window.pageErrors = [];
    addEventListener('error', (e) => pageErrors.push(e.message));
    setTimeout(() => { throw new Error('uncaught after the hostile data'); });
    return Tattle.lastEventId();
  });
  const uncaughtId = await until('the uncaught error captured', async () => {
    const id = await page.evaluate(() => Tattle.lastEventId());
    return id !== previous ? id : null;
  }, { timeoutMs: 5000 });
  assert.equal(await page.evaluate(() => Tattle.flush(10000)), true, 'flush after the uncaught error');
  const pageErrors = await page.evaluate(() => window.pageErrors);
  assert.equal(pageErrors.length, 1, `only the app's own error reached the page: ${JSON.stringify(pageErrors)}`);
  assert.match(pageErrors[0], /uncaught after the hostile data/);

  const wide = (await stack.bugsink.findEvent(got.wideId)).data;
  assert.match(wide.exception.values.at(-1).value, /^Object captured as exception with keys: k00000, k00001, k00002, .*…$/);

  const captured = (await stack.bugsink.findEvent(got.capturedId)).data;
  assert.equal(captured.exception.values.at(-1).value, 'captured after the hostile data');
  assert.deepEqual(captured.contexts.cyc, Object.fromEntries([...'abcdefg'].map((k) => [k, '[Circular ~]'])));
  const crumbs = captured.breadcrumbs.values;
  assert.equal(crumbs.length, 100, 'the newest 100');
  assert.ok(crumbs.every((c) => c.message.length <= 2048), 'every message cut to 2,048 characters');
  const app = crumbs.filter((c) => c.category === 'app');
  assert.ok(app.every((c) => c.message.length === 2048 && c.message.endsWith('…')), 'app crumbs cut to 2,048');
  assert.equal(app.at(-1).message.slice(0, 3), '099');
  // The console wrapper (www/index.js) cuts its text to 1,000 characters before the core sees it.
  const consoleCrumb = crumbs.find((c) => c.category === 'console');
  assert.ok(consoleCrumb.message.length <= 2048 && consoleCrumb.message.endsWith('…'));

  const uncaught = (await stack.bugsink.findEvent(uncaughtId)).data;
  const main = uncaught.exception.values.at(-1);
  assert.equal(main.value, 'uncaught after the hostile data');
  assert.equal(main.mechanism.type, 'onerror');
  assert.equal(main.mechanism.handled, false);
  assert.deepEqual(uncaught.contexts.cyc, captured.contexts.cyc);

  const timing = await page.evaluate(() => ({ longTasks, errorHandlerMs: errorHandlerMs.map((ms) => Math.round(ms * 10) / 10) }));
  const sizes = { captured: JSON.stringify(captured).length, uncaught: JSON.stringify(uncaught).length };
  t.diagnostic(`main thread (ms): ${JSON.stringify(got.steps)}`);
  t.diagnostic(`slowest single call ${got.worst} ms; tattle's error handler ${JSON.stringify(timing.errorHandlerMs)} ms; long tasks ${JSON.stringify(timing.longTasks)} ms`);
  t.diagnostic(`stored event sizes (JSON bytes): ${JSON.stringify(sizes)}`);
  await page.close?.(); // WebKit's driver has one window, reused
});
});
}
