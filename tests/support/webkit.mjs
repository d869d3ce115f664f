// tests/support/webkit.mjs — Debian's WebKitGTK (Safari's engine, JavaScriptCore) driven over W3C
// WebDriver classic: Xvfb on a display it picks itself (-displayfd), WebKitWebDriver on a free
// 127.0.0.1 port, and MiniBrowser (libwebkit2gtk-4.1-0's, the driver's default browser) started
// by the driver with --automation (an ephemeral profile). The WebDriver client is a few lines
// over node's fetch; no npm dependency.
//
//   const browser = await launchWebKit();
//   const page = await browser.newPage();        // the session's one window (same page each call)
//   await page.goto(url);
//   await page.evaluate(fn, arg);                 // fn(arg) in the page; promises are awaited
//   await page.waitForFunction(fn, { timeout }, arg);   // puppeteer's argument order
//   await browser.close();                        // deletes the session, kills driver and Xvfb
//
// Driver and Xvfb each get their own process group (MiniBrowser and its web/network processes
// inherit the driver's); close(), this process's exit and SIGINT/SIGTERM/SIGHUP kill both groups.
// Every WebDriver request has a timeout: the driver hangs, not fails, when the browser cannot start
// (seen with no DISPLAY: MiniBrowser "cannot open display" and POST /session never answers).
import { spawn } from 'node:child_process';
import { freePort } from './bugsink.mjs';
import { once } from 'node:events';

export const WEBKIT_DRIVER = process.env.TATTLE_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
export const XVFB = process.env.TATTLE_XVFB || 'Xvfb';

const live = new Set(); // process groups to kill if this process exits without close()
const killGroup = (child) => {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
};
const killAll = () => { for (const child of live) killGroup(child); };
// On a signal, kill the groups and die of the same signal (as without a handler). Installed only
// while groups live, so merely importing this module changes no process's signal handling.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const onSignal = (sig) => { killAll(); unguard(); process.kill(process.pid, sig); };
const guard = () => { process.on('exit', killAll); for (const s of SIGNALS) process.on(s, onSignal); };
const unguard = () => { process.off('exit', killAll); for (const s of SIGNALS) process.off(s, onSignal); };

function startGroup(cmd, args, opts) {
  const child = spawn(cmd, args, { detached: true, ...opts });
  if (live.size === 0) guard();
  live.add(child);
  child.on('exit', () => { live.delete(child); if (live.size === 0) unguard(); });
  child.unref();
  for (const s of [child.stdout, child.stderr, ...(child.stdio.slice(3))]) s?.unref?.();
  return child;
}

function tail(log) {
  return log.join('').split('\n').filter(Boolean).slice(-15).join('\n') || '(no output)';
}

/** Starts Xvfb on the first free display (Xvfb picks it and writes the number to fd 3). */
async function startXvfb(timeoutMs) {
  const log = [];
  const child = startGroup(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp', '-noreset'],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  let buf = '';
  try {
    const display = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Xvfb gave no display within ${timeoutMs} ms`)), timeoutMs);
      child.on('error', (e) => { clearTimeout(timer); reject(e); });
      child.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code ?? sig})`)); });
      child.stdio[3].on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) { clearTimeout(timer); resolve(`:${buf.trim()}`); }
      });
    });
    return { child, display };
  } catch (e) {
    killGroup(child);
    throw new Error(`${e.message}\n${tail(log)}`);
  }
}

async function wd(base, method, path, body, timeoutMs = 30000) {
  let res;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new Error(`WebDriver ${method} ${path}: ${e.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : e.message}`);
  }
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { value: { error: 'bad json', message: text } }; }
  if (!res.ok || json.value?.error) {
    const v = json.value ?? {};
    throw new Error(`WebDriver ${method} ${path}: ${res.status} ${v.error}: ${v.message}`);
  }
  return json.value;
}

async function waitForDriver(base, child, log, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`WebKitWebDriver exited (${child.exitCode ?? child.signalCode})\n${tail(log)}`);
    }
    try {
      const status = await wd(base, 'GET', '/status', undefined, 1000);
      if (status?.ready !== false) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`WebKitWebDriver not ready within ${timeoutMs} ms\n${tail(log)}`);
}

// Runs `fn(...args)` in the page and hands back { ok, value } or { ok: false, error }; the driver's
// async script gets the callback as its last argument. undefined becomes null (JSON). (No key
// named `error`: the client would take the answer for a WebDriver error.)
const wrap = (fn) => `const __done = arguments[arguments.length - 1];
const __args = Array.prototype.slice.call(arguments, 0, -1);
Promise.resolve().then(() => (${fn})(...__args)).then(
  (v) => __done({ ok: true, value: v === undefined ? null : v }),
  (e) => __done({ ok: false, thrown: [String(e), e && e.stack].filter(Boolean).join(' | stack: ') }));`;

export async function launchWebKit({ timeoutMs = 30000, scriptTimeoutMs = 30000 } = {}) {
  const procs = [];
  const browser = {
    log: [],
    async close() {
      if (browser.session) {
        const s = browser.session;
        browser.session = null;
        await wd(browser.base, 'DELETE', `/session/${s}`, undefined, 5000).catch(() => {});
      }
      for (const child of procs.splice(0).reverse()) {
        killGroup(child);
        if (child.exitCode === null && child.signalCode === null) {
          await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 2000))]);
        }
      }
    },
  };
  try {
    const xvfb = await startXvfb(timeoutMs);
    procs.push(xvfb.child);
    browser.display = xvfb.display;

    const port = await freePort();
    const driver = startGroup(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DISPLAY: xvfb.display, GDK_BACKEND: 'x11', WAYLAND_DISPLAY: '' },
    });
    procs.push(driver);
    driver.stdout.on('data', (d) => browser.log.push(String(d)));
    driver.stderr.on('data', (d) => browser.log.push(String(d)));
    const spawned = new Promise((resolve, reject) => { driver.on('spawn', resolve); driver.on('error', reject); });
    await spawned;
    browser.base = `http://127.0.0.1:${port}`;
    await waitForDriver(browser.base, driver, browser.log, timeoutMs);

    const created = await wd(browser.base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': { args: ['--automation'] },
          timeouts: { script: scriptTimeoutMs, pageLoad: timeoutMs, implicit: 0 },
        },
      },
    }, timeoutMs).catch((e) => { throw new Error(`${e.message}\n${tail(browser.log)}`); });
    browser.session = created.sessionId;
    browser.capabilities = created.capabilities;
  } catch (e) {
    await browser.close();
    throw e;
  }

  const call = (method, path, body, ms) => wd(browser.base, method, `/session/${browser.session}${path}`, body, ms);
  const page = {
    async goto(url) {
      await call('POST', '/url', { url }, timeoutMs + 5000);
    },
    async evaluate(fn, ...args) {
      const r = await call('POST', '/execute/async', { script: wrap(fn), args }, scriptTimeoutMs + 5000);
      if (!r?.ok) throw new Error(`evaluate failed in the page: ${r?.thrown}`);
      return r.value;
    },
    async waitForFunction(fn, { timeout = 30000, polling = 50 } = {}, ...args) {
      const end = Date.now() + timeout;
      for (;;) {
        const v = await page.evaluate(fn, ...args);
        if (v) return v;
        if (Date.now() >= end) throw new Error(`waitForFunction timed out after ${timeout} ms: ${fn}`);
        await new Promise((r) => setTimeout(r, polling));
      }
    },
  };
  browser.newPage = async () => page;
  return browser;
}
