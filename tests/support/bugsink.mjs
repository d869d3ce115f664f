// tests/support/bugsink.mjs — a real, throw-away Sentry-compatible server (Bugsink from PyPI) for e2e tests.
//
//   import { startBugsink } from '../support/bugsink.mjs';
//   const bs = await startBugsink();            // fresh state dir, free port on 127.0.0.1
//   try { ...send to bs.dsn...; const ev = await bs.findEvent(id); assert.equal(ev.data.release, 'r1'); }
//   finally { await bs.stop(); }
//
// Exports
//   startBugsink({ dir, port, log, workers, settings, maxEventsPerProjectPer5Minutes, readyTimeoutMs, keepDir })
//     → { url, dsn, publicKey, projectId, envelopeUrl, token, dir, pid,
//         api(path, { method, body, query }) → parsed JSON (throws Error with .status/.body on non-2xx),
//         findEvent(eventId, { timeoutMs = 10000 }) → event detail (full stored event under .data); polls every
//               100 ms while the lookup answers 404; throws with the log tail on timeout,
//         listIssues() → issue objects, listEvents() → event summaries (no .data) of all issues,
//         logTail(lines = 40) → string, schemaWarnings (array of Bugsink's "event data validation failed" lines),
//         startMs, stop() }
//     dir:      state directory to use (created if missing, kept after stop); default a new mkdtemp under os.tmpdir()
//               that stop() removes (set TATTLE_KEEP_STATE=1 to keep it for debugging).
//     port:     fixed port; default a free one (retried on a bind race).
//     log:      true → echo gunicorn/Bugsink output to stderr; a function → called per line. Always also written to
//               <dir>/gunicorn.log and kept in memory for logTail() and error messages.
//     workers:  gunicorn sync workers (default 2; see "measured" below).
//     settings: extra keys for Bugsink's BUGSINK settings dict, e.g. { MAX_EVENTS_PER_PROJECT_PER_5_MINUTES: 3 }.
//     resume:   true → start again on an earlier instance's `dir` (and `port`), keeping its data, project and DSN:
//               a server that was down and came back.
//     maxEventsPerProjectPer5Minutes: shorthand for that quota (for rate-limit tests). Settings are read at start;
//               to change them, start another instance.
//   configureSlackAlerts(bugsink, webhookUrl, { newIssues = true, regressions = true, unmutes = false, displayName })
//     → { id } of the MessagingServiceConfig created: the handle's project then posts a Slack-format alert (JSON
//     { text: <issue title>, blocks: [header <title>, section "NEW issue" | "REGRESSED issue" | "UNMUTED issue", …] })
//     to webhookUrl, from inside the ingest POST that made the issue (TASK_ALWAYS_EAGER). Bugsink 2.6.2 has no REST
//     API for messaging configs, so this runs Django in the venv against the server's state dir (~1 s); the running
//     server reads the config per alert, no restart needed. Sets the project's alert_on_new_issue / alert_on_regression
//     / alert_on_unmute, and checks the URL with Bugsink's own webhook policy first (127.0.0.1 is allowed here because
//     of ALERTS_WEBHOOK_DENY_NON_GLOBAL False), throwing its message if Bugsink would refuse to post there.
//   ensureVenv() → path of the Python venv (runs scripts/setup-python.sh once per process; a no-op when warm)
//   freePort()   → a port that was free on 127.0.0.1 a moment ago
//   BUGSINK_VERSION
//
// How a start works (about 1 s warm; the first start on a machine also builds a migrated template DB, ~6 s):
//   1. the venv from scripts/setup-python.sh (bugsink 2.6.2 + sentry-relay).
//   2. a template state under $TATTLE_CACHE/bugsink-template-<pins>/: SQLite DBs migrated once, with a superuser
//      admin@example.com / admin and a full-access API token. Migrating costs ~5 s, so every start copies these files
//      instead of migrating. Built in a temp dir and renamed into place, so parallel test files don't race.
//   3. <dir>/bugsink_conf.py written here: the same content `bugsink-create-conf --template=local` produces (SQLite,
//      snappea TASK_ALWAYS_EAGER = digestion happens synchronously inside the ingest POST, quiet console email) plus
//      overrides: BASE_URL http://127.0.0.1:<port>, PHONEHOME False, INGEST_STORE_BASE_DIR <dir>/ingestion,
//      ALERTS_WEBHOOK_DENY_NON_GLOBAL False (alert webhooks to 127.0.0.1 allowed), VALIDATE_ON_DIGEST "warn"
//      (events failing Bugsink's JSON schema are still stored; a warning lands in the log).
//   4. gunicorn in its own process group on 127.0.0.1:<port>; /health/ready polled every 50 ms for ≤ 30 s.
//   5. team "e2e" + project "e2e" via the REST API (/api/canonical/0/, Bearer token); the project's DSN is returned.
//   stop(): SIGTERM to the process group, wait ≤ 5 s, then SIGKILL. Safety nets when a test never calls stop():
//   the child is unref'd (doesn't keep node alive), a process 'exit' handler SIGKILLs the group, and a watchdog in
//   the gunicorn master (gunicorn_conf.py when_ready hook) exits when its stdin pipe from node closes — so even a
//   SIGKILLed test process leaves no server behind.
//
// Measured on this machine kind (2 cores), Bugsink 2.6.2:
//   * start → ready + project: ~0.9–1.3 s warm (gunicorn boot dominates); first-ever start ~6 s (template migrate);
//     stop ~0.3–0.8 s.
//   * 2 sync workers (default) are stable: 40 concurrent envelope POSTs → 40 × 200 in ~1.1 s, all 40 stored (SQLite
//     writes are serialized by Bugsink's immediate transactions; no "database is locked"). 1 worker does the same in
//     the same time (digestion is CPU-bound) but serializes a page's parallel requests, so 2 is the default.
//
// What the REST API gives back (verified against the real server):
//   * GET events/lookup/?project=<id>&event_id=<32hex or uuid> → 404 until digested, then the EventDetail:
//     { id (Bugsink's uuid), event_id, issue, project, timestamp, ingested_at, digested_at, digest_order, grouping,
//       data, stacktrace_md }. `data` is the event JSON exactly as the SDK sent it (Bugsink stores the parsed item
//     payload unchanged; json.loads/json.dumps round trip): exception values + frames, user, tags, release,
//     environment, level, contexts, breadcrumbs, sdk … are all there. So no DB/ingest-store reading is needed.
//     `event_id` comes back DASHED (1505e992-8b38-…); findEvent accepts either form. Bugsink takes event_id from
//     the ENVELOPE header (it wins over the payload's event_id).
//   * GET issues/?project=<id> → { results, next, previous } (cursor pagination).
//   * GET events/?issue=<uuid> → { results, next, previous }; the list form omits `data`. `issue` is required.
//
// Bugsink's envelope endpoint as a browser sees it (POST /api/<project>/envelope/; all verified against 2.6.2):
//   * CORS: EVERY answer of the envelope endpoint — 200, 400, 403, 413, 429, even a 500 (Bugsink's error handlers are
//     wrapped too) — carries Access-Control-Allow-Origin: *, Access-Control-Allow-Methods: POST, OPTIONS,
//     Access-Control-Allow-Headers: Content-Type, X-Sentry-Auth, …, Content-Encoding, sentry-trace, baggage, … and
//     Access-Control-Expose-Headers: X-Sentry-Rate-Limits. OPTIONS (preflight) → 200 with the same + Max-Age 3600.
//     So a cross-origin `POST text/plain` (no preflight) can read status, body and X-Sentry-Rate-Limits. Retry-After
//     is not exposed (and Bugsink never sends it).
//   * X-Sentry-Rate-Limits: 86400:transaction;span:organization on every response that went through the envelope
//     view (200, 400 from its parser, 413, 429) — but NOT on 403 (bad/missing key), 500, or a 400 from a broken
//     Content-Encoding stream (those come from Django's error handlers).
//   * Good envelope → 200 application/json {"id": "<event_id of the envelope header>"}. Bugsink stores the event
//     under the HEADER's event_id even if the item payload says otherwise (no complaint).
//   * Malformed envelope → 400 application/json {"message": …}: "Header not JSON"; "EOF while reading item with
//     explicitly specified length" (length too big); "Item with explicit length not terminated by newline/EOF"
//     (too small); "event_id not found in envelope headers" (absent OR not a UUID). An item payload that is not JSON
//     passes the parser and fails in the (eager) digest → 500 text/html "Expecting value: line 1 column 1 (char 0)".
//     An event item > 1 MiB → 413 {"message": "Max length (MAX_EVENT_SIZE: 1048576) exceeded"}.
//   * Auth via the query string ?sentry_version=7&sentry_key=<key>&sentry_client=tattle/0.1.0 works (it is checked
//     before X-Sentry-Auth; an envelope-header `dsn` — tunnel mode — wins over both). Unknown key → 403 text/html
//     "Project not found or key incorrect: <dsn>"; a key that is not a UUID → 400; no auth at all → 403.
//   * Content-Encoding: gzip → decoded, 200 as for the plain body. `br` is supported too. `deflate` is decoded as
//     RAW deflate (zlib wbits -15), so a zlib-wrapped body (RFC 9110 "deflate", node's deflateSync, the browser's
//     CompressionStream('deflate')) → 400 text/html "Error -3 while decompressing data"; use gzip.
//   * Quota (MAX_EVENTS_PER_PROJECT_PER_5_MINUTES = N): N events are stored (the N-th still 200), later envelopes →
//     429, empty body, X-Sentry-Rate-Limits: 60::key, 86400:transaction;span:organization. No Retry-After.
//   * Two event items in one envelope → 200 {"id": …} but NOTHING is stored (log: "can only deal with one event").
//   * Bugsink's own JSON-schema check (VALIDATE_ON_DIGEST "warn" here) flags a top-level "message" string
//     ("Additional properties are not allowed ('message' was unexpected)") although Relay accepts it as a legacy
//     alias of logentry; those warnings are collected in handle.schemaWarnings.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const BUGSINK_VERSION = '2.6.2';
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = process.env.TATTLE_CACHE || join(homedir(), '.cache', 'tattle');
const VENV = join(CACHE, 'venv');

