// What tests/e2e/react.test.mjs and vue.test.mjs share: the packed package installed into an app
// directory under tests/frameworks/.work/ (so the apps find React, Vue and the Sentry SDKs in
// tests/frameworks/node_modules by walking up, as an app finds its own dependencies), `vite build`
// of an app in tests/frameworks/apps/<name>/ with its SDK import swapped, and the events one
// page sent, from the receiver that recorded them (and forwarded them to Bugsink).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
const modules = join(here, 'node_modules');
export const installed = () => existsSync(join(modules, 'vite')) && existsSync(join(modules, '@sentry', 'react'));
export const versionOf = (name) => JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).version;

const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

/** `npm pack` of the repository (dist/ as built) installed into a fresh app directory; returns it. */
export function packedApp() {
  mkdirSync(join(here, '.work'), { recursive: true });
  const work = mkdtempSync(join(here, '.work', 'run-'));
  npm(['pack', '--ignore-scripts', '--pack-destination', work], root);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', '--offline', '--legacy-peer-deps', join(work, tarball)], app);
  return { work, app };
}

/**
 * Builds apps/<name> for production with Vite into app/<out>/dist: its main file's `from '<sdk>'`
 * replaced by `from '<to>'` (nothing else changes), `alias` (React 18's npm aliases) and `define`
 * as given. Returns the output directory.
 */
export async function viteBuild(app, { name, out, main, from, to, alias = {}, define = {}, plugin }) {
  const dir = join(app, out);
  cpSync(join(here, 'apps', name), dir, { recursive: true });
  const file = join(dir, main);
  const source = readFileSync(file, 'utf8');
  if (!source.includes(`from '${from}'`)) throw new Error(`${main} does not import ${from}`);
  writeFileSync(file, source.replaceAll(`from '${from}'`, `from '${to}'`));
  const { build } = await import(pathToFileURL(join(modules, 'vite', 'dist', 'node', 'index.js')).href);
  const plugins = await plugin(modules);
  await build({
    root: dir,
    configFile: false,
    logLevel: 'warn',
    plugins,
    resolve: { alias },
    define: Object.fromEntries(Object.entries(define).map(([k, v]) => [k, JSON.stringify(v)])),
    build: { outDir: join(dir, 'dist'), emptyOutDir: true, sourcemap: false },
  });
  return join(dir, 'dist');
}

/** The error events (item json) a receiver got, in arrival order. */
export const eventsOf = (rcv) => rcv.items('event').map((i) => i.json);

/** The event's exception values, oldest (linked) first, main one last, as Sentry orders them. */
export const mainException = (ev) => ev.exception.values[ev.exception.values.length - 1];
export const messageOf = (ev) => (ev.exception ? mainException(ev).value : ev.message && (ev.message.formatted || ev.message));
