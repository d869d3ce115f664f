// A Yew app (examples/yew_app) using tattle's Rust API in Chromium against Bugsink, with no
// JavaScript of its own: a button reports a handled error with its source chain, another panics
// in its click handler. The panic arrives once (message, file:line, Rust names from the wasm
// frames); the trap that follows it is not reported again by the npm entry on the same page.
// The Rust API delivers through the npm entry's policy (www/delivery.js as a snippet): a panic
// captured while the server is down waits in IndexedDB and arrives when it is back, although
// the trap killed the app's instance; a server quota (429) is honoured and its drops reported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../support/stack.mjs';
import { startStaticServer } from '../support/browser.mjs';
import { freePort, startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { sleep, until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = readFileSync(join(root, 'examples/yew_app/src/lib.rs'), 'utf8').split('\n');
const panicLine = source.findIndex((l) => l.includes('@line panic')) + 1;
let stack, appServer, appDir;

// The event id in an envelope body (its first line is the envelope header).
const envelopeEventId = (body) => JSON.parse(body.toString('utf8').split('\n')[0]).event_id;

/** Event envelopes the recorder saw: id, when, and Bugsink's status (none: the connection failed). */
const eventPosts = (recorder) => recorder.requests
  .filter((r) => r.body.includes('{"type":"event"'))
  .map((r) => ({ id: envelopeEventId(r.body), at: r.at, status: r.status, error: r.error }));

const clientReports = (recorder) => recorder.bodies
  .filter((b) => b.body.includes('{"type":"client_report"'))
  .flatMap((b) => JSON.parse(b.body.toString().split('\n')[2]).discarded_events);

/** Ids of the envelopes waiting in the page's offline store (www/store.js: IndexedDB "tattle"). */
const storedIds = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const open = indexedDB.open('tattle');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('envelopes')) return resolve([]);
    const all = db.transaction('envelopes').objectStore('envelopes').getAllKeys();
    all.onsuccess = () => { db.close(); resolve(all.result); };
    all.onerror = () => reject(all.error);
  };
}));

