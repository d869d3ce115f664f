// `tattle/worker` in real edge runtimes against a real Bugsink: workerd (miniflare, from npm) and
// Deno (from npm). The worker is tests/e2e/workers/app.mjs, the README's example: an exception
// thrown in fetch, a rejected promise, a handled captureException with a per-request user, and
// 50 concurrent requests with 50 users whose events must not mix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { uniqueWord, until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let bugsink, recorder, dsn, work;
before(async () => {
  bugsink = await startBugsink();
  recorder = await startRecorder(bugsink.url);
  dsn = dsnVia(bugsink.dsn, recorder);
  // An app that depends on the package: node_modules/tattle is this repo (with its dist/).
  work = mkdtempSync(join(tmpdir(), 'tattle-worker-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'tattle'), 'dir');
});
after(async () => {
  await recorder?.stop();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const issueWith = async (value) => (await bugsink.listIssues()).find((i) => i.calculated_value === value);

/** The scenarios, against a `request(path)` → { status, text } of one runtime. */
function scenarios(runtime, request) {
  test(`${runtime}: an exception thrown in fetch is reported and rethrown`, async () => {
    const tag = `${runtime}-${uniqueWord()}`;
    const res = await request(`/throw?tag=${tag}`);
    assert.equal(res.status, 500, 'the platform still sees the throw');
    const issue = await until('the thrown error in Bugsink', () => issueWith(`worker threw ${tag}`)).catch(async (e) => {
      const sent = recorder.bodies.filter((b) => b.body.includes(tag)).map((b) => b.status);
      throw new Error(`${e.message}; sent with statuses [${sent}]; issues: ${(await bugsink.listIssues()).map((i) => i.calculated_value).join(' | ')}`);
    });
    const events = await bugsink.api('events/', { query: { issue: issue.id } });
    const { data: ev } = await bugsink.api(`events/${events.results[0].id}/`);
    const ex = ev.exception.values.at(-1);
    assert.equal(ex.type, 'Error');
    assert.deepEqual(ex.mechanism, { type: 'fetch', handled: false });
    assert.equal(ev.release, 'worker@1.0.0');
    assert.equal(ev.environment, 'edge');
    assert.equal(ev.request.method, 'GET');
    assert.match(ev.request.url, new RegExp(`/throw\\?tag=${tag}$`));
    assert.ok(ex.stacktrace.frames.some((f) => f.function === 'fetch' || /fetch/.test(f.function ?? '')), 'a frame of the handler');
  });

  test(`${runtime}: a rejected promise is reported`, async () => {
    const tag = `${runtime}-${uniqueWord()}`;
    const res = await request(`/reject?tag=${tag}`);
    assert.equal(res.status, 500);
    const issue = await until('the rejection in Bugsink', () => issueWith(`worker rejected ${tag}`));
    assert.equal(issue.calculated_type, 'TypeError');
  });

  test(`${runtime}: 50 concurrent requests with 50 users → 50 events, each with its own user`, async () => {
    const users = Array.from({ length: 50 }, (_, i) => `${runtime}-user-${i}`);
    const answers = await Promise.all(users.map((u) => request(`/handled?user=${u}`, { cookie: `session=${u}` })));
    for (const a of answers) assert.equal(a.status, 200);
    const ids = answers.map((a) => a.text);
    await until('50 envelopes answered', () => ids.every((id) => recorder.bodies.some((b) => b.status && b.body.includes(id))), { timeoutMs: 20000 })
      .catch((e) => {
        const seen = ids.filter((id) => recorder.bodies.some((b) => b.body.includes(id)));
        throw new Error(`${e.message}: ${seen.length} of 50 sent; statuses ${recorder.bodies.map((b) => b.status)}`);
      });
    for (const [i, id] of ids.entries()) {
      const { data: ev } = await bugsink.findEvent(id, { timeoutMs: 30000 });
      const user = users[i];
      assert.equal(ev.exception.values.at(-1).value, `handled for ${user}`);
      assert.equal(ev.user.id, user, 'its own user, not another request\'s');
      assert.equal(ev.tags.route, 'handled');
      if (runtime === 'workerd') {
        assert.equal(ev.tags['cf.colo'], 'AMS', 'the colo that served it, from request.cf');
        assert.equal(ev.tags['cf.country'], 'NL');
      }
      assert.equal(ev.request.headers.Cookie ?? ev.request.headers.cookie, undefined, 'no cookies without sendDefaultPii');
      const crumbs = ev.breadcrumbs.values.filter((c) => c.category === 'app').map((c) => c.message);
      assert.deepEqual(crumbs, [`start ${user}`], 'only its own breadcrumbs');
      assert.match(ev.request.url, new RegExp(`user=${user}$`));
    }
  });

  test(`${runtime}: every envelope passes sentry-relay`, async () => {
    const mine = recorder.bodies.filter((b) => b.body.includes('{"type":"event"') && b.body.includes(runtime));
    assert.ok(mine.length >= 52, `${mine.length} envelopes`);
    const verdict = await relayCheck(mine.map((b) => b.body));
    assert.ok(verdict.ok, formatProblems(verdict.problems));
  });
}

describe('workerd (miniflare)', { timeout: 120000 }, () => {
  let mf;
  before(async () => {
    // Bundled the way wrangler does: the package's "workerd"/"worker" conditions, the .wasm kept
    // as a module next to the bundle (workerd compiles it at load; no run-time compile).
    const out = join(work, 'workerd');
    await build({
      entryPoints: [join(root, 'tests/e2e/workers/app.mjs')],
      nodePaths: [join(work, 'node_modules')],
      bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'],
      external: ['*.wasm', 'node:*'], outfile: join(out, 'app.mjs'), logLevel: 'warning',
    });
    copyFileSync(join(root, 'dist/tattle_core_tr_bg.wasm'), join(out, 'tattle_core_tr_bg.wasm')); // the edge takes the tracing build
    mf = new Miniflare({
      modules: true,
      scriptPath: join(out, 'app.mjs'),
      modulesRoot: out,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['nodejs_als'],
      bindings: { DSN: dsn },
      cf: { colo: 'AMS', country: 'NL', httpProtocol: 'HTTP/2', tlsVersion: 'TLSv1.3' },
    });
    await mf.ready;
  });
  after(() => mf?.dispose());
  test('workerd: a failing scheduled and queue handler are reported with their trigger', async () => {
    const worker = await mf.getWorker();
    const cron = await worker.scheduled({ cron: '*/5 * * * *' });
    assert.equal(cron.outcome, 'exception', 'the platform still sees the failure');
    const q = await worker.queue('jobs', [{ id: 'm1', timestamp: new Date(), body: 'x', attempts: 1 }]);
    assert.equal(q.outcome, 'exception');
    for (const [value, kind, tags] of [
      ['cron job failed (*/5 * * * *)', 'scheduled', { trigger: 'scheduled', cron: '*/5 * * * *' }],
      ['queue consumer failed on 1 messages', 'queue', { trigger: 'queue', queue: 'jobs' }],
    ]) {
      const issue = await until(`the ${kind} error in Bugsink`, () => issueWith(value));
      const events = await bugsink.api('events/', { query: { issue: issue.id } });
      const { data: ev } = await bugsink.api(`events/${events.results[0].id}/`);
      assert.deepEqual(ev.exception.values.at(-1).mechanism, { type: kind, handled: false });
      for (const [k, v] of Object.entries(tags)) assert.equal(ev.tags[k], v, `tag ${k}`);
    }
  });

  scenarios('workerd', async (path, headers) => {
    const res = await mf.dispatchFetch(`http://worker.test${path}`, { headers });
    return { status: res.status, text: await res.text() };
  });
});

describe('Deno', { timeout: 120000 }, () => {
  let child, base;
  before(async () => {
    const importMap = join(work, 'import_map.json');
    writeFileSync(importMap, JSON.stringify({ imports: { 'tattle/worker': `file://${join(root, 'dist/deno.js')}` } }));
    child = spawn(join(root, 'node_modules/.bin/deno'), [
      'run', '--allow-net=127.0.0.1', `--allow-read=${root}`, '--allow-env=DSN', `--import-map=${importMap}`,
      '--no-lock', join(root, 'tests/e2e/workers/deno_app.mjs'),
    ], { env: { ...process.env, DSN: dsn, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d) => { out += d; });
    const port = await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        const m = /listening (\d+)/.exec(String(d));
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`deno exited with ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`deno did not start in 30 s: ${out}`)), 30000);
    });
    base = `http://127.0.0.1:${port}`;
  });
  after(() => child?.kill('SIGKILL'));
  scenarios('Deno', async (path, headers) => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, text: await res.text() };
  });
});

test("the README's worker example is tests/e2e/workers/app.mjs, verbatim", () => {
  const app = readFileSync(join(root, 'tests/e2e/workers/app.mjs'), 'utf8');
  const code = app.slice(app.indexOf('import { withTattle'));
  assert.ok(code.includes('withTattle('), 'found the example');
  assert.ok(readFileSync(join(root, 'README.md'), 'utf8').includes(code), 'README shows the tested code');
});
