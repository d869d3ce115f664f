// The type test: typical @sentry/browser app code (app.ts) and a worker (worker.ts) compile
// against tattle's published types (dist/*.d.ts through package.json, as an app resolves them)
// with `tsc --noEmit --strict`, under TypeScript 5.9 and 7.0 and with moduleResolution
// "bundler", "node16" and "node"; reject.ts holds what must not compile (`@ts-expect-error`).
// It can fail, and shows it: reject.ts without its directives must give exactly one error per
// directive, and app.ts with the import swapped back must compile against @sentry/browser (so
// it stays Sentry code). Needs `node scripts/build.mjs` first (dist/) and `npm ci` here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const say = (...a) => console.error('[types]', ...a);
let failed = 0;
const fail = (...a) => { failed++; console.error('[types] FAIL:', ...a); };

if (!existsSync(join(repo, 'dist/index.d.ts')) || !existsSync(join(repo, 'dist/worker.d.ts'))) {
  console.error('[types] dist/ has no types: run `node scripts/build.mjs` first');
  process.exit(1);
}
// `tattle` resolves as an app's dependency would: node_modules/tattle is the package itself.
const link = join(here, 'node_modules/tattle');
if (!existsSync(link)) symlinkSync(join('..', '..', '..'), link, 'dir');

const gen = join(here, '.gen');
rmSync(gen, { recursive: true, force: true });
mkdirSync(gen);

const compilers = {
  '5.9': join(here, 'node_modules/typescript/bin/tsc'),
  '7.0': join(here, 'node_modules/typescript7/bin/tsc'),
};
const resolutions = {
  bundler: ['--module', 'esnext', '--moduleResolution', 'bundler'],
  node16: ['--module', 'node16', '--moduleResolution', 'node16'],
  node: ['--module', 'esnext', '--moduleResolution', 'node'],
};

