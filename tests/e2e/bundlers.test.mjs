// Every common bundler: a minimal app that imports the packed package (`npm pack` → `npm install` of the
// tarball), built for production by Vite, webpack, esbuild, Rollup and Parcel with their defaults, served
// on 127.0.0.1 and loaded in headless Chromium, throws an uncaught error that must arrive in a real Bugsink.
// Also the README's other lines for bundlers (tattle/inline, the .wasm as its own file under esbuild and
// Rollup) and TypeScript's `moduleResolution: "node"` finding the entries' types (typesVersions).
// The bundlers are installed apart from the root, in tests/bundlers/ (scripts/setup.sh all); the
// builds themselves are in tests/bundlers/build.mjs. One tarball, one Bugsink, one browser for all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { startBugsink } from '../support/bugsink.mjs';
import { collectConsole, launchChromium, startStaticServer } from '../support/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundlersDir = join(root, 'tests', 'bundlers');
const build = await import('../bundlers/build.mjs');
const versionOf = (name) => {
  const dir = name === 'esbuild' ? root : bundlersDir;
  return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
};

let work, app, bugsink, browser;

const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

before(async () => {
  assert.ok(existsSync(join(bundlersDir, 'node_modules', 'vite')), 'the bundlers are installed: run bash scripts/setup.sh all');
  // Inside tests/bundlers/ (git-ignored .work/), so the bundlers find their own plugins by walking up.
  mkdirSync(join(bundlersDir, '.work'), { recursive: true });
  work = mkdtempSync(join(bundlersDir, '.work', 'run-'));
  const started = Date.now();
  [bugsink, browser] = await Promise.all([startBugsink(), launchChromium(), (async () => {
    // dist/ was built by the test script; --ignore-scripts skips the prepack rebuild.
    npm(['pack', '--ignore-scripts', '--pack-destination', work], root);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--offline', join(work, tarball)], app);
  })()]);
  console.error(`# bundlers: tarball, Bugsink and Chromium ready in ${Date.now() - started} ms`);
});

after(async () => {
  await browser?.close();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Writes the app for one case into app/<name>/ and returns that directory. */
function writeApp(name, specifier = 'tattle', options = {}) {
  const dir = join(app, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'main.js'), `import * as Sentry from '${specifier}';

Sentry.init(${JSON.stringify({ dsn: bugsink.dsn, release: 'app@1.0.0', ...options })});
Sentry.setTag('bundler', ${JSON.stringify(name)});
window.Sentry = Sentry;
function checkout() { throw new Error(${JSON.stringify(`thrown in the ${name} build`)}); }
setTimeout(checkout);
`);
  writeFileSync(join(dir, 'index.html'), build.sourceHtml);
  return dir;
}

const wasmFiles = (dir) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
// The package's two .wasm (the base and the tracing build), told apart by their bytes: bundlers
// rename assets (webpack to a bare hash).
const builds = ['tattle_core_bg.wasm', 'tattle_core_tr_bg.wasm'];
const buildOf = (file) => builds.find((b) => readFileSync(join(app, 'node_modules', 'tattle', 'dist', b)).equals(readFileSync(file)));

/**
 * Serves `out`, opens its index.html, and checks the uncaught error reached Bugsink. `wasm`: 'file' (both
 * .wasm are their own files in `out`; the page fetches the base one, or with tracing on at init
 * (`options.tracesSampleRate`) the tracing one) or 'inline' (no .wasm anywhere: it is in the bundle).
 */
async function runsAndReports(t, name, out, wasm, options = {}) {
  const files = wasmFiles(out);
  const wanted = options.tracesSampleRate !== undefined ? 'tattle_core_tr_bg.wasm' : 'tattle_core_bg.wasm';
  if (wasm === 'file') {
    assert.deepEqual(files.map((f) => buildOf(join(out, f))).sort(), builds,
      `the build emitted both .wasm (the base and the tracing build): ${readdirSync(out, { recursive: true }).join(', ')}`);
  } else assert.deepEqual(files, [], 'no .wasm file: it is inside the bundle');
  const server = await startStaticServer(out);
  const page = await browser.newPage();
  const log = collectConsole(page);
  try {
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => window.Sentry?.lastEventId() !== undefined, null, { timeout: 15000 });
    assert.equal(await page.evaluate(() => Sentry.flush(5000)), true, log.dump());
    const own = `thrown in the ${name} build`;
    // The page's only error is the one it throws on purpose (no 404, no "could not load its WebAssembly").
    assert.deepEqual(log.errors.filter((e) => !e.includes(own)), [], log.dump());
    const wasmRequests = server.requests.filter((r) => r.path.endsWith('.wasm')).map((r) => r.path);
    const fetched = wasm === 'file' ? [`/${files.find((f) => buildOf(join(out, f)) === wanted)}`] : [];
    assert.deepEqual(wasmRequests, fetched, `what the page fetched (${wasm === 'file' ? wanted : 'nothing'})`);
    const id = await page.evaluate(() => Sentry.lastEventId());
    const { data: ev } = await bugsink.findEvent(id);
    assert.equal(ev.exception.values[0].value, own);
    assert.deepEqual(ev.exception.values[0].mechanism, { type: 'onerror', handled: false });
    assert.equal(ev.tags.bundler, name);
    assert.equal(ev.release, 'app@1.0.0');
    t.diagnostic(`${name}: the .wasm ${wasm === 'file' ? `as ${fetched[0]} (${wanted})` : 'inside the bundle'}; event ${id} in Bugsink`);
  } finally {
    await page.close();
    await server.stop();
  }
}

