// `tattle/worker` under load against a slow server (issue 9), in workerd (miniflare) and Deno.
//
// The worker (tests/e2e/workers/load_app.mjs) captures one distinct handled error per request.
// Its DSN points at a pass-through (tests/support/slow.mjs) that forwards to Bugsink ONE request
// at a time, each after a delay: a small self-hosted server that answers in ~400 ms. Per runtime
// and burst size, in a fresh isolate / process and a fresh Bugsink:
//   b. N concurrent fetch invocations /capture?tag=<unique>: all N events stored, none twice;
//   c. then a failing `scheduled` and a failing `queue` invocation: both stored, and neither
//      invocation held up by the burst's sends;
//   d. then one more /capture: stored (the isolate's delivery did not stall).
// Issue 9 saw ~38/50 arrive, a cron invocation taking 10 s whose error never arrived, and nothing
// captured afterwards in that isolate arriving: one delivery queue per isolate, invocations
// waitUntil-ing each other's sends, workerd ending an invocation and cancelling its fetches.
// The storm guard stays at its default: issue 9 says the edge guard caps nothing by default, so
// N distinct errors must all arrive, 500 included.
//
// Bugsink and duplicates: Bugsink 2.6.2 (ingest/views.py digest_event, events/models.py
// Event.from_ingested) keeps a unique (project, event_id); a second envelope with an event_id it
// already stored is still answered 200 {"id": …} (with snappea eager, the digest's
// ValidationError "Event already exists" is logged, its transaction rolled back) and NOT stored
// or counted again. So a double send is invisible in Bugsink's counts: the pass-through's
// per-event_id record is what catches it (forwarded and accepted twice = a failure here).
//
// workerd as miniflare runs it (measured with a probe worker, miniflare 4.20260426.0): waitUntil
// is NOT cut at 30 s locally (a 45 s fetch and a 40 s timer in waitUntil both completed). When an
// invocation's waitUntil promises settle, workerd ends it and closes the connections of the
// fetches it started: the server had already received the request and sees the client hang up
// (here: recorded as aborted, not forwarded). A promise of such a fetch, awaited from another
// invocation, never settles (neither resolves nor rejects). Deno.serve has no ctx/waitUntil and
// the process lives on, so nothing is cut there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { startBugsink } from '../support/bugsink.mjs';
import { dsnVia } from '../support/recorder.mjs';
import { startSlowPassThrough } from '../support/slow.mjs';
import { uniqueWord, until } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CRON = '*/5 * * * *';
const QUEUE_BATCH = 3;
// No progress anywhere (pass-through and Bugsink) for this long, with events still missing, ends
// a wait early: the delivery gave up or stalled. The burst's own cap is `timeoutMs` below.
const IDLE_MS = 15000;
// An invocation that sends one event through an idle slow server needs ~delay + Bugsink's digest;
// one that waits on other invocations' sends (or on tattle's 10 s flush timeout) takes longer.
const INVOCATION_MS = 5000;

// The scenarios. 50 at 400 ms is issue 9 as reported: the pass-through answers each request no
// sooner than 400 ms after its turn began (Bugsink's own digest, 20–100 ms, inside that), one at a
// time, so the burst's last event waits ~20 s in the line: inside the 27 s tattle gives an
// invocation's sends (Cloudflare cuts waitUntil ~30 s after the response). 500 at 400 ms would be
// 200 s: far beyond that budget and CI's patience. So the 500 go through with no added delay,
// still one at a time: Bugsink's digest (a new issue each, 20–50 ms) sets the pace, about 15 s
// for the 500 on a quiet 2-core machine, inside the budget with room for a loaded CI. (A burst
// that a single-file server cannot take within one invocation's budget has its tail cut there and
// sent by later invocations: tests/unit/delivery.test.mjs checks that path with a virtual clock.)
const SCENARIOS = [
  { n: 50, delayMs: 400, timeoutMs: 60000 },
  { n: 500, delayMs: 0, timeoutMs: 120000 },
];

