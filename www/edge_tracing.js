// Tracing and request-mode release health for `tattle/worker` (issue 12). edge.js makes one of
// these only when `tracesSampleRate` or `tracesSampler` is set: without them nothing here runs,
// global fetch stays the runtime's own and nothing of it is sent.
//
// - Every invocation gets a root span (its transaction): `http.server` for fetch (continuing an
//   incoming `sentry-trace` / `baggage`), `function` for scheduled, `queue.process` for queue (the
//   ops and names @sentry/cloudflare gives them). It lives on the invocation (AsyncLocalStorage),
//   so concurrent requests never see each other's spans.
// - Subrequests through the global fetch during an invocation get `http.client` spans, and carry
//   `sentry-trace` and `baggage` to `tracePropagationTargets` (default: every URL, as Sentry's
//   server SDKs). tattle's own envelopes go through the runtime's fetch, never through this.
// - The transaction is built (in the core) after the response is out: the invocation's lane
//   waits for it, and `ctx.waitUntil` gets that lane.
// - Sessions, request mode: per minute, how many requests exited, errored (an error captured)
//   or crashed (the handler threw); one `sessions` item leaves through an invocation's lane when
//   the last left ≥ 60 s ago, or at flush()/close(). Only with a release (Relay drops sessions
//   without one). A worker has no timers between invocations, so nothing leaves on its own.
import {
  createSpan, dscOf, httpStatus, mergeBaggage, parseBaggage, parseSentryTrace, propagates, publicKeyOf, sample,
  sentryTrace, transactionEvent,
} from './trace.js';

const SESSION_EVERY_MS = 60000;

/** Whether the options turn tracing on (a number rate or a sampler function). */
export const tracingOn = (options) => typeof options.tracesSampleRate === 'number' || typeof options.tracesSampler === 'function';

/**
 * `deps`: { options, scopes (the AsyncLocalStorage), child(scope), send(name, args, lane),
 * laneNow(), log }. Returns the invocation hooks (begin, finish), the fetch to install, the span
 * API, the trace a capture carries, and the session counts.
 */
