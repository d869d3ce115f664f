// beforeSend and ignoreErrors in Chromium against Bugsink: what they drop never leaves the page,
// what beforeSend changes is what the server stores.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/stack.mjs';

let stack, bugsink, recorder, browser;
before(async () => {
  stack = await startStack();
  ({ bugsink, recorder, browser } = stack);
});
after(() => stack?.stop());

test('beforeSend changes and drops; ignoreErrors drops by substring and RegExp', async () => {
  const page = await browser.newPage();
  await page.goto(stack.pageUrl('filters.html'));
  await page.waitForFunction(() => window.pageReady === true);
  const kept = await page.evaluate(async () => {
    Tattle.captureMessage('drop in beforeSend');
    Tattle.captureMessage('ResizeObserver loop limit exceeded');
    const e = new Error('offline'); e.name = 'NetworkError';
    Tattle.captureException(e);
    const id = Tattle.captureException(new Error('kept'));
    await Tattle.flush(5000);
    return id;
  });
  const { data: ev } = await bugsink.findEvent(kept);
  assert.equal(ev.exception.values[0].value, 'kept');
  assert.equal(ev.tags.before_send, 'ran');
  const sent = recorder.bodies.map((b) => b.body.toString());
  const events = sent.filter((b) => b.includes('{"type":"event"'));
  assert.equal(events.length, 1, `only the kept event left the page: ${events.length}`);
  assert.equal((await bugsink.listEvents()).length, 1);
  // The three drops went out in the client report that the flush sent, counted by reason.
  const reports = sent.filter((b) => b.includes('{"type":"client_report"'));
  const counted = reports.flatMap((b) => JSON.parse(b.split('\n')[2]).discarded_events)
    .sort((a, b) => a.reason.localeCompare(b.reason));
  assert.deepEqual(counted, [
    { reason: 'before_send', category: 'error', quantity: 1 },
    { reason: 'event_processor', category: 'error', quantity: 2 },
  ]);
});

test("beforeSend as @sentry/browser's: the hint's originalException drops by class, an async hook is awaited", async () => {
  const page = await browser.newPage();
  const before = recorder.bodies.length;
  await page.goto(stack.pageUrl('before-send.html'));
  await page.waitForFunction(() => window.pageReady === true);
  const { kept, denied, ok } = await page.evaluate(async () => {
    const denied = Tattle.captureException(new PermissionDenied('not yours'));
    const kept = Tattle.captureException(new Error('async kept'));
    const ok = await Tattle.flush(5000);
    return { kept, denied, ok };
  });
  assert.equal(ok, true, 'flush: every event was sent or dropped by the user\'s own filter');
  const { data: ev } = await bugsink.findEvent(kept);
  assert.equal(ev.exception.values.at(-1).value, 'async kept');
  assert.equal(ev.tags.team, 'payments', 'the async hook\'s change is what the server stored');
  const hints = await page.evaluate(() => window.hints);
  assert.deepEqual(hints.map((h) => h.event_id).sort(), [denied, kept].sort(), 'hint.event_id is the capture\'s id');
  assert.ok(hints.every((h) => h.synthetic), 'a syntheticException Error');
  assert.deepEqual(hints.map((h) => h.original).sort(), ['async kept', 'not yours']);
  assert.deepEqual(hints[0].mechanism, { type: 'generic', handled: true });
  const sent = recorder.bodies.slice(before).map((b) => b.body.toString());
  assert.ok(!sent.some((b) => b.includes('not yours')), 'the denied event never left the page');
  const counted = sent.filter((b) => b.includes('{"type":"client_report"'))
    .flatMap((b) => JSON.parse(b.split('\n')[2]).discarded_events);
  assert.deepEqual(counted, [{ reason: 'before_send', category: 'error', quantity: 1 }]);
  await page.close();
});
