// End to end in real parts: the built npm package (dist/) in Debian's headless Chromium, a real
// Bugsink, and sentry-relay's normalizer judging every envelope that went over the wire.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { relayCheck, formatProblems } from '../support/relay.mjs';
import { startStaticServer, collectConsole } from '../support/browser.mjs';
import { PAGES as pages, lineOf, startStack } from '../support/stack.mjs';

let stack, bugsink, recorder, server, browser;

before(async () => {
  stack = await startStack();
  ({ bugsink, recorder, server, browser } = stack);
});

after(() => stack?.stop());

async function openPage(dsn, extra = '') {
  const page = await browser.newPage();
  const console = collectConsole(page);
  const query = dsn === undefined ? '' : `?dsn=${encodeURIComponent(dsn)}${extra}`;
  await page.goto(`${server.url}/basic.html${query}`);
  await page.waitForFunction(() => window.pageReady === true);
  return { page, console };
}

/** Runs `trigger` in the page, waits for tattle to capture a new event and send it; returns its id. */
async function captureVia(page, trigger) {
  const before = await page.evaluate(() => Tattle.lastEventId() ?? null);
  await page.evaluate(trigger);
  await page.waitForFunction((prev) => (Tattle.lastEventId() ?? null) !== prev, before, { timeout: 5000 });
  assert.equal(await page.evaluate(() => Tattle.flush(5000)), true, 'flush resolved before its timeout');
  return page.evaluate(() => Tattle.lastEventId());
}

function newestFrame(event) {
  const frames = event.exception.values[0].stacktrace?.frames ?? [];
  assert.ok(frames.length > 0, `frames present: ${JSON.stringify(event.exception)}`);
  return frames[frames.length - 1];
}

function assertCommon(event) {
  assert.equal(event.release, 'e2e@1.2.3');
  assert.equal(event.environment, 'e2e');
  assert.equal(event.platform, 'javascript');
  assert.match(event.request.url, /\/basic\.html/);
  // The user agent is not personal data; its version must not be mistaken for an IP address.
  assert.match(event.request.headers['User-Agent'], /Chrome\/\d+\.\d+\.\d+\.\d+/);
}

