// Source maps through debug IDs, end to end: the app in tests/sourcemaps/app, minified by esbuild
// and by Vite, its bundles given debug ids by `sentry-cli sourcemaps inject` and its maps uploaded
// to Bugsink by `sentry-cli sourcemaps upload`; in Chromium (the esbuild build in Firefox too), a
// handled error before the lazy chunk loads and an uncaught one from inside it; and a minified
// worker with its injected debug id in workerd. Bugsink must show the ORIGINAL files, lines and
// function names, as a user sees them (the event's stack trace as Bugsink renders it, with the
// maps applied; Bugsink stores the event as sent and applies maps when it shows it), and
// sentry-relay's normalizer must accept what tattle sent.
// The tools (Vite, @sentry/cli) live in tests/sourcemaps/ (scripts/setup.sh installs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startBugsink } from '../support/bugsink.mjs';
import { launchChromium, startStaticServer, collectConsole } from '../support/browser.mjs';
import { launchFirefox } from '../support/firefox.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = join(root, 'tests', 'sourcemaps');
const app = join(tools, 'app');
const sentryCli = join(tools, 'node_modules', '.bin', 'sentry-cli');
const viteBin = join(tools, 'node_modules', 'vite', 'bin', 'vite.js');
const esbuildBin = join(root, 'node_modules', 'esbuild', 'bin', 'esbuild');
const tattle = join(root, 'dist', 'index.js');
const run = promisify(execFile);

// The app's lines the frames must point to, read from its source (marked with comments there).
const lineOf = (file, mark) => {
  const lines = readFileSync(join(app, 'src', file), 'utf8').split('\n');
  const n = lines.findIndex((l) => l.includes(`// ${mark}`));
  assert.ok(n >= 0, `${file} has the line marked ${mark}`);
  return n + 1;
};

let work, bugsink, recorder, browser;
const servers = [];

