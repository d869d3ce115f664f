// npm run size: raw / gzip / brotli bytes of tattle's wasm, JS and total, beside @sentry/browser
// bundled by esbuild in the same run (init + capture + scope setters kept by tree-shaking).
// tattle's JS is two files: index.js is on the page's critical path (loaded before the app
// runs); lazy.js comes with the .wasm at idle or at the first capture. With tracing on at init
// the page loads lazy_tr.js and tattle_core_tr_bg.wasm (the core's tracing build) in their place:
// "with tracing" is that total (index.js + lazy_tr.js + tracing.js, imported at init, + the tracing .wasm).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { bundleSentry, root } from '../bench/common.mjs';
import { breaches, readBudget } from './budget.mjs';

const dist = process.env.TATTLE_DIST || join(root, 'dist');
const measure = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const wasm = measure(readFileSync(join(dist, 'tattle_core_bg.wasm')));
const critical = measure(readFileSync(join(dist, 'index.js')));
const lazy = measure(readFileSync(join(dist, 'lazy.js')));
const wasmTr = measure(readFileSync(join(dist, 'tattle_core_tr_bg.wasm')));
const lazyTr = measure(readFileSync(join(dist, 'lazy_tr.js')));
// With tracing on only (imported at init), so not in the base total: a page without tracing never loads it.
const tracing = measure(readFileSync(join(dist, 'tracing.js')));
// tattle/react and tattle/vue: their own files, in an app only when it imports them (not in any total).
const react = measure(readFileSync(join(dist, 'react.js')));
const vue = measure(readFileSync(join(dist, 'vue.js')));
const sum = (...ms) => Object.fromEntries(['raw', 'gzip', 'brotli'].map((k) => [k, ms.reduce((n, m) => n + m[k], 0)]));
const js = sum(critical, lazy);
const total = sum(wasm, js);
const totalTr = sum(critical, lazyTr, tracing, wasmTr);
const sentry = measure(readFileSync(await bundleSentry()));

const rows = [['tattle wasm', wasm], ['js critical path', critical], ['js lazy', lazy], ['tattle js', js],
  ['tattle total', total], ['tracing wasm', wasmTr], ['js lazy_tr', lazyTr], ['js tracing', tracing],
  ['total with tracing', totalTr], ['@sentry/browser', sentry], ['js tattle/react', react], ['js tattle/vue', vue]];
console.log('bytes                   raw      gzip    brotli');
for (const [name, m] of rows) {
  console.log(`${name.padEnd(20)}${String(m.raw).padStart(8)}${String(m.gzip).padStart(10)}${String(m.brotli).padStart(10)}`);
}
console.log(`critical path (index.js) ${critical.gzip} B gz; at idle or the first capture: lazy.js + .wasm ${lazy.gzip + wasm.gzip} B gz`);
console.log(`with tracing on: tracing.js at init ${tracing.gzip} B gz, and lazy_tr.js + tracing .wasm ${lazyTr.gzip + wasmTr.gzip} B gz `
  + `in place of lazy.js + .wasm (${lazyTr.gzip + wasmTr.gzip - lazy.gzip - wasm.gzip} B gz more); in all ${totalTr.gzip} B gz`);
console.log(`tattle / @sentry/browser (gzip): ${(total.gzip / sentry.gzip).toFixed(2)}`);
// esbuild and Rollup (the export map's default): chunked.js, its .wasm from wasm_inline_tr.js.
const chunked = measure(readFileSync(join(dist, 'chunked.js')));
const chunkTr = measure(readFileSync(join(dist, 'wasm_inline_tr.js')));
console.log(`esbuild / Rollup: chunked.js ${chunked.gzip} B gz before load; lazy_tr.js + wasm_inline_tr.js ${lazyTr.gzip + chunkTr.gzip} B gz at idle; `
  + `in one file (esbuild without --splitting) ${chunked.gzip + lazyTr.gzip + chunkTr.gzip + tracing.gzip} B gz`);
// A page that never errors still loads the rest at idle (the core sends its session): the same total.
console.log(`a page that never errors: ${total.gzip} B gz (tracing on ${totalTr.gzip} B gz)`);
const over = breaches(dist, readBudget());
console.log(over.length ? `over size-budget.json:\n  ${over.join('\n  ')}` : 'every file within size-budget.json');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'size.json'), JSON.stringify({ wasm, critical, lazy, js, total, wasmTr, lazyTr, tracing, totalTr, sentry, react, vue }, null, 2));