let venvPromise;
/** Runs scripts/setup-python.sh once per process (fast no-op when the pinned venv exists); resolves to the venv. */
export function ensureVenv() {
  venvPromise ??= new Promise((ok, fail) => {
    const child = spawn('bash', [join(REPO, 'scripts', 'setup-python.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, TATTLE_CACHE: CACHE },
    });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok(VENV) : fail(new Error(`scripts/setup-python.sh exited ${code}`))));
  });
  return venvPromise;
}

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). Callers must cope with a rare bind race. */
export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Spawns the venv's python with a script on stdin; resolves stdout, rejects with stderr on failure. */
function runPython(venv, script, { cwd, env } = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(join(venv, 'bin', 'python'), ['-'], { cwd, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`python exited ${code}:\n${err.slice(-4000)}`))));
    child.stdin.end(script);
  });
}

/** JS value → Python literal (JSON plus True/False/None). */
function py(value) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`).join(', ')}}`;
}

/** bugsink_conf.py: equivalent of `bugsink-create-conf --template=local` + our overrides. */
function confText({ dir, port, settings }) {
  const bugsink = {
    BASE_URL: `http://127.0.0.1:${port}`,
    SINGLE_USER: true,
    SINGLE_TEAM: true,
    USER_REGISTRATION: 'CB_NOBODY',
    PHONEHOME: false,
    INGEST_STORE_BASE_DIR: join(dir, 'ingestion'),
    ALERTS_WEBHOOK_DENY_NON_GLOBAL: false,
    VALIDATE_ON_DIGEST: 'warn',
    ...settings,
  };
  return `# Written by tattle's tests/support/bugsink.mjs (same as bugsink-create-conf --template=local, plus overrides)
from bugsink.settings.default import *  # noqa
from bugsink.conf_utils import eat_your_own_dogfood

SECRET_KEY = ${py(randomBytes(32).toString('hex'))}
SENTRY_DSN = None
eat_your_own_dogfood(SENTRY_DSN)
TIME_ZONE = "UTC"
SNAPPEA = {"TASK_ALWAYS_EAGER": True}  # digest inside the ingest request: no snappea process needed
EMAIL_BACKEND = "bugsink.email_backends.QuietConsoleEmailBackend"
DATABASES["default"]["NAME"] = ${py(join(dir, 'db.sqlite3'))}
DATABASES["snappea"]["NAME"] = ${py(join(dir, 'snappea.sqlite3'))}
BUGSINK = ${py(bugsink)}
`;
}