/** One case: write the app, build it (timed), run it in the browser. */
async function bundlerCase(t, { name, specifier, options, wasm, buildWith }) {
  const dir = writeApp(name, specifier, options);
  const out = join(work, 'out', name);
  mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  await buildWith(dir, out);
  const gz = readdirSync(out, { recursive: true }).filter((f) => /\.(js|wasm)$/.test(f))
    .map((f) => `${f} ${gzipSync(readFileSync(join(out, f)), { level: 9 }).length} B gz`);
  t.diagnostic(`${name}: production build in ${Date.now() - t0} ms: ${gz.join(', ')}`);
  await runsAndReports(t, name, out, wasm, options);
}

// Zero configuration: `import * as Sentry from 'tattle'` and the bundler's defaults.
test(`Vite ${versionOf('vite')}: \`tattle\`, the .wasm emitted as an asset`, (t) =>
  bundlerCase(t, { name: 'vite', wasm: 'file', buildWith: build.vite }));

test(`webpack ${versionOf('webpack')}: \`tattle\`, the .wasm emitted as an asset`, (t) =>
  bundlerCase(t, { name: 'webpack', wasm: 'file', buildWith: build.webpack }));

// Tracing on at init: the same bundles fetch the tracing build's .wasm (and its lazy chunk) instead.
const tracing = { tracesSampleRate: 1 };
test(`Vite ${versionOf('vite')} with tracesSampleRate: the tracing build's .wasm fetched`, (t) =>
  bundlerCase(t, { name: 'vite-tracing', options: tracing, wasm: 'file', buildWith: build.vite }));

test(`webpack ${versionOf('webpack')} with tracesSampleRate: the tracing build's .wasm fetched`, (t) =>
  bundlerCase(t, { name: 'webpack-tracing', options: tracing, wasm: 'file', buildWith: build.webpack }));

test(`esbuild ${versionOf('esbuild')} (--bundle --format=esm --minify): \`tattle\`, the .wasm inside the bundle`, (t) =>
  bundlerCase(t, { name: 'esbuild', wasm: 'inline', buildWith: (dir, out) => build.esbuild(dir, out) }));

test(`Rollup ${versionOf('rollup')} + nodeResolve() ${versionOf('@rollup/plugin-node-resolve')}: \`tattle\`, the .wasm inside the bundle`, (t) =>
  bundlerCase(t, { name: 'rollup', wasm: 'inline', buildWith: (dir, out) => build.rollup(dir, out) }));

test(`Parcel ${versionOf('parcel')} (no packageExports): \`tattle\` through "module", the .wasm emitted as an asset`, (t) =>
  bundlerCase(t, { name: 'parcel', wasm: 'file', buildWith: (dir, out) => build.parcel(dir, out, join(work, 'parcel-cache')) }));

test(`Parcel ${versionOf('parcel')} (no packageExports) with tracesSampleRate: the tracing build's .wasm fetched`, (t) =>
  bundlerCase(t, { name: 'parcel-tracing', options: tracing, wasm: 'file', buildWith: (dir, out) => build.parcel(dir, out, join(work, 'parcel-cache-tracing')) }));

test(`Parcel ${versionOf('parcel')} with packageExports: \`tattle\` through "exports", the .wasm emitted as an asset`, (t) =>
  bundlerCase(t, {
    name: 'parcel-exports',
    wasm: 'file',
    async buildWith(dir, out) {
      // Parcel reads packageExports from the project root's package.json: a second app root.
      const root2 = join(work, 'app-exports');
      mkdirSync(join(root2, 'src'), { recursive: true });
      writeFileSync(join(root2, 'package.json'), JSON.stringify({
        name: 'app-exports', private: true, type: 'module', '@parcel/resolver-default': { packageExports: true },
      }));
      npm(['install', '--offline', join(work, readdirSync(work).find((f) => f.endsWith('.tgz')))], root2);
      for (const f of ['main.js', 'index.html']) writeFileSync(join(root2, 'src', f), readFileSync(join(dir, f)));
      await build.parcel(join(root2, 'src'), out, join(work, 'parcel-cache-exports'));
    },
  }));

