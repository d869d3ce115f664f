// What tattle/react and tattle/vue cost, beside what @sentry/react and @sentry/vue cost, in one
// run: each app is bundled by esbuild for the browser (minified, React and Vue external: the app
// has them anyway), once with the base SDK only and once with the framework entry's API too; the
// gzip difference is what the framework entry adds. tattle resolves as Vite/webpack resolve it
// (the `production` condition: dist/index.js, its chunks inlined by esbuild alike in both). And a
// page that does not import them pays nothing: the base bundle holds none of their code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { here, installed, root, versionOf } from '../frameworks/harness.mjs';

const modules = join(here, 'node_modules');
const tattleDist = {
  name: 'tattle-dist',
  setup(b) {
    b.onResolve({ filter: /^tattle(\/(react|vue))?$/ }, (a) => ({ path: join(root, 'dist', `${a.path === 'tattle' ? 'index' : a.path.slice(7)}.js`) }));
  },
};
async function gz(contents, resolveDir) {
  const r = await build({
    stdin: { contents, resolveDir, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', conditions: ['production'], write: false,
    external: ['react', 'react-dom', 'vue', '*.wasm'], plugins: [tattleDist], logLevel: 'error',
  });
  const code = r.outputFiles[0].contents;
  return { gzip: gzipSync(code, { level: 9 }).length, text: Buffer.from(code).toString('utf8') };
}
const base = (sdk) => `import { init, captureException } from '${sdk}'; init({ dsn: '' }); window.c = captureException;`;
const reactApp = (sdk, browser) => `${base(browser)}
import { ErrorBoundary, withErrorBoundary, reactErrorHandler, captureReactException } from '${sdk}';
window.r = [ErrorBoundary, withErrorBoundary, reactErrorHandler, captureReactException];`;
const vueApp = (sdk) => `import { init, captureException, attachErrorHandler, vueIntegration } from '${sdk}';
init({ dsn: '', app: window.app }); window.c = captureException; window.v = [attachErrorHandler, vueIntegration];`;

test('cost: what tattle/react and tattle/vue add over tattle, beside @sentry/react and @sentry/vue over @sentry/browser', async () => {
  assert.ok(installed(), 'tests/frameworks is installed: run bash scripts/setup.sh all');
  assert.ok(existsSync(join(root, 'dist', 'react.js')), 'dist/ is built');
  // Each Sentry framework SDK against the @sentry/browser it depends on (its own version).
  const sentryVueDir = join(modules, '@sentry', 'vue');
  const rows = {
    tattle: await gz(base('tattle'), here),
    'tattle + tattle/react': await gz(reactApp('tattle/react', 'tattle'), here),
    'tattle/vue': await gz(vueApp('tattle/vue'), here),
    '@sentry/browser (react\'s)': await gz(base('@sentry/browser'), here),
    '@sentry/react': await gz(reactApp('@sentry/react', '@sentry/browser'), here),
    '@sentry/browser (vue\'s)': await gz(base('@sentry/browser'), sentryVueDir),
    '@sentry/vue': await gz(vueApp('@sentry/vue'), sentryVueDir),
  };
  const add = {
    'tattle/react': rows['tattle + tattle/react'].gzip - rows.tattle.gzip,
    'tattle/vue': rows['tattle/vue'].gzip - rows.tattle.gzip,
    '@sentry/react': rows['@sentry/react'].gzip - rows['@sentry/browser (react\'s)'].gzip,
    '@sentry/vue': rows['@sentry/vue'].gzip - rows['@sentry/browser (vue\'s)'].gzip,
  };
  console.error(`# cost (esbuild ${(await import('esbuild')).version}, gzip -9 bytes; @sentry/react ${versionOf('@sentry/react')}, @sentry/vue ${versionOf('@sentry/vue')})`);
  for (const [k, v] of Object.entries(rows)) console.error(`#   ${k.padEnd(28)} ${String(v.gzip).padStart(7)} B gz`);
  for (const [k, v] of Object.entries(add)) console.error(`#   ${k} adds ${v} B gz`);
  // A page that does not import them pays nothing: none of their code is in the base bundle.
  for (const mark of ['React ErrorBoundary', 'auto.function.react', 'auto.function.vue.error_handler', '<Anonymous>']) {
    assert.ok(!rows.tattle.text.includes(mark), `the plain tattle bundle holds "${mark}"`);
  }
  assert.ok(rows['tattle + tattle/react'].text.includes('auto.function.react.error_boundary'));
  assert.ok(rows['tattle/vue'].text.includes('auto.function.vue.error_handler'));
  // Small, and both entries share tattle's one copy (not a second client): well under 3 KB gz each.
  for (const k of ['tattle/react', 'tattle/vue']) assert.ok(add[k] > 0 && add[k] < 3000, `${k} adds ${add[k]} B gz`);
});

// One client: an app that imports `tattle` and `tattle/react` (or `tattle/vue`) gets one copy of
// tattle, whichever file the bundler picks for `tattle` (esbuild's defaults: tattle/inline; with the
// `production` condition, as Vite and webpack: dist/index.js), from the packed package as installed.
test('one module instance: `tattle` and `tattle/react` / `tattle/vue` in one app share tattle', async () => {
  const { packedApp } = await import('../frameworks/harness.mjs');
  const { rmSync, writeFileSync } = await import('node:fs');
  const { pathToFileURL } = await import('node:url');
  const { work, app } = packedApp();
  try {
    for (const conditions of [[], ['production']]) {
      for (const entry of ['react', 'vue']) {
        const out = join(app, `one-${entry}-${conditions.join('') || 'default'}.mjs`);
        await build({
          stdin: { contents: `import * as a from 'tattle'; import * as b from 'tattle/${entry}';
globalThis.same = a.captureException === b.captureException && a.withScope === b.withScope && a.getActiveSpan === b.getActiveSpan;`, resolveDir: app, loader: 'js' },
          bundle: true, format: 'esm', platform: 'browser', conditions, outfile: out, external: ['react', '*.wasm'], logLevel: 'error',
        });
        const text = (await import('node:fs')).readFileSync(out, 'utf8');
        const copies = text.split('over 1,000 calls before the .wasm was ready').length - 1;
        assert.equal(copies, 1, `${entry}, conditions [${conditions}]: one copy of tattle's shim in the bundle, not ${copies}`);
        if (entry === 'vue') {
          globalThis.same = undefined;
          await import(pathToFileURL(out).href);
          assert.equal(globalThis.same, true, `${entry}, conditions [${conditions}]: the same functions`);
        }
        writeFileSync(out, '');
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