export function edgeTracing({ options, scopes, child, send, laneNow, log }) {
  const publicKey = publicKeyOf(options.dsn);
  const targets = Array.isArray(options.tracePropagationTargets) ? options.tracePropagationTargets : undefined;
  const rawFetch = globalThis.fetch;

  // A transaction: its root span, the sampled spans under it, the dsc its envelope and outgoing
  // baggage carry, and the scope whose user / tags / contexts it gets.
  function newTransaction({ name, op, origin, attributes, source, incoming, inDsc, extraContext, request, scope }) {
    const rand = inDsc && inDsc.sample_rand !== undefined ? Number(inDsc.sample_rand) : Math.random();
    const { sampled, rate } = sample(options, {
      name,
      attributes: { ...attributes },
      parentSampled: incoming ? incoming.sampled : undefined,
      parentSampleRate: inDsc && inDsc.sample_rate !== undefined ? Number(inDsc.sample_rate) : undefined,
      sampleRand: rand >= 0 && rand < 1 ? rand : Math.random(),
      normalizedRequest: request,
      ...extraContext,
    });
    const root = createSpan({
      name, op, origin, attributes: { 'sentry.source': source, ...attributes }, sampled,
      traceId: incoming && incoming.traceId, parentSpanId: incoming && incoming.parentSpanId,
    });
    let dsc = inDsc;
    if (!dsc) {
      dsc = dscOf({
        trace: root.traceId, publicKey, release: options.release, environment: options.environment, rate, sampled,
        // Sentry leaves a URL-named transaction out of the dsc (it may hold ids).
        transaction: source === 'url' ? undefined : name,
      });
      if (rand >= 0 && rand < 1) dsc.sample_rand = rand.toFixed(6);
    }
    const tx = { root, spans: [], dsc, source, request, scope };
    root.tx = tx;
    return tx;
  }

  // The transaction of an ended root goes to `lane` (the core builds, scrubs and wraps it).
  function sendTransaction(tx, lane) {
    if (!tx.root.sampled || tx.sent) return;
    tx.sent = true;
    const event = transactionEvent(tx.root, tx.spans, { source: tx.source, request: tx.request });
    send('transaction', [event, tx.dsc, tx.scope ? { scope: tx.scope } : {}], lane);
  }

  // A span under `parent` (recorded in its transaction when sampled), or a new transaction.
  function spanUnder(parent, { name, op, attributes, startTime, origin }) {
    const tx = parent && parent.tx;
    const span = createSpan({
      name, op, attributes, startTime, origin,
      traceId: parent && parent.traceId, parentSpanId: parent && parent.spanId, sampled: parent ? parent.sampled : false,
    });
    span.tx = tx;
    if (tx && span.sampled && tx.root.t1 === undefined) tx.spans.push(span);
    return span;
  }

  // The span a new one goes under: the given parentSpan, else the active one (withScope /
  // startSpan's), else the invocation's root.
  function activeIn(store) {
    return store ? store.span || (store.invocation && store.invocation.trace) : undefined;
  }

  function spanFor(opts) {
    const o = opts && typeof opts === 'object' ? opts : {};
    const store = scopes.getStore();
    const parent = o.parentSpan !== undefined ? o.parentSpan : activeIn(store);
    const fields = { name: o.name, op: o.op, attributes: o.attributes, startTime: o.startTime };
    if (parent && parent.tx) return spanUnder(parent, fields);
    if (o.onlyIfParent) return createSpan({ ...fields, sampled: false });
    // No parent: a transaction of its own, sent when it ends, through the lane of the invocation
    // it ends in (or the isolate's).
    const tx = newTransaction({ ...fields, origin: 'manual', source: 'custom', scope: store && store.invocation && store.invocation.root });
    const end = tx.root.end;
    tx.root.end = (t) => {
      if (tx.root.t1 !== undefined) return;
      end(t);
      sendTransaction(tx, laneNow());
    };
    return tx.root;
  }

  // Runs `fn` with `span` active (a child of the current scope holding it).
  function withActive(span, fn) {
    const scope = child(scopes.getStore());
    scope.span = span;
    return scopes.run(scope, fn);
  }

  const failed = (span) => span.setStatus({ code: 2, message: 'internal_error' });

  const spanApi = {
    startSpan(opts, callback) {
      let span;
      try {
        span = spanFor(opts);
      } catch (e) {
        log('startSpan: could not start the span', e);
        span = createSpan({ sampled: false });
      }
      return withActive(span, () => {
        let result;
        try {
          result = callback(span);
        } catch (e) {
          failed(span);
          span.end();
          throw e;
        }
        if (result && typeof result.then === 'function') {
          return result.then((v) => { span.end(); return v; }, (e) => { failed(span); span.end(); throw e; });
        }
        span.end();
        return result;
      });
    },
    startInactiveSpan(opts) {
      try {
        return spanFor(opts);
      } catch (e) {
        log('startInactiveSpan: could not start the span', e);
        return createSpan({ sampled: false });
      }
    },
    getActiveSpan: () => activeIn(scopes.getStore()),
  };

  // ---- subrequests ----
  // The global fetch while tattle runs: outside an invocation's trace, the runtime's own. After
  // the transaction ended (the app's own waitUntil work) a subrequest gets no span, but still the
  // trace headers (of the span that was active).
  function tracedFetch(input, init) {
    const store = scopes.getStore();
    const parent = activeIn(store);
    if (!parent || !parent.tx) return rawFetch(input, init);
    const late = parent.tx.root.t1 !== undefined;
    let span;
    let args = [input, init];
    try {
      const isRequest = typeof Request !== 'undefined' && input instanceof Request;
      const url = isRequest ? input.url : String(input);
      const method = String((init && init.method) || (isRequest ? input.method : 'GET')).toUpperCase();
      let where = url;
      const attributes = { 'http.request.method': method, type: 'fetch' };
      try {
        const u = new URL(url);
        where = u.origin + u.pathname; // no query or fragment: they may hold secrets
        attributes['server.address'] = u.hostname;
        if (u.port) attributes['server.port'] = Number(u.port);
      } catch { /* a URL the runtime will refuse: named as given */ }
      attributes.url = where;
      if (!late) span = spanUnder(parent, { name: `${method} ${where}`, op: 'http.client', origin: 'auto.http.fetch', attributes });
      if (targets === undefined || propagates(url, targets)) {
        const headers = new Headers(init && init.headers !== undefined ? init.headers : isRequest ? input.headers : undefined);
        if (!headers.has('sentry-trace')) {
          const from = span || parent;
          headers.set('sentry-trace', sentryTrace(from.traceId, from.spanId, from.sampled));
          const baggage = mergeBaggage(headers.get('baggage') || undefined, parent.tx.dsc);
          if (baggage) headers.set('baggage', baggage);
          args = [input, { ...init, headers }];
        }
      }
    } catch (e) {
      log('could not trace a subrequest', e);
      if (!span) return rawFetch(input, init);
    }
    if (!span) return rawFetch(...args);
    return rawFetch(...args).then((res) => {
      try {
        span.setAttribute('http.response.status_code', res.status);
        span.setStatus({ code: res.status < 400 ? 1 : 2, message: httpStatus(res.status) });
        span.end();
      } catch { /* the app's response is what matters */ }
      return res;
    }, (e) => {
      failed(span);
      span.end();
      throw e;
    });
  }

  // ---- invocations ----
  const ISO = (ms) => new Date(ms).toISOString();
  const roots = {
    fetch(request) {
      let path = '/';
      let host;
      try {
        const u = new URL(request.url);
        path = u.pathname;
        host = u.hostname;
      } catch { /* not a URL: named by the method alone */ }
      const method = request.method;
      const incoming = parseSentryTrace(request.headers.get('sentry-trace'));
      const inDsc = incoming && parseBaggage(request.headers.get('baggage') || undefined);
      const attributes = { 'http.request.method': method, 'url.path': path };
      if (host) attributes['server.address'] = host;
      return {
        name: `${method} ${path}`, op: 'http.server', origin: 'auto.http.tattle', source: 'url', attributes, incoming,
        inDsc: inDsc && inDsc.trace_id === incoming.traceId ? inDsc : undefined,
      };
    },
    scheduled(controller) {
      const cron = controller && controller.cron;
      const time = controller && controller.scheduledTime;
      const attributes = { 'faas.trigger': 'timer' };
      if (cron) attributes['faas.cron'] = String(cron);
      if (typeof time === 'number') attributes['faas.time'] = ISO(time);
      return { name: `Scheduled Cron ${cron}`, op: 'function', origin: 'auto.faas.tattle.scheduled', source: 'task', attributes };
    },
    queue(batch) {
      const queue = batch && batch.queue;
      const messages = (batch && Array.isArray(batch.messages)) ? batch.messages : [];
      const attributes = {
        'faas.trigger': 'pubsub', 'messaging.system': 'cloudflare', 'messaging.operation.type': 'process',
        'messaging.batch.message_count': messages.length,
      };
      if (queue) attributes['messaging.destination.name'] = String(queue);
      return { name: `process ${queue}`, op: 'queue.process', origin: 'auto.faas.tattle.queue', source: 'task', attributes };
    },
  };

  // A Durable Object's alarm / RPC / WebSocket handler, a WorkerEntrypoint's RPC method, a
  // workflow's run: named by the method (the op and origin @sentry/cloudflare gives them).
  roots.task = (t) => ({ name: String(t.name), op: t.op, origin: t.origin, source: 'task', attributes: {} });

  /** An invocation starts: its transaction, on its scope's invocation. */
  function begin(kind, event, scope) {
    const r = roots[kind](event);
    const tx = newTransaction({ ...r, request: scope.request, scope });
    scope.invocation.trace = tx.root;
    scope.invocation.started = Date.now();
  }

  /**
   * The handler is done (`response` or a throw). The root span ends now; the transaction is built
   * and handed to the lane after the response left (a timer: the lane waits for it).
   */
  function finish(kind, scope, response, threw) {
    const inv = scope.invocation;
    const root = inv && inv.trace;
    if (!root) return;
    if (threw) failed(root);
    else if (kind === 'fetch' && response && typeof response.status === 'number') {
      root.setAttribute('http.response.status_code', response.status);
      root.setStatus({ code: response.status < 400 ? 1 : 2, message: httpStatus(response.status) });
    } else root.setStatus({ code: 1 });
    root.end();
    const lane = scope.lane;
    if (kind === 'fetch') count(inv.started, threw ? 'crashed' : inv.errored ? 'errored' : 'exited');
    const send = () => {
      sendTransaction(root.tx, lane);
      sendSessions(lane, false);
    };
    // A handler that threw has no response to let out first; and workerd ends a failed Durable
    // Object alarm (or workflow run) with it, before any timer: its transaction leaves now.
    if (threw) send();
    else lane.wait(new Promise((resolve) => setTimeout(resolve, 0)).then(send));
  }

  /** What an error captured now carries: the active span's ids and its transaction's dsc. */
  function traceOf(store) {
    const span = activeIn(store);
    if (!span || !span.tx) return undefined;
    return { trace: { trace_id: span.traceId, span_id: span.spanId, parent_span_id: span.parentSpanId }, dsc: span.tx.dsc };
  }

  // ---- sessions (request mode) ----
  const buckets = new Map(); // minute (ms) → { exited, errored, crashed }
  let lastSent;
  function count(started, status) {
    if (!options.release || options.autoSessionTracking === false) return;
    const minute = Math.floor((started || Date.now()) / 60000) * 60000;
    const b = buckets.get(minute) || { exited: 0, errored: 0, crashed: 0 };
    b[status]++;
    buckets.set(minute, b);
    if (lastSent === undefined) lastSent = Date.now();
  }
  /** The counts so far as one `sessions` item through `lane`, when due (or `force`). */
  function sendSessions(lane, force) {
    if (!buckets.size || (!force && Date.now() - lastSent < SESSION_EVERY_MS)) return;
    const aggregates = [];
    for (const [minute, b] of [...buckets].sort((x, y) => x[0] - y[0])) {
      const a = { started: ISO(minute) };
      for (const k of ['exited', 'errored', 'crashed']) if (b[k]) a[k] = b[k];
      aggregates.push(a);
    }
    buckets.clear();
    lastSent = Date.now();
    send('session', [{ aggregates, attrs: {} }], lane);
  }

  return { begin, finish, traceOf, sendSessions, rawFetch, fetch: tracedFetch, spanApi };
}

/**
 * With tracing off, an incoming `sentry-trace` still links the request's errors to the caller's
 * trace (one header read and a regex per request; no spans, nothing patched, nothing sent).
 */
export function incomingTrace(request) {
  const incoming = parseSentryTrace(request.headers.get('sentry-trace'));
  if (!incoming) return undefined;
  const dsc = parseBaggage(request.headers.get('baggage') || undefined);
  return { incoming, dsc: dsc && dsc.trace_id === incoming.traceId ? dsc : undefined };
}