let work;
before(async () => {
  // An app that depends on the package: node_modules/tattle is this repo (with its dist/).
  work = mkdtempSync(join(tmpdir(), 'tattle-edge-load-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'tattle'), 'dir');
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Bugsink's issues by calculated value (one issue per distinct error message). */
async function issuesByValue(bugsink) {
  return new Map((await bugsink.listIssues()).map((i) => [i.calculated_value, i]));
}

/** Events Bugsink digested and stored in the project (one cheap request; duplicates not counted). */
async function digested(bugsink) {
  return (await bugsink.api(`projects/${bugsink.projectId}/`)).digested_event_count;
}

/** A check for `until` that throws once nothing has moved for `idleMs` (activity() unchanged). */
function stallGuard(what, activity, idleMs = IDLE_MS) {
  let last = activity();
  let since = Date.now();
  return () => {
    const now = activity();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since > idleMs) {
      throw new Error(`stalled: nothing reached the server or Bugsink for ${idleMs} ms while waiting for ${what}`);
    }
  };
}

const fmt = (s) => Object.entries(s).map(([k, v]) => `${k} ${v}`).join(', ');
const short = (list, max = 8) => (list.length > max ? `${list.slice(0, max).join(', ')}, … (${list.length})` : list.join(', '));

/**
 * One runtime × one burst size. `runtime.start(dsn)` → { request(path) → { status, text },
 * scheduled() → { threw, detail }, queue(batchSize) → { threw, detail }, stop() }.
 */
function loadScenario(name, runtime, { n, delayMs, timeoutMs }) {
  describe(`${name}: ${n} concurrent captures through a server answering one request at a time (${delayMs} ms each)`, { timeout: timeoutMs + 120000 }, () => {
    let bugsink, slow, app;
    let stored = 0; // events Bugsink digested so far (progress, for the stall guard)
    const tags = Array.from({ length: n }, (_, i) => `${uniqueWord()}${i}`);
    let ids = [];

    before(async () => {
      bugsink = await startBugsink();
      slow = await startSlowPassThrough(bugsink.url, { delayMs });
      app = await runtime.start(dsnVia(bugsink.dsn, slow));
    });
    after(async () => {
      // What reached the server in the end (late deliveries included), for whoever reads a failure.
      if (slow && bugsink) {
        const total = await digested(bugsink).catch(() => '?');
        console.log(`edge_load ${name} ${n}: at the end Bugsink holds ${total} events (burst ${n} + 3 expected); ${passThrough()}`);
      }
      await app?.stop().catch(() => {});
      await slow?.stop().catch(() => {});
      await bugsink?.stop();
    });

    const activity = () => `${JSON.stringify(slow.stats.summary())}|${stored}`;
    const passThrough = () => {
      const dropped = slow.stats.discarded();
      return `pass-through: ${fmt(slow.stats.summary())}`
        + `${Object.keys(dropped).length ? `; the SDK's client reports say it dropped ${fmt(dropped)}` : ''}`;
    };
    // Waits until Bugsink digested `count` events in all, then until `ready(issues)`; gives up at
    // `timeoutMs` or when nothing moves for IDLE_MS. Resolves { issues, error }.
    async function waitFor(what, count, ready, timeoutMs) {
      const guard = stallGuard(what, activity);
      let issues = new Map();
      const error = await until(what, async () => {
        stored = await digested(bugsink);
        if (stored >= count) {
          issues = await issuesByValue(bugsink);
          if (ready(issues)) return true;
        }
        guard();
        return false;
      }, { timeoutMs, everyMs: 500 }).then(() => null, (e) => e);
      if (error) issues = await issuesByValue(bugsink);
      return { issues, error };
    }

    test(`${name}: all ${n} distinct handled errors are stored, none twice`, async (t) => {
      const t0 = Date.now();
      const answers = await Promise.all(tags.map((tag) => app.request(`/capture?tag=${tag}`)));
      const answeredMs = Date.now() - t0;
      assert.deepEqual(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text.slice(0, 200)}`), [], 'every invocation answered 200');
      ids = answers.map((a) => a.text.trim().replace(/-/g, '').toLowerCase());
      assert.ok(ids.every((id) => /^[0-9a-f]{32}$/.test(id)), `event ids returned: ${short(ids)}`);
      assert.equal(new Set(ids).size, n, 'distinct event ids');

      const { issues, error: waitError } = await waitFor(`all ${n} events in Bugsink`, n,
        (all) => tags.every((tag) => all.has(`load ${tag}`)), timeoutMs);
      const storedTags = tags.filter((tag) => issues.has(`load ${tag}`)).length;
      const tookMs = Date.now() - t0;
      const s = slow.stats.summary();
      t.diagnostic(`${storedTags}/${n} stored after ${tookMs} ms (all ${n} answered in ${answeredMs} ms); ${passThrough()}`);

      const problems = [];
      const missing = tags.filter((tag) => !issues.has(`load ${tag}`));
      if (missing.length) {
        const byId = slow.stats.byEventId();
        const missingIds = missing.map((tag) => ids[tags.indexOf(tag)]);
        const never = missingIds.filter((id) => !byId.has(id));
        const aborted = missingIds.filter((id) => byId.get(id)?.aborted && !byId.get(id).forwarded);
        const refused = slow.stats.requests.filter((r) => missingIds.includes(r.eventId) && r.status !== null && (r.status < 200 || r.status >= 300));
        problems.push(`only ${storedTags} of ${n} events stored in Bugsink after ${tookMs} ms (${waitError ? waitError.message : 'wait ended'}); `
          + `missing ${missing.length}: ${never.length} never reached the server, ${aborted.length} were cancelled by the worker while `
          + `queued at the server (client hung up before they were forwarded), ${refused.length} were refused `
          + `[${refused.map((r) => r.status)}], ${missing.length - never.length - aborted.length - refused.length} other; `
          + `missing tags: ${short(missing)}; ${passThrough()}`);
      }
      const doubled = [...issues.values()].filter((i) => i.calculated_value.startsWith('load ') && i.digested_event_count > 1);
      if (doubled.length) problems.push(`Bugsink stored ${doubled.length} errors more than once: ${short(doubled.map((i) => `${i.calculated_value} ×${i.digested_event_count}`))}`);
      // Bugsink answers a repeated event_id 200 and drops it, so count at the pass-through.
      const twice = [...slow.stats.byEventId()].filter(([, e]) => e.accepted > 1);
      if (twice.length) problems.push(`${twice.length} event ids were sent and accepted more than once: ${short(twice.map(([id, e]) => `${id} ×${e.accepted}`))}`);
      const unknown = [...slow.stats.byEventId().keys()].filter((id) => !ids.includes(id));
      if (unknown.length) problems.push(`${unknown.length} envelopes with event ids no invocation returned: ${short(unknown)}`);
      if (problems.length) assert.fail(problems.join('\n'));

      // Each event is stored under the id its invocation returned (the 50 case; for 500, the
      // pass-through's accepted ids cover that without 500 lookups).
      if (n <= 50) {
        for (const [i, id] of ids.entries()) {
          const { data: ev } = await bugsink.findEvent(id, { timeoutMs: 5000 });
          assert.equal(ev.exception.values.at(-1).value, `load ${tags[i]}`, `event ${id}`);
        }
      } else {
        const accepted = new Set([...slow.stats.byEventId()].filter(([, e]) => e.accepted).map(([id]) => id));
        assert.deepEqual(ids.filter((id) => !accepted.has(id)), [], 'every returned id was accepted by Bugsink');
      }
      t.diagnostic(`max wait in the server's line ${s.maxWaitMs} ms`);
    });

    test(`${name}: then a failing scheduled and a failing queue invocation are both stored, each promptly`, async (t) => {
      const problems = [];
      const timed = async (fn) => {
        const t0 = Date.now();
        const r = await fn();
        return { ...r, ms: Date.now() - t0 };
      };
      const base = await digested(bugsink);
      const cron = await timed(() => app.scheduled());
      const queue = await timed(() => app.queue(QUEUE_BATCH));
      t.diagnostic(`scheduled invocation ${cron.ms} ms (${cron.detail}); queue invocation ${queue.ms} ms (${queue.detail})`);
      if (!cron.threw) problems.push(`the scheduled invocation did not fail (${cron.detail}): withTattle must rethrow`);
      if (!queue.threw) problems.push(`the queue invocation did not fail (${queue.detail}): withTattle must rethrow`);
      for (const [kind, r] of [['scheduled', cron], ['queue', queue]]) {
        if (r.ms > INVOCATION_MS) {
          problems.push(`the ${kind} invocation took ${r.ms} ms (> ${INVOCATION_MS}): it waited for more than its own event's send`);
        }
      }

      const wanted = [[`cron failed ${CRON}`, 'scheduled'], [`queue failed on ${QUEUE_BATCH} messages`, 'queue']];
      const t0 = Date.now();
      const { issues, error: waitError } = await waitFor('the scheduled and queue errors in Bugsink', base + 2,
        (all) => wanted.every(([value]) => all.has(value)), 30000);
      for (const [value, kind] of wanted) {
        if (!issues.has(value)) {
          problems.push(`the ${kind} error ("${value}") never reached Bugsink (waited ${Date.now() - t0} ms: ${waitError?.message}); ${passThrough()}`);
          continue;
        }
        const events = await bugsink.api('events/', { query: { issue: issues.get(value).id } });
        const { data: ev } = await bugsink.api(`events/${events.results[0].id}/`);
        const mech = ev.exception.values.at(-1).mechanism;
        if (mech?.type !== kind || mech?.handled !== false) problems.push(`the ${kind} error has mechanism ${JSON.stringify(mech)}`);
        if (ev.tags?.trigger !== kind) problems.push(`the ${kind} error has trigger tag ${ev.tags?.trigger}`);
      }
      if (!waitError) t.diagnostic(`both stored ${Date.now() - t0} ms after the invocations`);
      if (problems.length) assert.fail(problems.join('\n'));
    });

    test(`${name}: then one more capture in the same isolate is stored`, async (t) => {
      const tag = `last${uniqueWord()}`;
      const base = await digested(bugsink);
      const t0 = Date.now();
      const res = await app.request(`/capture?tag=${tag}`);
      assert.equal(res.status, 200);
      const id = res.text.trim().replace(/-/g, '').toLowerCase();
      const { error } = await waitFor('the last capture in Bugsink', base + 1, (all) => all.has(`load ${tag}`), 30000);
      if (error) {
        const seen = slow.stats.byEventId().get(id);
        assert.fail(`a capture after the burst (event ${id}) never reached Bugsink: ${error.message}; at the server: `
          + `${seen ? JSON.stringify(seen) : 'never arrived'}; ${passThrough()}`);
      }
      t.diagnostic(`stored ${Date.now() - t0} ms after the request`);
    });
  });
}

// workerd through miniflare, bundled the way wrangler does (as worker.test.mjs does it).
const workerd = {
  bundle: null,
  async start(dsn) {
    workerd.bundle ??= (async () => {
      const out = join(work, 'workerd');
      await build({
        entryPoints: [join(root, 'tests/e2e/workers/load_app.mjs')],
        nodePaths: [join(work, 'node_modules')],
        bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'],
        external: ['*.wasm', 'node:*'], outfile: join(out, 'load_app.mjs'), logLevel: 'warning',
      });
      copyFileSync(join(root, 'dist/tattle_core_tr_bg.wasm'), join(out, 'tattle_core_tr_bg.wasm'));
      return out;
    })();
    const out = await workerd.bundle;
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(out, 'load_app.mjs'),
      modulesRoot: out,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['nodejs_als'],
      bindings: { DSN: dsn },
    });
    await mf.ready;
    const worker = await mf.getWorker();
    const outcome = (r) => ({ threw: r.outcome === 'exception', detail: `outcome ${r.outcome}` });
    return {
      async request(path) {
        const res = await mf.dispatchFetch(`http://worker.test${path}`);
        return { status: res.status, text: await res.text() };
      },
      scheduled: async () => outcome(await worker.scheduled({ cron: CRON })),
      queue: async (count) => outcome(await worker.queue('jobs', Array.from({ length: count }, (_, i) => (
        { id: `m${i}`, timestamp: new Date(), body: `job ${i}`, attempts: 1 })))),
      stop: () => mf.dispose(),
    };
  },
};

// Deno: the same handler under Deno.serve (tests/e2e/workers/load_deno.mjs). Deno has no cron or
// queue invocations of the Workers kind: load_deno.mjs calls the wrapped scheduled and queue
// handlers in the Deno process from two test routes, as a Deno.cron callback would (no ctx, so no
// waitUntil: tattle flushes without anything to extend).
const deno = {
  async start(dsn) {
    const importMap = join(work, 'import_map.json');
    writeFileSync(importMap, JSON.stringify({ imports: { 'tattle/worker': `file://${join(root, 'dist/deno.js')}` } }));
    const child = spawn(join(root, 'node_modules/.bin/deno'), [
      'run', '--allow-net=127.0.0.1', `--allow-read=${root}`, '--allow-env=DSN', `--import-map=${importMap}`,
      '--no-lock', join(root, 'tests/e2e/workers/load_deno.mjs'),
    ], { env: { ...process.env, DSN: dsn, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.once('exit', r));
    let err = '';
    child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    let port;
    try {
      port = await new Promise((resolve, reject) => {
        child.stdout.on('data', (d) => {
          const m = /listening (\d+)/.exec(String(d));
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`deno exited with ${code}: ${err}`)));
        setTimeout(() => reject(new Error(`deno did not start in 30 s: ${err}`)), 30000);
      });
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    const base = `http://127.0.0.1:${port}`;
    const get = async (path) => {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, text: await res.text() };
    };
    const outcome = (r) => ({ threw: r.status === 500, detail: `${r.status} ${r.text.slice(0, 120)}` });
    return {
      request: get,
      scheduled: async () => outcome(await get(`/__scheduled?cron=${encodeURIComponent(CRON)}`)),
      queue: async (count) => outcome(await get(`/__queue?n=${count}&queue=jobs`)),
      async stop() {
        child.kill('SIGKILL');
        await exited;
      },
    };
  },
};

// TATTLE_EDGE_LOAD=workerd:50,deno:500 runs only those (while working on delivery); default all.
const only = process.env.TATTLE_EDGE_LOAD?.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
for (const [name, runtime] of [['workerd', workerd], ['Deno', deno]]) {
  for (const scenario of SCENARIOS) {
    if (!only || only.includes(`${name.toLowerCase()}:${scenario.n}`)) loadScenario(name, runtime, scenario);
  }
}