const TEMPLATE_SCRIPT = `
import django; django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from bsmain.models import AuthToken
call_command("migrate", interactive=False, verbosity=0)
call_command("migrate", "snappea", database="snappea", interactive=False, verbosity=0)
get_user_model().objects.create_superuser(username="admin@example.com", email="admin@example.com", password="admin")
print(AuthToken.create_full_access(description="tattle e2e").token)
`;

/** Migrated DBs + superuser + token, built once per venv pin set and copied into every fresh state dir. */
async function ensureTemplate(venv) {
  const pins = (await readFile(join(venv, '.tattle-pins'), 'utf8').catch(() => `bugsink==${BUGSINK_VERSION}`))
    .trim().replace(/[^A-Za-z0-9.=_-]+/g, '_');
  const tdir = join(CACHE, `bugsink-template-${pins}`);
  const token = await readFile(join(tdir, 'token.txt'), 'utf8').catch(() => null);
  if (token) return { tdir, token: token.trim() };
  const tmp = await mkdtemp(join(CACHE, '.bugsink-template-'));
  try {
    await writeFile(join(tmp, 'bugsink_conf.py'), confText({ dir: tmp, port: 8000, settings: {} }));
    const out = await runPython(venv, TEMPLATE_SCRIPT, {
      cwd: tmp, env: { PYTHONPATH: tmp, DJANGO_SETTINGS_MODULE: 'bugsink_conf' },
    });
    const fresh = out.trim().split('\n').pop();
    if (!/^[0-9a-f]{40}$/.test(fresh)) throw new Error(`template build printed no token: ${out}`);
    await writeFile(join(tmp, 'token.txt'), fresh);
    await rm(join(tmp, 'bugsink_conf.py'));
    try {
      await rename(tmp, tdir);
    } catch {
      // another process won the race; use theirs
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { tdir, token: (await readFile(join(tdir, 'token.txt'), 'utf8')).trim() };
}

const live = new Set();
process.once('exit', () => {
  for (const pid of live) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

// gunicorn config: a watchdog thread in the master that shuts gunicorn down when its stdin (a pipe from this node
// process) reaches EOF — i.e. when node dies in any way, even SIGKILL, where no 'exit' handler runs.
const GUNICORN_CONF = `import os, signal, threading


def when_ready(server):
    def watch():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="tattle-stdin-watchdog", daemon=True).start()
`;

/** Starts gunicorn in its own process group; resolves { child, exitPromise } once /health/ready answers. */
async function launch({ venv, dir, port, workers, readyTimeoutMs, onLine, logFile, tail, schemaWarnings }) {
  await writeFile(join(dir, 'gunicorn_conf.py'), GUNICORN_CONF);
  const child = spawn(join(venv, 'bin', 'gunicorn'), [
    '--config', join(dir, 'gunicorn_conf.py'), '--no-control-socket', `--bind=127.0.0.1:${port}`, `--workers=${workers}`, '--graceful-timeout=2',
    '--access-logfile', '-', '--error-logfile', '-', '--capture-output', 'bugsink.wsgi',
  ], {
    cwd: dir,
    detached: true, // own process group: stop() kills gunicorn and its workers together
    stdio: ['pipe', 'pipe', 'pipe'], // stdin: never written; its EOF is the watchdog's signal (see GUNICORN_CONF)
    env: { ...process.env, PYTHONPATH: dir, DJANGO_SETTINGS_MODULE: 'bugsink_conf', PYTHONUNBUFFERED: '1' },
  });
  live.add(child.pid);
  // A forgotten stop() must not keep the test process alive: unref everything; the 'exit' handler and the stdin
  // watchdog still end gunicorn. kill() re-refs the child while it waits for the exit.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) s.unref?.();
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));
  let partial = '';
  const feed = (chunk) => {
    logFile.write(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      tail.push(line);
      if (line.includes('event data validation failed')) schemaWarnings.push(line);
      if (tail.length > 400) tail.splice(0, tail.length - 200);
      onLine?.(line);
    }
  };
  child.stdout.setEncoding('utf8').on('data', feed);
  child.stderr.setEncoding('utf8').on('data', feed);

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) break;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { child, exitPromise };
    } catch { /* not up yet */ }
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  const bindRace = exited && tail.some((l) => /Address already in use/.test(l));
  if (!exited) await kill(child, exitPromise);
  live.delete(child.pid);
  const err = new Error(`Bugsink did not become ready on 127.0.0.1:${port} within ${readyTimeoutMs} ms`
    + `${exited ? ` (gunicorn exited ${JSON.stringify(exited)})` : ''}; log tail:\n${tail.slice(-30).join('\n')}`);
  err.bindRace = bindRace;
  throw err;
}

