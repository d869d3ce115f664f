// Hono (from npm, tests/edge) under Deno (from npm) with tattle/worker: `sentry()` middleware and
// withSentry, each error Hono turns into a response reported once, named by its route pattern,
// stored in Bugsink, Hono's response unchanged (tests/e2e/workers/hono_deno.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { uniqueWord, until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hono = join(root, 'tests/edge/node_modules/hono/dist');
let bugsink, recorder, child, base, work;

before(async () => {
  bugsink = await startBugsink();
  recorder = await startRecorder(bugsink.url);
  work = mkdtempSync(join(tmpdir(), 'tattle-hono-deno-'));
  const importMap = join(work, 'import_map.json');
  writeFileSync(importMap, JSON.stringify({ imports: {
    'tattle/worker': `file://${join(root, 'dist/deno.js')}`, hono: `file://${hono}/index.js`, 'hono/': `file://${hono}/`,
  } }));
  child = spawn(join(root, 'node_modules/.bin/deno'), [
    'run', '--allow-net=127.0.0.1', `--allow-read=${root}`, '--allow-env=DSN', `--import-map=${importMap}`,
    '--no-lock', join(root, 'tests/e2e/workers/hono_deno.mjs'),
  ], { env: { ...process.env, DSN: dsnVia(bugsink.dsn, recorder), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /listening (\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`deno exited with ${code}: ${err}`)));
    setTimeout(() => reject(new Error(`deno did not start in 60 s: ${err}`)), 60000);
  });
  base = `http://127.0.0.1:${port}`;
});
after(async () => {
  child?.kill('SIGKILL');
  await recorder?.stop();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const eventsWith = (value) => recorder.bodies.flatMap((b) => b.body.toString().split('\n'))
  .filter((l) => l.startsWith('{') && l.includes('"exception"')).map((l) => JSON.parse(l))
  .filter((ev) => ev.exception.values.some((x) => x.value === value));

for (const [name, path, message, mechanism, route, body] of [
  ['sentry() middleware', '/users/42', 'deno middleware route', 'auto.http.hono.context_error', 'GET /users/:id', (t) => 'Internal Server Error'],
  ['withSentry and a custom onError', '/orders/7', 'deno wrapped route', 'auto.faas.hono.error_handler', 'GET /orders/:order', (t) => JSON.stringify({ error: `deno wrapped route ${t}` })],
]) {
  test(`Deno, Hono with ${name}: reported once, named by the route, Hono's response unchanged`, async () => {
    const tag = uniqueWord();
    const res = await fetch(`${base}${path}?tag=${tag}`);
    assert.equal(res.status, 500);
    assert.equal(await res.text(), body(tag));
    const value = `${message} ${tag}`;
    await until(`the event for "${value}"`, () => eventsWith(value).length > 0, { timeoutMs: 20000 });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a second copy
    const events = eventsWith(value);
    assert.equal(events.length, 1, 'once');
    const [ev] = events;
    assert.deepEqual(ev.exception.values.at(-1).mechanism, { type: mechanism, handled: false });
    assert.equal(ev.transaction, route);
    assert.equal(ev.request.method, 'GET');
    const stored = await bugsink.findEvent(ev.event_id, { timeoutMs: 20000 });
    assert.equal(stored.data.transaction, route);
  });
}

test('Deno, Hono: every envelope passes sentry-relay', async () => {
  const bodies = recorder.bodies.filter((b) => b.body.includes('"type":"event"'));
  assert.ok(bodies.length >= 2, `${bodies.length} envelopes`);
  const verdict = await relayCheck(bodies.map((b) => b.body));
  assert.ok(verdict.ok, formatProblems(verdict.problems));
});
