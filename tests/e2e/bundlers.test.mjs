// Every common bundler at its defaults, no copy step and no wasmUrl: a minimal app that imports the
// packed package (`npm pack` → `npm install` of the tarball), built for production by Vite, webpack,
// Parcel, esbuild (plain, --splitting, --conditions=production --splitting) and Rollup (nodeResolve()
// with and without `browser: true`), and a plain import map; served on 127.0.0.1 and loaded in headless
// Chromium. Each app throws after the load event. For each: the error's own text arrives in a real
// Bugsink (not the minimal form), flush() is true, no request fails (no 404 for a .wasm), the page
// fetched the .wasm as a file or the chunk that carries it as the case expects, and the gzip bytes of
// what the page fetched before its load event are within size-budget.json (`pages`). Where the bundler
// makes no chunk (esbuild without --splitting) the one console message names the flag.
// Also tattle/react and tattle/vue in a small app of each framework (webpack, Parcel, esbuild, Rollup),
// tattle/inline, Rollup's `output.file` (its own error names output.dir) and TypeScript's
// `moduleResolution: "node"` finding the entries' types (typesVersions).
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
const budget = JSON.parse(readFileSync(join(root, 'size-budget.json'), 'utf8'));
const versionOf = (name) => {
  const dir = name === 'esbuild' ? root : bundlersDir;
  return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
};
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

let work, app, bugsink, browser, tarball;

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
    tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--offline', tarball], app);
  })()]);
  console.error(`# bundlers: tarball, Bugsink and Chromium ready in ${Date.now() - started} ms`);
});

