// tattle/inline, for bundlers that do not copy `new URL(…, import.meta.url)` assets: the .wasm is
// in the bundle (gzipped, then base64), and streams into the compiler out of a local Response.
// Async: a browser without DecompressionStream fails the load like a missing .wasm, not init.
export async function inlineWasm(base64) {
  const gz = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip')),
    { headers: { 'Content-Type': 'application/wasm' } });
}
