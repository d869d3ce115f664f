#!/usr/bin/env node
// scripts/wasm-build-id.mjs — gives a WebAssembly module a build id: a `build_id` custom section
// (16 bytes: the start of the SHA-256 of the module's code section), which is what tattle's Rust
// API (cargo feature `debug-image`) and @sentry/wasm read to send a `wasm` debug image, and what
// `sentry-cli debug-files upload` keys the uploaded debug file by. A module that has one is left
// as it is. Run it on wasm-bindgen's output (`app_bg.wasm`), after any wasm-opt:
//
//   node scripts/wasm-build-id.mjs dist/app_bg.wasm      → prints the build id (hex)
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The module's sections: { id, name (custom sections), start, end (payload), headerStart }. */
export function sections(bytes) {
  const view = Uint8Array.from(bytes);
  if (view.length < 8 || view[0] !== 0 || view[1] !== 0x61 || view[2] !== 0x73 || view[3] !== 0x6d) {
    throw new Error('not a WebAssembly module');
  }
  let at = 8;
  const leb = () => {
    let n = 0, shift = 0, b;
    do { b = view[at++]; n += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return n;
  };
  const out = [];
  while (at < view.length) {
    const headerStart = at;
    const id = view[at++];
    const size = leb();
    const start = at;
    let name;
    if (id === 0) {
      const len = leb();
      name = Buffer.from(view.subarray(at, at + len)).toString('utf8');
      at = start;
    }
    out.push({ id, name, start, end: start + size, headerStart });
    at = start + size;
  }
  return out;
}

const lebBytes = (n) => {
  const out = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return out;
};

/** The build id section's bytes (hex), or null. */
export function buildIdOf(bytes) {
  const s = sections(bytes).find((x) => x.id === 0 && x.name === 'build_id');
  if (!s) return null;
  const nameLen = 1 + 'build_id'.length; // a one-byte length, then the name
  return Buffer.from(bytes.subarray(s.start + nameLen, s.end)).toString('hex');
}

/** The module with a build_id section added (unchanged if it has one), and the id. */
export function withBuildId(bytes) {
  const existing = buildIdOf(bytes);
  if (existing) return { bytes, buildId: existing, added: false };
  const code = sections(bytes).find((x) => x.id === 10);
  if (!code) throw new Error('the module has no code section');
  const id = createHash('sha256').update(bytes.subarray(code.start, code.end)).digest().subarray(0, 16);
  const name = Buffer.from('build_id');
  const payload = Buffer.concat([Buffer.from(lebBytes(name.length)), name, id]);
  const section = Buffer.concat([Buffer.from([0]), Buffer.from(lebBytes(payload.length)), payload]);
  return { bytes: Buffer.concat([bytes, section]), buildId: id.toString('hex'), added: true };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/wasm-build-id.mjs <module.wasm>');
    process.exit(2);
  }
  const { bytes, buildId, added } = withBuildId(readFileSync(file));
  if (added) writeFileSync(file, bytes);
  console.log(buildId);
}
