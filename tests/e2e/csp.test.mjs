// When tattle's .wasm cannot run (issue 11, item 4): a page under a strict Content-Security-Policy
// (`script-src 'self'`, no 'wasm-unsafe-eval'), the same page with the policy fixed, and a build
// whose .wasm is missing (404), in Debian's Chromium against a real Bugsink, every envelope judged
// by sentry-relay. Under the strict policy tattle says once what to add, and errors still arrive
// in the minimal form (type, mechanism, file:line:column; no message, names or scope); with the
// policy fixed everything arrives in full. Firefox gets the strict policy once too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBugsink } from '../support/bugsink.mjs';
import { startRecorder, dsnVia } from '../support/recorder.mjs';
import { collectConsole, launchChromium, startStaticServer } from '../support/browser.mjs';
import { launchFirefox } from '../support/firefox.mjs';
import { relayCheck, formatProblems } from '../support/relay.mjs';
import { PAGES, lineOf } from '../support/stack.mjs';

const root = join(PAGES, '..', '..', '..');
const dist = join(root, 'dist');
const VERSION = /^version = "(.+)"$/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];
// Text the app handed tattle that must never leave the device without the scrubber.
const SECRETS = ['e2e uncaught range error', 'e2e unhandled rejection', 'not json', 'jane@example.com', 'user-42',
  'checkout', 'o-1', 'my secret message', 'early secret capture', 'kept secret', 'secret-query', 'throwUncaught',
  'rejectUnhandled', 'handledWithScope'];

let bugsink, recorder, server, browser, noWasm, noLazy;
let slowWasm = false; // the .wasm answers after 3 s: a page left meanwhile keeps its captures
let dsn;