// Runs tsc; returns { code, out } (its diagnostics go to stdout).
function tsc(version, resolution, files, extra = []) {
  const args = [compilers[version], '--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,dom',
    ...resolutions[resolution], ...extra, ...files];
  try {
    return { code: 0, out: execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' }) };
  } catch (e) {
    return { code: e.status ?? 1, out: `${e.stdout || ''}${e.stderr || ''}` };
  }
}

for (const version of Object.keys(compilers)) {
  const actual = execFileSync(process.execPath, [compilers[version], '--version'], { encoding: 'utf8' }).trim();
  if (!actual.startsWith(`Version ${version}.`)) fail(`${compilers[version]} is ${actual}, not ${version}`);
  for (const resolution of Object.keys(resolutions)) {
    const t = Date.now();
    const { code, out } = tsc(version, resolution, ['app.ts', 'tattle.ts', 'worker.ts', 'reject.ts']);
    // TypeScript 7 dropped moduleResolution "node" (node10): it must say so, not pass silently.
    if (version === '7.0' && resolution === 'node') {
      if (code !== 0 && /node10|moduleResolution/i.test(out)) say(`TypeScript ${actual.slice(8)}, node: refused by this TypeScript, as expected (${out.split('\n')[0].trim()})`);
      else fail(`TypeScript ${version} with moduleResolution node: expected it to refuse the option; exit ${code}\n${out}`);
      continue;
    }
    if (code === 0) say(`TypeScript ${actual.slice(8)}, moduleResolution ${resolution}: app.ts, tattle.ts, worker.ts, reject.ts compile (${Date.now() - t} ms)`);
    else fail(`TypeScript ${version}, moduleResolution ${resolution}: exit ${code}\n${out}`);
  }
}

// The test can fail: without its directives, reject.ts gives one error per directive (and only
// on those lines), under both compilers.
const reject = readFileSync(join(here, 'reject.ts'), 'utf8').split('\n');
const expected = [];
const stripped = reject.map((line, i) => {
  if (!line.startsWith('// @ts-expect-error')) return line;
  expected.push(i + 2); // the line after the directive, 1-based
  return '//';
}).join('\n');
writeFileSync(join(gen, 'reject-stripped.ts'), stripped);
for (const version of Object.keys(compilers)) {
  const { code, out } = tsc(version, 'bundler', ['.gen/reject-stripped.ts']);
  const lines = [...new Set([...out.matchAll(/reject-stripped\.ts[(:](\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  if (code !== 0 && JSON.stringify(lines) === JSON.stringify(expected)) {
    say(`TypeScript ${version}: reject.ts without its directives fails on exactly its ${expected.length} lines`);
  } else {
    fail(`TypeScript ${version}: reject.ts without directives: exit ${code}, errors on lines ${lines}, expected ${expected}\n${out}`);
  }
}

// app.ts is Sentry code: with the import swapped back it compiles against @sentry/browser.
const app = readFileSync(join(here, 'app.ts'), 'utf8');
const swapped = app.replace(/from 'tattle'/g, "from '@sentry/browser'");
if (swapped === app || swapped.includes("'tattle'")) fail('app.ts no longer imports from tattle');
writeFileSync(join(gen, 'sentry-app.ts'), swapped);
{
  const { code, out } = tsc('5.9', 'bundler', ['.gen/sentry-app.ts'], ['--skipLibCheck']);
  if (code === 0) say('app.ts with the import swapped to @sentry/browser compiles (TypeScript 5.9, bundler)');
  else fail(`app.ts does not compile against @sentry/browser: it is no longer typical Sentry code\n${out}`);
}

// tattle/react and tattle/vue: typical @sentry/react (react.tsx) and @sentry/vue (vue.ts) code, under
// both compilers and the resolutions each supports, and with the imports swapped back against
// @sentry/react and @sentry/vue (so they stay Sentry code).
const frameworks = ['react.tsx', 'vue.ts', 'reject-frameworks.tsx'];
for (const version of Object.keys(compilers)) {
  for (const resolution of Object.keys(resolutions)) {
    if (version === '7.0' && resolution === 'node') continue; // refused by TypeScript 7 (above)
    // --preserveSymlinks: node_modules/tattle is a link to this repository; an installed package's
    // `import 'react'` resolves from the app's node_modules, as it does here with the link kept.
    // (With "node", react-router's own types need esModuleInterop, as a React app under it has.)
    const interop = resolution === 'node' ? ['--esModuleInterop'] : [];
    const { code, out } = tsc(version, resolution, frameworks, ['--jsx', 'react-jsx', '--preserveSymlinks', ...interop]);
    if (code === 0) say(`TypeScript ${version}, moduleResolution ${resolution}: react.tsx, vue.ts, reject-frameworks.tsx compile`);
    else fail(`TypeScript ${version}, moduleResolution ${resolution}: react.tsx / vue.ts: exit ${code}\n${out}`);
  }
}
for (const [file, from, to] of [['react.tsx', 'tattle/react', '@sentry/react'], ['vue.ts', 'tattle/vue', '@sentry/vue']]) {
  const text = readFileSync(join(here, file), 'utf8');
  const back = text.replaceAll(`from '${from}'`, `from '${to}'`);
  if (back === text) fail(`${file} no longer imports from ${from}`);
  // In tests/types itself (not .gen/), where Node finds the SDKs, under another name.
  const out = join(here, `.sentry-${file}`);
  writeFileSync(out, back);
  try {
    const { code, out: msg } = tsc('5.9', 'bundler', [out], ['--skipLibCheck', '--jsx', 'react-jsx']);
    if (code === 0) say(`${file} with the import swapped to ${to} compiles (TypeScript 5.9, bundler)`);
    else fail(`${file} does not compile against ${to}: it is no longer typical Sentry code\n${msg}`);
  } finally {
    rmSync(out, { force: true });
  }
}

if (failed) {
  console.error(`[types] ${failed} failed`);
  process.exit(1);
}
say('all passed');
