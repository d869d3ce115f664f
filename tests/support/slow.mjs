// tests/support/slow.mjs — a pass-through that makes a server slow and single-file: between an SDK
// and Bugsink, it forwards ONE request at a time, each taking at least `delayMs`, the way a small
// self-hosted server that answers in ~400 ms behaves under a burst (issue 9).
//
//   const bs = await startBugsink();
//   const slow = await startSlowPassThrough(bs.url, { delayMs: 400 });
//   init({ dsn: dsnVia(bs.dsn, slow) });              // dsnVia from recorder.mjs
//   ...; slow.stats.summary() → { arrived, waiting, forwarded, answered, aborted, … }
//   await slow.stop();
//
// Exports
//   startSlowPassThrough(targetOrigin, { delayMs = 400, log }) → { url, stats, stop() }
//     url:   origin of the pass-through, http://127.0.0.1:<free port>
//     stats: { requests, summary(), forwardedCount(eventId), byEventId(), discarded() }
//       requests: every request in arrival order: { seq, method, path, eventId (from the envelope's
//                 header, 32 hex digits, null when none), itemTypes (['event'], ['client_report'] …),
//                 clientReport (its payload, if the envelope carries one), bytes, arrivedAt,
//                 forwardedAt, answeredAt (ms since
//                 the pass-through started), status (the target's), aborted (true: the client hung up
//                 while the request still waited in the line, so it was NOT forwarded),
//                 clientGoneAfterForward (true: the client hung up after it was forwarded; the
//                 target still got it and answered, nobody read the answer), error }
//       summary(): counts of the above, the longest wait in the line (maxWaitMs) and the target's
//                 median answer time once forwarded (medianTargetMs).
//       forwardedCount(eventId): how many times an envelope with that event id reached the target.
//       byEventId(): Map eventId → { forwarded, accepted (2xx answers), aborted }.
//       discarded(): the client reports' discarded_events summed, { 'reason:category': quantity }
//                 (what the SDK says it dropped; counted whether or not the report was forwarded).
//
// The line: requests are taken in arrival order. For each, the pass-through forwards it (same
// method, path and query, headers minus hop-by-hop with Host rewritten, body bytes), and answers
// once the target has answered AND `delayMs` have passed since its turn began; only then does the
// next one's turn begin. So each request takes max(delayMs, the target's time): a server that
// answers in ~400 ms, not 400 ms plus Bugsink's own. A request whose client disconnected while it
// waited in the line is dropped (recorded as aborted) without its turn. The
// target's status, headers (minus hop-by-hop) and body go back unchanged. If the target fails,
// the client gets 502 text/plain.
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-authenticate', 'proxy-authorization',
]);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The envelope's header and items ({ type, payload: parsed JSON or null }); null if not one. */
function parseEnvelope(raw, encoding) {
  try {
    const buf = /gzip/i.test(encoding || '') ? gunzipSync(raw) : raw;
    const lineEnd = (from) => {
      const i = buf.indexOf(10, from);
      return i < 0 ? buf.length : i;
    };
    let at = lineEnd(0);
    const header = JSON.parse(buf.subarray(0, at).toString('utf8'));
    const items = [];
    at++;
    while (at < buf.length) {
      const end = lineEnd(at);
      const itemHeader = JSON.parse(buf.subarray(at, end).toString('utf8'));
      const start = end + 1;
      const stop = Number.isInteger(itemHeader.length) ? start + itemHeader.length : lineEnd(start);
      let payload = null;
      try { payload = JSON.parse(buf.subarray(start, stop).toString('utf8')); } catch { /* not JSON */ }
      items.push({ type: itemHeader.type, payload });
      at = stop + 1;
    }
    return { header, items };
  } catch {
    return null;
  }
}