describe('browser package → Bugsink', () => {
  let page, console;
  before(async () => {
    ({ page, console } = await openPage(stack.dsn));
  });

  test('uncaught Error: type, value, handled=false, frame in app.js', async () => {
    const id = await captureVia(page, () => setTimeout(() => throwUncaught()));
    const { data: ev } = await bugsink.findEvent(id);
    const ex = ev.exception.values[0];
    assert.equal(ex.type, 'RangeError');
    assert.equal(ex.value, 'e2e uncaught range error');
    assert.deepEqual(ex.mechanism, { type: 'onerror', handled: false });
    assert.equal(ev.level, 'error');
    const frame = newestFrame(ev);
    assert.equal(frame.function, 'throwUncaught');
    assert.equal(frame.filename, '/app.js');
    assert.equal(frame.lineno, lineOf('throwUncaught'));
    assert.equal(frame.in_app, true);
    assertCommon(ev);
  });

  test('unhandled rejection: mechanism onunhandledrejection', async () => {
    const id = await captureVia(page, () => rejectUnhandled());
    const { data: ev } = await bugsink.findEvent(id);
    const ex = ev.exception.values[0];
    assert.equal(ex.type, 'Error');
    assert.equal(ex.value, 'e2e unhandled rejection');
    assert.deepEqual(ex.mechanism, { type: 'onunhandledrejection', handled: false });
    const frame = newestFrame(ev);
    assert.equal(frame.function, 'rejectUnhandled');
    assert.equal(frame.lineno, lineOf('rejectUnhandled'));
    assertCommon(ev);
  });

  test('thrown string: value kept, location from the error event', async () => {
    const id = await captureVia(page, () => setTimeout(() => throwString()));
    const { data: ev } = await bugsink.findEvent(id);
    const ex = ev.exception.values[0];
    assert.equal(ex.type, 'Error');
    assert.equal(ex.value, 'e2e thrown string');
    assert.deepEqual(ex.mechanism, { type: 'onerror', handled: false });
    const issues = await bugsink.listIssues();
    assert.ok(issues.some((i) => i.calculated_value === 'e2e thrown string'), 'the issue title shows the string');
    const frame = newestFrame(ev);
    assert.equal(frame.filename, '/app.js');
    assert.equal(frame.lineno, lineOf('throwString'));
    assertCommon(ev);
  });

  test('captureMessage at level warning', async () => {
    const id = await captureVia(page, () => Tattle.captureMessage('e2e message', 'warning'));
    const { data: ev } = await bugsink.findEvent(id);
    assert.equal(ev.level, 'warning');
    assert.equal(ev.logentry.formatted, 'e2e message');
    assert.equal(ev.exception, undefined);
    assertCommon(ev);
    const issues = await bugsink.listIssues();
    assert.ok(issues.some((i) => JSON.stringify(i).includes('e2e message')), 'the message is an issue title');
  });

  test('captureException with user, tags and a context', async () => {
    const id = await captureVia(page, () => handledWithScope(Tattle));
    const { data: ev } = await bugsink.findEvent(id);
    const ex = ev.exception.values[0];
    assert.equal(ex.type, 'SyntaxError');
    assert.deepEqual(ex.mechanism, { type: 'generic', handled: true });
    const frames = ev.exception.values[0].stacktrace.frames;
    assert.deepEqual(frames.at(-1), { function: 'JSON.parse', filename: '<anonymous>', abs_path: '<anonymous>', in_app: false });
    const frame = frames.filter((f) => f.in_app).at(-1);
    assert.equal(frame.function, 'handledWithScope');
    assert.equal(frame.lineno, lineOf('handledWithScope'));
    assert.deepEqual(ev.user, { id: 'user-42', email: 'jane@example.com', username: 'jane' });
    assert.deepEqual(ev.tags, { feature: 'checkout', tier: 'gold', attempt: '3' });
    assert.deepEqual(ev.contexts.order, { id: 'o-1', items: 2, total: 19.5 });
    assertCommon(ev);
  });

  test('error chains: cause and AggregateError become linked exceptions', async () => {
    const id = await captureVia(page, () => {
      const root = new TypeError('db timeout');
      const failed = new Error('query failed', { cause: root });
      setTimeout(() => { throw new AggregateError([failed, new RangeError('bad page')], 'checkout failed'); });
    });
    const { data: ev } = await bugsink.findEvent(id);
    const values = ev.exception.values;
    assert.deepEqual(values.map((v) => `${v.type}: ${v.value}`),
      // Breadth first from the captured error, reversed so it comes last (Sentry's order).
      ['TypeError: db timeout', 'RangeError: bad page', 'Error: query failed', 'AggregateError: checkout failed']);
    assert.deepEqual(values.at(-1).mechanism, { type: 'onerror', handled: false, exception_id: 0, is_exception_group: true });
    assert.deepEqual(values[0].mechanism, { type: 'chained', handled: false, source: 'cause', exception_id: 3, parent_id: 1 });
    const issues = await bugsink.listIssues();
    assert.ok(issues.some((i) => i.calculated_type === 'AggregateError'), 'grouped under the captured error');
  });

  test('a cross-origin "Script error." is dropped', async () => {
    const other = await startStaticServer({ '/': pages }); // another port: another origin
    try {
      const before = recorder.bodies.length;
      await page.evaluate((src) => new Promise((resolve) => {
        const s = document.createElement('script');
        s.src = src;
        s.onload = s.onerror = resolve;
        document.head.append(s);
      }), `${other.url}/cross-origin.js`);
      assert.equal(await page.evaluate(() => window.crossOriginLoaded), true, 'the script ran and threw');
      // A marker event after it: once the marker is stored, anything before it was sent too.
      const marker = await captureVia(page, () => Tattle.captureMessage('after cross-origin'));
      await bugsink.findEvent(marker);
      const sent = recorder.bodies.slice(before).map((b) => b.body.toString());
      const events = sent.filter((b) => b.includes('{"type":"event"'));
      assert.equal(events.length, 1, 'only the marker was sent');
      assert.ok(!events[0].includes('Script error'));
      // …and the drop was counted: the flush sent a client report with it.
      const report = sent.find((b) => b.includes('{"type":"client_report"'));
      assert.ok(report, `a client report was sent: ${sent.join('\n---\n')}`);
      const counted = JSON.parse(report.split('\n')[2]).discarded_events;
      assert.deepEqual(counted, [{ reason: 'event_processor', category: 'error', quantity: 1 }]);
    } finally {
      await other.stop();
    }
  });

  test('captureException keeps the event_id its hint gives', async () => {
    const wanted = 'abcdef0123456789abcdef0123456789';
    const id = await captureVia(page, () => Tattle.captureException(new Error('with my id'), { event_id: 'abcdef0123456789abcdef0123456789' }));
    assert.equal(id, wanted);
    const { data: ev } = await bugsink.findEvent(wanted);
    assert.equal(ev.exception.values.at(-1).value, 'with my id');
  });

  test('every envelope sent passes sentry-relay and Bugsink accepted each', async () => {
    assert.ok(recorder.bodies.length >= 5, `recorded ${recorder.bodies.length} envelopes`);
    const verdict = await relayCheck(recorder.bodies.map((b) => b.body));
    assert.ok(verdict.ok, formatProblems(verdict.problems));
    for (const r of recorder.bodies) assert.equal(r.status, 200, `Bugsink answered ${r.status}`);
    assert.deepEqual(bugsink.schemaWarnings, [], 'Bugsink found nothing to warn about');
  });

  test('the page saw no console errors from tattle', () => {
    const own = console.errors.filter((e) => /tattle/i.test(e));
    assert.deepEqual(own, []);
  });
});

