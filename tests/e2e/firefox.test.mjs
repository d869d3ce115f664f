// The core browser scenarios in a second engine: Debian's Firefox ESR (SpiderMonkey), against
// a real Bugsink, every envelope judged by sentry-relay. Frames come from SpiderMonkey's
// `name@url:line:col` stacks, so this also checks that parser on live errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { relayCheck, formatProblems } from '../support/relay.mjs';
import { capturedEvent, lineOf, startStack } from '../support/stack.mjs';

let stack, recorder, page;
before(async () => {
  stack = await startStack({ browser: 'firefox' });
  ({ recorder } = stack);
  page = await stack.browser.newPage();
  await page.goto(stack.pageUrl('basic.html'));
  await page.waitForFunction(() => window.pageReady === true, { timeout: 10000 });
});
after(() => stack?.stop());

const captureVia = (trigger) => capturedEvent(stack, page, trigger);

const newestInApp = (ev) => ev.exception.values.at(-1).stacktrace.frames.filter((f) => f.in_app).at(-1);

test('Firefox: uncaught error with its SpiderMonkey frame', async () => {
  const ev = await captureVia(() => setTimeout(() => throwUncaught()));
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.type, 'RangeError');
  assert.equal(ex.value, 'e2e uncaught range error');
  assert.deepEqual(ex.mechanism, { type: 'onerror', handled: false });
  const frame = newestInApp(ev);
  assert.equal(frame.function, 'throwUncaught');
  assert.equal(frame.filename, '/app.js');
  assert.equal(frame.lineno, lineOf('throwUncaught'));
  assert.match(ev.request.headers['User-Agent'], /Firefox\/\d+/);
});

test('Firefox: unhandled rejection', async () => {
  const ev = await captureVia(() => rejectUnhandled());
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.value, 'e2e unhandled rejection');
  assert.deepEqual(ex.mechanism, { type: 'onunhandledrejection', handled: false });
  assert.equal(newestInApp(ev).lineno, lineOf('rejectUnhandled'));
});

test('Firefox: captureMessage and captureException with scope', async () => {
  const msg = await captureVia(() => Tattle.captureMessage('firefox message', 'warning'));
  assert.equal(msg.level, 'warning');
  assert.equal(msg.logentry.formatted, 'firefox message');
  const ev = await captureVia(() => handledWithScope(Tattle));
  assert.equal(ev.exception.values.at(-1).type, 'SyntaxError');
  assert.deepEqual(ev.user, { id: 'user-42', email: 'jane@example.com', username: 'jane' });
  assert.deepEqual(ev.tags, { feature: 'checkout', tier: 'gold', attempt: '3' });
  assert.equal(newestInApp(ev).function, 'handledWithScope');
});

test('Firefox: every envelope passes sentry-relay', async () => {
  assert.ok(recorder.bodies.length >= 4);
  const verdict = await relayCheck(recorder.bodies.map((b) => b.body));
  assert.ok(verdict.ok, formatProblems(verdict.problems));
});