export async function startSlowPassThrough(targetOrigin, { delayMs = 400, log } = {}) {
  const target = new URL(targetOrigin);
  const t0 = Date.now();
  const since = () => Date.now() - t0;
  const requests = [];
  const open = new Set(); // in-flight upstream requests, ended on stop()
  let line = Promise.resolve(); // the single file: each request's turn chains onto the previous
  let stopped = false;

  function forward(entry, req, res, rawBody, readyAt) {
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    headers.host = target.host;
    if (rawBody.length > 0 || 'content-length' in req.headers) headers['content-length'] = String(rawBody.length);
    return new Promise((done) => {
      const out = httpRequest({ host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers }, async (up) => {
        const back = [];
        try {
          for await (const c of up) back.push(c);
        } catch (e) {
          entry.error = String(e);
        }
        const body = Buffer.concat(back);
        // The answer goes no sooner than `delayMs` after this request's turn began.
        await sleep(Math.max(0, readyAt - Date.now()));
        entry.status = up.statusCode;
        entry.answeredAt = since();
        open.delete(out);
        if (entry.clientGone) {
          entry.clientGoneAfterForward = true;
        } else {
          const rh = {};
          for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k)) rh[k] = v;
          rh['content-length'] = String(body.length);
          res.writeHead(up.statusCode, up.statusMessage, rh);
          res.end(body);
        }
        log?.(`[slow] #${entry.seq} ${entry.eventId ?? '-'} → ${up.statusCode} at ${entry.answeredAt} ms`);
        done();
      });
      open.add(out);
      out.setTimeout(30000, () => out.destroy(new Error('target timed out after 30 s')));
      out.on('error', (e) => {
        open.delete(out);
        entry.error = String(e);
        entry.answeredAt = since();
        if (entry.clientGone) entry.clientGoneAfterForward = true;
        else {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`slow pass-through: target ${target.origin} failed: ${e.message}`);
        }
        done();
      });
      out.end(rawBody);
    });
  }

  const server = createServer(async (req, res) => {
    const entry = {
      seq: requests.length, method: req.method, path: req.url, eventId: null, itemTypes: [], clientReport: null, bytes: 0,
      arrivedAt: since(), forwardedAt: null, answeredAt: null, status: null, aborted: false,
      clientGone: false, clientGoneAfterForward: false, error: null,
    };
    requests.push(entry);
    // 'close' on the response before it was ended: the client went away (workerd cancelling a
    // fetch when its invocation ends closes the connection).
    res.on('close', () => { if (!res.writableEnded) entry.clientGone = true; });
    const chunks = [];
    try {
      for await (const c of req) chunks.push(c);
    } catch {
      entry.clientGone = true;
    }
    const rawBody = Buffer.concat(chunks);
    entry.bytes = rawBody.length;
    const envelope = parseEnvelope(rawBody, req.headers['content-encoding']);
    const id = envelope?.header?.event_id;
    entry.eventId = typeof id === 'string' ? id.replace(/-/g, '').toLowerCase() : null;
    entry.itemTypes = envelope ? envelope.items.map((i) => i.type) : [];
    entry.clientReport = envelope?.items.find((i) => i.type === 'client_report')?.payload ?? null;
    log?.(`[slow] #${entry.seq} ${req.method} ${req.url} ${entry.eventId ?? '-'} arrived at ${entry.arrivedAt} ms`);

    line = line.then(async () => {
      if (stopped) return;
      if (entry.clientGone || stopped) {
        entry.aborted = true;
        log?.(`[slow] #${entry.seq} ${entry.eventId ?? '-'} aborted by the client while waiting; not forwarded`);
        return;
      }
      entry.forwardedAt = since();
      await forward(entry, req, res, rawBody, Date.now() + delayMs);
    });
  });
  server.keepAliveTimeout = 60000;
  server.requestTimeout = 0; // a request may wait in the line for minutes under a big burst
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;

  const stats = {
    requests,
    summary() {
      const s = { arrived: requests.length, waiting: 0, forwarded: 0, answered: 0, accepted: 0, aborted: 0, clientGoneAfterForward: 0, failed: 0, maxWaitMs: 0 };
      for (const r of requests) {
        if (r.aborted) s.aborted++;
        else if (r.forwardedAt === null) s.waiting++;
        if (r.forwardedAt !== null) {
          s.forwarded++;
          s.maxWaitMs = Math.max(s.maxWaitMs, r.forwardedAt - r.arrivedAt);
        }
        if (r.status !== null) s.answered++;
        if (r.status >= 200 && r.status < 300) s.accepted++;
        if (r.clientGoneAfterForward) s.clientGoneAfterForward++;
        if (r.error) s.failed++;
      }
      const up = requests.filter((r) => r.answeredAt !== null && r.forwardedAt !== null).map((r) => r.answeredAt - r.forwardedAt).sort((x, y) => x - y);
      s.medianTargetMs = up.length ? up[up.length >> 1] : 0;
      return s;
    },
    forwardedCount: (eventId) => requests.filter((r) => r.eventId === eventId && r.forwardedAt !== null).length,
    discarded() {
      const out = {};
      for (const r of requests) {
        for (const d of r.clientReport?.discarded_events ?? []) {
          const key = `${d.reason}:${d.category}`;
          out[key] = (out[key] ?? 0) + d.quantity;
        }
      }
      return out;
    },
    byEventId() {
      const m = new Map();
      for (const r of requests) {
        if (!r.eventId) continue;
        const e = m.get(r.eventId) ?? { forwarded: 0, accepted: 0, aborted: 0 };
        if (r.forwardedAt !== null) e.forwarded++;
        if (r.status >= 200 && r.status < 300) e.accepted++;
        if (r.aborted) e.aborted++;
        m.set(r.eventId, e);
      }
      return m;
    },
  };

  return {
    url,
    stats,
    async stop() {
      stopped = true;
      for (const out of open) out.destroy();
      server.close();
      server.closeAllConnections();
      await Promise.race([line, sleep(2000)]);
    },
  };
}
