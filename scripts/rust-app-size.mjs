#!/usr/bin/env node
// node scripts/rust-app-size.mjs — what tattle adds to a Rust wasm app: examples/leptos_app and
// examples/yew_app are built for release twice, as they are and as the same app without tattle
// (their tattle calls, tattle's ErrorBoundary/layer/logger taken out by the edits below, each
// required to match), then wasm-bindgen (--target web, name section removed, as shipped) and
// wasm-opt -Oz (binaryen from npm). Prints raw and gzip bytes of the wasm and of the JS (glue +
// snippets), and the difference. The baselines build in target/ (cargo reuses the workspace's
// compiled dependencies) from copies under target/app-size/, each its own workspace.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'target', 'app-size');

/** `text` with each [pattern, replacement] applied once; a pattern that does not match is an error. */
function edit(text, edits, what) {
  for (const [from, to] of edits) {
    if (!(typeof from === 'string' ? text.includes(from) : from.test(text))) throw new Error(`${what}: no ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

const APPS = {
  leptos_app: [
    ['use tattle::integrations::leptos::ErrorBoundary;\n', ''],
    [/    let _tattle = tattle::init\([\s\S]*?\n    \}\);\n/, ''],
    ['        .with(tattle::integrations::tracing::layer())\n', ''],
    [/    log::set_boxed_logger\(Box::new\(tattle::integrations::log::TattleLogger::new\(\)\)\)\.ok\(\);\n/, ''],
    [/    tattle::configure_scope\(.*\);\n/, ''],
  ],
  yew_app: [
    [/    let _tattle = tattle::init\([\s\S]*?\n    \}\);\n/, ''],
    ['    yew::set_custom_panic_hook(std::panic::take_hook());\n', ''],
    [/    tattle::configure_scope\(\|scope\| \{[\s\S]*?\n    \}\);\n/, ''],
    ['last_event.set(tattle::capture_error(&e));', 'last_event.set(e.to_string());'],
  ],
};

function filesUnder(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

function measure(name, manifestDir) {
  execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--target-dir', join(root, 'target')],
    { cwd: manifestDir, stdio: ['ignore', 'ignore', 'inherit'] });
  const out = join(work, 'out', `${name}-${manifestDir === join(root, 'examples', name) ? 'with' : 'without'}`);
  rmSync(out, { recursive: true, force: true });
  execFileSync('wasm-bindgen', ['--target', 'web', '--remove-name-section', '--out-dir', out,
    join(root, 'target/wasm32-unknown-unknown/release', `${name}.wasm`)]);
  const wasm = join(out, `${name}_bg.wasm`);
  execFileSync(process.execPath, [join(root, 'node_modules/binaryen/bin/wasm-opt'), '-Oz', '--strip-debug', '--strip-producers',
    '--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-multivalue', '--enable-mutable-globals', wasm, '-o', wasm]);
  const sizes = (files) => files.reduce((s, f) => {
    const b = readFileSync(f);
    return { raw: s.raw + b.length, gz: s.gz + gzipSync(b, { level: 9 }).length };
  }, { raw: 0, gz: 0 });
  return { wasm: sizes([wasm]), js: sizes(filesUnder(out).filter((f) => f.endsWith('.js'))) };
}

const rows = [];
for (const [name, edits] of Object.entries(APPS)) {
  const src = join(root, 'examples', name);
  const base = join(work, `${name}_base`);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  cpSync(join(src, 'src'), join(base, 'src'), { recursive: true });
  writeFileSync(join(base, 'src/lib.rs'), edit(readFileSync(join(src, 'src/lib.rs'), 'utf8'), edits, name));
  const manifest = edit(readFileSync(join(src, 'Cargo.toml'), 'utf8'), [[/^tattle = .*\n/m, '']], name) + '\n[workspace]\n';
  writeFileSync(join(base, 'Cargo.toml'), manifest);
  cpSync(join(root, 'Cargo.lock'), join(base, 'Cargo.lock')); // the same dependency versions
  const withT = measure(name, src);
  const without = measure(name, base);
  rows.push({ name, withT, without });
}
const fmt = (n) => String(n).padStart(8);
console.log('app            part     with tattle (raw / gz)   without (raw / gz)   tattle adds (raw / gz)');
for (const { name, withT, without } of rows) {
  for (const part of ['wasm', 'js']) {
    const a = withT[part], b = without[part];
    console.log(`${name.padEnd(14)} ${part.padEnd(5)} ${fmt(a.raw)} / ${fmt(a.gz)}   ${fmt(b.raw)} / ${fmt(b.gz)}   ${fmt(a.raw - b.raw)} / ${fmt(a.gz - b.gz)}`);
  }
  const added = withT.wasm.gz + withT.js.gz - without.wasm.gz - without.js.gz;
  console.log(`${name.padEnd(14)} total: tattle adds ${added} B gz (wasm + JS, after wasm-opt -Oz)`);
}