after(async () => {
  await browser?.close();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// The app's code for `tattle/react` and `tattle/vue` (React and Vue from tests/bundlers/, no JSX or SFC, so
// that no bundler needs a framework plugin): a component that throws, caught by the framework, not by
// `window` (an ErrorBoundary with a fallback; Vue's errorHandler, the app having none).
const frameworkApps = {
  react: (name, init) => `import * as Sentry from 'tattle/react';
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';

Sentry.init(${init});
Sentry.setTag('bundler', ${JSON.stringify(name)});
window.Sentry = Sentry;
function Checkout() { throw new Error(${JSON.stringify(`thrown in the ${name} build`)}); }
addEventListener('load', () => setTimeout(() => {
  const root = createRoot(document.body.appendChild(document.createElement('div')));
  root.render(h(Sentry.ErrorBoundary, { fallback: h('p', { id: 'fallback' }, 'sorry') }, h(Checkout)));
}));
`,
  vue: (name, init) => `import * as Sentry from 'tattle/vue';
import { createApp, h } from 'vue';

const Checkout = {
  name: 'Checkout',
  setup: () => () => h('button', { id: 'pay', onClick: () => { throw new Error(${JSON.stringify(`thrown in the ${name} build`)}); } }, 'pay'),
};
const app = createApp({ render: () => h(Checkout) });
Sentry.init({ app, ...${init} });
Sentry.setTag('bundler', ${JSON.stringify(name)});
window.Sentry = Sentry;
app.mount(document.body.appendChild(document.createElement('div')));
addEventListener('load', () => setTimeout(() => document.getElementById('pay').click()));
`,
};
// What each framework's handler marks its event with (tests/e2e/react.test.mjs and vue.test.mjs
// compare these with @sentry/react's and @sentry/vue's).
const frameworkMechanisms = {
  react: { type: 'auto.function.react.error_boundary', handled: true },
  vue: { type: 'auto.function.vue.error_handler', handled: false },
};

/** Writes the app for one case into app/<name>/ and returns that directory. It throws after the load event. */
function writeApp(name, specifier = 'tattle', options = {}, framework = undefined) {
  const dir = join(app, name);
  mkdirSync(dir);
  if (framework) {
    writeFileSync(join(dir, 'main.js'), frameworkApps[framework](name, JSON.stringify({ dsn: bugsink.dsn, release: 'app@1.0.0', ...options })));
    writeFileSync(join(dir, 'index.html'), build.sourceHtml);
    return dir;
  }
  writeFileSync(join(dir, 'main.js'), `import * as Sentry from '${specifier}';

Sentry.init(${JSON.stringify({ dsn: bugsink.dsn, release: 'app@1.0.0', ...options })});
Sentry.setTag('bundler', ${JSON.stringify(name)});
window.Sentry = Sentry;
function checkout() { throw new Error(${JSON.stringify(`thrown in the ${name} build`)}); }
addEventListener('load', () => setTimeout(checkout));
`);
  writeFileSync(join(dir, 'index.html'), build.sourceHtml);
  return dir;
}

const wasmFiles = (dir) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
// The package's two .wasm (the base and the tracing build), told apart by their bytes: bundlers
// rename assets (webpack to a bare hash).
const builds = ['tattle_core_bg.wasm', 'tattle_core_tr_bg.wasm'];
const buildOf = (file) => builds.find((b) => readFileSync(join(app, 'node_modules', 'tattle', 'dist', b)).equals(readFileSync(file)));
// A file of the build that carries a .wasm inside (dist/wasm_inline.js or wasm_inline_tr.js,
// renamed or not, or the whole bundle where it is inside): the base64 of its gzip data.
const carries = (file) => {
  const text = readFileSync(file, 'utf8');
  return ['wasm_inline.js', 'wasm_inline_tr.js'].filter((c) => {
    const src = readFileSync(join(app, 'node_modules', 'tattle', 'dist', c), 'utf8');
    return text.includes(/"([A-Za-z0-9+/=]{1000,})"/.exec(src)[1].slice(0, 200));
  });
};

/**
 * Serves `out` (or `routes`), opens its index.html, and checks the uncaught error reached Bugsink in full.
 * `wasm`: 'file' (both .wasm are their own files in `out`; the page fetches the base one, or with tracing on
 * at init the tracing one), 'chunk' (no .wasm file is fetched: a chunk of its own carries it) or 'one-file'
 * (the .wasm inside the bundle itself); `inside`: 'tracing' where the chunk is the tracing build's whatever
 * the options (dist/chunked.js has no other). `beforeLoad`: the key of size-budget.json's `pages` that bounds
 * the gzip bytes the page fetched before its load event.
 */
async function runsAndReports(t, name, out, { wasm, options = {}, beforeLoad = 'beforeLoad', routes, oneFileMessage = false, inside, framework }) {
  const files = wasmFiles(out);
  const traced = options.tracesSampleRate !== undefined;
  const wanted = traced ? 'tattle_core_tr_bg.wasm' : 'tattle_core_bg.wasm';
  if (wasm === 'file' && !routes) {
    assert.deepEqual(files.map((f) => buildOf(join(out, f))).sort(), builds,
      `the build emitted both .wasm (the base and the tracing build): ${readdirSync(out, { recursive: true }).join(', ')}`);
  }
  const server = await startStaticServer(routes || out);
  const page = await browser.newPage();
  const log = collectConsole(page);
  const failed = [];
  try {
    // The page's own files (the app's, tattle's): none may fail (no 404 for a .wasm).
    const ours = (r) => r.url().startsWith(server.url);
    page.on('response', (r) => { if (ours(r) && r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    page.on('requestfailed', (r) => { if (ours(r)) failed.push(`failed ${r.url()}`); });
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => window.Sentry?.lastEventId() !== undefined, null, { timeout: 15000 });
    assert.equal(await page.evaluate(() => Sentry.flush(10000)), true, log.dump());
    const own = `thrown in the ${name} build`;
    // The page's only error is the one it throws on purpose (no 404, no "could not load its WebAssembly").
    assert.deepEqual(log.errors.filter((e) => !e.includes(own)), [], log.dump());
    assert.deepEqual(failed, [], 'no request failed');
    const warned = log.messages.filter((m) => /^tattle: the bundle holds all of tattle/.test(m.text));
    if (oneFileMessage) {
      assert.equal(warned.length, 1, `the one message about a one-file bundle: ${log.dump()}`);
      assert.match(warned[0].text, /--splitting/);
    } else assert.deepEqual(warned, [], 'no message about a one-file bundle');
    // What the page fetched (paths under the server), and what before its load event.
    const { fetched, early } = await page.evaluate(() => {
      const load = performance.getEntriesByType('navigation')[0].loadEventStart;
      const all = performance.getEntriesByType('resource').map((r) => ({ path: new URL(r.name).pathname, end: r.responseEnd }));
      return { fetched: all.map((r) => r.path), early: all.filter((r) => r.end <= load).map((r) => r.path) };
    });
    const fileOf = (path) => {
      if (routes) {
        const [prefix, dir] = Object.entries(routes).filter(([p]) => path.startsWith(p)).sort((a, b) => b[0].length - a[0].length)[0];
        return join(dir, path.slice(prefix.length));
      }
      return join(out, path);
    };
    const wasmFetched = fetched.filter((p) => p.endsWith('.wasm'));
    const chunksFetched = fetched.filter((p) => p.endsWith('.js') && carries(fileOf(p)).length);
    if (wasm === 'file') {
      assert.deepEqual(wasmFetched.map((p) => buildOf(fileOf(p))), [wanted], `the page fetched ${wanted}: ${fetched}`);
      assert.deepEqual(chunksFetched, [], 'and no chunk with a .wasm inside');
    } else {
      assert.deepEqual(wasmFetched, [], `no .wasm file fetched: ${fetched}`);
      assert.equal(chunksFetched.length, 1, `one file with the .wasm inside: ${fetched}`);
      const inChunk = carries(fileOf(chunksFetched[0]));
      assert.deepEqual(inChunk, [traced || inside === 'tracing' ? 'wasm_inline_tr.js' : 'wasm_inline.js'], 'the build the page needs');
      if (wasm === 'one-file') assert.ok(early.includes(chunksFetched[0]), 'inside the bundle the page loads first');
      else assert.ok(!early.includes(chunksFetched[0]), 'a chunk of its own, after the load event');
    }
    const bytes = early.filter((p) => /\.(js|wasm)$/.test(p)).reduce((n, p) => n + gz(readFileSync(fileOf(p))), 0);
    // (A framework app's bytes before load are mostly React's or Vue's own: no budget of tattle's.)
    const limit = framework ? Infinity : budget.pages[beforeLoad].gzip;
    t.diagnostic(`${name}: before load ${early.filter((p) => /\.(js|wasm)$/.test(p)).join(', ')}: ${bytes} B gz (budget ${beforeLoad} ${limit}); all fetched: ${fetched.join(', ')}`);
    assert.ok(bytes <= limit, `${bytes} B gz fetched before the load event, over size-budget.json pages.${beforeLoad} (${limit})`);
    const id = await page.evaluate(() => Sentry.lastEventId());
    const { data: ev } = await bugsink.findEvent(id);
    // (The error itself is the last value: before it, React's component stack as a linked error.)
    const main = ev.exception.values.at(-1);
    assert.equal(main.value, own, 'the real text, not the minimal form');
    const { type, handled } = main.mechanism;
    assert.deepEqual({ type, handled }, framework ? frameworkMechanisms[framework] : { type: 'onerror', handled: false });
    if (framework === 'vue') assert.match(ev.contexts.vue.componentName, /Checkout/);
    assert.equal(ev.tags.bundler, name);
    assert.equal(ev.release, 'app@1.0.0');
    assert.equal(ev.extra?.['tattle.minimal'], undefined);
  } finally {
    await page.close();
    await server.stop();
  }
}

/** One case: write the app, build it (timed), run it in the browser. */
async function bundlerCase(t, { name, specifier, options, buildWith, ...expect }) {
  const dir = writeApp(name, specifier, options, expect.framework);
  const out = join(work, 'out', name);
  mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  await buildWith(dir, out);
  const sizes = readdirSync(out, { recursive: true }).filter((f) => /\.(js|wasm)$/.test(f))
    .map((f) => `${f} ${gz(readFileSync(join(out, f)))} B gz`);
  t.diagnostic(`${name}: production build in ${Date.now() - t0} ms: ${sizes.join(', ')}`);
  await runsAndReports(t, name, out, { options, ...expect });
}

const tracing = { tracesSampleRate: 1 };
const esbuildV = versionOf('esbuild');
const rollupV = `Rollup ${versionOf('rollup')} + nodeResolve ${versionOf('@rollup/plugin-node-resolve')}`;
const splitOut = (out) => ({ dir: out, entryFileNames: 'main.js' });

// Bundlers that copy `new URL(…, import.meta.url)` assets: `tattle` is dist/index.js, the .wasm a file.
test(`Vite ${versionOf('vite')}: the .wasm emitted as an asset, fetched after load`, (t) =>
  bundlerCase(t, { name: 'vite', wasm: 'file', buildWith: build.vite }));
test(`Vite ${versionOf('vite')} with tracesSampleRate: the tracing build's .wasm`, (t) =>
  bundlerCase(t, { name: 'vite-tracing', options: tracing, wasm: 'file', beforeLoad: 'beforeLoadTracing', buildWith: build.vite }));
test(`webpack ${versionOf('webpack')}: the .wasm emitted as an asset`, (t) =>
  bundlerCase(t, { name: 'webpack', wasm: 'file', buildWith: build.webpack }));
test(`webpack ${versionOf('webpack')} with tracesSampleRate: the tracing build's .wasm`, (t) =>
  bundlerCase(t, { name: 'webpack-tracing', options: tracing, wasm: 'file', beforeLoad: 'beforeLoadTracing', buildWith: build.webpack }));
test(`Parcel ${versionOf('parcel')} (no packageExports): \`tattle\` through "module", the .wasm an asset`, (t) =>
  bundlerCase(t, { name: 'parcel', wasm: 'file', buildWith: (dir, out) => build.parcel(dir, out, join(work, 'parcel-cache')) }));
test(`Parcel ${versionOf('parcel')} with tracesSampleRate: the tracing build's .wasm`, (t) =>
  bundlerCase(t, {
    name: 'parcel-tracing', options: tracing, wasm: 'file', beforeLoad: 'beforeLoadTracing',
    buildWith: (dir, out) => build.parcel(dir, out, join(work, 'parcel-cache-tracing')),
  }));
test(`Parcel ${versionOf('parcel')} with packageExports: \`tattle\` through "exports", the .wasm an asset`, (t) =>
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
      npm(['install', '--offline', tarball], root2);
      for (const f of ['main.js', 'index.html']) writeFileSync(join(root2, 'src', f), readFileSync(join(dir, f)));
      await build.parcel(join(root2, 'src'), out, join(work, 'parcel-cache-exports'));
    },
  }));

// A plain import map over the package's dist/ as shipped: the .wasm fetched beside index.js.
test('import map: dist/index.js as shipped, the .wasm fetched beside it', async (t) => {
  const dir = writeApp('importmap');
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>app</title>
<script type="importmap">{ "imports": { "tattle": "/tattle/index.js" } }</script>
<script type="module" src="./main.js"></script>
`);
  await runsAndReports(t, 'importmap', dir, { wasm: 'file', routes: { '/': dir, '/tattle/': join(app, 'node_modules', 'tattle', 'dist') } });
});

// Bundlers that copy no asset. esbuild and Rollup's nodeResolve() pass neither `production` nor
// `browser` + `production` → the export map's `default`, dist/chunked.js (the tracing build, its .wasm
// in a chunk); with them, dist/index.js, which sees the URL left as it was and takes the chunk too.
test(`esbuild ${esbuildV} --splitting: the .wasm in a chunk of its own, after load`, (t) =>
  bundlerCase(t, { name: 'esbuild-splitting', wasm: 'chunk', inside: 'tracing', buildWith: (dir, out) => build.esbuild(dir, out, { splitting: true }) }));
test(`esbuild ${esbuildV} --conditions=production --splitting: dist/index.js, the base build's .wasm in a chunk`, (t) =>
  bundlerCase(t, {
    name: 'esbuild-production', wasm: 'chunk', buildWith: (dir, out) => build.esbuild(dir, out, { splitting: true, conditions: ['production'] }),
  }));
test(`esbuild ${esbuildV} (--bundle --format=esm --minify, no --splitting): all in the one bundle, and the console says which flag`, (t) =>
  bundlerCase(t, { name: 'esbuild', wasm: 'one-file', inside: 'tracing', beforeLoad: 'oneFile', oneFileMessage: true, buildWith: (dir, out) => build.esbuild(dir, out) }));
test(`${rollupV}, output.dir: the .wasm in a chunk of its own`, (t) =>
  bundlerCase(t, { name: 'rollup', wasm: 'chunk', inside: 'tracing', buildWith: (dir, out) => build.rollup(dir, out, undefined, splitOut(out)) }));
test(`${rollupV} { browser: true }, output.dir: dist/index.js, the base build's .wasm in a chunk`, (t) =>
  bundlerCase(t, { name: 'rollup-browser', wasm: 'chunk', buildWith: (dir, out) => build.rollup(dir, out, { browser: true }, splitOut(out)) }));

// tattle/react and tattle/vue in an app of each framework, with each bundler at its defaults (Vite builds
// the full apps in tests/e2e/react.test.mjs and vue.test.mjs); Rollup with the two plugins a React or Vue
// app has anyway. They import `tattle` by its name: the page has one client, whose .wasm each bundler
// places as it does for `tattle` alone.
for (const framework of ['react', 'vue']) {
  const fw = (what) => ({ framework, name: `${framework}-${what}` });
  test(`tattle/${framework}, webpack ${versionOf('webpack')}: the framework's error, the .wasm an asset`, (t) =>
    bundlerCase(t, { ...fw('webpack'), wasm: 'file', buildWith: build.webpack }));
  test(`tattle/${framework}, Parcel ${versionOf('parcel')} (no packageExports)`, (t) =>
    bundlerCase(t, { ...fw('parcel'), wasm: 'file', buildWith: (dir, out) => build.parcel(dir, out, join(work, `parcel-cache-${framework}`)) }));
  test(`tattle/${framework}, esbuild ${esbuildV} --splitting: the .wasm in a chunk of its own`, (t) =>
    bundlerCase(t, { ...fw('esbuild'), wasm: 'chunk', inside: 'tracing', buildWith: (dir, out) => build.esbuild(dir, out, { splitting: true }) }));
  test(`tattle/${framework}, ${rollupV} { browser: true } + commonjs + replace, output.dir`, (t) =>
    bundlerCase(t, {
      ...fw('rollup'), wasm: 'chunk', buildWith: async (dir, out) => build.rollup(dir, out, { browser: true }, splitOut(out), await build.rollupAppPlugins()),
    }));
}

// Rollup's `output.file` takes one chunk: Rollup itself stops and names the fix (README).
test(`${rollupV}, output.file: Rollup's own error names output.dir and inlineDynamicImports`, async () => {
  const dir = writeApp('rollup-file');
  await assert.rejects(build.rollup(dir, join(work, 'out', 'rollup-file')), /output\.dir[^]*inlineDynamicImports/);
});

// tattle/inline anywhere, even where the bundler would copy the asset: one module, no .wasm file, no message.
// (wasmUrl set to where nothing is: tattle/inline does not use it.)
test('Vite: `tattle/inline` puts the .wasm inside the bundle and emits no .wasm', (t) =>
  bundlerCase(t, {
    name: 'vite-inline', specifier: 'tattle/inline', options: { wasmUrl: '/no-such.wasm' }, wasm: 'one-file', beforeLoad: 'oneFile', inside: 'tracing',
    buildWith: async (dir, out) => { await build.vite(dir, out); assert.deepEqual(wasmFiles(out), []); },
  }));
test(`${rollupV} { browser: true }, output.file: \`tattle/inline\`, one file`, (t) =>
  bundlerCase(t, {
    name: 'rollup-inline', specifier: 'tattle/inline', wasm: 'one-file', beforeLoad: 'oneFile', inside: 'tracing', buildWith: (dir, out) => build.rollup(dir, out, { browser: true }),
  }));

// README: "Over gzip it weighs within 5% of dist/chunked.js and its chunks together".
test('tattle/inline over gzip: within 5% of dist/chunked.js + lazy_tr.js + tracing.js + wasm_inline_tr.js', (t) => {
  const dist = join(app, 'node_modules', 'tattle', 'dist');
  const gzf = (f) => gz(readFileSync(join(dist, f)));
  const br = (f) => brotliCompressSync(readFileSync(join(dist, f)), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const parts = ['chunked.js', 'lazy_tr.js', 'tracing.js', 'wasm_inline_tr.js'];
  const split = parts.reduce((n, f) => n + gzf(f), 0);
  const inline = gzf('inline.js');
  t.diagnostic(`gzip: ${parts.map((f) => `${f} ${gzf(f)}`).join(' + ')} = ${split} B; inline.js ${inline} B`
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