async function kill(child, exitPromise) {
  child.ref();
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await exitPromise;
  clearTimeout(t);
  // the master is gone; make sure no orphaned worker of the group survives
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
}

export async function startBugsink({
  dir, port, log, workers = 2, settings = {}, maxEventsPerProjectPer5Minutes, readyTimeoutMs = 30000, keepDir, resume,
} = {}) {
  const t0 = Date.now();
  const venv = await ensureVenv();
  const { tdir, token } = await ensureTemplate(venv);
  const ownDir = !dir;
  dir = dir ? resolve(dir) : await mkdtemp(join(tmpdir(), 'tattle-bugsink-'));
  await mkdir(join(dir, 'ingestion'), { recursive: true, mode: 0o700 }); // Bugsink warns on a non-private dir
  // resume: the same server again after a stop (same dir and port): its data and DSN are kept.
  if (!resume) for (const f of ['db.sqlite3', 'snappea.sqlite3']) await copyFile(join(tdir, f), join(dir, f));
  const allSettings = { ...settings };
  if (maxEventsPerProjectPer5Minutes !== undefined) {
    allSettings.MAX_EVENTS_PER_PROJECT_PER_5_MINUTES = maxEventsPerProjectPer5Minutes;
  }

  const tail = [];
  const schemaWarnings = [];
  const logFile = createWriteStream(join(dir, 'gunicorn.log'), { flags: 'a' });
  const onLine = typeof log === 'function' ? log : log ? (l) => process.stderr.write(`[bugsink] ${l}\n`) : null;

  let launched;
  for (let attempt = 0; ; attempt++) {
    const p = port ?? (await freePort());
    await writeFile(join(dir, 'bugsink_conf.py'), confText({ dir, port: p, settings: allSettings }));
    try {
      launched = { ...(await launch({ venv, dir, port: p, workers, readyTimeoutMs, onLine, logFile, tail, schemaWarnings })), port: p };
      break;
    } catch (e) {
      if (!(e.bindRace && port === undefined && attempt < 3)) {
        logFile.end();
        throw Object.assign(e, { message: `${e.message}\n(state dir kept: ${dir})` });
      }
    }
  }
  const { child, exitPromise } = launched;
  const url = `http://127.0.0.1:${launched.port}`;
  const apiBase = `${url}/api/canonical/0/`;

  async function api(path, { method = 'GET', body, query } = {}) {
    const u = new URL(path.replace(/^\//, ''), apiBase);
    for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, String(v));
    const res = await fetch(u, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    });
    const text = await res.text();
    if (!res.ok) {
      throw Object.assign(new Error(`Bugsink API ${method} ${u.pathname}${u.search} → ${res.status}: ${text.slice(0, 500)}`),
        { status: res.status, body: text });
    }
    return text ? JSON.parse(text) : null;
  }

  async function all(path, query) {
    const out = [];
    let page = await api(path, { query });
    for (;;) {
      out.push(...page.results);
      if (!page.next) return out;
      page = await api(page.next.slice(page.next.indexOf('/api/canonical/0/') + '/api/canonical/0/'.length));
    }
  }

  let stopped = false;
  const handle = {
    url, token, dir, pid: child.pid,
    api,
    schemaWarnings,
    logTail: (n = 40) => tail.slice(-n).join('\n'),
    listIssues: () => all('issues/', { project: handle.projectId }),
    async listEvents() {
      const events = [];
      for (const issue of await handle.listIssues()) events.push(...(await all('events/', { issue: issue.id })));
      return events;
    },
    async findEvent(eventId, { timeoutMs = 10000, intervalMs = 100 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          return await api('events/lookup/', { query: { project: handle.projectId, event_id: eventId } });
        } catch (e) {
          if (e.status !== 404) throw e;
        }
        if (Date.now() > deadline) {
          throw new Error(`event ${eventId} not stored in Bugsink within ${timeoutMs} ms; log tail:\n${handle.logTail(20)}`);
        }
        await sleep(intervalMs);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill(child, exitPromise);
      live.delete(child.pid);
      await new Promise((r) => logFile.end(r));
      if (ownDir && !keepDir && !process.env.TATTLE_KEEP_STATE) await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    if (!resume) {
      const team = await api('teams/', { method: 'POST', body: { name: 'e2e' } });
      await api('projects/', { method: 'POST', body: { name: 'e2e', team: team.id } });
    }
    const project = (await api('projects/')).results.find((p) => p.name === 'e2e');
    const dsn = new URL(project.dsn);
    Object.assign(handle, {
      dsn: project.dsn,
      projectId: project.id,
      publicKey: decodeURIComponent(dsn.username),
      envelopeUrl: `${url}/api/${project.id}/envelope/`,
      startMs: Date.now() - t0,
    });
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}

// Django side of configureSlackAlerts; arguments come in TATTLE_ALERT_ARGS (JSON). Model and field names as in
// bugsink 2.6.2: alerts.models.MessagingServiceConfig(project, display_name, kind="slack", config=JSON text with
// webhook_url); projects.models.Project.alert_on_{new_issue,regression,unmute}.
const SLACK_ALERTS_SCRIPT = `
import json, os, django; django.setup()
from bugsink.transaction import immediate_atomic
from projects.models import Project
from alerts.models import MessagingServiceConfig
from alerts.service_backends.webhook_security import validate_webhook_url
args = json.loads(os.environ["TATTLE_ALERT_ARGS"])
try:
    validate_webhook_url(args["webhook_url"])
except ValueError as e:
    raise SystemExit("Bugsink refuses this alert webhook URL: %s" % e)
with immediate_atomic():
    project = Project.objects.get(id=args["project_id"])
    project.alert_on_new_issue = args["new_issues"]
    project.alert_on_regression = args["regressions"]
    project.alert_on_unmute = args["unmutes"]
    project.save(update_fields=["alert_on_new_issue", "alert_on_regression", "alert_on_unmute"])
    config = MessagingServiceConfig.objects.create(
        project=project, display_name=args["display_name"], kind="slack",
        config=json.dumps({"webhook_url": args["webhook_url"]}))
print(json.dumps({"id": config.id}))
`;

/** Makes the Bugsink handle's project send Slack-format alerts to webhookUrl (see the header). */
export async function configureSlackAlerts(bugsink, webhookUrl, {
  newIssues = true, regressions = true, unmutes = false, displayName = 'tattle alerts',
} = {}) {
  const venv = await ensureVenv();
  const args = {
    project_id: bugsink.projectId, webhook_url: webhookUrl, display_name: displayName,
    new_issues: newIssues, regressions, unmutes,
  };
  const out = await runPython(venv, SLACK_ALERTS_SCRIPT, {
    cwd: bugsink.dir,
    env: { PYTHONPATH: bugsink.dir, DJANGO_SETTINGS_MODULE: 'bugsink_conf', TATTLE_ALERT_ARGS: JSON.stringify(args) },
  });
  return JSON.parse(out.trim().split('\n').pop());
}
