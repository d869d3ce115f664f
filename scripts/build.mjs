// npm run build: Rust → wasm (release, size-tuned) → wasm-bindgen (--target web) → wasm-opt
// (npm binaryen; never Debian's, which corrupts wasm-bindgen output) → dist/ (ESM entry bundled
// and minified with esbuild, the .wasm beside it, TypeScript types).
import { execFileSync } from 'node:child_process';
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
// --test-hooks: the build tattle's own tests use where they need its test hooks (a wasm export
// that traps on purpose, delivery stats), into pkg-test/ and dist-test/. The shipped package
// (dist/) has none of them.
const hooks = process.argv.includes('--test-hooks');
const features = hooks ? ['--features', 'test-hooks'] : [];
say(`cargo build --release --target wasm32-unknown-unknown --no-default-features ${features.join(' ')}`);
// --no-default-features: the no_std build (a panic is a plain trap; no core::fmt in the wasm).
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '--no-default-features', ...features]);

const pkg = join(root, hooks ? 'pkg-test' : 'pkg');
rmSync(pkg, { recursive: true, force: true });
say('wasm-bindgen --target web');
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', pkg, '--out-name', 'tattle_core',
  join(root, 'target/wasm32-unknown-unknown/release/tattle.wasm')]);

// The imports' and exports' long generated names, in the .wasm and the glue, become one or two
// letters (scripts/minify-imports.mjs).
{
  const wasmPath = join(pkg, 'tattle_core_bg.wasm');
  const gluePath = join(pkg, 'tattle_core.js');
  const min = minifyImports(readFileSync(wasmPath), readFileSync(gluePath, 'utf8'));
  const ex = minifyExports(min.wasm, min.glue);
  writeFileSync(wasmPath, ex.wasm);
  writeFileSync(gluePath, ex.glue);
  say(`short names for ${min.renamed} wasm imports and ${ex.renamed} exports; unused exports dropped: ${ex.dropped.join(', ') || 'none'}`);
}

const dist = join(root, hooks ? 'dist-test' : 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
say('wasm-opt -Oz (binaryen from npm)');
// --one-caller-inline-max-function-size=20: -Oz otherwise inlines every function that has one
// caller, however large; the module gets ~2 KB larger raw that way but ~1.5 KB gzip smaller
// kept apart (gzip finds more repeats across small functions). Measured with
// `node scripts/size.mjs`: 10 to 30 are within 40 B of each other, 0 and unlimited are worse.
// -Oz twice: the second pass finds ~60 B gz more (a third, or --converge, nothing more).
run(process.execPath, [join(root, 'node_modules/binaryen/bin/wasm-opt'), '-Oz', '-Oz', '--one-caller-inline-max-function-size=20', '--strip-debug', '--strip-producers', '--strip-target-features',
  '--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-multivalue', '--enable-mutable-globals',
  join(pkg, 'tattle_core_bg.wasm'), '-o', join(dist, 'tattle_core_bg.wasm')]);

say('bundling www/index.js with esbuild');
// Trap containment: a wasm trap (a Rust panic is one in the no_std build) leaves the instance's
// state unusable, and the glue refuses a second init. Add one export that drops the dead
// instance and instantiates the same compiled module again (see www/index.js, recover()).
const gluePath = join(pkg, 'tattle_core.js');
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

// The entries import './tattle_core.js': bundle them (and their own modules) from beside
// wasm-bindgen's glue. index.js is the browser entry; worker.js (workerd) and deno.js (Deno) are
// `tattle/worker`, which import or read the .wasm beside them and keep `node:async_hooks` for
// the runtime.
for (const f of readdirSync(join(root, 'www')).filter((name) => name.endsWith('.js'))) {
  copyFileSync(join(root, 'www', f), join(pkg, f));
}
const version = /^version = "(.+)"$/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];
// The browser entry is two files: index.js, the shim on the page's critical path, and lazy.js (the
// glue, the delivery, the store, minimal mode), which index.js loads with `import('./lazy.js')` at
// idle or at the first capture. Two separate bundles (no esbuild splitting): no third, shared chunk
// on the critical path; they share no state but what index.js hands lazy.js. tracing.js (spans,
// transactions, web vitals) is a third such bundle, imported at init only when tracing is on.
const lazyExternal = {
  name: 'lazy-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/(lazy|tracing)\.js$/ }, (a) => ({ path: a.path, external: true }));
  },
};
for (const entry of ['index.js', 'lazy.js', 'tracing.js', 'worker.js', 'deno.js']) {
  await build({
    entryPoints: [join(pkg, entry)],
    plugins: entry === 'index.js' ? [lazyExternal] : [],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    outfile: join(dist, entry),
    // TATTLE_VERSION: the crate's version, which the core's events name as their sdk's.
    define: { TATTLE_TEST_HOOKS: String(hooks), TATTLE_WASM: 'false', TATTLE_VERSION: JSON.stringify(version) },
    // wasm-bindgen's glue resolves the .wasm with `new URL(…, import.meta.url)` too; keep it as is.
    external: ['*.wasm', 'node:*'],
    logLevel: 'warning',
    legalComments: 'none',
  });
}
// tattle/inline (dist/inline.js): the browser entry in one file (lazy.js inside it: Rollup's
// `output.file` takes no second chunk) with the .wasm inside, gzipped and base64-encoded,
// for bundlers that do not copy `new URL(…, import.meta.url)` assets (esbuild, Rollup). Over the wire
// (gzip) it costs about what the separate .wasm does: base64 of gzip data gzips back to nearly its size.
const wasmGz = gzipSync(readFileSync(join(dist, 'tattle_core_bg.wasm')), { level: 9 });
const glueUrl = "new URL('tattle_core_bg.wasm', import.meta.url)";
if (!glue.includes(glueUrl)) throw new Error(`wasm-bindgen glue changed shape (no "${glueUrl}"): update tattle/inline in scripts/build.mjs`);
await build({
  entryPoints: [join(pkg, 'index.js')],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  outfile: join(dist, 'inline.js'),
  define: { TATTLE_TEST_HOOKS: String(hooks), TATTLE_WASM: JSON.stringify(wasmGz.toString('base64')), TATTLE_VERSION: JSON.stringify(version) },
  // The glue's own default URL (unused: the entry always passes the .wasm) would make Vite or webpack
  // emit the file anyway; with it gone the bundle refers to no asset.
  plugins: [{
    name: 'no-wasm-url',
    setup(b) {
      b.onLoad({ filter: /tattle_core\.js$/ }, () => ({ contents: readFileSync(gluePath, 'utf8').replace(glueUrl, 'undefined'), loader: 'js' }));
    },
  }],
  logLevel: 'warning',
  legalComments: 'none',
});
if (readFileSync(join(dist, 'inline.js'), 'utf8').includes('import.meta')) throw new Error('dist/inline.js still refers to import.meta');
writeFileSync(join(dist, 'inline.d.ts'), "// tattle/inline: the browser entry with the .wasm inside the module; the same API.\nexport * from './index.js';\n");
copyFileSync(join(root, 'www/worker.d.ts'), join(dist, 'worker.d.ts'));
copyFileSync(join(root, 'www/index.d.ts'), join(dist, 'index.d.ts'));

const kb = (f) => `${statSync(join(dist, f)).size} B`;
const out = hooks ? 'dist-test' : 'dist';
say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${out}/index.js ${kb('index.js')}, ${out}/lazy.js ${kb('lazy.js')}, ${out}/tattle_core_bg.wasm ${kb('tattle_core_bg.wasm')}`);
