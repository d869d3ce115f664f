// Shortens the names of the wasm module's imports and exports, in the .wasm and in
// wasm-bindgen's glue together. wasm-bindgen names every import `./tattle_core_bg.js` / `__wbg_<name>_<16 hex>`;
// those names are in the .wasm's import section and again as keys in the glue's import object,
// ~1 KB gzip between the two (measured: `node scripts/size.mjs`). Here each becomes one or two
// letters, in module `a`, and each export the glue calls (`wasm.captureException`, …) too;
// exports nothing calls are dropped. Nothing else changes: the same imports, in the same order,
// with the same types.

const leb = (bytes, at) => {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
};

const putLeb = (value) => {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
};

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The `i`th short name: a…Z, then aa, ab, … */
export const shortName = (i) => (i < LETTERS.length ? LETTERS[i] : shortName(Math.floor(i / LETTERS.length) - 1) + LETTERS[i % LETTERS.length]);

/** One import's description (after its names), as bytes copied unchanged. */
function descEnd(bytes, at) {
  const kind = bytes[at++];
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = leb(bytes, p);
    if (flags & 1) [, p] = leb(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: return leb(bytes, at)[1]; // function: type index
    case 1: return limits(at + 1); // table: reference type, limits
    case 2: return limits(at); // memory: limits
    case 3: return at + 2; // global: value type, mutability
    case 4: return leb(bytes, at + 1)[1]; // tag: attribute, type index
    default: throw new Error(`minify-imports: unknown import kind ${kind}`);
  }
}

/**
 * Renames every import of `wasm` (a Uint8Array) from `module` to module `a` with a short name,
 * and the same keys in `glue` (wasm-bindgen's `--target web` JavaScript). Throws if the glue
 * does not have each import exactly once, so a new wasm-bindgen that changes shape fails the
 * build instead of shipping a module whose imports do not resolve.
 */
export function minifyImports(wasm, glue, module = './tattle_core_bg.js') {
  const td = new TextDecoder();
  const te = new TextEncoder();
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, body] = leb(wasm, at + 1);
    if (id !== 2) {
      at = body + size;
      continue;
    }
    let [count, p] = leb(wasm, body);
    const out = [...putLeb(count)];
    const names = [];
    for (let i = 0; i < count; i++) {
      const name = () => {
        const [len, start] = leb(wasm, p);
        p = start + len;
        return td.decode(wasm.subarray(start, start + len));
      };
      const mod = name();
      const field = name();
      if (mod !== module) throw new Error(`minify-imports: import from "${mod}", expected "${module}"`);
      const short = shortName(i);
      names.push([field, short]);
      const descStart = p;
      p = descEnd(wasm, p);
      for (const s of ['a', short]) out.push(...putLeb(te.encode(s).length), ...te.encode(s));
      out.push(...wasm.subarray(descStart, p));
    }
    if (p !== body + size) throw new Error('minify-imports: import section did not parse to its end');
    for (const [field, short] of names) {
      const key = `        ${field}: function`;
      const hits = glue.split(key).length - 1;
      if (hits !== 1) throw new Error(`minify-imports: the glue has "${field}" ${hits} times, expected once`);
      glue = glue.replace(key, `        ${short}: function`);
    }
    const moduleKey = `        ${JSON.stringify(module)}: import0,`;
    if (glue.split(moduleKey).length !== 2) throw new Error('minify-imports: the glue\'s import object changed shape');
    glue = glue.replace(moduleKey, '        a: import0,');
    const section = [2, ...putLeb(out.length), ...out];
    const bytes = new Uint8Array(at + section.length + wasm.length - (body + size));
    bytes.set(wasm.subarray(0, at), 0);
    bytes.set(section, at);
    bytes.set(wasm.subarray(body + size), at + section.length);
    return { wasm: bytes, glue, renamed: names.length };
  }
  return { wasm, glue, renamed: 0 };
}

/**
 * Renames the exports of `wasm` that `glue` uses as `wasm.<name>` to short names (in both), and
 * drops those it does not use, except the names in `keep` (left as they are: `memory`, which
 * www/index.js reads from the instance).
 */
export function minifyExports(wasm, glue, keep = ['memory']) {
  const td = new TextDecoder();
  const te = new TextEncoder();
  const used = new Set([...glue.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, body] = leb(wasm, at + 1);
    if (id !== 7) {
      at = body + size;
      continue;
    }
    let [count, p] = leb(wasm, body);
    const entries = [];
    const names = new Map();
    const dropped = [];
    for (let i = 0; i < count; i++) {
      const [len, start] = leb(wasm, p);
      const name = td.decode(wasm.subarray(start, start + len));
      const descStart = start + len;
      p = leb(wasm, descStart + 1)[1]; // kind, index
      const desc = wasm.subarray(descStart, p);
      if (keep.includes(name)) {
        entries.push([name, desc]);
      } else if (used.has(name)) {
        const short = shortName(names.size);
        if (keep.includes(short)) throw new Error(`minify-exports: short name "${short}" is kept`);
        names.set(name, short);
        entries.push([short, desc]);
      } else {
        dropped.push(name);
      }
    }
    if (p !== body + size) throw new Error('minify-exports: export section did not parse to its end');
    for (const name of used) {
      if (!names.has(name) && !keep.includes(name)) throw new Error(`minify-exports: the glue uses wasm.${name}, which the module does not export`);
    }
    glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (whole, name) => (names.has(name) ? `wasm.${names.get(name)}` : whole));
    const out = [...putLeb(entries.length)];
    for (const [name, desc] of entries) out.push(...putLeb(te.encode(name).length), ...te.encode(name), ...desc);
    const section = [7, ...putLeb(out.length), ...out];
    const bytes = new Uint8Array(at + section.length + wasm.length - (body + size));
    bytes.set(wasm.subarray(0, at), 0);
    bytes.set(section, at);
    bytes.set(wasm.subarray(body + size), at + section.length);
    return { wasm: bytes, glue, renamed: names.size, dropped };
  }
  return { wasm, glue, renamed: 0, dropped: [] };
}