before(async () => {
  bugsink = await startBugsink();
  recorder = await startRecorder(bugsink.url);
  dsn = dsnVia(bugsink.dsn, recorder);
  // The build without its .wasm, as a bundler that did not copy it leaves it: a real 404.
  noWasm = mkdtempSync(join(tmpdir(), 'tattle-nowasm-'));
  for (const f of ['index.js', 'lazy.js', 'lazy_tr.js']) copyFileSync(join(dist, f), join(noWasm, f));
  // The build without lazy.js (what dist/index.js loads at idle or the first capture): a real 404.
  noLazy = mkdtempSync(join(tmpdir(), 'tattle-nolazy-'));
  for (const f of ['index.js', 'tattle_core_bg.wasm']) copyFileSync(join(dist, f), join(noLazy, f));
  const recorderOrigin = new URL(recorder.url).origin;
  // A production-like policy: everything from the page's own origin, events to the DSN's host.
  const policies = {
    strict: `default-src 'self'; script-src 'self'; connect-src 'self' ${recorderOrigin}`,
    fixed: `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${recorderOrigin}`,
    // No script-src: default-src governs scripts, and WebAssembly with them.
    fixedDefault: `default-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${recorderOrigin}`,
    // 'unsafe-eval' allows WebAssembly too, and eval with it (what the README advises against).
    unsafeEval: `default-src 'self'; script-src 'self' 'unsafe-eval'; connect-src 'self' ${recorderOrigin}`,
  };
  const page = readFileSync(join(PAGES, 'csp.html'));
  server = await startStaticServer({
    '/dist/': dist,
    '/nowasm/': noWasm,
    '/nolazy/': noLazy,
    '/': PAGES,
    // One origin (one localStorage) whose page comes with the policy the query names.
    '/csp.html': (req, res) => {
      const policy = policies[new URL(req.url, 'http://x').searchParams.get('policy')];
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': policy });
      res.end(page);
    },
    '/dist/tattle_core_bg.wasm': async (req, res) => {
      if (slowWasm) await new Promise((resolve) => setTimeout(resolve, 3000));
      res.writeHead(200, { 'Content-Type': 'application/wasm', 'Cache-Control': 'no-store' });
      res.end(readFileSync(join(dist, 'tattle_core_bg.wasm')));
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await recorder?.stop();
  await bugsink?.stop();
  if (noWasm) rmSync(noWasm, { recursive: true, force: true });
  if (noLazy) rmSync(noLazy, { recursive: true, force: true });
});

const pageUrl = (policy, extra = '') => `${server.url}/csp.html?policy=${policy}&dsn=${encodeURIComponent(dsn)}${extra}`;

async function open(policy, extra, page) {
  page ??= await browser.newPage();
  const console = collectConsole(page);
  await page.goto(pageUrl(policy, extra));
  await page.waitForFunction(() => window.pageReady === true);
  return { page, console };
}

/** tattle's console errors, once the .wasm settled (flush waits for it, and for what it sent). */
async function tattleErrors(page, console) {
  await page.evaluate(() => Tattle.flush(10000));
  return console.errors.filter((e) => /tattle/.test(e));
}

/** Runs `trigger` in the page and returns the id tattle gave the capture it caused. */
async function captured(page, trigger, arg) {
  const prev = await page.evaluate(() => Tattle.lastEventId() ?? null);
  await page.evaluate(trigger, arg);
  await page.waitForFunction((p) => (Tattle.lastEventId() ?? null) !== p, prev, { timeout: 5000 });
  return page.evaluate(() => Tattle.lastEventId());
}

const eventBodies = (from = 0) => recorder.bodies.slice(from).map((b) => b.body.toString()).filter((b) => b.includes('{"type":"event"'));

/** The minimal form: only what the scrubber never has to judge. */
function assertMinimal(ev, why) {
  assert.deepEqual(Object.keys(ev).filter((k) => !['event_id', 'timestamp', 'platform', 'level', 'release', 'environment',
    'dist', 'sdk', 'extra', 'exception', 'logentry'].includes(k)), [], `no other fields: ${JSON.stringify(ev)}`);
  assert.equal(ev.platform, 'javascript');
  assert.equal(ev.release, 'csp@1.0.0');
  assert.equal(ev.environment, 'e2e');
  assert.equal(ev.dist, 'd7');
  assert.deepEqual(ev.sdk, { name: 'tattle.javascript', version: VERSION });
  assert.deepEqual(Object.keys(ev.extra), ['tattle.minimal']);
  assert.match(ev.extra['tattle.minimal'], why);
  for (const ex of ev.exception?.values ?? []) {
    assert.equal(ex.value, undefined, 'no exception message');
    for (const f of ex.stacktrace?.frames ?? []) assert.deepEqual(Object.keys(f), ['filename', 'lineno', 'colno']);
  }
}

const newest = (ev) => ev.exception.values[0].stacktrace.frames.at(-1);

describe('strict CSP: script-src without wasm-unsafe-eval', () => {
  let page, console, from;
  const ids = {};
  before(async () => {
    from = recorder.bodies.length;
    ({ page, console } = await open('strict', '&early=1'));
    ids.early = await page.evaluate(() => window.earlyId);
  });

  test('one console error naming the directive to add', async () => {
    const errors = await tattleErrors(page, console);
    assert.equal(errors.length, 1, console.dump());
    assert.match(errors[0], /'wasm-unsafe-eval'/);
    assert.match(errors[0], /script-src/);
    assert.equal(console.messages.filter((m) => m.type === 'error').length, 1, `no other console error: ${console.dump()}`);
  });

  test('errors arrive in the minimal form, with nothing the scrubber would judge', async () => {
    ids.uncaught = await captured(page, () => setTimeout(() => throwUncaught()));
    ids.rejection = await captured(page, () => rejectUnhandled());
    ids.handled = await captured(page, () => handledWithScope(Tattle));
    ids.message = await captured(page, () => Tattle.captureMessage('my secret message', 'warning'));
    assert.equal(await page.evaluate(() => Tattle.flush(5000)), false, 'flush: not delivered in full');
    const csp = /'wasm-unsafe-eval'/;

    const uncaught = (await bugsink.findEvent(ids.uncaught)).data;
    assertMinimal(uncaught, csp);
    assert.equal(uncaught.level, 'error');
    assert.equal(uncaught.exception.values.length, 1);
    assert.equal(uncaught.exception.values[0].type, 'RangeError');
    assert.deepEqual(uncaught.exception.values[0].mechanism, { type: 'onerror', handled: false });
    // The file without its query, line and column as the engine gave them.
    assert.deepEqual(newest(uncaught), { filename: `${server.url}/app.js`, lineno: lineOf('throwUncaught'), colno: 9 });

    const rejection = (await bugsink.findEvent(ids.rejection)).data;
    assertMinimal(rejection, csp);
    assert.equal(rejection.exception.values[0].type, 'Error');
    assert.deepEqual(rejection.exception.values[0].mechanism, { type: 'onunhandledrejection', handled: false });
    assert.equal(newest(rejection).lineno, lineOf('rejectUnhandled'));

    const handled = (await bugsink.findEvent(ids.handled)).data;
    assertMinimal(handled, csp);
    assert.equal(handled.exception.values[0].type, 'SyntaxError');
    assert.deepEqual(handled.exception.values[0].mechanism, { type: 'generic', handled: true });
    assert.ok(handled.exception.values[0].stacktrace.frames.some((f) => f.lineno === lineOf('handledWithScope')));

    const message = (await bugsink.findEvent(ids.message)).data;
    assertMinimal(message, csp);
    assert.equal(message.level, 'warning');
    assert.deepEqual(message.logentry, { formatted: '[message withheld]' });

    // A capture made while the .wasm was loading went the same way.
    const early = (await bugsink.findEvent(ids.early)).data;
    assertMinimal(early, csp);
    assert.equal(early.exception.values[0].type, 'TypeError');
  });

  test('no message, name or scope data in anything sent; Relay finds every envelope valid', async () => {
    const sent = recorder.bodies.slice(from);
    for (const body of sent.map((b) => b.body.toString())) {
      for (const secret of SECRETS) assert.ok(!body.includes(secret), `"${secret}" was sent: ${body}`);
    }
    const verdict = await relayCheck(sent);
    assert.ok(verdict.ok, formatProblems(verdict.problems));
    for (const r of sent) assert.equal(r.status, 200);
    assert.deepEqual(bugsink.schemaWarnings, []);
  });

  test("the page's own handlers saw only the page's errors", async () => {
    assert.deepEqual(await page.evaluate(() => window.pageSaw), ['error: e2e uncaught range error', 'rejection: e2e unhandled rejection']);
    assert.equal((await tattleErrors(page, console)).length, 1, 'still one console error from tattle');
  });

  test('ignoreErrors and beforeSend hold for the minimal form; their drops are counted', async () => {
    const { page: filtered } = await open('strict', '&filters=1');
    const start = recorder.bodies.length;
    const ids = await filtered.evaluate(() => [
      Tattle.captureException(new Error('please ignore me')),
      Tattle.captureException(new URIError('dropped by beforeSend')),
      Tattle.captureException(new TypeError('kept')),
    ]);
    assert.equal(await filtered.evaluate(() => Tattle.flush(5000)), false);
    const bodies = recorder.bodies.slice(start).map((b) => b.body.toString());
    const events = bodies.filter((b) => b.includes('{"type":"event"'));
    assert.equal(events.length, 1, events.join('\n'));
    assert.ok(events[0].includes(ids[2]));
    assertMinimal((await bugsink.findEvent(ids[2])).data, /'wasm-unsafe-eval'/);
    const report = bodies.find((b) => b.includes('{"type":"client_report"'));
    const counted = Object.fromEntries(JSON.parse(report.split('\n')[2]).discarded_events.map((d) => [d.reason, d.quantity]));
    assert.deepEqual(counted, { event_processor: 1, before_send: 1 });
    await filtered.close();
  });

  test('a storm is capped and counted: 100 a minute, identical ones once', async () => {
    const { page: stormPage } = await open('strict');
    const start = recorder.bodies.length;
    const result = await stormPage.evaluate(async () => {
      for (let i = 0; i < 20; i++) Tattle.captureException(new Error('same'));
      for (let i = 0; i < 150; i++) Tattle.captureException(new Error(`distinct ${i}`));
      return Tattle.flush(20000);
    });
    assert.equal(result, false);
    const bodies = recorder.bodies.slice(start).map((b) => b.body.toString());
    assert.equal(bodies.filter((b) => b.includes('{"type":"event"')).length, 100);
    const report = bodies.find((b) => b.includes('{"type":"client_report"'));
    assert.ok(report, 'a client report');
    const counted = Object.fromEntries(JSON.parse(report.split('\n')[2]).discarded_events.map((d) => [d.reason, d.quantity]));
    assert.deepEqual(counted, { event_processor: 19, ratelimit_backoff: 51 });
    await stormPage.close();
  });
});

describe('captures a page kept while the .wasm loaded', () => {
  test('sent once, minimal, on the next strict load; the next load with the policy fixed replays nothing', async () => {
    const page = await browser.newPage(); // one context: one localStorage for all three loads
    try {
      slowWasm = true;
      await open('strict', '', page);
      const kept = await captured(page, () => Tattle.captureException(new Error('kept secret')));
      await page.goto('about:blank'); // pagehide while the .wasm is still on its way
      slowWasm = false;
      const stored = await (async () => {
        await page.goto(`${server.url}/basic.html`); // same origin, no tattle
        return page.evaluate(() => localStorage.getItem('tattle:early'));
      })();
      assert.ok(stored && stored.includes(kept), `kept in localStorage: ${stored}`);

      const from = recorder.bodies.length;
      const strict = await open('strict', '', page);
      assert.equal(await strict.page.evaluate(() => Tattle.flush(5000)), false);
      const ev = (await bugsink.findEvent(kept)).data;
      assertMinimal(ev, /'wasm-unsafe-eval'/);
      assert.equal(await page.evaluate(() => localStorage.getItem('tattle:early')), null, 'taken out of localStorage');

      await open('fixed', '', page);
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), true);
      const sentWithId = eventBodies(from).filter((b) => b.includes(kept));
      assert.equal(sentWithId.length, 1, 'sent once');
    } finally {
      slowWasm = false;
      await page.close();
    }
  });
});

describe("the same page with 'wasm-unsafe-eval' added", () => {
  test('full events, flush true, no console error; eval stays forbidden', async () => {
    const { page, console } = await open('fixed');
    assert.equal(await page.evaluate(() => window.evalAllowed), false);
    const id = await captured(page, () => setTimeout(() => throwUncaught()));
    const handled = await captured(page, () => handledWithScope(Tattle));
    assert.equal(await page.evaluate(() => Tattle.flush(5000)), true);
    const ev = (await bugsink.findEvent(id)).data;
    assert.equal(ev.exception.values[0].value, 'e2e uncaught range error');
    assert.equal(newest(ev).function, 'throwUncaught');
    assert.equal(ev.extra?.['tattle.minimal'], undefined);
    const full = (await bugsink.findEvent(handled)).data;
    assert.equal(full.user.email, 'jane@example.com');
    assert.deepEqual(await tattleErrors(page, console), []);
    await page.close();
  });

  for (const [policy, evalAllowed] of [['fixedDefault', false], ['unsafeEval', true]]) {
    test(`${policy}: full events too (eval ${evalAllowed ? 'allowed' : 'forbidden'})`, async () => {
      const { page, console } = await open(policy);
      assert.equal(await page.evaluate(() => window.evalAllowed), evalAllowed);
      const id = await captured(page, (text) => Tattle.captureException(new Error(text)), policy);
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), true);
      assert.equal((await bugsink.findEvent(id)).data.exception.values[0].value, policy);
      assert.deepEqual(await tattleErrors(page, console), []);
      await page.close();
    });
  }
});