/** The Yew app's page, its tattle (Rust API and the npm entry alike) sending to `dsn`. */
async function openApp(dsn) {
  const page = await stack.browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${appServer.url}/yew-app.html?dsn=${encodeURIComponent(dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);
  return { page, pageErrors };
}

before(async () => {
  assert.ok(panicLine > 0, 'the @line panic marker is in examples/yew_app/src/lib.rs');
  // Build the example as an app would: release (panic = abort), wasm-bindgen --target web.
  appDir = mkdtempSync(join(tmpdir(), 'tattle-yew-app-'));
  execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'yew_app'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', appDir,
    join(root, 'target/wasm32-unknown-unknown/release/yew_app.wasm')], { cwd: root });
  stack = await startStack();
  // The page and the app share one origin: the stack's server plus /app/ from here.
  appServer = await startStaticServer({ '/app/': appDir, '/dist/': join(root, 'dist'), '/': join(root, 'tests/e2e/pages') });
}, { timeout: 15 * 60 * 1000 });
after(async () => {
  await appServer?.stop();
  await stack?.stop();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

test('Yew app: a handled error from a click, and a panic in a click handler', async () => {
  const { bugsink, recorder } = stack;
  const page = await stack.browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${appServer.url}/yew-app.html?dsn=${encodeURIComponent(stack.dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);

  // The handled error: the app shows the event id capture_error returned.
  await page.click('#save');
  await page.waitForFunction(() => document.querySelector('#event-id')?.textContent.length === 32);
  const errorId = await page.textContent('#event-id');
  const { data: err } = await bugsink.findEvent(errorId);
  assert.deepEqual(err.exception.values.map((v) => [v.type, v.value]),
    [['ParseIntError', 'invalid digit found in string'], ['ConfigError', 'bad port in config']]);
  // Oldest first: the source, chained to the error capture_error was given. The types are
  // the start of each error's Debug form, as sentry-rust names them.
  assert.deepEqual(err.exception.values.map((v) => v.mechanism), [
    { type: 'chained', handled: true, source: 'source', exception_id: 1, parent_id: 0 },
    { type: 'generic', handled: true, exception_id: 0 },
  ]);
  assert.equal(err.level, 'error');
  assert.equal(err.platform, 'native');
  assert.equal(err.release, 'yew_app@0.1.0');
  assert.equal(err.environment, 'e2e');
  assert.equal(err.tags.app, 'yew_app');
  assert.equal(err.user.id, '42');
  assert.equal(err.user.username, 'ada');

  // The panic: Yew's click listener traps the module; the RuntimeError reaches window.onerror.
  await page.click('#checkout');
  await page.waitForFunction(() => window.__tattlePanicAt !== undefined, null, { timeout: 5000 })
    .catch(() => assert.fail(`tattle's panic hook did not run (replaced by Yew's?); page errors: ${pageErrors.join(' | ')}`));
  await recorder.waitFor(2);
  const panicId = envelopeEventId(recorder.bodies[1].body);
  const { data: panic } = await bugsink.findEvent(panicId);
  if (process.env.TATTLE_DUMP) console.error(JSON.stringify(panic, null, 1));
  const ex = panic.exception.values.at(-1);
  assert.equal(ex.type, 'panic');
  assert.equal(ex.value, 'cart has 5 items, the limit is 3');
  assert.deepEqual(ex.mechanism, { type: 'panic', handled: false });
  assert.equal(panic.level, 'fatal');
  assert.equal(panic.platform, 'native');
  assert.equal(panic.tags.app, 'yew_app');
  assert.equal(panic.user.id, '42');
  const frames = ex.stacktrace.frames;
  assert.deepEqual(frames.at(-1), {
    filename: 'examples/yew_app/src/lib.rs', abs_path: 'examples/yew_app/src/lib.rs',
    lineno: panicLine, colno: 9, in_app: true,
  });
  // Demangled Rust names from the wasm frames, oldest first: Yew's click dispatch, the
  // component's click handler, the app's function that panicked.
  const names = frames.map((f) => f.function ?? '');
  const shown = names.join(' | ');
  const at = (test) => names.findIndex(test);
  const yewDispatch = at((n) => n.startsWith('<yew::html::listener::events::onclick::Wrapper as yew::'));
  const handler = at((n) => /^<yew_app::App as yew::functional::FunctionProvider>::run::app::\{\{closure\}\}$/.test(n));
  const failed = at((n) => n === 'yew_app::cart_total');
  assert.ok(yewDispatch >= 0 && handler > yewDispatch && failed > handler, `Yew → handler → cart_total: ${shown}`);
  assert.match(frames[failed].instruction_addr ?? '', /^0x[0-9a-f]+$/, 'a wasm frame');
  assert.notEqual(frames[failed].in_app, false);
  assert.ok(!names.some((n) => /^_ZN|^_R[0-9A-Z]/.test(n)), `no mangled names: ${shown}`);
  assert.ok(pageErrors.some((e) => /unreachable/.test(e)), `the trap did happen: ${pageErrors.join(' | ')}`);
  assert.equal(await page.textContent('#total'), '0', 'the panicking handler set nothing');
  assert.equal(await page.evaluate(() => Error.stackTraceLimit), 10, 'the hook put V8\'s stack limit back');

  // A marker after the trap: once it is stored, nothing for the RuntimeError came before it.
  const marker = await page.evaluate(async () => {
    const id = Tattle.captureMessage('after the panic');
    await Tattle.flush(5000);
    return id;
  });
  await bugsink.findEvent(marker);
  assert.deepEqual(recorder.bodies.map((b) => envelopeEventId(b.body)), [errorId, panicId, marker],
    'error, panic, marker: the trap was not sent again');
  assert.equal((await bugsink.listEvents()).length, 3, 'error, panic, marker stored');
});

test("the app's wasm exports only the app: none of the npm entry's JavaScript API", () => {
  const dts = readFileSync(join(appDir, 'yew_app.d.ts'), 'utf8');
  const exports = [...dts.slice(dts.indexOf('interface InitOutput')).matchAll(/readonly (\w+):/g)].map((m) => m[1]);
  assert.ok(exports.includes('start'), `the app's own export is there: ${exports}`);
  const npmApi = ['init', 'captureException', 'captureMessage', 'captureEvent', 'envelopeFor', 'setUser', 'setTag',
    'addBreadcrumb', 'takeDiscards', 'endpoint', 'transaction', 'session', 'shutdown'];
  assert.deepEqual(exports.filter((e) => npmApi.includes(e)), []);
});

test("the README's Rust example is this app's entry point, verbatim", () => {
  const lib = source.join('\n');
  const start = lib.slice(lib.indexOf('#[wasm_bindgen(start)]'), lib.indexOf('\n}\n', lib.indexOf('#[wasm_bindgen(start)]')) + 2);
  assert.ok(start.includes('tattle::init'), 'found the entry point');
  assert.ok(readFileSync(join(root, 'README.md'), 'utf8').includes(start), 'README shows the tested code');
});

test('Yew app, server down: the panic waits in IndexedDB, is retried with backoff, and arrives when the server is back', { timeout: 120000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tattle-yew-down-'));
  const port = await freePort();
  let bugsink = await startBugsink({ dir, port });
  // When Bugsink is down the pass-through resets the connection, as the down server would.
  // Its log hook runs as each request arrives: the time of each try.
  const recorder = await startRecorder(bugsink.url, {
    mirrorDown: true,
    log: () => { recorder.requests.at(-1).at = Date.now(); },
  });
  let page;
  try {
    await bugsink.stop();
    ({ page } = await openApp(dsnVia(bugsink.dsn, recorder)));
    await page.click('#checkout');
    await page.waitForFunction(() => window.__tattlePanicAt !== undefined, null, { timeout: 5000 });
    // Sent at once from the hook, failed; then retried after 1 s, 2 s … (± 50 % jitter) by the
    // delivery, which is JavaScript: the trap that ended the app's instance did not end it.
    const tries = await until('two failed tries of the panic', () => {
      const posts = eventPosts(recorder);
      return posts.length >= 2 && posts.every((p) => p.status || p.error) && posts;
    }, { timeoutMs: 15000, everyMs: 50 });
    const panicId = tries[0].id;
    assert.ok(tries.every((t) => t.id === panicId && t.status === undefined && t.error), 'the same envelope, each try a network failure');
    assert.ok(tries[1].at - tries[0].at >= 400, `a backoff between tries, not a loop (${tries[1].at - tries[0].at} ms)`);
    assert.deepEqual(await until('the panic in IndexedDB', async () => {
      const ids = await storedIds(page);
      return ids.includes(panicId) && ids;
    }), [panicId], 'the panic waits in the offline store');

    bugsink = await startBugsink({ dir, port, resume: true }); // same port, same data
    const backAt = Date.now();
    // No reload, no `online` event: the delivery's own next retry (≤ ~6 s after this backoff).
    const { data: panic } = await bugsink.findEvent(panicId, { timeoutMs: 60000 });
    const waited = Date.now() - backAt;
    assert.equal(panic.exception.values.at(-1).type, 'panic');
    assert.equal(panic.exception.values.at(-1).value, 'cart has 5 items, the limit is 3');
    assert.equal(panic.level, 'fatal');
    await until('the store emptied', async () => (await storedIds(page)).length === 0);
    const posts = eventPosts(recorder);
    assert.equal(posts.filter((p) => p.status === 200).length, 1, 'accepted once, by its retry');
    assert.ok(posts.every((p) => p.id === panicId), 'nothing else was sent: the trap was not reported');
    console.error(`[yew down] ${posts.length - 1} failed tries, then accepted ${waited} ms after Bugsink came back`);
  } finally {
    await page?.close();
    await recorder.stop();
    await bugsink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Yew app, server quota (429): nothing sent while limited, the drops reported after', { timeout: 150000 }, async () => {
  // Bugsink's own quota, a real 429 with X-Sentry-Rate-Limits: 60::key (every category).
  const bugsink = await startBugsink({ maxEventsPerProjectPer5Minutes: 2 });
  const recorder = await startRecorder(bugsink.url);
  let page;
  try {
    ({ page } = await openApp(dsnVia(bugsink.dsn, recorder)));
    const reported = () => page.textContent('#event-id');
    // One handled error at a time until Bugsink answers 429.
    for (let n = 0; n < 10 && !eventPosts(recorder).some((p) => p.status === 429); n++) {
      const before = await reported();
      await page.click('#save');
      await page.waitForFunction((b) => document.querySelector('#event-id').textContent !== b, before);
      await recorder.waitFor(n + 1);
    }
    const posts = eventPosts(recorder);
    assert.equal(posts.at(-1).status, 429, `Bugsink's quota answered 429 after ${posts.length} events`);
    assert.match(String(recorder.bodies.at(-1).responseHeaders['x-sentry-rate-limits']), /^60::key/);
    const limitedAt = recorder.requests.length;
    const held = [];
    for (let i = 0; i < 3; i++) {
      const before = await reported();
      await page.click('#save');
      await page.waitForFunction((b) => document.querySelector('#event-id').textContent !== b, before);
      held.push(await reported());
    }
    assert.equal(new Set(held).size, 3, 'each capture still returns its event id');
    await sleep(3000);
    assert.equal(recorder.requests.length, limitedAt, 'no request at all while the limit lasts');
    // The limit covers client reports too (60 s); the report goes when it ends.
    const drops = await until('the client report after the limit', () => {
      const d = clientReports(recorder).filter((x) => x.reason === 'ratelimit_backoff');
      return d.length && d;
    }, { timeoutMs: 100000, everyMs: 500 });
    assert.ok(drops.every((d) => d.category === 'error'));
    assert.equal(drops.reduce((sum, d) => sum + d.quantity, 0), 4, 'the refused event and the 3 held back');
    assert.ok(!eventPosts(recorder).some((p) => held.includes(p.id)), 'the held-back events were never sent');
  } finally {
    await page?.close();
    await recorder.stop();
    await bugsink.stop();
  }
});
