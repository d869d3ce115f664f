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

// ---- what the React and Vue e2e files do alike with a built app in Chromium ----

/**
 * Serves `routes` (tests/support/browser.mjs's static server), opens a page in a fresh context of
 * `browser` and runs `fn(page, console_)`; a failure carries the page's console; everything is
 * closed after, also on failure.
 */
export async function inAppPage(browser, routes, fn) {
  const { collectConsole, startStaticServer } = await import('../support/browser.mjs');
  const server = await startStaticServer(routes, {});
  const context = await browser.newContext();
  const page = await context.newPage();
  const console_ = collectConsole(page);
  try {
    await page.goto(`${server.url}/`);
    return await fn(page, console_);
  } catch (e) {
    e.message += `\n${console_.dump()}`;
    throw e;
  } finally {
    await context.close();
    await server.stop();
  }
}

/** The router walk both apps have: /users/1, home (`homeSelector` shows it), /users/2. */
export async function visitTwoUsers(page, homeSelector, sleep) {
  await page.click('#to-user-1');
  await page.waitForSelector('text=user 1');
  await sleep(300);
  await page.click('#to-home');
  await page.waitForSelector(homeSelector);
  await page.click('#to-user-2');
  await page.waitForSelector('text=user 2');
}

/** Resolves once `receiver` has had no new request for 1.5 s: a duplicate would come within that. */
export async function untilQuiet(receiver, sleep) {
  let n = -1;
  while (n !== receiver.requests.length) {
    n = receiver.requests.length;
    await sleep(1500);
  }
}

/**
 * [op, name, source] of every transaction (tattle's classic items) and segment span (Sentry 11's
 * streamed spans) `receiver` got, sorted: they arrive in the order each idle transaction ended,
 * which is timing, not naming.
 */
export function routeNames(receiver) {
  const mine = receiver.items('transaction').map((i) => [i.json.contexts.trace.op, i.json.transaction, i.json.transaction_info?.source]);
  const theirs = receiver.items('span').flatMap((i) => i.json.items || []).filter((sp) => sp.is_segment)
    .map((sp) => [sp.attributes['sentry.op']?.value, sp.name, sp.attributes['sentry.segment.name.source']?.value]);
  const text = (x) => x.join(' ');
  return [...mine, ...theirs].sort((x, y) => (text(x) < text(y) ? -1 : text(x) > text(y) ? 1 : 0));
}