describe('the .wasm missing (404)', () => {
  test('the console error names the URL and the fix; errors arrive minimal; flush false', async () => {
    const { page, console } = await open('fixed', '&dist=nowasm');
    const errors = await tattleErrors(page, console);
    assert.equal(errors.length, 1, console.dump());
    assert.ok(errors[0].includes(`${server.url}/nowasm/tattle_core_bg.wasm`), errors[0]);
    assert.match(errors[0], /HTTP 404/);
    assert.match(errors[0], /copy tattle_core_bg\.wasm there or set the wasmUrl option/);
    const id = await captured(page, () => setTimeout(() => throwUncaught()));
    assert.equal(await page.evaluate(() => Tattle.flush(5000)), false);
    const ev = (await bugsink.findEvent(id)).data;
    assertMinimal(ev, /HTTP 404/);
    assert.equal(ev.exception.values[0].type, 'RangeError');
    await page.close();
  });
  test('with tracing on, the console error names the tracing build\'s .wasm and its file', async () => {
    const { page, console } = await open('fixed', '&dist=nowasm&tracing=1');
    const errors = await tattleErrors(page, console);
    assert.equal(errors.length, 1, console.dump());
    assert.ok(errors[0].includes(`${server.url}/nowasm/tattle_core_tr_bg.wasm (HTTP 404)`), errors[0]);
    assert.match(errors[0], /copy tattle_core_tr_bg\.wasm there or set the wasmUrl option/);
    const id = await captured(page, () => setTimeout(() => throwUncaught()));
    assert.equal(await page.evaluate(() => Tattle.flush(5000)), false);
    assertMinimal((await bugsink.findEvent(id)).data, /tattle_core_tr_bg\.wasm \(HTTP 404\)/);
    await page.close();
  });
});

