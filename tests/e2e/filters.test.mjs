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
