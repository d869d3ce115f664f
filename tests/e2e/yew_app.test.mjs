// A Yew app (examples/yew_app) using tattle's Rust API in Chromium against Bugsink, with no
// JavaScript of its own: a button reports a handled error with its source chain, another panics
// in its click handler. The panic arrives once (message, file:line, Rust names from the wasm
// frames); the trap that follows it is not reported again by the npm entry on the same page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../support/stack.mjs';
import { startStaticServer } from '../support/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = readFileSync(join(root, 'examples/yew_app/src/lib.rs'), 'utf8').split('\n');
const panicLine = source.findIndex((l) => l.includes('@line panic')) + 1;
let stack, appServer, appDir;

// The event id in an envelope body (its first line is the envelope header).
const envelopeEventId = (body) => JSON.parse(body.toString('utf8').split('\n')[0]).event_id;

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

test("the README's Rust example is this app's entry point, verbatim", () => {
  const lib = source.join('\n');
  const start = lib.slice(lib.indexOf('#[wasm_bindgen(start)]'), lib.indexOf('\n}\n', lib.indexOf('#[wasm_bindgen(start)]')) + 2);
  assert.ok(start.includes('tattle::init'), 'found the entry point');
  assert.ok(readFileSync(join(root, 'README.md'), 'utf8').includes(start), 'README shows the tested code');
});