before(async () => {
  for (const [what, path] of [['dist/ (node scripts/build.mjs)', tattle], ['tests/sourcemaps (scripts/setup.sh all)', sentryCli]]) {
    assert.ok(existsSync(path), `${what} is missing: ${path}`);
  }
  work = mkdtempSync(join(tmpdir(), 'tattle-sourcemaps-'));
  bugsink = await startBugsink();
  recorder = await startRecorder(bugsink.url);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  await recorder?.stop();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// sentry-cli against the local Bugsink: its URL, a token with the debug-files:upload capability,
// and the project's slug (Bugsink 2.6.2 wants an existing project slug; it ignores the org).
const cli = (args) => run(sentryCli, args, {
  env: {
    ...process.env,
    SENTRY_URL: bugsink.url,
    SENTRY_AUTH_TOKEN: bugsink.token,
    SENTRY_ORG: 'tattle',
    SENTRY_PROJECT: 'e2e',
    SENTRY_DISABLE_UPDATE_CHECK: 'true',
    SENTRY_LOAD_DOTENV: '0',
  },
  timeout: 120_000,
});

/** Every `//# debugId=` in the built JavaScript and its map: file name → id, both must agree. */
function injectedIds(dir) {
  const ids = {};
  for (const f of readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js'))) {
    const js = readFileSync(join(dir, f), 'utf8');
    const id = /\/\/# debugId=([0-9a-f-]{36})/.exec(js)?.[1];
    assert.ok(id, `${f} got a debug id`);
    assert.ok(js.includes('_sentryDebugIds'), `${f} registers its debug id`);
    const map = JSON.parse(readFileSync(join(dir, `${f}.map`), 'utf8'));
    assert.equal(map.debug_id ?? map.debugId, id, `${f}.map carries the same id`);
    ids[f.split('/').pop()] = id;
  }
  return ids;
}

async function buildEsbuild() {
  const out = join(work, 'esbuild');
  await run(esbuildBin, [join(app, 'src', 'main.js'), '--bundle', '--minify', '--sourcemap',
    '--format=esm', '--splitting', `--outdir=${join(out, 'assets')}`, `--alias:tattle=${tattle}`, '--log-level=warning']);
  return out;
}

async function buildVite() {
  const out = join(work, 'vite');
  const config = join(work, 'vite.config.mjs');
  writeFileSync(config, `export default {
  root: ${JSON.stringify(app)},
  logLevel: 'warn',
  resolve: { alias: { tattle: ${JSON.stringify(tattle)} } },
  build: { outDir: ${JSON.stringify(out)}, emptyOutDir: true, sourcemap: true },
};\n`);
  await run(process.execPath, [viteBin, 'build', '--config', config], { cwd: work });
  return out;
}

/** Serves a built app whose config names `label`. */
async function serve(out, label, { page: pageHtml, patterns = [], wasm = false }) {
  const config = {
    dsn: dsnVia(bugsink.dsn, recorder), release: `${label}@1`, label, patterns,
    // esbuild does not copy the .wasm that `new URL(…, import.meta.url)` names: served from dist/.
    wasmUrl: wasm ? '/tattle_core_bg.wasm' : undefined,
  };
  const routes = {
    '/': out,
    '/config.js': { body: `window.TATTLE_TEST = ${JSON.stringify(config)};`, type: 'text/javascript' },
    '/tattle_core_bg.wasm': join(root, 'dist', 'tattle_core_bg.wasm'),
  };
  if (pageHtml) routes['/index.html'] = { body: pageHtml, type: 'text/html' };
  const server = await startStaticServer(routes);
  servers.push(server);
  return server;
}

/** Builds, injects, uploads, serves and runs one app; returns what Bugsink made of its two events. */
async function runApp(label, build, { page: pageHtml, patterns = [], wasm = false }) {
  const out = await build();
  const assets = join(out, 'assets');
  await cli(['sourcemaps', 'inject', assets]);
  const ids = injectedIds(assets);
  assert.ok(Object.keys(ids).length >= 2, `an entry and a lazy chunk: ${Object.keys(ids)}`);
  const { stdout } = await cli(['sourcemaps', 'upload', assets]);
  assert.match(stdout, /Uploaded files to Sentry|Nothing to upload|File upload complete/i, stdout);

  const server = await serve(out, label, { page: pageHtml, patterns, wasm });
  const page = await browser.newPage();
  const log = collectConsole(page);
  const uncaught = [];
  page.on('pageerror', (e) => uncaught.push(e.message));
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.TATTLE_LAST && window.TATTLE_LAST() !== window.TATTLE_EARLY, null,
    { timeout: 10_000 });
  const early = await page.evaluate(() => window.TATTLE_EARLY);
  const late = await page.evaluate(() => window.TATTLE_LAST());
  assert.deepEqual(uncaught, [`widget exploded in ${label}`], 'the uncaught error reached the page');
  await page.close();
  const [first, second] = [await bugsink.findEvent(early), await bugsink.findEvent(late)];
  return { ids, first, second, server, log, out };
}

const framesOf = (ev) => ev.data.exception.values.at(-1).stacktrace.frames;

/** The frame headers of Bugsink's rendered stack trace (`### file:line in \`fn\` [in-app]`). */
const headers = (md) => md.split('\n').filter((l) => l.startsWith('### '));

function checkImages(ev, ids, files) {
  const images = ev.data.debug_meta?.images;
  assert.ok(Array.isArray(images), `debug_meta.images sent: ${JSON.stringify(ev.data.debug_meta)}`);
  const paths = new Set(framesOf(ev).map((f) => f.abs_path));
  // One image per bundle file in the frames, code_file exactly the frames' abs_path, the id
  // sentry-cli injected into that file.
  assert.deepEqual(images.map((i) => i.code_file.split('?')[0].split('/').pop()).sort(), [...files].sort());
  for (const image of images) {
    assert.equal(image.type, 'sourcemap');
    assert.ok(paths.has(image.code_file), `${image.code_file} is a frame's abs_path`);
    assert.equal(image.debug_id, ids[image.code_file.split('?')[0].split('/').pop()]);
  }
}

/** The text of the event's page in Bugsink's web UI, as a user logged in sees it. */
async function eventPageText(ev) {
  const page = await browser.newPage();
  try {
    await page.goto(`${bugsink.url}/accounts/login/`);
    await page.fill('input[name=username]', 'admin@example.com');
    await page.fill('input[name=password]', 'admin');
    await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
    await page.goto(`${bugsink.url}/issues/issue/${ev.issue}/event/${ev.id}/`);
    return await page.innerText('body');
  } finally {
    await page.close();
  }
}

async function checkPage(label, { second }) {
  // The event's page: each frame as "<file> in <function> line <line>:<col>.", maps applied.
  const text = await eventPageText(second);
  assert.ok(text.includes(`widget exploded in ${label}`), text.slice(0, 2000));
  const frames = text.split('\n').filter((l) => / line \d+:\d+\.$/.test(l.trim()));
  const recurse = lineOf('widget.js', 'RECURSE');
  assert.equal(frames.filter((l) => new RegExp(`src/widget\\.js in explodeWidget line ${recurse}:\\d+\\.$`).test(l.trim())).length, 3,
    `the page shows the three recursive calls in explodeWidget at src/widget.js line ${recurse}:\n${frames.join('\n')}`);
  assert.ok(frames.some((l) => l.includes(`src/widget.js line ${lineOf('widget.js', 'THROW')}:`)), frames.join('\n'));
  assert.ok(!frames.some((l) => l.includes('/assets/')), `no bundle file on the page:\n${frames.join('\n')}`);
}

function checkResolved(label, { first, second }) {
  // What a user sees: Bugsink's stack trace with the maps applied.
  const early = headers(first.stacktrace_md);
  assert.ok(early.some((h) => h.includes(`src/main.js:${lineOf('main.js', 'EARLY')}`)),
    `the early error points at src/main.js:${lineOf('main.js', 'EARLY')}:\n${first.stacktrace_md}`);
  const late = headers(second.stacktrace_md);
  const md = second.stacktrace_md;
  assert.ok(md.includes(`widget exploded in ${label}`), md);
  // The throw, in the original file at its line; the recursion's frames, by the original name.
  assert.ok(late.some((h) => h.includes(`src/widget.js:${lineOf('widget.js', 'THROW')}`)),
    `the throw at src/widget.js:${lineOf('widget.js', 'THROW')}:\n${md}`);
  const recursion = late.filter((h) => h.includes(`src/widget.js:${lineOf('widget.js', 'RECURSE')}`));
  assert.equal(recursion.length, 3, `three recursive calls at src/widget.js:${lineOf('widget.js', 'RECURSE')}:\n${md}`);
  for (const h of recursion) assert.ok(h.includes('in `explodeWidget`'), `original function name: ${h}`);
  assert.ok(late.some((h) => h.includes(`src/main.js:${lineOf('main.js', 'DASHBOARD')}`)),
    `the caller in the entry at src/main.js:${lineOf('main.js', 'DASHBOARD')}:\n${md}`);
  // Nothing of the minified bundle is left in what the user sees.
  assert.ok(!/assets\/[^\s]*\.js/.test(late.join('\n')), `no bundle file shown:\n${late.join('\n')}`);
  assert.ok(!md.includes('no sourcemap for debug_id'), md);
}

test('esbuild (--bundle --minify --sourcemap --splitting), sentry-cli inject + upload: Bugsink shows the original code (Chromium, Firefox)', async () => {
  // The entry's URL carries a secret (a signed URL) and a value the app's own scrubbing pattern
  // filters: the frames' abs_path is scrubbed, and code_file must still match it exactly.
  const html = `<!doctype html><meta charset="utf-8"><title>tattle source maps (esbuild)</title>
<script src="/config.js"></script>
<script type="module" src="/assets/main.js?token=s3cr3t-signature&v=build42"></script>`;
  const result = await runApp('esbuild', buildEsbuild, { page: html, patterns: ['build42'], wasm: true });
  const { ids, first, second } = result;
  checkImages(first, ids, ['main.js']);
  const chunk = Object.keys(ids).find((f) => f.startsWith('widget'));
  checkImages(second, ids, ['main.js', chunk]);
  const entry = second.data.debug_meta.images.find((i) => i.code_file.includes('/main.js')).code_file;
  assert.match(entry, /\/assets\/main\.js\?token=\[Filtered\]&v=\[Filtered\]$/, 'scrubbed as the frames are');
  assert.ok(entry.startsWith(result.server.url), 'the host stays');
  checkResolved('esbuild', result);
  await checkPage('esbuild', result);

  const sent = recorder.bodies.map((b) => b.body.toString());
  assert.ok(sent.every((b) => !b.includes('s3cr3t') && !b.includes('build42')), 'no secret left the page');

  // The same bundles in Firefox: SpiderMonkey prints the registering stacks and the frames.
  const server = await serve(result.out, 'esbuild-firefox', { page: html, patterns: ['build42'], wasm: true });
  const firefox = await launchFirefox();
  let early, late;
  try {
    const page = await firefox.newPage();
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => window.TATTLE_LAST && window.TATTLE_LAST() !== window.TATTLE_EARLY, { timeout: 15_000 });
    early = await bugsink.findEvent(await page.evaluate(() => window.TATTLE_EARLY));
    late = await bugsink.findEvent(await page.evaluate(() => window.TATTLE_LAST()));
  } finally {
    await firefox.close();
  }
  checkImages(early, ids, ['main.js']);
  checkImages(late, ids, ['main.js', chunk]);
  assert.ok(headers(early.stacktrace_md).some((h) => h.includes(`src/main.js:${lineOf('main.js', 'EARLY')}`)), early.stacktrace_md);
  const shown = headers(late.stacktrace_md);
  assert.ok(shown.some((h) => h.includes(`src/widget.js:${lineOf('widget.js', 'THROW')}`)), late.stacktrace_md);
  assert.equal(shown.filter((h) => h.includes(`src/widget.js:${lineOf('widget.js', 'RECURSE')}`)).length, 3, late.stacktrace_md);
  assert.ok(!/assets\/[^\s]*\.js/.test(shown.join('\n')), `no bundle file shown:\n${shown.join('\n')}`);
});

