// A Leptos 0.8 app (examples/leptos_app, CSR) using tattle's Rust API in Chromium against
// Bugsink, with no JavaScript of its own and no tattle call in its views: an `Err` a view
// renders inside an <ErrorBoundary> (tattle's, one `use` line), re-rendered, arrives once; a
// panic in a click handler arrives with its frames; a `tracing::error!` with fields, after a
// `tracing::info!` that is its breadcrumb; a `log::error!`. Every envelope passes Relay's
// normalizer. The app's wasm exports no npm JavaScript API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../support/stack.mjs';
import { startStaticServer } from '../support/browser.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { until } from '../support/wait.mjs';
import { buildIdOf, sections, withBuildId } from '../../scripts/wasm-build-id.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = readFileSync(join(root, 'examples/leptos_app/src/lib.rs'), 'utf8').split('\n');
const panicLine = source.findIndex((l) => l.includes('@line panic')) + 1;
let stack, appServer, appDir, strippedDir, buildMs;

/** The events the recorder saw, oldest first: the envelope's event item, parsed. */
const events = (recorder) => recorder.bodies
  .map((b) => b.body.toString('utf8').split('\n'))
  .filter((lines) => lines[1]?.includes('"type":"event"'))
  .map((lines) => JSON.parse(lines[2]));

before(async () => {
  assert.ok(panicLine > 0, 'the @line panic marker is in examples/leptos_app/src/lib.rs');
  // Built as an app would be: release (panic = abort), wasm-bindgen --target web.
  appDir = mkdtempSync(join(tmpdir(), 'tattle-leptos-app-'));
  const t0 = Date.now();
  execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'leptos_app'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  buildMs = Date.now() - t0;
  execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', appDir,
    join(root, 'target/wasm32-unknown-unknown/release/leptos_app.wasm')], { cwd: root });
  console.error(`[leptos] cargo build --release -p leptos_app: ${buildMs} ms`);
  // The production build: no name section, and a build id (scripts/wasm-build-id.mjs).
  strippedDir = mkdtempSync(join(tmpdir(), 'tattle-leptos-stripped-'));
  execFileSync('wasm-bindgen', ['--target', 'web', '--remove-name-section', '--out-dir', strippedDir,
    join(root, 'target/wasm32-unknown-unknown/release/leptos_app.wasm')], { cwd: root });
  execFileSync(process.execPath, [join(root, 'scripts/wasm-build-id.mjs'), join(strippedDir, 'leptos_app_bg.wasm')]);
  stack = await startStack();
  appServer = await startStaticServer({ '/app/': appDir, '/stripped/': strippedDir, '/': join(root, 'tests/e2e/pages') });
}, { timeout: 30 * 60 * 1000 });
after(async () => {
  await appServer?.stop();
  await stack?.stop();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
  if (strippedDir) rmSync(strippedDir, { recursive: true, force: true });
});

test("the README's Leptos example is this app's entry point, verbatim", () => {
  const lib = source.join('\n');
  const at = lib.indexOf('#[wasm_bindgen(start)]');
  const start = lib.slice(at, lib.indexOf('\n}\n', at) + 2);
  assert.ok(start.includes('tattle::init') && start.includes('integrations::tracing::layer()'), 'found the entry point');
  assert.ok(readFileSync(join(root, 'README.md'), 'utf8').includes(start), 'README shows the tested code');
});

