// tests/support/receiver.mjs — a recording envelope receiver: the server for what Bugsink does not store.
//
// Why: Bugsink 2.6.2 answers 200 to envelopes with transaction / session / sessions / client_report items but
// drops them ("skipping non-supported envelope item: transaction" in its log), and EVERY answer of its envelope
// endpoint carries `X-Sentry-Rate-Limits: 86400:transaction;span:organization` — so an SDK that honours rate limits
// (sentry-sdk does, tattle does) stops sending transactions for a day after its first envelope to Bugsink. Tests of
// tracing and sessions therefore point the SDKs here. The receiver answers like Relay would when all is well
// (200, JSON, no rate limits) or whatever the test tells it to, and keeps every request, decoded and parsed.
//
//   const rcv = await startReceiver();
//   init({ dsn: rcv.dsn, tracesSampleRate: 1 });          // or sentry-sdk with TATTLE_DJANGO_DSN = rcv.dsn
//   const [tx] = await rcv.waitForItems('transaction', { where: (i) => i.json.transaction === '/api/ping' });
//   assert.ok((await relayCheck(rcv.envelopes.map((e) => e.body))).ok);
//   await rcv.stop();
//
// Exports
//   startReceiver({ respond, forward, log, publicKey, projectId }) → handle
//     respond:  what to answer to envelope POSTs: { status = 200, headers = {}, body } (body: string | Buffer |
//               object → JSON; default: {"id": <header event_id>} when the envelope header has one, else {}),
//               or a function (request) → such an object or undefined (= the default). E.g. a rate limit:
//               { status: 429, headers: { 'X-Sentry-Rate-Limits': '60:transaction' } }. Change it later with
//               handle.setRespond(r).
//     forward:  an origin (e.g. Bugsink's url): every POST is ALSO sent there (same method, path, query, headers
//               except hop-by-hop/Host, same raw body); its answer is recorded as request.forwarded (a Promise of
//               { status, headers, body } or { error }) but NOT passed back: the client always gets the receiver's
//               answer (so Bugsink's 86400:transaction rate limit never reaches the SDK). Use the target's key and
//               project in the DSN: dsnVia(bugsink.dsn, receiver) from recorder.mjs.
//     log:      a function (line) → called per request.
//   handle:
//     url          http://127.0.0.1:<free port>
//     dsn          http://<publicKey>@127.0.0.1:<port>/<projectId> (any key/project is accepted on any path)
//     requests     every request in arrival order: { method, path (with query), headers (lower-case names), rawBody,
//                  body (Content-Encoding decoded; gzip, deflate, br), decodeError?, envelope?, parseError?,
//                  answered: { status, headers }, forwarded? }
//     envelopes    the parsed envelopes of the POSTs, in arrival order: { header, items, body (decoded Buffer, what
//                  relayCheck wants), request }; item = { type, header, payload (Buffer), json (parsed object, or
//                  undefined when the payload is not JSON), envelope }
//     items(type?) the items of all envelopes (of one type), in arrival order
//     waitForItems(type, { count = 1, where = () => true, timeoutMs = 15000 }) → the first `count` matching items,
//                  polling every 25 ms; throws saying what did arrive on timeout
//     setRespond(r), clear() (forget what was recorded), stop()
//
// CORS: every answer (also to preflights: OPTIONS → 200 empty) carries Access-Control-Allow-Origin: *,
// -Allow-Methods: POST, OPTIONS, -Allow-Headers: Content-Type, Content-Encoding, X-Sentry-Auth, sentry-trace, baggage,
// -Expose-Headers: X-Sentry-Rate-Limits, Retry-After, -Max-Age: 3600, so a browser page can read status and rate limits.
// A `respond` header of the same name replaces the default.
//
// The envelope parser here is lenient (it reads what Relay reads: items with `length`, or up to the next newline);
// the strict judge of the format is relay.mjs.
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { decodeBody } from './recorder.mjs';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Content-Encoding, X-Sentry-Auth, sentry-trace, baggage',
  'access-control-expose-headers': 'X-Sentry-Rate-Limits, Retry-After',
  'access-control-max-age': '3600',
};
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-authenticate', 'proxy-authorization', 'host',
]);

/** Splits envelope bytes into { header, items: [{ type, header, payload, json }] }; throws on a broken header line. */
export function parseEnvelope(buf) {
  const lineEnd = (from) => {
    const nl = buf.indexOf(0x0a, from);
    return nl < 0 ? buf.length : nl;
  };
  const json = (bytes, what) => {
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      throw new Error(`${what} is not JSON: ${e.message}: ${JSON.stringify(bytes.toString('utf8').slice(0, 200))}`);
    }
  };
  let end = lineEnd(0);
  const header = json(buf.subarray(0, end), 'envelope header');
  const items = [];
  let pos = end + 1;
  while (pos < buf.length) {
    end = lineEnd(pos);
    const line = buf.subarray(pos, end);
    pos = end + 1;
    if (line.toString('utf8').trim() === '') continue;
    const ih = json(line, `item ${items.length} header`);
    let payload;
    if (Number.isInteger(ih.length)) {
      payload = buf.subarray(pos, pos + ih.length);
      pos += ih.length + 1;
    } else {
      end = lineEnd(pos);
      payload = buf.subarray(Math.min(pos, buf.length), end);
      pos = end + 1;
    }
    let parsed;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch { /* attachments and other binary items */ }
    items.push({ type: ih.type, header: ih, payload, json: parsed });
  }
  return { header, items };
}

