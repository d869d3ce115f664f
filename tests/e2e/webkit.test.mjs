// The core browser scenarios in a third engine: Debian's WebKitGTK (Safari's engine,
// JavaScriptCore) under Xvfb, driven over W3C WebDriver (tests/support/webkit.mjs), against a real
// Bugsink, every envelope judged by sentry-relay. JSC writes stacks as `name@url:line:col`
// (`throwUncaught@http://127.0.0.1:PORT/app.js:4:23`, native frames as `parse@[native code]`,
// anonymous ones as a bare `@`), so this checks tattle's parser on live JSC errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { relayCheck, formatProblems } from '../support/relay.mjs';
import { appLines, capturedEvent, lineOf, startStack } from '../support/stack.mjs';

// JSC's column for `throw new X(…)` / `new X(…)` is the 1-based column of the call's `(`.
const parenCol = (name, callee) => appLines[lineOf(name) - 1].indexOf(`${callee}(`) + callee.length + 1;

let stack, recorder, page;
before(async () => {
  stack = await startStack({ browser: 'webkit' });
  ({ recorder } = stack);
  page = await stack.browser.newPage();
  await page.goto(stack.pageUrl('basic.html'));
  await page.waitForFunction(() => window.pageReady === true, { timeout: 10000 });
});
after(() => stack?.stop());

const captureVia = (trigger) => capturedEvent(stack, page, trigger);

const framesOf = (ev) => {
  const frames = ev.exception.values.at(-1).stacktrace?.frames ?? [];
  assert.ok(frames.length > 0, `frames present: ${JSON.stringify(ev.exception)}`);
  return frames;
};
const newestInApp = (ev) => framesOf(ev).filter((f) => f.in_app).at(-1);

function assertCommon(ev) {
  assert.equal(ev.release, 'e2e@1.2.3');
  assert.equal(ev.environment, 'e2e');
  assert.equal(ev.platform, 'javascript');
  assert.match(ev.request.url, /\/basic\.html/);
  const ua = ev.request.headers['User-Agent'];
  assert.match(ua, /AppleWebKit\/\d+(\.\d+)* .*Safari\/\d+/);
  assert.doesNotMatch(ua, /Chrome|Firefox/);
}

test('WebKit: uncaught error with its JavaScriptCore frame', async () => {
  const ev = await captureVia(() => setTimeout(() => throwUncaught()));
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.type, 'RangeError');
  assert.equal(ex.value, 'e2e uncaught range error');
  assert.deepEqual(ex.mechanism, { type: 'onerror', handled: false });
  assert.equal(ev.level, 'error');
  const frame = framesOf(ev).at(-1);
  assert.equal(frame.function, 'throwUncaught');
  assert.equal(frame.filename, '/app.js');
  assert.match(frame.abs_path, /^http:\/\/.*:\d+\/app\.js$/);
  assert.equal(frame.lineno, lineOf('throwUncaught'));
  assert.equal(frame.colno, parenCol('throwUncaught', 'RangeError'));
  assert.equal(frame.in_app, true);
  assertCommon(ev);
});

test('WebKit: unhandled rejection', async () => {
  const ev = await captureVia(() => rejectUnhandled());
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.type, 'Error');
  assert.equal(ex.value, 'e2e unhandled rejection');
  assert.deepEqual(ex.mechanism, { type: 'onunhandledrejection', handled: false });
  const frame = newestInApp(ev);
  assert.equal(frame.function, 'rejectUnhandled');
  assert.equal(frame.filename, '/app.js');
  assert.equal(frame.lineno, lineOf('rejectUnhandled'));
  assert.equal(frame.colno, parenCol('rejectUnhandled', 'Error'));
  assertCommon(ev);
});

test('WebKit: thrown string keeps its value, location from the error event', async () => {
  const ev = await captureVia(() => setTimeout(() => throwString()));
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.type, 'Error');
  assert.equal(ex.value, 'e2e thrown string');
  assert.deepEqual(ex.mechanism, { type: 'onerror', handled: false });
  const frame = framesOf(ev).at(-1);
  assert.equal(frame.filename, '/app.js');
  assert.equal(frame.lineno, lineOf('throwString'));
  assertCommon(ev);
});

test('WebKit: captureMessage at level warning', async () => {
  const ev = await captureVia(() => Tattle.captureMessage('webkit message', 'warning'));
  assert.equal(ev.level, 'warning');
  assert.equal(ev.logentry.formatted, 'webkit message');
  assert.equal(ev.exception, undefined);
  assertCommon(ev);
});

test('WebKit: captureException with user, tags and a context', async () => {
  const ev = await captureVia(() => handledWithScope(Tattle));
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.type, 'SyntaxError');
  assert.match(ex.value, /JSON Parse error/); // JSC's wording
  assert.deepEqual(ex.mechanism, { type: 'generic', handled: true });
  const frames = framesOf(ev);
  // JSC names the native frame `parse@[native code]`
  assert.deepEqual(frames.at(-1), { function: 'parse', filename: '[native code]', abs_path: '[native code]', in_app: false });
  const frame = newestInApp(ev);
  assert.equal(frame.function, 'handledWithScope');
  assert.equal(frame.filename, '/app.js');
  assert.equal(frame.lineno, lineOf('handledWithScope'));
  // The WebDriver's own frames (`@`, `_execute@`, `evaluateJavaScriptFunction@`, no URL) are not kept.
  assert.ok(frames.every((f) => f.filename), JSON.stringify(frames));
  assert.deepEqual(ev.user, { id: 'user-42', email: 'jane@example.com', username: 'jane' });
  assert.deepEqual(ev.tags, { feature: 'checkout', tier: 'gold', attempt: '3' });
  assert.deepEqual(ev.contexts.order, { id: 'o-1', items: 2, total: 19.5 });
  assertCommon(ev);
});

test('WebKit: every envelope passes sentry-relay', async () => {
  assert.ok(recorder.bodies.length >= 5, `envelopes recorded: ${recorder.bodies.length}`);
  const verdict = await relayCheck(recorder.bodies.map((b) => b.body));
  assert.ok(verdict.ok, formatProblems(verdict.problems));
});