test('the snippets the crate ships are www/ minified, up to date', () => {
  execFileSync(process.execPath, [join(root, 'scripts/rust-snippets.mjs'), '--check'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const copied = readFileSync(join(appDir, 'snippets', readdirSync(join(appDir, 'snippets'))[0], 'www-min/delivery.js'), 'utf8');
  assert.equal(copied, readFileSync(join(root, 'www-min/delivery.js'), 'utf8'), 'wasm-bindgen copied the minified one');
});

test("the app's wasm exports only the app: no npm JavaScript API from tattle", () => {
  // The module's exports, as wasm-bindgen's .d.ts lists them (InitOutput).
  const dts = readFileSync(join(appDir, 'leptos_app.d.ts'), 'utf8');
  const exports = [...dts.slice(dts.indexOf('interface InitOutput')).matchAll(/readonly (\w+):/g)].map((m) => m[1]);
  assert.ok(exports.includes('start'), `the app's own export is there: ${exports}`);
  const npmApi = ['init', 'captureException', 'captureMessage', 'captureEvent', 'envelopeFor', 'setUser', 'setTag',
    'setTags', 'setContext', 'setExtra', 'addBreadcrumb', 'pushScope', 'popScope', 'takeDiscards', 'endpoint',
    'transaction', 'session', 'shutdown'];
  assert.deepEqual(exports.filter((e) => npmApi.includes(e)), [], 'none of the npm entry\'s exports');
});

test('Leptos app: an ErrorBoundary error once, tracing and log events, a panic', async () => {
  const { bugsink, recorder } = stack;
  const page = await stack.browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${appServer.url}/leptos-app.html?dsn=${encodeURIComponent(stack.dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);

  // The Err, shown by the boundary, then re-rendered three times (a new Err value each time).
  await page.click('#bad-id');
  await page.waitForFunction(() => document.querySelector('#errors li')?.textContent === 'not a user id');
  for (let i = 1; i <= 3; i++) {
    await page.click('#rerender');
    await page.waitForFunction((n) => document.querySelector('#renders').textContent === String(n), i);
  }
  // tracing: the info! is a breadcrumb, the error! right after it an event.
  await page.click('#traced');
  await page.click('#logged');
  // An Err rendered outside any boundary: throw_error's global hook.
  await page.click('#bad-port');
  await until('four events', () => events(recorder).length >= 4, { timeoutMs: 15000 });
  await recorder.waitFor(recorder.bodies.length);
  const [boundary, traced, logged, outside, ...more] = events(recorder);
  assert.equal(more.length, 0, `nothing else: ${JSON.stringify(more.map((e) => e.exception ?? e.logentry))}`);

  const { data: b } = await bugsink.findEvent(boundary.event_id);
  assert.deepEqual(b.exception.values.map((v) => [v.type, v.value]),
    [['ParseIntError', 'invalid digit found in string'], ['UserIdError', 'not a user id']]);
  assert.deepEqual(b.exception.values.map((v) => v.mechanism), [
    { type: 'chained', handled: true, source: 'source', exception_id: 1, parent_id: 0 },
    { type: 'leptos.error_boundary', handled: true, exception_id: 0 },
  ]);
  assert.equal(b.transaction, '/leptos-app.html', 'the route it was shown on');
  assert.equal(b.platform, 'native');
  assert.equal(b.sdk.name, 'tattle.rust');
  assert.equal(b.release, 'leptos_app@0.1.0');
  assert.equal(b.tags.app, 'leptos_app');
  assert.equal(b.tags.checked, 'yes', 'before_send ran on it');

  const { data: t } = await bugsink.findEvent(traced.event_id);
  assert.equal(t.logentry.formatted, 'payment declined');
  assert.equal(t.level, 'error');
  assert.deepEqual(t.contexts['Rust Tracing Fields'], { order_id: 17, retry: true });
  assert.equal(t.tags.logger, 'leptos_app');
  assert.equal(t.platform, 'native');
  const crumbs = (t.breadcrumbs?.values ?? t.breadcrumbs ?? []);
  const opened = crumbs.find((c) => c.message === 'cart opened');
  assert.ok(opened, `the info! is a breadcrumb: ${JSON.stringify(crumbs)}`);
  assert.equal(opened.level, 'info');
  assert.equal(opened.category, 'leptos_app');
  assert.deepEqual(opened.data, { step: 'cart' });

  const { data: l } = await bugsink.findEvent(logged.event_id);
  assert.equal(l.logentry.formatted, 'inventory sync failed for sku-9');
  assert.equal(l.tags.logger, 'leptos_app');
  assert.equal(l.level, 'error');
  assert.equal(l.tags.checked, 'yes');
  // The log::error!("drop me") before it: dropped by before_send, never sent (the count below).
  assert.ok(!events(recorder).some((e) => e.logentry?.formatted === 'drop me'));

  const { data: o } = await bugsink.findEvent(outside.event_id);
  assert.deepEqual(o.exception.values.map((v) => [v.type, v.value, v.mechanism.type, v.mechanism.handled]),
    [['ParseIntError', 'invalid digit found in string', 'leptos.throw', true]]);
  assert.equal(o.transaction, '/leptos-app.html');

  // The panic: reported from the hook before the trap.
  await page.click('#checkout');
  const panic = await until('the panic', () => events(recorder).find((e) => e.exception?.values.at(-1).type === 'panic'), { timeoutMs: 15000 });
  const { data: p } = await bugsink.findEvent(panic.event_id);
  const ex = p.exception.values.at(-1);
  assert.equal(ex.value, 'cart has 5 items, the limit is 3');
  assert.deepEqual(ex.mechanism, { type: 'panic', handled: false });
  assert.equal(p.level, 'fatal');
  assert.equal(p.sdk.name, 'tattle.rust');
  const frames = ex.stacktrace.frames;
  assert.deepEqual(frames.at(-1), {
    filename: 'examples/leptos_app/src/lib.rs', abs_path: 'examples/leptos_app/src/lib.rs',
    lineno: panicLine, colno: 9, in_app: true,
  });
  const names = frames.map((f) => f.function ?? '');
  assert.ok(names.includes('leptos_app::cart_total'), `the app's function in the frames: ${names.join(' | ')}`);
  // wasm-bindgen's JS import shims (`__wbg_new_…`, which made the stack) are tattle's machinery.
  const shims = frames.filter((f) => /^__wbg_/.test(f.function ?? ''));
  assert.ok(shims.length > 0 && shims.every((f) => f.in_app === false), `__wbg_ frames not in_app: ${JSON.stringify(shims)}`);
  // No build_id section in this build: no debug image.
  assert.equal(p.debug_meta, undefined);
  assert.ok(pageErrors.some((e) => /unreachable/.test(e)), `the trap did happen: ${pageErrors.join(' | ')}`);

  // Each event once (four event envelopes in all), every envelope valid for Relay.
  assert.equal(events(recorder).length, 5, 'boundary, tracing, log, outside, panic');
  assert.equal((await bugsink.listEvents()).length, 5);
  const { ok, problems } = await relayCheck(recorder.bodies.map((r) => r.body));
  assert.ok(ok, formatProblems(problems));
});

test('Leptos app: tracing spans become the child spans of the bound transaction', async () => {
  const { recorder } = stack;
  const before = recorder.bodies.length;
  const page = await stack.browser.newPage();
  await page.goto(`${appServer.url}/leptos-app.html?dsn=${encodeURIComponent(stack.dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);
  await page.click('#tx');
  const sent = await until('the transaction envelope', () => recorder.bodies.slice(before)
    .find((b) => b.body.includes('{"type":"transaction"')), { timeoutMs: 15000 });
  const tx = JSON.parse(sent.body.toString().split('\n')[2]);
  assert.equal(tx.transaction, 'load cart');
  assert.equal(tx.platform, 'native');
  assert.equal(tx.contexts.trace.op, 'ui.action');
  const byOp = Object.fromEntries(tx.spans.map((s) => [s.op, s]));
  assert.deepEqual(Object.keys(byOp).sort(), ['fetch_cart', 'parse_cart']);
  assert.equal(byOp.fetch_cart.parent_span_id, tx.contexts.trace.span_id, 'the outer span below the transaction');
  assert.equal(byOp.parse_cart.parent_span_id, byOp.fetch_cart.span_id, 'the inner span below the outer one');
  assert.deepEqual(byOp.fetch_cart.data, { items: 3 }, "the span's fields");
  for (const s of tx.spans) {
    assert.equal(s.trace_id, tx.contexts.trace.trace_id);
    assert.ok(s.timestamp >= s.start_timestamp && s.start_timestamp >= tx.start_timestamp);
  }
  assert.ok(byOp.parse_cart.timestamp <= byOp.fetch_cart.timestamp, 'the inner one closed first');
  const { ok, problems } = await relayCheck([sent.body]);
  assert.ok(ok, formatProblems(problems));
  await page.close();
});

test('stripped release build: the panic carries a wasm debug image, and its addresses are in the module', async () => {
  const { bugsink, recorder } = stack;
  const wasmFile = join(strippedDir, 'leptos_app_bg.wasm');
  const bytes = readFileSync(wasmFile);
  const buildId = buildIdOf(bytes);
  assert.match(buildId ?? '', /^[0-9a-f]{32}$/, 'the tool wrote a 16-byte build id');
  assert.equal(withBuildId(bytes).added, false, 'a second run leaves the module as it is');
  // The id hashes the code section only: the build with its name section (the debug file to
  // upload) gets the same id.
  assert.equal(withBuildId(readFileSync(join(appDir, 'leptos_app_bg.wasm'))).buildId, buildId);
  const all = sections(bytes);
  assert.ok(!all.some((x) => x.id === 0 && x.name === 'name'), 'no name section');
  // The function bodies, by function index (imports first), from the code section.
  const leb = (at) => { let n = 0, shift = 0, b; do { b = bytes[at++]; n += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80); return [n, at]; };
  const imports = all.find((x) => x.id === 2);
  let importedFns = 0;
  if (imports) {
    let [count, at] = leb(imports.start);
    for (let i = 0; i < count; i++) {
      let len; [len, at] = leb(at); at += len; [len, at] = leb(at); at += len; // module, name
      const kind = bytes[at++];
      if (kind === 0) { importedFns++; [, at] = leb(at); }
      else if (kind === 1) { at += 1; const [flags, a] = leb(at); at = a; [, at] = leb(at); if (flags & 1) [, at] = leb(at); }
      else if (kind === 2) { const [flags, a] = leb(at); at = a; [, at] = leb(at); if (flags & 1) [, at] = leb(at); }
      else if (kind === 3) { at += 2; }
      else if (kind === 4) { at += 1; [, at] = leb(at); }
      else throw new Error(`import kind ${kind}`);
    }
  }
  const code = all.find((x) => x.id === 10);
  const bodies = [];
  let [count, at] = leb(code.start);
  for (let i = 0; i < count; i++) { const [size, start] = leb(at); bodies.push([start, start + size]); at = start + size; }

  const before = recorder.bodies.length;
  const page = await stack.browser.newPage();
  await page.goto(`${appServer.url}/leptos-app.html?build=stripped&dsn=${encodeURIComponent(stack.dsn)}`);
  await page.waitForFunction(() => window.pageReady === true);
  await page.click('#checkout');
  const sent = await until('the stripped build\'s panic', () => events({ bodies: recorder.bodies.slice(before) })
    .find((e) => e.exception?.values.at(-1).type === 'panic'), { timeoutMs: 15000 });
  const { data: p } = await bugsink.findEvent(sent.event_id);
  const codeFile = `${appServer.url}/stripped/leptos_app_bg.wasm`;
  assert.deepEqual(sent.debug_meta, { images: [{ type: 'wasm', code_file: codeFile, debug_id: `${buildId}0`, code_id: buildId }] });
  assert.deepEqual(p.debug_meta?.images, sent.debug_meta.images, 'Bugsink stored the image');
  const frames = sent.exception.values.at(-1).stacktrace.frames;
  const wasmFrames = frames.filter((f) => f.instruction_addr);
  assert.ok(wasmFrames.length >= 3, `wasm frames: ${JSON.stringify(frames)}`);
  for (const f of wasmFrames) {
    assert.equal(f.abs_path, codeFile);
    assert.equal(f.addr_mode, 'rel:0');
    const index = Number(/^wasm-function\[(\d+)\]$/.exec(f.function)?.[1]);
    assert.ok(Number.isInteger(index), `a stripped frame names its function by index: ${f.function}`);
    const body = bodies[index - importedFns];
    const addr = Number(f.instruction_addr);
    assert.ok(body && addr >= body[0] && addr < body[1],
      `${f.instruction_addr} lies in function ${index}'s body [${body?.map((n) => '0x' + n.toString(16))}] of the code section`);
  }
  const { ok, problems } = await relayCheck(recorder.bodies.slice(before).map((r) => r.body));
  assert.ok(ok, formatProblems(problems));
});