function forwardTo(target, req, rawBody) {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
  headers.host = target.host;
  headers['content-length'] = String(rawBody.length);
  return new Promise((resolve) => {
    const out = httpRequest({ host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers },
      async (up) => {
        const back = [];
        for await (const c of up) back.push(c);
        resolve({ status: up.statusCode, headers: up.headers, body: Buffer.concat(back) });
      });
    out.setTimeout(30000, () => out.destroy(new Error('forward target timed out after 30 s')));
    out.on('error', (e) => resolve({ error: String(e) }));
    out.end(rawBody);
  });
}

export async function startReceiver({
  respond, forward, log, publicKey = randomBytes(16).toString('hex'), projectId = '1',
} = {}) {
  const target = forward ? new URL(forward) : null;
  const requests = [];
  const envelopes = [];
  const pending = new Set();
  let responder = respond;

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const rawBody = Buffer.concat(chunks);
    const entry = { method: req.method, path: req.url, headers: { ...req.headers }, rawBody, body: rawBody };
    requests.push(entry);
    try {
      entry.body = decodeBody(rawBody, req.headers['content-encoding']);
    } catch (e) {
      entry.decodeError = String(e);
    }

    if (req.method === 'OPTIONS') {
      entry.answered = { status: 200, headers: CORS };
      res.writeHead(200, { ...CORS, 'content-length': '0' });
      res.end();
      log?.(`[receiver] OPTIONS ${req.url} → 200`);
      return;
    }

    if (req.method === 'POST' && !entry.decodeError) {
      try {
        const { header, items } = parseEnvelope(entry.body);
        const envelope = { header, items, body: entry.body, request: entry };
        for (const item of items) item.envelope = envelope;
        entry.envelope = envelope;
        envelopes.push(envelope);
      } catch (e) {
        entry.parseError = String(e);
      }
    }
    if (target && req.method === 'POST') {
      entry.forwarded = forwardTo(target, req, rawBody);
      pending.add(entry.forwarded);
      entry.forwarded.finally(() => pending.delete(entry.forwarded));
    }

    let answer = typeof responder === 'function' ? responder(entry) : responder;
    if (!answer && (entry.decodeError || entry.parseError)) {
      answer = { status: 400, body: { detail: entry.decodeError || entry.parseError } };
    }
    const status = answer?.status ?? 200;
    let body = answer?.body;
    if (body === undefined) {
      const id = entry.envelope?.header?.event_id;
      body = status === 200 ? (id ? { id } : {}) : '';
    }
    const isJson = typeof body === 'object' && !Buffer.isBuffer(body);
    const bytes = Buffer.from(isJson ? JSON.stringify(body) : body);
    const headers = { ...CORS, ...(isJson && { 'content-type': 'application/json' }) };
    for (const [k, v] of Object.entries(answer?.headers ?? {})) headers[k.toLowerCase()] = v;
    headers['content-length'] = String(bytes.length);
    entry.answered = { status, headers };
    res.writeHead(status, headers);
    res.end(bytes);
    const types = entry.envelope ? entry.envelope.items.map((i) => i.type).join(',') : entry.parseError || entry.decodeError || '';
    log?.(`[receiver] ${req.method} ${req.url} ${rawBody.length} bytes [${types}] → ${status}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}`;

  const items = (type) => envelopes.flatMap((e) => e.items).filter((i) => type === undefined || i.type === type);

  return {
    url,
    port,
    publicKey,
    projectId,
    dsn: `http://${publicKey}@127.0.0.1:${port}/${projectId}`,
    requests,
    envelopes,
    items,
    setRespond(r) {
      responder = r;
    },
    async waitForItems(type, { count = 1, where = () => true, timeoutMs = 15000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = items(type).filter((i) => where(i));
        if (found.length >= count) return found.slice(0, count);
        if (Date.now() > deadline) {
          const seen = envelopes.map((e) => e.items.map((i) => i.type + (i.json?.transaction ? ` ${i.json.transaction}` : '')).join('+'));
          throw new Error(`receiver: ${found.length} of ${count} matching ${type} items after ${timeoutMs} ms; `
            + `${requests.length} requests, envelopes: ${JSON.stringify(seen)}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    clear() {
      requests.length = 0;
      envelopes.length = 0;
    },
    async stop() {
      server.close();
      server.closeAllConnections();
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}
