// tests/support/browser.mjs — headless Debian Chromium via playwright-core, a static file server, console capture.
//
//   const server = await startStaticServer({ '/dist/': 'dist', '/': pageDir });
//   const browser = await launchChromium();
//   try {
//     const page = await browser.newPage();
//     const log = collectConsole(page);
//     await page.goto(`${server.url}/index.html`);
//     ...; assert.deepEqual(log.errors, [], log.dump());
//   } finally { await browser.close(); await server.stop(); }
//
// Exports
//   launchChromium({ args, timeoutMs }) → playwright Browser (close() ends the process and removes the profile)
//     /usr/bin/chromium (Debian's; never a downloaded browser; override with TATTLE_CHROMIUM), headless, flags
//     --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
//     --disable-component-update --disable-sync, plus `args`. Profile: playwright's launch() always starts with a
//     fresh temporary --user-data-dir (it refuses one in args) and deletes it on close — a fresh profile per launch;
//     every browser.newContext()/newPage() is a further isolated context (own storage, IndexedDB, cache).
//   startStaticServer(routes | rootDir, { headers, coopCoep, port }) → { url, port, requests, stop() }
//     routes: { '/dist/': '/abs/or/relative/dir', '/': pageDir, '/x.html': { body, type }, '/api': (req, res) => … }
//             longest matching prefix wins; a directory serves files below it (index.html for '/'), rejecting '..'.
//     Content types: .html text/html, .js/.mjs/.cjs text/javascript, .wasm application/wasm, .json/.map
//             application/json, .css, .svg, .png, .txt, .d.ts text/plain … (all text with charset=utf-8).
//     coopCoep: true → Cross-Origin-Opener-Policy: same-origin + Cross-Origin-Embedder-Policy: require-corp +
//             Cross-Origin-Resource-Policy: same-origin (crossOriginIsolated pages, 5 µs performance.now()).
//     headers: extra response headers on every answer. Always Cache-Control: no-store. Binds 127.0.0.1:<free port>.
//     requests: [{ method, path }] served so far (for asserting what a page loaded). A missing /favicon.ico gets 204
//             (not 404), so pages don't log a console error for it.
//   collectConsole(page) → { messages: [{ type, text, location }], errors: [string], text(), dump() }
//     messages: console.* calls; errors: uncaught page errors ('pageerror', with stack) + console.error texts.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.TATTLE_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium({ args = [], timeoutMs = 30000 } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    timeout: timeoutMs,
    // no extra env: CI=true etc. pass through; playwright kills the browser if this process dies
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

export const contentType = (file) => TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

export async function startStaticServer(routes, { headers = {}, coopCoep = false, port = 0 } = {}) {
  if (typeof routes === 'string') routes = { '/': routes };
  const table = Object.entries(routes)
    .map(([prefix, target]) => [prefix, typeof target === 'string' ? resolve(target) : target])
    .sort((a, b) => b[0].length - a[0].length);
  const common = { 'Cache-Control': 'no-store', ...headers };
  if (coopCoep) {
    Object.assign(common, {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
  }
  const requests = [];

  const send = (res, status, type, body) => {
    res.writeHead(status, { ...common, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      requests.push({ method: req.method, path });
      const hit = table.find(([prefix]) => {
        const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix; // '/dist/' and '/dist' mean the same
        return path === base || path.startsWith(`${base}/`);
      });
      const notFound = () => (path === '/favicon.ico'
        ? send(res, 204, 'image/x-icon', '') // browsers ask for it; a 404 would be a console error in every test
        : send(res, 404, 'text/plain; charset=utf-8', `not found: ${path}`));
      if (!hit) return notFound();
      const [prefix, target] = hit;
      if (typeof target === 'function') return await target(req, res);
      if (typeof target === 'object') {
        const body = target.file ? await readFile(target.file) : target.body;
        return send(res, 200, target.type ?? contentType(target.file ?? prefix), body);
      }
      let rel = path.slice(prefix.length).replace(/^\/+/, '');
      if (rel.split('/').includes('..')) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden');
      let file = join(target, rel);
      if (file !== target && !file.startsWith(target + sep)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden');
      const st = await stat(file).catch(() => null);
      if (st?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file).catch(() => null);
      if (!body) return notFound();
      if (req.method === 'HEAD') {
        res.writeHead(200, { ...common, 'Content-Type': contentType(file), 'Content-Length': body.length });
        return res.end();
      }
      return send(res, 200, contentType(file), body);
    } catch (e) {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', String(e?.stack ?? e));
      else res.destroy();
    }
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    async stop() {
      server.close();
      server.closeAllConnections();
    },
  };
}

export function collectConsole(page) {
  const messages = [];
  const errors = [];
  page.on('console', (msg) => {
    const entry = { type: msg.type(), text: msg.text(), location: msg.location() };
    messages.push(entry);
    if (entry.type === 'error') errors.push(`console.error: ${entry.text}`);
  });
  page.on('pageerror', (err) => {
    errors.push(`pageerror: ${err?.stack || err?.message || String(err)}`);
  });
  const text = () => messages.map((m) => `[${m.type}] ${m.text}`).join('\n');
  return {
    messages,
    errors,
    text,
    dump: () => `console:\n${text() || '(none)'}\nerrors:\n${errors.join('\n') || '(none)'}`,
  };
}
