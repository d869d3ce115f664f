// A Rust wasm app (examples/panic_app) using tattle's Rust API in Chromium against Bugsink: a
// handled error with its source chain, and a panic reported by the panic hook before the trap,
// with message, file:line and the Rust function names from the wasm frames. Drops the core
// counts reach the delivery's client report. A transaction from the Rust API (start_transaction,
// a child span, its sentry-trace header) leaves through the same delivery and passes Relay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../support/stack.mjs';
import { startStaticServer } from '../support/browser.mjs';
import { until } from '../support/wait.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = readFileSync(join(root, 'examples/panic_app/src/lib.rs'), 'utf8').split('\n');
const panicLine = source.findIndex((l) => l.includes('@line panic')) + 1;
let stack, appServer, appDir;

before(async () => {
  // Build the example as an app would: release (panic = abort), wasm-bindgen --target web.
  appDir = mkdtempSync(join(tmpdir(), 'tattle-rust-app-'));
  execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'panic_app'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', appDir,
    join(root, 'target/wasm32-unknown-unknown/release/panic_app.wasm')], { cwd: root });
  stack = await startStack();
  // The page and the app share one origin: the stack's server plus /app/ from here.
  appServer = await startStaticServer({ '/app/': appDir, '/dist/': join(root, 'dist'), '/': join(root, 'tests/e2e/pages') });
});
after(async () => {
  await appServer?.stop();
  await stack?.stop();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

test('Rust app: handled error with its source, and a panic reported before the trap', async () => {
  const { bugsink } = stack;
  const page = await stack.browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${appServer.url}/rust-app.html?dsn=${encodeURIComponent(stack.dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);
  assert.equal(await page.evaluate(() => window.appStarted), true);

  const errorId = await page.evaluate(() => app.report_error());
  const { data: err } = await bugsink.findEvent(errorId);
  assert.deepEqual(err.exception.values.map((v) => v.value), ['invalid digit found in string', 'bad port in config']);
  assert.equal(err.exception.values[0].mechanism.source, 'source');
  assert.equal(err.tags.app, 'panic_app');
  assert.equal(err.platform, 'native');

  // The panic traps the app's module; uncaught, the RuntimeError reaches window.onerror.
  await page.evaluate(() => setTimeout(() => app.checkout(5)));
  await page.waitForFunction(() => window.__tattlePanicAt !== undefined, { timeout: 5000 });
  let panic;
  for (let i = 0; i < 100 && !panic; i++) {
    const events = await bugsink.listEvents();
    const ids = events.map((e) => e.event_id).filter((id) => id !== errorId);
    for (const id of ids) {
      const { data } = await bugsink.findEvent(id);
      if (data.exception?.values.at(-1).mechanism.type === 'panic') panic = data;
    }
    if (!panic) await page.waitForTimeout(100);
  }
  assert.ok(panic, 'the panic event arrived');
  const ex = panic.exception.values.at(-1);
  assert.equal(ex.type, 'panic');
  assert.equal(ex.value, 'cart has 5 items, the limit is 3');
  assert.deepEqual(ex.mechanism, { type: 'panic', handled: false });
  assert.equal(panic.level, 'fatal');
  const frames = ex.stacktrace.frames;
  assert.deepEqual(frames.at(-1), {
    filename: 'examples/panic_app/src/lib.rs', abs_path: 'examples/panic_app/src/lib.rs',
    lineno: panicLine, colno: 9, in_app: true,
  });
  const names = frames.map((f) => f.function).filter(Boolean);
  assert.ok(names.includes('panic_app::compute_total'), `Rust names from the wasm frames: ${names.join(' | ')}`);
  assert.ok(frames.some((f) => f.function === 'panic_app::compute_total' && f.instruction_addr?.startsWith('0x')));
  assert.ok(pageErrors.some((e) => /unreachable/.test(e)), 'the trap did happen');

  // A marker after the trap: once it is stored, no event for the RuntimeError came before it.
  const marker = await page.evaluate(async () => {
    const id = Tattle.captureMessage('after the panic');
    await Tattle.flush(5000);
    return id;
  });
  await bugsink.findEvent(marker);
  const all = await bugsink.listEvents();
  assert.equal(all.length, 3, 'error, panic, marker: the trap was not reported again');
});

test("Rust app: a drop the core counts reaches the delivery's client report", async () => {
  const { recorder } = stack;
  const page = await stack.browser.newPage();
  // A fetch that captures again while tattle sends (as a patched fetch might): tattle drops
  // that capture instead of looping, and counts it (internal_sdk_error). Only a fetch the Rust
  // app's delivery makes (its envelope POST) does it: the npm entry on the same page fetches its
  // own .wasm at idle through this fetch too, which is no send of the Rust app's.
  await page.addInitScript(() => {
    const fetch = window.fetch;
    window.fetch = function (...args) {
      if (window.app && !window.innerId && /\/envelope\//.test(String(args[0])) && /panic_app/.test(new Error().stack)) {
        window.innerId = window.app.report_error();
      }
      return fetch.apply(this, args);
    };
  });
  await page.goto(`${appServer.url}/rust-app.html?dsn=${encodeURIComponent(stack.dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);
  const outerId = await page.evaluate(() => app.report_error());
  const innerId = await page.evaluate(() => window.innerId);
  assert.match(innerId ?? '', /^[0-9a-f]{32}$/, 'the capture from inside the transport returned an id');
  await stack.bugsink.findEvent(outerId);
  // Leaving the page: the delivery sends its client report (keepalive) on pagehide.
  await page.goto(`${appServer.url}/basic.html`);
  const reports = () => recorder.bodies
    .filter((b) => b.body.includes('{"type":"client_report"'))
    .flatMap((b) => JSON.parse(b.body.toString().split('\n')[2]).discarded_events);
  const drops = await until('the client report', () => reports().length && reports(), { timeoutMs: 10000 });
  assert.deepEqual(drops, [{ reason: 'internal_sdk_error', category: 'error', quantity: 1 }]);
  assert.ok(!recorder.bodies.some((b) => b.body.includes(innerId)), 'the inner capture was not sent');
  await page.close();
});

test('Rust app: a transaction with a child span, its sentry-trace header, through the delivery', async () => {
  const { recorder } = stack;
  const page = await stack.browser.newPage();
  await page.goto(`${appServer.url}/rust-app.html?dsn=${encodeURIComponent(stack.dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);
  const header = await page.evaluate(() => app.traced_checkout(2));
  const [traceId, spanId, sampled] = header.split('-');
  assert.match(traceId, /^[0-9a-f]{32}$/);
  assert.match(spanId, /^[0-9a-f]{16}$/);
  assert.equal(sampled, '1', 'traces_sample_rate 1.0: sampled');
  const sent = await until('the transaction envelope', () => recorder.bodies.find((b) => b.body.includes('{"type":"transaction"')), { timeoutMs: 10000 });
  const [envHeader, , tx] = sent.body.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(tx.type, 'transaction');
  assert.equal(tx.transaction, 'checkout');
  assert.equal(tx.platform, 'native');
  assert.equal(tx.release, 'panic_app@0.1.0');
  assert.equal(tx.tags.items, '2');
  assert.equal(tx.tags.app, 'panic_app', "the scope's tags");
  assert.equal(tx.contexts.trace.trace_id, traceId);
  assert.equal(tx.contexts.trace.op, 'ui.action');
  assert.equal(tx.contexts.trace.status, 'ok');
  assert.equal(tx.spans.length, 1);
  const [span] = tx.spans;
  assert.equal(span.span_id, spanId);
  assert.equal(span.parent_span_id, tx.contexts.trace.span_id);
  assert.equal(span.description, 'GET /api/cart?token=[Filtered]', 'scrubbed on the device');
  assert.deepEqual(span.data, { 'http.response.status_code': 200 });
  assert.ok(span.timestamp >= span.start_timestamp && span.start_timestamp >= tx.start_timestamp);
  assert.equal(envHeader.trace.trace_id, traceId);
  assert.equal(envHeader.trace.sampled, 'true');
  assert.equal(envHeader.trace.sample_rate, '1');
  assert.equal(envHeader.trace.release, 'panic_app@0.1.0');
  assert.equal(envHeader.trace.public_key, new URL(stack.dsn).username);
  const { ok, problems } = await relayCheck([sent.body]);
  assert.ok(ok, formatProblems(problems));
  await page.close();
});
