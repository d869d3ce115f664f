// tests/bundlers/build.mjs — production builds of a minimal app with each bundler, as a newcomer runs
// them: the bundler's defaults, nothing tattle-specific unless a caller passes it (the README's lines).
// Used by tests/e2e/bundlers.test.mjs. The bundlers come from this directory's own install
// (package.json + package-lock.json here, `npm ci` by scripts/setup.sh all); esbuild from the root's.
//
// Each function builds `dir` (main.js, and index.html where the bundler starts from HTML) into `out`
// and resolves once the files are written; `out` then holds index.html and what it loads.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const page = (script) => `<!doctype html><meta charset="utf-8"><title>app</title>\n${script}\n`;
/** The index.html Vite and Parcel start from (they rewrite the script tag to the bundle). */
export const sourceHtml = page('<script type="module" src="./main.js"></script>');

/** `vite build` (Vite starts from index.html). */
export async function vite(dir, out) {
  const { build } = await import('vite');
  await build({ root: dir, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
}

/** `webpack --mode production` with ./main.js as the entry, out/main.js loaded by a plain script tag. */
export async function webpack(dir, out) {
  const { default: webpackFn } = await import('webpack');
  const stats = await new Promise((ok, fail) => {
    webpackFn({ mode: 'production', context: dir, entry: './main.js', output: { path: out, filename: 'main.js' } },
      (err, s) => (err ? fail(err) : ok(s)));
  });
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  writeFileSync(join(out, 'index.html'), page('<script defer src="./main.js"></script>'));
}

/** `esbuild main.js --bundle --format=esm --minify --outdir=out` (+ `args`, e.g. conditions). */
export async function esbuild(dir, out, args = {}) {
  const { build } = await import('esbuild');
  await build({ entryPoints: [join(dir, 'main.js')], bundle: true, format: 'esm', minify: true, outdir: out,
    logLevel: 'warning', ...args });
  writeFileSync(join(out, 'index.html'), page('<script type="module" src="./main.js"></script>'));
}

/**
 * rollup.config: input main.js, plugins [nodeResolve(resolveOptions), ...more], output { file: out/main.js, format: 'es' },
 * or `output` (e.g. { dir: out, entryFileNames: 'main.js' } where the app has a lazily loaded chunk).
 */
export async function rollup(dir, out, resolveOptions, output = { file: join(out, 'main.js') }, more = []) {
  const { rollup: rollupFn } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const warnings = [];
  const bundle = await rollupFn({ input: join(dir, 'main.js'), plugins: [nodeResolve(resolveOptions), ...more], onwarn: (w) => warnings.push(w) });
  try {
    await bundle.write({ ...output, format: 'es' });
  } finally {
    await bundle.close();
  }
  // An unresolved import is only a warning in Rollup (it stays a bare import the browser cannot load).
  const unresolved = warnings.filter((w) => w.code === 'UNRESOLVED_IMPORT');
  if (unresolved.length) throw new Error(unresolved.map((w) => w.message).join('\n'));
  writeFileSync(join(out, 'index.html'), page('<script type="module" src="./main.js"></script>'));
}

/** `parcel build index.html` (Parcel starts from index.html); the app's package.json is as the caller wrote it. */
export async function parcel(dir, out, cacheDir) {
  const { Parcel } = await import('@parcel/core');
  const bundler = new Parcel({
    entries: join(dir, 'index.html'),
    defaultConfig: '@parcel/config-default',
    mode: 'production',
    // As `parcel build` sets it (the API does not): React and Vue pick their production builds by it.
    env: { NODE_ENV: 'production' },
    cacheDir,
    shouldDisableCache: true,
    shouldAutoInstall: false,
    logLevel: 'warn',
    defaultTargetOptions: { distDir: out, publicUrl: './' },
  });
  await bundler.run();
}

/**
 * What a React or Vue app adds to rollup.config, as their users write it: @rollup/plugin-commonjs (React
 * ships CommonJS) and @rollup/plugin-replace for `process.env.NODE_ENV` (both read it; a browser has no
 * `process`).
 */
export async function rollupAppPlugins() {
  const { default: commonjs } = await import('@rollup/plugin-commonjs');
  const { default: replace } = await import('@rollup/plugin-replace');
  // replace first, so that commonjs sees React's `if (process.env.NODE_ENV === 'production')` already decided.
  return [replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }), commonjs()];
}
