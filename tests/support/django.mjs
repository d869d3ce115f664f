// tests/support/django.mjs — the seed's backend as a real test part: Django 5.2 + sentry-sdk (DjangoIntegration,
// traces_sample_rate 1.0) from tests/support/django_backend/, run with the venv of scripts/setup-python.sh.
//
//   const rcv = await startReceiver();                                  // receiver.mjs: Bugsink stores no transactions
//   const dj = await startDjango({ dsn: rcv.dsn, allowOrigin: page.origin });
//   try { await fetch(`${dj.url}/api/ping`, { headers: { 'sentry-trace': … } }); … } finally { await dj.stop(); }
//
// Exports
//   startDjango({ dsn, allowOrigin, release, environment, tracesSampleRate, sentryDebug, log, readyTimeoutMs, env })
//     → { url, port, pid, startMs, logTail(lines = 40), stop() }
//     dsn:          sentry-sdk's DSN (omitted: sentry-sdk off; the views still run)
//     allowOrigin:  origin(s) the CORS middleware allows (string, array, or '*'); others get no CORS headers
//     release / environment: sentry-sdk's (defaults 'tattle-django-backend@1.0.0' / 'test')
//     tracesSampleRate: default 1.0 (the seed's production value)
//     sentryDebug:  true → sentry-sdk's debug log (goes to the log / logTail)
//     log:          true → echo the server's output to stderr; a function → called per line
//     readyTimeoutMs: default 30000
//     env:          extra environment variables for the server
//   url: http://127.0.0.1:<free port>
//
// The backend's API (tests/support/django_backend/tattle_backend/views.py):
//   GET /api/ping      → 200 JSON { ok: true, "sentry-trace": <header received or null>, baggage: <same>,
//                         server: { trace_id, span_id, sampled, transaction } (sentry-sdk's transaction for it) }
//   GET /api/slow?ms=N → 200 JSON { ok, ms, server } after N ms (a child span op "function" "slow.sleep")
//   GET /api/boom[?tag=X] → 500; sentry-sdk reports BackendBoom("tattle backend boom X") with the request's trace
//   Preflights (OPTIONS + Access-Control-Request-Method) → 204, for allowed origins with Allow-Methods GET, POST,
//   OPTIONS and Allow-Headers sentry-trace, baggage, content-type. sentry-sdk makes a transaction of every GET/POST
//   (name = the route, e.g. "/api/ping", op http.server), none of HEAD or OPTIONS.
//
// How it runs: `python serve.py <port>` = Django's runserver --noreload (threaded) on 127.0.0.1, in its own process
// group, with a pipe on stdin whose EOF (node gone, even SIGKILLed) stops it. Ready = `HEAD /api/ping` answers
// (HEAD is not traced, so probing sends nothing to the receiver). A port taken between picking and binding is
// retried. stop(): SIGTERM (sentry-sdk flushes at exit, ≤ 2 s), SIGKILL after 5 s. On failure the error says the
// command and the output tail.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv, freePort } from './bugsink.mjs';

const BACKEND = join(dirname(fileURLToPath(import.meta.url)), 'django_backend');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const live = new Set();
process.once('exit', () => {
  for (const pid of live) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

async function kill(child, exitPromise) {
  child.ref();
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await exitPromise;
  clearTimeout(t);
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
}

async function launch({ python, port, env, readyTimeoutMs, onLine, tail }) {
  const child = spawn(python, [join(BACKEND, 'serve.py'), String(port)], {
    cwd: BACKEND,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  live.add(child.pid);
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) s.unref?.();
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));
  child.on('error', (e) => { exited = { error: String(e) }; });
  let partial = '';
  const feed = (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      tail.push(line);
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
      const res = await fetch(`http://127.0.0.1:${port}/api/ping`, { method: 'HEAD', signal: AbortSignal.timeout(2000) });
      if (res.ok) return { child, exitPromise };
    } catch { /* not up yet */ }
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  if (partial) tail.push(partial);
  const bindRace = Boolean(exited) && tail.some((l) => /already in use/i.test(l));
  if (!exited) await kill(child, exitPromise);
  live.delete(child.pid);
  const err = new Error(`Django backend ${exited ? `exited ${JSON.stringify(exited)} before it answered`
    : `did not answer within ${readyTimeoutMs} ms`} HEAD http://127.0.0.1:${port}/api/ping`
    + `\ncommand: ${python} ${join(BACKEND, 'serve.py')} ${port}`
    + `\noutput tail:\n${tail.slice(-30).join('\n')}`);
  err.bindRace = bindRace;
  throw err;
}

export async function startDjango({
  dsn, allowOrigin, release, environment, tracesSampleRate, sentryDebug, log, readyTimeoutMs = 30000, env = {},
} = {}) {
  const t0 = Date.now();
  const venv = await ensureVenv();
  const python = join(venv, 'bin', 'python');
  const origins = Array.isArray(allowOrigin) ? allowOrigin.join(',') : allowOrigin ?? '';
  const fullEnv = {
    ...process.env,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1', // keep the source tree clean (no __pycache__ next to the backend)
    TATTLE_DJANGO_WATCH_STDIN: '1',
    TATTLE_DJANGO_DSN: dsn ?? '',
    TATTLE_DJANGO_ALLOW_ORIGIN: origins,
    TATTLE_DJANGO_RELEASE: release ?? '',
    TATTLE_DJANGO_ENVIRONMENT: environment ?? '',
    ...(tracesSampleRate !== undefined && { TATTLE_DJANGO_TRACES_SAMPLE_RATE: String(tracesSampleRate) }),
    TATTLE_DJANGO_SENTRY_DEBUG: sentryDebug ? '1' : '',
    ...env,
  };
  delete fullEnv.DJANGO_SETTINGS_MODULE; // serve.py sets its own
  const tail = [];
  const onLine = typeof log === 'function' ? log : log ? (l) => process.stderr.write(`[django] ${l}\n`) : null;

  let launched;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      launched = { ...(await launch({ python, port, env: fullEnv, readyTimeoutMs, onLine, tail })), port };
      break;
    } catch (e) {
      if (!(e.bindRace && attempt < 3)) throw e;
    }
  }
  const { child, exitPromise, port } = launched;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    startMs: Date.now() - t0,
    logTail: (n = 40) => tail.slice(-n).join('\n'),
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill(child, exitPromise);
      live.delete(child.pid);
    },
  };
}
