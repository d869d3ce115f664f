// The published shape: `npm pack` → install the tarball into an empty directory → a plain page
// that imports `tattle` (bare specifier, import map; no bundler) delivers an error to Bugsink.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBugsink } from '../support/bugsink.mjs';
import { launchChromium, startStaticServer } from '../support/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let work, bugsink, server, browser;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tattle-pack-'));
  bugsink = await startBugsink();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

test('npm pack → install into an empty dir → a plain page reports to Bugsink', async () => {
  // dist/ was built by the test script; --ignore-scripts skips the prepack rebuild.
  npm(['pack', '--ignore-scripts', '--pack-destination', work], root);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack produced a tarball');

  const app = join(work, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', '--offline', join(work, tarball)], app);
  const pkg = join(app, 'node_modules', 'tattle');
  for (const f of ['dist/index.js', 'dist/chunked.js', 'dist/lazy.js', 'dist/lazy_tr.js', 'dist/tracing.js', 'dist/index.d.ts', 'dist/tattle_core_bg.wasm',
    'dist/wasm_inline.js', 'dist/wasm_inline_tr.js',
    'dist/tattle_core_tr_bg.wasm', 'dist/worker.js', 'dist/deno.js',
    'dist/worker.d.ts', 'dist/inline.js', 'dist/inline.d.ts', 'package.json', 'README.md']) {
    assert.ok(existsSync(join(pkg, f)), `${f} is in the package`);
  }
  assert.ok(!existsSync(join(pkg, 'src')), 'sources are not shipped');
  assert.ok(!existsSync(join(pkg, 'dist-test')), 'the test build is not shipped');
  // tattle's own test hooks (a wasm export that traps on purpose, delivery stats) stay out of
  // every shipped entry and of the .wasm.
  for (const f of ['dist/index.js', 'dist/chunked.js', 'dist/lazy.js', 'dist/lazy_tr.js', 'dist/tracing.js', 'dist/inline.js', 'dist/worker.js', 'dist/deno.js', 'dist/react.js', 'dist/vue.js']) {
    const text = readFileSync(join(pkg, f), 'utf8');
    assert.ok(!/testTrap|__tattleTest|__testTrap|__stats/.test(text), `${f} has no test hooks`);
  }
  for (const f of ['dist/tattle_core_bg.wasm', 'dist/tattle_core_tr_bg.wasm']) {
    assert.ok(!readFileSync(join(pkg, f)).includes('testTrap'), `${f} exports no testTrap`);
  }
  // Nothing but what is listed here ships (a stray build file would be paid by every install).
  assert.deepEqual(readdirSync(join(pkg, 'dist')).sort(), ['chunked.js', 'deno.js', 'index.d.ts', 'index.js', 'inline.d.ts', 'inline.js', 'lazy.js',
    'lazy_tr.js', 'react.d.ts', 'react.js', 'tattle_core_bg.wasm', 'tattle_core_tr_bg.wasm', 'tracing.js', 'vue.d.ts', 'vue.js',
    'wasm_inline.js', 'wasm_inline_tr.js', 'worker.d.ts', 'worker.js']);
  // Beside dist/, only the folders that point resolvers without `exports` support (Parcel at its
  // defaults) at the subpath entries: tattle/react, tattle/vue, tattle/inline.
  for (const e of ['react', 'vue', 'inline']) {
    assert.deepEqual(readdirSync(join(pkg, e)), ['package.json']);
    const stub = JSON.parse(readFileSync(join(pkg, e, 'package.json'), 'utf8'));
    for (const field of ['main', 'module', 'types']) assert.ok(existsSync(join(pkg, e, stub[field])), `${e}/package.json ${field} names a shipped file`);
  }
  // The `exports` map resolves the bare specifier: under `browser` with `production` or `development` (the
  // bundlers that copy `new URL(…, import.meta.url)` assets) to the entry that fetches the .wasm beside it,
  // otherwise (Node, esbuild, Rollup's node-resolve) to dist/chunked.js, which takes it from the chunk that
  // carries it (tests/e2e/bundlers.test.mjs).
  const resolve = (conditions, specifier) => execFileSync(process.execPath, [...conditions, '--input-type=module', '-e',
    `console.log(import.meta.resolve('${specifier}'))`], { cwd: app, encoding: 'utf8' }).trim();
  for (const mode of ['production', 'development']) {
    assert.equal(resolve(['--conditions=browser', `--conditions=${mode}`], 'tattle'), `file://${join(pkg, 'dist', 'index.js')}`);
    assert.equal(resolve([`--conditions=${mode}`], 'tattle'), `file://${join(pkg, 'dist', 'chunked.js')}`);
  }
  assert.equal(resolve(['--conditions=browser'], 'tattle'), `file://${join(pkg, 'dist', 'chunked.js')}`);
  assert.equal(resolve([], 'tattle'), `file://${join(pkg, 'dist', 'chunked.js')}`);
  assert.equal(resolve([], 'tattle/inline'), `file://${join(pkg, 'dist', 'inline.js')}`);
  // tattle/react and tattle/vue: one file each, under every condition (they import `tattle` itself).
  for (const f of ['react', 'vue']) assert.equal(resolve(['--conditions=browser'], `tattle/${f}`), `file://${join(pkg, 'dist', `${f}.js`)}`);
  const workerEntry = execFileSync(process.execPath, ['--conditions=deno', '--input-type=module', '-e',
    "console.log(import.meta.resolve('tattle/worker'))"], { cwd: app, encoding: 'utf8' }).trim();
  assert.equal(workerEntry, `file://${join(pkg, 'dist', 'deno.js')}`, 'tattle/worker under the deno condition');

  // The page runs the README's browser example as it stands (its DSN swapped for Bugsink's).
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /## In a browser\n\n```js\n([\s\S]*?)```/.exec(readme)[1]
    .replace(/'https:\/\/<key>@[^']*'/, JSON.stringify(bugsink.dsn));
  assert.ok(example.includes(bugsink.dsn), 'the example has a dsn to swap');

  writeFileSync(join(app, 'index.html'), `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "tattle": "/node_modules/tattle/dist/index.js" } }</script>
<script type="module">
  function checkout() { throw new Error('from the packed package'); }
${example}
  window.Sentry = Sentry;
  setTimeout(checkout);
</script>`);
  server = await startStaticServer(app);
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.Sentry?.lastEventId() !== undefined);
  assert.equal(await page.evaluate(() => Sentry.flush(5000)), true);
  const id = await page.evaluate(() => Sentry.lastEventId());
  const { data: ev } = await bugsink.findEvent(id);
  assert.equal(ev.exception.values[0].value, 'from the packed package');
  assert.equal(ev.release, 'shop@1.4.2');
  assert.equal(ev.exception.values[0].stacktrace.frames.at(-1).function, 'checkout');
  assert.deepEqual(ev.exception.values[0].mechanism, { type: 'onerror', handled: false });
  // The example's own captures: the handled error with its scope, and the message.
  const issues = await bugsink.listIssues();
  assert.ok(issues.some((i) => i.calculated_value === 'Low disk space'), 'captureMessage arrived');
  assert.equal((await bugsink.listEvents()).length, 3, 'the handled error, the message and the uncaught error');
  // The scope the example set rides on every event.
  assert.equal(ev.user.id, '42');
  assert.equal(ev.tags.feature, 'checkout');
  assert.deepEqual(ev.contexts.cart, { items: 3 });
  // The .wasm was fetched from beside the module, as new URL(…, import.meta.url) says.
  // The README's example has no tracing: the base build (lazy.js, tattle_core_bg.wasm), not the tracing one.
  assert.ok(server.requests.some((r) => r.path === '/node_modules/tattle/dist/tattle_core_bg.wasm'));
  assert.ok(server.requests.some((r) => r.path === '/node_modules/tattle/dist/lazy.js'));
  assert.ok(!server.requests.some((r) => /lazy_tr|tattle_core_tr/.test(r.path)), 'the tracing build is not fetched');
});