describe('bad input never breaks the page', () => {
  test('an invalid DSN logs one clear console error, disables tattle, page keeps working', async () => {
    const { page, console } = await openPage('https://no-key-here.example.com/abc');
    // The DSN is judged once the wasm is loaded: wait (bounded) for the console error.
    const deadline = Date.now() + 5000;
    while (!console.errors.some((e) => /tattle/.test(e)) && Date.now() < deadline) await page.waitForTimeout(20);
    const before = recorder.bodies.length;
    const id = await page.evaluate(() => Tattle.captureException(new Error('x')));
    assert.match(id, /^[0-9a-f]{32}$/);
    await page.click('#count');
    assert.equal(await page.textContent('#count span'), '1');
    const errors = console.errors.filter((e) => /tattle/.test(e));
    assert.equal(errors.length, 1, console.dump());
    assert.match(errors[0], /invalid DSN: missing public key/);
    assert.equal(await page.evaluate(() => Tattle.flush(1000)), false, 'flush says the capture was not delivered');
    assert.equal(recorder.bodies.length, before, 'nothing sent');
    await page.close();
  });

  test('a trap in the wasm core is contained: fresh instance, root scope restored', async () => {
    const { page } = await openPage(stack.dsn, '&build=test'); // the build with the trap hook
    const id = await page.evaluate(async () => {
      Tattle.setUser({ id: 'survivor' });
      Tattle.setTag('phase', 'before-trap');
      Tattle.withScope((scope) => scope.setTag('scoped', 'not-restored'));
      await Tattle.flush(); // the core is loaded
      __tattleTest.trap(); // what a Rust panic does in the npm build
      const id = Tattle.captureException(new Error('after the trap'));
      await Tattle.flush(5000);
      return id;
    });
    const { data: ev } = await bugsink.findEvent(id);
    assert.equal(ev.exception.values[0].value, 'after the trap');
    assert.equal(ev.user.id, 'survivor');
    assert.deepEqual(ev.tags, { phase: 'before-trap' });
    await page.click('#count');
    assert.equal(await page.textContent('#count span'), '1', 'the page still works');
    await page.close();
  });

  test('an empty DSN disables tattle quietly', async () => {
    const { page, console } = await openPage('');
    const id = await page.evaluate(() => Tattle.captureException(new Error('x')));
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(await page.evaluate(() => Tattle.flush(1000)), true);
    assert.deepEqual(console.errors, []);
    await page.close();
  });
});

// The critical path (issue 11): the page loads dist/index.js before it runs; lazy.js and the .wasm
// come at idle or at the first capture, whichever comes first.
describe('what the page loads, and when', () => {
  const loaded = (from) => server.requests.slice(from).map((r) => r.path).filter((p) => p.startsWith('/dist/')).sort();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  test('before idle and any capture, only dist/index.js; the first capture brings the rest, with what happened before', async () => {
    const page = await browser.newPage();
    const log = collectConsole(page);
    // An idle callback that never comes (a page always busy): only the capture can start the load.
    await page.addInitScript(() => {
      window.requestIdleCallback = () => 0;
      window.cancelIdleCallback = () => {};
    });
    try {
      const from = server.requests.length;
      await page.goto(`${server.url}/basic.html?dsn=${encodeURIComponent(stack.dsn)}`);
      await page.waitForFunction(() => window.pageReady === true);
      await page.evaluate(() => console.log('before the first error'));
      await page.click('#count');
      await sleep(1500);
      assert.deepEqual(loaded(from), ['/dist/index.js'], 'before any capture');
      const id = await page.evaluate(() => Tattle.captureException(new Error('the first error')));
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), true, log.dump());
      assert.deepEqual(loaded(from), ['/dist/index.js', '/dist/lazy.js', '/dist/tattle_core_bg.wasm']);
      const { data: ev } = await bugsink.findEvent(id);
      assert.equal(ev.exception.values[0].value, 'the first error');
      const crumbs = ev.breadcrumbs.values.map((c) => [c.category, c.message]);
      assert.deepEqual(crumbs.filter(([c]) => c === 'console' || c === 'ui.click'),
        [['console', 'before the first error'], ['ui.click', 'button#count']], JSON.stringify(crumbs));
    } finally {
      await page.close();
    }
  });

  test('a page that never errors loads the rest at idle, and only once', async () => {
    const page = await browser.newPage();
    try {
      const from = server.requests.length;
      await page.goto(`${server.url}/basic.html?dsn=${encodeURIComponent(stack.dsn)}`);
      await page.waitForFunction(() => window.pageReady === true);
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/dist/lazy.js')),
        null, { timeout: 5000 });
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), true);
      assert.deepEqual(loaded(from), ['/dist/index.js', '/dist/lazy.js', '/dist/tattle_core_bg.wasm']);
      assert.equal(await page.evaluate(() => Tattle.lastEventId()), undefined, 'nothing was captured');
    } finally {
      await page.close();
    }
  });
});