describe('the .wasm missing and the DSN invalid', () => {
  test('one console error says both, and that nothing is sent; flush false; the page sees nothing', async () => {
    const page = await browser.newPage();
    const console = collectConsole(page);
    const before = recorder.bodies.length;
    await page.goto(`${server.url}/csp.html?policy=fixed&dsn=not-a-dsn&dist=nowasm`);
    await page.waitForFunction(() => window.pageReady === true);
    const errors = await tattleErrors(page, console);
    assert.equal(errors.length, 1, console.dump());
    assert.match(errors[0], /HTTP 404/);
    assert.match(errors[0], /DSN is not valid either: nothing is sent/);
    await page.evaluate(() => { Tattle.captureException(new Error('nowhere to go')); setTimeout(() => throwUncaught()); });
    assert.equal(await page.evaluate(() => Tattle.flush(3000)), false);
    assert.equal(recorder.bodies.length, before, 'nothing was sent');
    assert.deepEqual(await page.evaluate(() => window.pageSaw), ['error: e2e uncaught range error']);
    await page.close();
  });
});

describe('Firefox under the strict policy', () => {
  test('the same console error; an uncaught error arrives minimal', async () => {
    const firefox = await launchFirefox();
    try {
      const page = await firefox.newPage();
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error' && /tattle/.test(m.text())) errors.push(m.text()); });
      await page.goto(pageUrl('strict'));
      await page.waitForFunction(() => window.pageReady === true, { timeout: 10000 });
      await page.evaluate(() => Tattle.flush(10000));
      const prev = await page.evaluate(() => Tattle.lastEventId() ?? null);
      await page.evaluate(() => setTimeout(() => throwUncaught()));
      await page.waitForFunction((p) => (Tattle.lastEventId() ?? null) !== p, { timeout: 5000 }, prev);
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), false);
      const ev = (await bugsink.findEvent(await page.evaluate(() => Tattle.lastEventId()))).data;
      assertMinimal(ev, /'wasm-unsafe-eval'/);
      assert.equal(ev.exception.values[0].type, 'RangeError');
      assert.equal(newest(ev).lineno, lineOf('throwUncaught'));
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0], /'wasm-unsafe-eval'/);
    } finally {
      await firefox.close();
    }
  });
});

describe('lazy.js missing (404)', () => {
  test('one console error names it; flush false; the captures wait in localStorage for the next page', async () => {
    const page = await browser.newPage(); // one context: one localStorage for all loads
    try {
      const { console } = await open('fixed', '&dist=nolazy', page);
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), false);
      const kept = await captured(page, () => Tattle.captureException(new Error('kept while lazy.js was missing')));
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), false);
      const errors = console.errors.filter((e) => /tattle/.test(e));
      assert.equal(errors.length, 1, console.dump());
      assert.match(errors[0], /could not load or start lazy\.js/);
      await page.goto(`${server.url}/basic.html`); // pagehide; same origin, no tattle
      assert.ok((await page.evaluate(() => localStorage.getItem('tattle:early')) ?? '').includes(kept), 'kept in localStorage');

      await open('fixed', '', page);
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), true);
      assert.equal((await bugsink.findEvent(kept)).data.exception.values[0].value, 'kept while lazy.js was missing');
      assert.equal(await page.evaluate(() => localStorage.getItem('tattle:early')), null, 'taken out of localStorage');
    } finally {
      await page.close();
    }
  });
});
