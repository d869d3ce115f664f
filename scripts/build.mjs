// npm run build: Rust → wasm (release, size-tuned) → wasm-bindgen (--target web) → wasm-opt
// (npm binaryen; never Debian's, which corrupts wasm-bindgen output) → dist/ (ESM entry bundled
// and minified with esbuild, the .wasm beside it, TypeScript types).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minifyExports, minifyImports } from './minify-imports.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => console.error(`[build] ${msg}`);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });

const started = Date.now();
// Each step's wall time, for the last line (the two wasm builds' parts side by side).
const times = [];
const timed = async (what, f) => {
  const t0 = Date.now();
  const r = await f();
  times.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
};
// --test-hooks: the build tattle's own tests use where they need its test hooks (a wasm export
// that traps on purpose, delivery stats), into pkg-test/ and dist-test/. The shipped package
// (dist/) has none of them.
const hooks = process.argv.includes('--test-hooks');
const pkg = join(root, hooks ? 'pkg-test' : 'pkg');
rmSync(pkg, { recursive: true, force: true });
const dist = join(root, hooks ? 'dist-test' : 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// The wasm core is built twice (cargo feature `tracing`, see Cargo.toml): the base,
// tattle_core_bg.wasm with its glue tattle_core.js, which a page without tracing loads (through
// lazy.js), and tattle_core_tr_bg.wasm / tattle_core_tr.js, the same plus the `transaction`
// export (the transaction builder, ~2.6 KB gz), which a page with tracing on loads (through
// lazy_tr.js), and which the edge entries and tattle/inline use. Each goes through the same steps.
const variants = [
  { name: 'tattle_core', features: [] },
  { name: 'tattle_core_tr', features: ['tracing'] },
];
const runAsync = (cmd, args) => new Promise((resolve, reject) => {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('error', reject);
  child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
});
// Each variant: cargo (--no-default-features: the no_std build, where a panic is a plain trap and
// no core::fmt is in the wasm), wasm-bindgen, short names, wasm-opt. The cargo builds go one after
// the other (they share cargo's target dir and its lock, and the artifact's path: wasm-bindgen
// takes it before the next build replaces it); the base's wasm-opt runs while the tracing build
// compiles.
let cargoTurn = Promise.resolve();
await Promise.all(variants.map(async (v) => {
  const features = [...v.features, ...(hooks ? ['test-hooks'] : [])];
  const args = ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '--no-default-features',
    ...(features.length ? ['--features', features.join(',')] : [])];
  const compiled = cargoTurn.then(async () => {
    say(`cargo ${args.join(' ')}`);
    await timed(`cargo ${v.name}`, () => runAsync('cargo', args));
    say(`wasm-bindgen --target web --out-name ${v.name}`);
    run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', pkg, '--out-name', v.name,
      join(root, 'target/wasm32-unknown-unknown/release/tattle.wasm')]);
  });
  cargoTurn = compiled.catch(() => {});
  await compiled;
  // The imports' and exports' long generated names, in the .wasm and the glue, become one or two
  // letters (scripts/minify-imports.mjs).
  const wasmPath = join(pkg, `${v.name}_bg.wasm`);
  const gluePath = join(pkg, `${v.name}.js`);
  const min = minifyImports(readFileSync(wasmPath), readFileSync(gluePath, 'utf8'), `./${v.name}_bg.js`);
  const ex = minifyExports(min.wasm, min.glue);
  writeFileSync(wasmPath, ex.wasm);
  writeFileSync(gluePath, ex.glue);
  say(`${v.name}: short names for ${min.renamed} wasm imports and ${ex.renamed} exports; unused exports dropped: ${ex.dropped.join(', ') || 'none'}`);
  // --one-caller-inline-max-function-size=20: -Oz otherwise inlines every function that has one
  // caller, however large; the module gets ~2 KB larger raw that way but ~1.5 KB gzip smaller
  // kept apart (gzip finds more repeats across small functions). Measured with
  // `node scripts/size.mjs`: 10 to 30 are within 40 B of each other, 0 and unlimited are worse.
  // -Oz twice: the second pass finds ~60 B gz more (a third, or --converge, nothing more).
  say(`wasm-opt -Oz ${v.name}_bg.wasm (binaryen from npm)`);
  await timed(`wasm-opt ${v.name}`, () => runAsync(process.execPath, [join(root, 'node_modules/binaryen/bin/wasm-opt'), '-Oz', '-Oz', '--one-caller-inline-max-function-size=20', '--strip-debug', '--strip-producers', '--strip-target-features',
    '--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-multivalue', '--enable-mutable-globals',
    wasmPath, '-o', join(dist, `${v.name}_bg.wasm`)]));
}));

