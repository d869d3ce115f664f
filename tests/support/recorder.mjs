// tests/support/recorder.mjs — a recording HTTP pass-through between an SDK and Bugsink.
//
//   const bs = await startBugsink();
//   const rec = await startRecorder(bs.url);
//   init({ dsn: dsnVia(bs.dsn, rec) });            // the SDK now talks to the recorder
//   ...; await rec.waitFor(1);
//   assert.ok((await relayCheck(rec.bodies.map((b) => b.body))).ok);
//   await rec.stop();
//
// Exports
//   startRecorder(targetOrigin, { log }) → { url, bodies, requests, waitFor(n, { timeoutMs }), clear(), stop() }
//     url:      origin of the pass-through, http://127.0.0.1:<free port>
//     requests: every request, in arrival order: { method, path (with query), headers (lower-case names),
//               rawBody: Buffer as received, body: Buffer (gzip/deflate/br decoded; = rawBody otherwise),
//               decodeError?, response: Promise<{ status, headers, body: Buffer } | { error }> , status?, ... }
//               — the response fields (status, responseHeaders, responseBody) are also filled in on the entry once
//               the target has answered.
//     bodies:   the requests that carried a body (POST/PUT/…; not the CORS preflights) — what relayCheck wants.
//     waitFor(n): resolves when bodies.length ≥ n AND their responses arrived (bounded: default 10 s, then throws).
//   mirrorDown: true → when the target refuses the connection, reset the client's connection instead of answering
//               502 (so the SDK sees the network failure a down server gives it).
//   dsnVia(dsn, recorder) → the DSN with host:port replaced by the recorder's (key, path, project id unchanged).
//
// Pass-through means pass-through: the request goes to the target with the same method, path, query, headers
// (Host rewritten to the target, hop-by-hop headers dropped) and body bytes; the target's status, headers (minus
// hop-by-hop) and body bytes come back unchanged. The recorder adds NOTHING — in particular no CORS headers: what a
// browser sees is exactly what Bugsink answers. (Bugsink 2.6.2 sends Access-Control-Allow-Origin: * and exposes
// X-Sentry-Rate-Limits on its envelope endpoint, so browsers can read its answers; see bugsink.mjs.)
// If the target is unreachable the recorder answers 502 text/plain (recorded with .error).
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-authenticate', 'proxy-authorization',
]);

function decode(raw, encoding) {
  switch ((encoding || '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return raw;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw);
    case 'deflate':
      try { return inflateSync(raw); } catch { return inflateRawSync(raw); }
    case 'br':
      return brotliDecompressSync(raw);
    default:
      throw new Error(`unknown Content-Encoding ${encoding}`);
  }
}

export async function startRecorder(targetOrigin, { log, mirrorDown } = {}) {
  const target = new URL(targetOrigin);
  const requests = [];
  const bodies = [];
  const pending = new Set();

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const rawBody = Buffer.concat(chunks);
    const entry = { method: req.method, path: req.url, headers: { ...req.headers }, rawBody, body: rawBody };
    try {
      entry.body = decode(rawBody, req.headers['content-encoding']);
    } catch (e) {
      entry.decodeError = String(e);
    }
    requests.push(entry);
    if (rawBody.length > 0 || req.method === 'POST' || req.method === 'PUT') bodies.push(entry);
    log?.(`[recorder] ${req.method} ${req.url} ${rawBody.length} bytes`);

    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    headers.host = target.host;
    if (rawBody.length > 0 || 'content-length' in req.headers) headers['content-length'] = String(rawBody.length);

    entry.response = new Promise((resolveResponse) => {
      const out = httpRequest({
        host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers,
      }, async (up) => {
        const back = [];
        for await (const c of up) back.push(c);
        const body = Buffer.concat(back);
        const rh = {};
        for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k)) rh[k] = v;
        rh['content-length'] = String(body.length);
        Object.assign(entry, { status: up.statusCode, responseHeaders: up.headers, responseBody: body });
        res.writeHead(up.statusCode, up.statusMessage, rh);
        res.end(body);
        resolveResponse({ status: up.statusCode, headers: up.headers, body });
      });
      out.setTimeout(30000, () => out.destroy(new Error('target timed out after 30 s')));
      out.on('error', (e) => {
        entry.error = String(e);
        if (mirrorDown) {
          // The target is down: the client sees what it would see talking to it directly, a
          // connection that fails, not a 502 from a proxy.
          req.socket.destroy();
          resolveResponse({ error: String(e) });
          return;
        }
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recorder: target ${target.origin} failed: ${e.message}`);
        resolveResponse({ error: String(e) });
      });
      out.end(rawBody);
    });
    pending.add(entry.response);
    entry.response.finally(() => pending.delete(entry.response));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    requests,
    bodies,
    clear() {
      requests.length = 0;
      bodies.length = 0;
    },
    async waitFor(n, { timeoutMs = 10000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (bodies.length < n) {
        if (Date.now() > deadline) {
          throw new Error(`recorder: ${bodies.length} of ${n} expected request bodies after ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      await Promise.all(bodies.slice(0, n).map((b) => b.response));
      return bodies.slice(0, n);
    },
    async stop() {
      server.close();
      server.closeAllConnections();
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}

/** The DSN with host:port pointed at the recorder (public key, path prefix and project id unchanged). */
export function dsnVia(dsn, recorder) {
  const u = new URL(dsn);
  const r = new URL(recorder.url ?? recorder);
  u.protocol = r.protocol;
  u.host = r.host;
  return u.toString();
}

/** Content-Encoding decoding as the recorder does it (gzip, deflate zlib or raw, br; identity); throws on others. */
export { decode as decodeBody };