// The README's lines where the bundler does not copy the .wasm: the .wasm as its own file under esbuild
// (the `production` condition) and under Rollup with nodeResolve({ browser: true }) (which passes `browser`
// and `production`, as Vite does), each copied beside the bundle. First, that the bundler leaves it out.
async function copiedBeside(t, name, buildIt) {
  await bundlerCase(t, {
    name,
    wasm: 'file',
    async buildWith(dir, out) {
      await buildIt(dir, out);
      assert.deepEqual(wasmFiles(out), [], `${name} itself emits no .wasm`);
      const bundle = readFileSync(join(out, 'main.js'), 'utf8');
      for (const b of builds) assert.ok(bundle.includes(b), `the bundle refers to ${b}`);
      build.copyWasm(app, out);
    },
  });
}

test('esbuild --conditions=production + the .wasm copied beside the bundle: the .wasm as its own file', (t) =>
  copiedBeside(t, 'esbuild-production', (dir, out) => build.esbuild(dir, out, { conditions: ['production'] })));

// dist/index.js loads lazy.js (or lazy_tr.js) with import(): more chunks, which Rollup writes with `output.dir`
// (`output.file` takes one chunk only).
test('Rollup + nodeResolve({ browser: true }) + output.dir: `tattle` + the .wasm copied beside the bundle: the .wasm as its own file', (t) =>
  copiedBeside(t, 'rollup-browser-copy', (dir, out) => build.rollup(dir, out, { browser: true }, { dir: out, entryFileNames: 'main.js' })));

test('Rollup + nodeResolve({ browser: true }): `tattle/inline`, the .wasm inside the bundle', (t) =>
  bundlerCase(t, {
    name: 'rollup-browser-inline', specifier: 'tattle/inline', wasm: 'inline', buildWith: (dir, out) => build.rollup(dir, out, { browser: true }),
  }));

// tattle/inline anywhere, even where the bundler would copy the asset: one module, no .wasm file.
// (wasmUrl set to where nothing is: tattle/inline does not use it.)
test('Vite: `tattle/inline` puts the .wasm inside the bundle and emits no .wasm', (t) =>
  bundlerCase(t, {
    name: 'vite-inline', specifier: 'tattle/inline', options: { wasmUrl: '/no-such.wasm' }, wasm: 'inline', buildWith: build.vite,
  }));

// README: "Over gzip it weighs within 5% of dist/index.js, dist/lazy_tr.js, dist/tracing.js and the
// tracing .wasm together" (tattle/inline is the tracing build, with tracing.js inside: one file; it runs
// only when tracing is on).
test('tattle/inline over gzip: within 5% of dist/index.js + dist/lazy_tr.js + dist/tracing.js + the tracing .wasm', (t) => {
  const dist = join(app, 'node_modules', 'tattle', 'dist');
  const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  const br = (f) => brotliCompressSync(readFileSync(join(dist, f)), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const parts = ['index.js', 'lazy_tr.js', 'tracing.js', 'tattle_core_tr_bg.wasm'];
  const split = parts.reduce((n, f) => n + gz(f), 0);
  const inline = gz('inline.js');
  t.diagnostic(`gzip: ${parts.map((f) => `${f} ${gz(f)}`).join(' + ')} = ${split} B; inline.js ${inline} B`
    + ` (${(((inline / split) - 1) * 100).toFixed(1)}%); brotli: ${parts.reduce((n, f) => n + br(f), 0)} B against ${br('inline.js')} B`);
  assert.ok(inline <= split * 1.05, `inline.js ${inline} B gz against ${split} B gz`);
});

// TypeScript with `moduleResolution: "node"` (node10: no `exports`) finds every entry's types through
// `types` and `typesVersions`; `bundler` through `exports`.
test(`TypeScript ${versionOf('typescript')}: types of tattle, tattle/inline and tattle/worker under moduleResolution node and bundler`, (t) => {
  const dir = join(app, 'ts');
  mkdirSync(dir);
  writeFileSync(join(dir, 'app.ts'), `import * as Sentry from 'tattle';
import { init as initInline } from 'tattle/inline';
import { withTattle } from 'tattle/worker';

Sentry.init({ dsn: 'https://k@example.com/1', release: 'r' });
initInline({ dsn: 'https://k@example.com/1' });
const id: string = Sentry.captureException(new Error('x'));
// @ts-expect-error: a wrong type is rejected, so the types were found (not an implicit any)
Sentry.setUser(42);
export default withTattle({ dsn: 'https://k@example.com/1' }, { async fetch() { return new Response(id); } });
`);
  const tsc = join(bundlersDir, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const resolution of ['node', 'bundler']) {
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', resolution,
      '--lib', 'es2022,dom', '--skipLibCheck', join(dir, 'app.ts')];
    try {
      execFileSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      assert.fail(`tsc --moduleResolution ${resolution}:\n${e.stdout}${e.stderr}`);
    }
    t.diagnostic(`tsc --moduleResolution ${resolution}: no errors`);
  }
});
