// scripts/minify-imports.mjs: the build's renaming of the wasm's imports and exports, on a module made here
// byte by byte (imports of every kind: function, memory, global, table), then instantiated with
// the short names. The shipped module's renaming is exercised by every e2e test that loads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minifyExports, minifyImports, shortName } from '../../scripts/minify-imports.mjs';

const MOD = './tattle_core_bg.js';
const te = new TextEncoder();
const str = (s) => [te.encode(s).length, ...te.encode(s)];
const leb = (n) => (n < 128 ? [n] : [(n % 128) | 0x80, ...leb(Math.floor(n / 128))]);
const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
const NAMES = ['__wbg_f_0123456789abcdef', '__wbindgen_memory', '__wbg_g_fedcba9876543210', '__wbg_t_00'];

function module() {
  const imports = [
    4,
    ...str(MOD), ...str(NAMES[0]), 0x00, 0x00, // function of type 0
    ...str(MOD), ...str(NAMES[1]), 0x02, 0x00, 0x01, // memory, min 1 page
    ...str(MOD), ...str(NAMES[2]), 0x03, 0x7f, 0x00, // immutable i32 global
    ...str(MOD), ...str(NAMES[3]), 0x01, 0x6f, 0x01, 0x01, 0x02, // externref table, 1..2
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 1, 0x7f]), // type 0: () -> i32
    ...section(2, imports),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('run'), 0x00, 1]),
    // run() = f() + g
    ...section(10, [1, 7, 0, 0x10, 0x00, 0x23, 0x00, 0x6a, 0x0b]),
  ]);
}

const glue = `const import0 = {\n${NAMES.map((n) => `        ${n}: function() {},`).join('\n')}\n    };\n    return {\n        ${JSON.stringify(MOD)}: import0,\n    };`;

test('imports are renamed in the wasm and the glue alike, and the module still links', async () => {
  const before = module();
  assert.ok(WebAssembly.validate(before));
  const { wasm, glue: out, renamed } = minifyImports(before, glue);
  assert.equal(renamed, 4);
  assert.ok(wasm.length < before.length);
  assert.deepEqual(WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => [i.module, i.name, i.kind]), [
    ['a', 'a', 'function'], ['a', 'b', 'memory'], ['a', 'c', 'global'], ['a', 'd', 'table'],
  ]);
  for (const n of NAMES) assert.ok(!out.includes(n), `${n} left in the glue`);
  assert.match(out, /^ {8}a: function\(\) \{\},$/m);
  assert.match(out, /^ {8}a: import0,$/m);
  const { instance } = await WebAssembly.instantiate(wasm, {
    a: {
      a: () => 40,
      b: new WebAssembly.Memory({ initial: 1 }),
      c: new WebAssembly.Global({ value: 'i32', mutable: false }, 2),
      d: new WebAssembly.Table({ element: 'externref', initial: 1, maximum: 2 }),
    },
  });
  assert.equal(instance.exports.run(), 42);
});

test('a glue that does not name an import exactly once fails the build', () => {
  assert.throws(() => minifyImports(module(), glue.replace(NAMES[2], 'other')), /__wbg_g_fedcba9876543210" 0 times/);
  assert.throws(() => minifyImports(module(), glue.replace(`"${MOD}": import0`, 'x: import0')), /changed shape/);
  assert.throws(() => minifyImports(module(), glue, './other.js'), /expected "\.\/other\.js"/);
});

test('short names are unique', () => {
  const names = Array.from({ length: 3000 }, (_, i) => shortName(i));
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual([shortName(0), shortName(51), shortName(52), shortName(53)], ['a', 'Z', 'aa', 'ab']);
});

/** A module exporting `memory`, `__run_it` (a function) and `__unused` (a global). */
function exporter() {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 0x01]), // memory, min 1 page
    ...section(6, [1, 0x7f, 0x00, 0x41, 0x07, 0x0b]), // immutable i32 global = 7
    ...section(7, [3, ...str('memory'), 0x02, 0, ...str('__run_it'), 0x00, 0, ...str('__unused'), 0x03, 0]),
    ...section(10, [1, 4, 0, 0x41, 42, 0x0b]), // () => 42
  ]);
}

test('exports the glue calls get short names, the others go, memory stays', async () => {
  const glue = 'function run() { return wasm.__run_it() + wasm.memory.buffer.byteLength; } const x = notwasm.__run_it;';
  const { wasm, glue: out, renamed, dropped } = minifyExports(exporter(), glue);
  assert.equal(renamed, 1);
  assert.deepEqual(dropped, ['__unused']);
  assert.equal(out, 'function run() { return wasm.a() + wasm.memory.buffer.byteLength; } const x = notwasm.__run_it;');
  const { instance } = await WebAssembly.instantiate(wasm);
  assert.deepEqual(Object.keys(instance.exports), ['memory', 'a']);
  assert.equal(instance.exports.a(), 42);
  assert.throws(() => minifyExports(exporter(), 'wasm.__gone()'), /wasm\.__gone, which the module does not export/);
});