test('Vite (production build, sourcemap on), sentry-cli inject + upload: Bugsink shows the original code', async () => {
  const result = await runApp('vite', buildVite, {});
  const { ids, first, second } = result;
  const entry = Object.keys(ids).find((f) => f.startsWith('index'));
  const chunk = Object.keys(ids).find((f) => f.startsWith('widget'));
  assert.ok(entry && chunk, `Vite's entry and lazy chunk: ${Object.keys(ids)}`);
  checkImages(first, ids, [entry]);
  checkImages(second, ids, [entry, chunk]);
  checkResolved('vite', result);
  await checkPage('vite', result);
});

test('tattle/worker in workerd: a worker bundle with an injected debug id resolves too', async () => {
  const { Miniflare } = await import('miniflare');
  // Bundled as wrangler does (the package's worker conditions, the .wasm a module beside it), minified.
  mkdirSync(join(work, 'node_modules'), { recursive: true });
  symlinkSync(root, join(work, 'node_modules', 'tattle'), 'dir');
  const out = join(work, 'worker');
  await run(esbuildBin, [join(app, 'src', 'worker.js'), '--bundle', '--minify', '--sourcemap', '--format=esm',
    '--platform=neutral', '--conditions=workerd,worker,browser', '--external:*.wasm', '--external:node:*',
    `--outfile=${join(out, 'worker.js')}`, '--log-level=warning'], { env: { ...process.env, NODE_PATH: join(work, 'node_modules') } });
  copyFileSync(join(root, 'dist', 'tattle_core_tr_bg.wasm'), join(out, 'tattle_core_tr_bg.wasm')); // the edge takes the tracing build
  await cli(['sourcemaps', 'inject', out]);
  const ids = injectedIds(out);
  await cli(['sourcemaps', 'upload', out]);
  const mf = new Miniflare({
    modules: true, scriptPath: join(out, 'worker.js'), modulesRoot: out,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-01', compatibilityFlags: ['nodejs_als'],
    bindings: { DSN: dsnVia(bugsink.dsn, recorder) },
  });
  try {
    const res = await mf.dispatchFetch('http://worker.test/checkout');
    assert.equal(res.status, 500);
    await res.text();
    const issue = await until('the worker error in Bugsink',
      async () => (await bugsink.listIssues()).find((i) => i.calculated_value === 'worker checkout failed'));
    const events = await bugsink.api('events/', { query: { issue: issue.id } });
    const ev = await bugsink.api(`events/${events.results[0].id}/`);
    checkImages(ev, ids, ['worker.js']);
    const shown = headers(ev.stacktrace_md);
    const recurse = shown.filter((h) => h.includes(`src/worker.js:${lineOf('worker.js', 'WORKER_RECURSE')} in \`failCheckout\``));
    assert.equal(recurse.length, 2, `two recursive calls in failCheckout:\n${ev.stacktrace_md}`);
    assert.ok(shown.some((h) => h.includes(`src/worker.js:${lineOf('worker.js', 'WORKER_THROW')}`)), ev.stacktrace_md);
    assert.ok(!ev.stacktrace_md.includes('no sourcemap for debug_id'), ev.stacktrace_md);
  } finally {
    await mf.dispose();
  }
});

test('sentry-relay accepts every event with debug_meta', async () => {
  const bodies = recorder.bodies.filter((b) => b.body.toString().includes('"debug_meta"'));
  assert.equal(bodies.length, 7, 'two events from each browser run (esbuild in Chromium and Firefox, Vite) and one from the worker carried debug_meta');
  const { ok, problems } = await relayCheck(bodies);
  assert.ok(ok, formatProblems(problems));
});