// Trap containment: a wasm trap (a Rust panic is one in the no_std build) leaves the instance's
// state unusable, and the glue refuses a second init. Add one export that drops the dead
// instance and instantiates the same compiled module again (see www/lazy.js, recover()).
for (const v of variants) {
  const gluePath = join(pkg, `${v.name}.js`);
  const glue = readFileSync(gluePath, 'utf8');
  for (const needle of ['let wasmModule, wasmInstance, wasm;', 'function initSync(module) {\n    if (wasm !== undefined) return wasm;']) {
    if (!glue.includes(needle)) throw new Error(`wasm-bindgen glue changed shape (no "${needle}"): update the trap hook in scripts/build.mjs`);
  }
  writeFileSync(gluePath, `${glue}
/** tattle: a fresh instance of the same module after a trap. */
export function __tattle_reinstantiate() {
    wasm = undefined;
    return initSync({ module: wasmModule });
}
`);
}

// The entries import './tattle_core.js': bundle them (and their own modules) from beside
// wasm-bindgen's glue. index.js is the browser entry; worker.js (workerd) and deno.js (Deno) are
// `tattle/worker`, which import or read the .wasm beside them and keep `node:async_hooks` for
// the runtime.
// (www/browser/, www/integrations/, www/instrument/: the browser entry's own modules, bundled into it.)
for (const f of readdirSync(join(root, 'www'), { recursive: true }).filter((name) => name.endsWith('.js'))) {
  mkdirSync(dirname(join(pkg, f)), { recursive: true });
  copyFileSync(join(root, 'www', f), join(pkg, f));
}
const version = /^version = "(.+)"$/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];
// The browser entry is index.js, the shim on the page's critical path, and the rest, which
// index.js loads with `import()` at idle or at the first capture: lazy.js (the glue, the delivery,
// the store, minimal mode) with tattle_core_bg.wasm, or, when tracing is on at init, lazy_tr.js
// with tattle_core_tr_bg.wasm. lazy_tr.js is www/lazy.js bundled against the tracing glue (the
// alias below): the same source. Separate bundles (no esbuild splitting): no third, shared chunk on
// the critical path; they share no state but what index.js hands lazy.js. tracing.js (spans,
// transactions, web vitals) is another such bundle, imported at init only when tracing is on.
// The chunks that carry a .wasm inside (www/wasm_inline.js, built once per build:
// dist/wasm_inline.js, dist/wasm_inline_tr.js) are imported the same way: index.js takes one where
// the bundler copied no .wasm beside the bundle, lazy.js where the fetched one was not there.
const CHUNKS = /^(\.\.?\/)+(lazy|lazy_tr|tracing|wasm_inline|wasm_inline_tr)\.js$/;
const lazyExternal = {
  name: 'lazy-external',
  setup(b) {
    // From index.js's own modules (www/browser/) they are `../lazy.js`: in dist/ all sit beside index.js.
    b.onResolve({ filter: CHUNKS }, (a) => ({ path: `./${a.path.split('/').pop()}`, external: true }));
  },
};
// lazy.js's own import of its .wasm's chunk: the base build's, or (`tr`) the tracing build's.
const wasmChunk = (tr) => ({
  name: 'wasm-chunk',
  setup(b) {
    b.onResolve({ filter: /^\.\/wasm_inline\.js$/ }, () => ({ path: `./wasm_inline${tr ? '_tr' : ''}.js`, external: true }));
  },
});
// `./tattle_core.js` (lazy.js's and edge.js's import of the glue) → the tracing build's glue.
const trGlue = {
  name: 'tracing-glue',
  setup(b) {
    b.onResolve({ filter: /^\.\/tattle_core\.js$/ }, () => ({ path: join(pkg, 'tattle_core_tr.js') }));
  },
};
const common = {
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  logLevel: 'warning',
  legalComments: 'none',
};
// TATTLE_VERSION: the crate's version, which the core's events name as their sdk's.
// TATTLE_CHUNKED: chunked.js and inline.js (the tracing build only, its .wasm from its chunk);
// TATTLE_ONE_FILE: inline.js (no message about a one-file bundle); TATTLE_WASM: a chunk's .wasm.
const define = (extra = {}) => ({
  TATTLE_TEST_HOOKS: String(hooks), TATTLE_VERSION: JSON.stringify(version),
  TATTLE_CHUNKED: 'false', TATTLE_ONE_FILE: 'false', TATTLE_WASM: 'undefined', ...extra,
});
const b64 = (f) => JSON.stringify(gzipSync(readFileSync(join(dist, f)), { level: 9 }).toString('base64'));
// worker.js and deno.js (the edge) take the tracing build: worker.js imports tattle_core_tr_bg.wasm,
// deno.js reads it, and edge.js's glue import is aliased to its glue.
// chunked.js: what `tattle` is for esbuild and Rollup (the export map's `default`: bundlers that
// pass neither `production` nor `development`, or copy no asset). index.js with the tracing build
// only (lazy_tr.js, tracing.js and wasm_inline_tr.js: chunks where the bundler splits, all inside
// the bundle where it cannot, where carrying both builds would weigh ~2 × 55 KB gz).
const entries = [
  ['index.js', 'index.js', [lazyExternal]],
  ['index.js', 'chunked.js', [lazyExternal], { TATTLE_CHUNKED: 'true' }],
  ['lazy.js', 'lazy.js', [wasmChunk(false)]],
  ['lazy.js', 'lazy_tr.js', [trGlue, wasmChunk(true)]],
  ['wasm_inline.js', 'wasm_inline.js', [], { TATTLE_WASM: () => b64('tattle_core_bg.wasm') }],
  ['wasm_inline.js', 'wasm_inline_tr.js', [], { TATTLE_WASM: () => b64('tattle_core_tr_bg.wasm') }],
  ['tracing.js', 'tracing.js', []],
  ['worker.js', 'worker.js', [trGlue]],
  ['deno.js', 'deno.js', [trGlue]],
];
// tattle/inline (dist/inline.js): chunked.js in one file (its chunks inside it: Rollup's
// `output.file` takes no second chunk), for whoever wants one file whatever the bundler.
const trGluePath = join(pkg, 'tattle_core_tr.js');
const glueUrl = "new URL('tattle_core_tr_bg.wasm', import.meta.url)";
if (!readFileSync(trGluePath, 'utf8').includes(glueUrl)) throw new Error(`wasm-bindgen glue changed shape (no "${glueUrl}"): update tattle/inline in scripts/build.mjs`);
const inline = {
  name: 'inline',
  setup(b) {
    b.onResolve({ filter: /^(\.\.?\/)+lazy(_tr)?\.js$/ }, () => ({ path: join(pkg, 'lazy.js') }));
    b.onResolve({ filter: /^(\.\.?\/)+wasm_inline(_tr)?\.js$/ }, () => ({ path: join(pkg, 'wasm_inline.js') }));
    b.onResolve({ filter: /^\.\/tattle_core\.js$/ }, () => ({ path: trGluePath }));
    // The glue's own default URL (unused: the entry always passes the .wasm) would make Vite or webpack
    // emit the file anyway; with it gone the bundle refers to no asset.
    b.onLoad({ filter: /tattle_core_tr\.js$/ }, () => ({ contents: readFileSync(trGluePath, 'utf8').replace(glueUrl, 'undefined'), loader: 'js' }));
  },
};
await timed('esbuild', async () => {
  const resolved = (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
  await Promise.all([
    ...entries.map(([entry, out, plugins, extra]) => build({
      ...common,
      entryPoints: [join(pkg, entry)],
      plugins,
      outfile: join(dist, out),
      define: resolved(define(extra)),
      // wasm-bindgen's glue resolves the .wasm with `new URL(…, import.meta.url)` too; keep it as is.
      external: ['*.wasm', 'node:*'],
    })),
    // tattle/react and tattle/vue: their own files (a page without them pays nothing), which take the
    // browser API from `tattle` itself (external: the app's bundler resolves it as it resolves the
    // app's own `import 'tattle'`, so both share one module instance, one client) and React from the app.
    ...['react.js', 'vue.js'].map((f) => build({
      ...common,
      entryPoints: [join(root, 'www', f)],
      outfile: join(dist, f),
      external: ['tattle', 'react'],
    })),
    build({
      ...common,
      entryPoints: [join(pkg, 'index.js')],
      outfile: join(dist, 'inline.js'),
      define: define({ TATTLE_CHUNKED: 'true', TATTLE_ONE_FILE: 'true', TATTLE_WASM: b64('tattle_core_tr_bg.wasm') }),
      plugins: [inline],
    }),
  ]);
});
if (readFileSync(join(dist, 'inline.js'), 'utf8').includes('import.meta')) throw new Error('dist/inline.js still refers to import.meta');
writeFileSync(join(dist, 'inline.d.ts'), "// tattle/inline: the browser entry with the .wasm inside the module; the same API.\nexport * from './index.js';\n");
copyFileSync(join(root, 'www/worker.d.ts'), join(dist, 'worker.d.ts'));
copyFileSync(join(root, 'www/index.d.ts'), join(dist, 'index.d.ts'));
for (const f of ['react.d.ts', 'vue.d.ts']) copyFileSync(join(root, 'www', f), join(dist, f));

const kb = (f) => `${statSync(join(dist, f)).size} B`;
const out = hooks ? 'dist-test' : 'dist';
say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s (${times.join(', ')}): ${out}/index.js ${kb('index.js')}, `
  + `${out}/lazy.js ${kb('lazy.js')}, ${out}/tattle_core_bg.wasm ${kb('tattle_core_bg.wasm')}; `
  + `with tracing ${out}/lazy_tr.js ${kb('lazy_tr.js')}, ${out}/tattle_core_tr_bg.wasm ${kb('tattle_core_tr_bg.wasm')}`);
