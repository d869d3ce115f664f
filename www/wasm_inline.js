// tattle's WebAssembly inside a JavaScript chunk (dist/wasm_inline.js: the base build;
// dist/wasm_inline_tr.js: the tracing build), gzipped and base64-encoded: what a page gets where
// no .wasm file sits beside the bundle, because the bundler copies no `new URL(…, import.meta.url)`
// asset (esbuild, Rollup). index.js imports it in place of fetching the .wasm when the bundler left
// that URL as it was; lazy.js when the fetched .wasm was not there (a 404, a page in its place);
// `tattle` resolves to chunked.js for esbuild and Rollup, which always takes it. A literal
// import(), so every bundler makes it a chunk of its own, fetched only then; gzip of base64 of gzip
// data weighs about what the .wasm does over gzip. The build defines TATTLE_WASM (the base64 text).
// eslint-disable-next-line no-undef
const B64 = TATTLE_WASM;

/** The .wasm's gzip size, in bytes (what the console message about one-file bundles names). */
export const size = (B64.length * 3) >> 2;

/** A stack from inside this chunk: lazy.js compares its file with its own (one file, or two). */
export const at = () => new Error().stack;

/**
 * The .wasm as a local Response, streamed into the compiler. It needs DecompressionStream
 * (Chrome 80, Firefox 113, Safari 16.4); without it the load fails as a missing .wasm does.
 */
export const wasm = () => new Response(new Blob([Uint8Array.from(atob(B64), (c) => c.charCodeAt(0))]).stream()
  .pipeThrough(new DecompressionStream('gzip')), { headers: { 'Content-Type': 'application/wasm' } });
