// tattle for edge workers (workerd / Cloudflare Workers, Deno): the API of `tattle/worker`.
// The runtime-specific entries (worker.js, deno.js) only say how the .wasm module is obtained.
//
// - `withTattle(options | (env) => options, handler)` wraps a module worker's fetch, scheduled
//   and queue handlers: it reports what they throw or reject with and rethrows it, so the
//   platform behaves as before; delivery goes through `ctx.waitUntil`, never delaying a response.
// - Every invocation gets its own scope (AsyncLocalStorage): concurrent requests in one isolate
//   never see each other's user, tags or breadcrumbs. The wasm core has one scope stack, so a
//   capture pushes the request's scope into it, captures and pops it, all synchronously.
// - Every invocation owns its sends (a delivery lane): an envelope captured in it is fetched from
//   it, within its budget, and `ctx.waitUntil` gets that lane's promise only. workerd ends an
//   invocation and closes its I/O when its waitUntil promises settle, so no invocation may start
//   or wait on another's requests. Invocations share plain data only: rate limits, backoff, drop
//   counts, and the envelopes an earlier invocation could not deliver (retried by the next).
// - With `tracesSampleRate` or `tracesSampler`, tracing (edge_tracing.js): a transaction per
//   invocation, subrequest spans through the global fetch, startSpan & co. per invocation, and
//   request-mode session counts; errors carry their invocation's trace. Without them none of it
//   runs: only an incoming `sentry-trace` is read, to link the request's errors to that trace.
import { AsyncLocalStorage } from 'node:async_hooks';
import * as core from './tattle_core.js';
import { createDelivery } from './delivery.js';
import { createGuard } from './guard.js';
import { memoryStore } from './store.js';
import { edgeTracing, incomingTrace, tracingOn } from './edge_tracing.js';
import { createSpan, spanId } from './trace.js';
import { honoSupport } from './edge_hono.js';
import { extendsClass, sentryNames, SENTRY_MECHANISMS, WRAPPED } from './edge_sentry.js';
import {
  applyContext, beforeSendOf, busyInBeforeSend, captureKey, coreOptions, dedupeIntegration, eventContext, eventHint, guarded,
  handOver, heldFor, hintOf, integrationsOf, newId, tunnelDsnOf, withSynthetic,
} from './shared.js';

// Request headers worth sending (what helps triage, nothing that authenticates or identifies).
const SAFE_HEADERS = new Set([
  'accept', 'accept-encoding', 'accept-language', 'cache-control', 'content-length', 'content-type',
  'host', 'origin', 'referer', 'user-agent', 'cf-ray', 'cf-ipcountry', 'x-forwarded-proto', 'x-request-id',
]);
const PII_HEADERS = new Set(['cookie', 'cf-connecting-ip', 'x-forwarded-for', 'x-real-ip']);
// Cloudflare cuts waitUntil about 30 s after the response: an invocation's sends (and their
// retries) must settle before that. Counted from the invocation's start, which is before its
// response, 27 s stays inside it. Without a ctx (Deno.serve) nothing cuts the sends, and a
// longer budget only bounds a request that hangs. What is not delivered by then waits for the
// next invocation.
const BUDGET_MS = 27000;
const NO_CTX_BUDGET_MS = 60000;
// withTattle's mechanism types (withSentry & co. use @sentry/cloudflare's: edge_sentry.js).
const TATTLE_MECHANISMS = { fetch: 'fetch', scheduled: 'scheduled', queue: 'queue', hono: 'hono' };

export function edgeApi(instantiate) {
  const scopes = new AsyncLocalStorage();
  let state = 0; // 0 not started, 2 running, 3 off
  let options = {};
  let delivery;
  let admit; // the storm guard, when on
  let lastId;
  let tracing; // edge_tracing.js's hooks, when tracesSampleRate or tracesSampler is set

  const log = (...args) => { if (options.debug) console.warn('tattle:', ...args); };
  // The lane of the invocation running now; outside any (module top level), the isolate's own.
  const laneNow = () => (scopes.getStore() && scopes.getStore().lane) || delivery;

  // A capture's outcome to the invocation's lane. A capture after the handler returned (in the
  // app's own waitUntil work) extends the invocation with the lane again, or workerd may end it
  // before the request is out.
  function deliver(outcome, args) {
    handOver(outcome, laneNow(), heldFor(sendHook, args, (id, json) => call('envelopeFor', [id, json])));
    const scope = scopes.getStore();
    const inv = scope && scope.invocation;
    const leaving = outcome && (outcome.body || outcome.event !== undefined);
    if (leaving && inv && inv.ended && inv.ctx) safely(() => inv.ctx.waitUntil(scope.lane.done()));
  }
  let sendHook; // the user's beforeSend (and scrubbing patterns), run here

  function start(opts) {
    if (state) return state === 2;
    state = 3;
    try {
      options = opts || {};
      if (options.enabled === false || !options.dsn) return false;
      instantiate();
      if (!core.init(coreOptions(options))) return false;
      sendHook = beforeSendOf(options);
      const traced = tracingOn(options);
      delivery = createDelivery({
        // With tracing on, global fetch is tattle's (subrequest spans): its own envelopes go
        // through the runtime's fetch, untraced.
        fetch: (url, init) => {
          const f = tracing ? tracing.rawFetch : fetch;
          return f(url, init);
        },
        store: memoryStore(1000),
        now: Date.now,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (t) => clearTimeout(t),
        random: Math.random,
        log,
        tunnelDsn: tunnelDsnOf(options),
        // Per invocation: up to 16 requests at once. No gzip: a worker pays for CPU time
        // (≈0.1 ms an event), not for the bytes between its data centre and the server. No
        // report timer: a client report leaves from an invocation's lane, when one is due.
        options: { maxInFlight: 16, reportTimer: false, ...options.transportOptions },
      });
      delivery.url = core.endpoint();
      // A worker serves thousands of users: by default the guard only drops identical errors
      // (within its window), it caps nothing.
      // Of Sentry's integrations a worker has Dedupe (the guard's identical-error window).
      const dedupe = integrationsOf(options, ['Dedupe'], log).Dedupe;
      if (options.stormGuard !== false) {
        admit = createGuard({ maxPerMinute: 0, ...options.stormGuard, ...(dedupe ? {} : { dedupeWindowMs: 0 }) }, Date.now);
      }
      if (traced) {
        tracing = edgeTracing({ options, scopes, child, send: (name, args, lane) => handOver(call(name, args), lane), laneNow, log });
        globalThis.fetch = tracing.fetch;
      }
      state = 2;
    } catch (e) {
      console.error('tattle: could not start; events will not be sent.', e);
    }
    return state === 2;
  }

  // Calls the core, never letting a failure reach the worker.
  function call(name, args) {
    if (state !== 2) return undefined;
    try {
      return core[name](...args);
    } catch (e) {
      log('internal error in', name, e);
      if (e instanceof WebAssembly.RuntimeError) state = 3; // a trap: stay off rather than break the worker
      return undefined;
    }
  }

  // One call into the core per capture: the invocation's scope goes along as one value.
  function capture(name, value, rest, hint) {
    const id = (hint && hint.event_id) || newId();
    lastId = id;
    if (state !== 2) return id;
    const dropped = busyInBeforeSend() ? 'internal_sdk_error' : admit && admit(captureKey(name, value, rest, hint));
    if (dropped) {
      laneNow().count(dropped, 'error');
      return id;
    }
    const scope = scopes.getStore();
    // Release health: a request that captured an error (not a message) counts as errored.
    if (scope && scope.invocation && (name === 'captureException' || (name === 'captureEvent' && value && value.exception))) {
      scope.invocation.errored = true;
    }
    const args = [value, ...rest, withSynthetic(sendHook, name, value, { ...hint, event_id: id, request: scope && scope.request, scope, ...traceHint(scope) })];
    deliver(call(name, args), args);
    return id;
  }

  // What links a capture to its trace (hint.trace, hint.dsc): the active span of the invocation's
  // transaction; with tracing off, the caller's trace from an incoming sentry-trace.
  function traceHint(scope) {
    if (tracing) return tracing.traceOf(scope);
    const light = scope && scope.invocation && scope.invocation.light;
    if (!light) return undefined;
    light.spanId = light.spanId || spanId();
    return { trace: { trace_id: light.incoming.traceId, span_id: light.spanId, parent_span_id: light.incoming.parentSpanId }, dsc: light.dsc };
  }

  // A capture with a captureContext runs in a child scope made for it.
  function captureIn(context, name, value, rest, hint) {
    if (context == null) return capture(name, value, rest, hint);
    const scope = child(scopes.getStore());
    applyContext(context, scopeOn(() => scope), log);
    return scopes.run(scope, () => capture(name, value, rest, hint));
  }

  const child = (parent) => ({
    user: parent ? parent.user : undefined,
    tags: { ...(parent && parent.tags) },
    contexts: { ...(parent && parent.contexts) },
    extras: { ...(parent && parent.extras) },
    breadcrumbs: parent ? parent.breadcrumbs.slice() : [],
    level: parent && parent.level,
    fingerprint: parent && parent.fingerprint,
    transactionName: parent && parent.transactionName,
    request: parent && parent.request,
    lane: parent && parent.lane,
    span: parent && parent.span, // the active span (startSpan's), when tracing
    // { ended, ctx, root }: shared by the invocation's scopes; `root` is its own (Sentry's
    // isolation scope for a request).
    invocation: parent && parent.invocation,
  });

  // What each scope method does to an invocation's scope (a breadcrumb arrives through
  // beforeBreadcrumb already).
  const apply = {
    setUser: (s, user) => { s.user = user || undefined; },
    setTag: (s, k, v) => { s.tags[k] = v; },
    setTags: (s, tags) => { Object.assign(s.tags, tags); },
    setContext: (s, name, ctx) => { s.contexts[name] = ctx; },
    setExtra: (s, k, v) => { s.extras[k] = v; },
    setExtras: (s, extras) => { Object.assign(s.extras, extras); },
    setLevel: (s, level) => { s.level = level; },
    setFingerprint: (s, fingerprint) => { s.fingerprint = fingerprint; },
    setTransactionName: (s, name) => { s.transactionName = name; },
    clear: (s) => {
      Object.assign(s, child(), { request: s.request, lane: s.lane, invocation: s.invocation, span: s.span });
    },
    addBreadcrumb: (s, c) => {
      s.breadcrumbs.push(c);
      const max = Math.min(options.maxBreadcrumbs ?? 100, 100);
      if (s.breadcrumbs.length > max) s.breadcrumbs.splice(0, s.breadcrumbs.length - max);
    },
  };
  const crumbOf = (crumb, hint) => {
    const hook = options.beforeBreadcrumb;
    return typeof hook === 'function' ? hook({ timestamp: Date.now() / 1000, ...crumb }, hint) : { timestamp: Date.now() / 1000, ...crumb };
  };

  // The isolate's root scope lives in the core (every capture in the isolate carries it); what
  // getUser() reads of it is kept here.
  let rootUser;
  function toRoot(name, args) {
    if (name === 'setUser' || name === 'clear') rootUser = name === 'setUser' ? args[0] || undefined : undefined;
    call(name === 'clear' ? 'clearScope' : name, args);
  }

  // A scope as @sentry/browser's: `targets()` are the invocation scopes a change goes to (none:
  // the isolate's root scope). Setters return the scope, for chaining; nothing throws.
  function scopeOf(targets) {
    const o = {};
    for (const name of Object.keys(apply)) {
      o[name] = (...args) => {
        try {
          const list = targets();
          if (name === 'addBreadcrumb') {
            const c = crumbOf(args[0], args[1]);
            if (!c) return o;
            args = [c];
          }
          if (list.length) for (const s of list) apply[name](s, ...args);
          else toRoot(name, args);
        } catch (e) {
          log('scope update failed', e);
        }
        return o;
      };
    }
    o.getUser = () => {
      const list = targets();
      return list.length ? list[list.length - 1].user : rootUser;
    };
    return o;
  }
  const scopeOn = (pick) => scopeOf(() => [pick()]);
  // The invocation's own scope (and the withScope child running now, which a capture inside
  // would otherwise miss it in), or the root outside an invocation.
  const isolation = scopeOf(() => {
    const cur = scopes.getStore();
    const own = cur && cur.invocation && cur.invocation.root;
    return !cur ? [] : own && own !== cur ? [own, cur] : [cur];
  });
  const current = scopeOf(() => (scopes.getStore() ? [scopes.getStore()] : []));
  const globalScope = scopeOf(() => []);
  const anId = () => lastId || newId();

  const api = {
    captureException: guarded((exception, hint) => {
      const h = hintOf(hint);
      return captureIn(h.context, 'captureException', exception, [],
        { mechanism: h.mechanism || 'generic', handled: h.handled !== false, event_id: h.event_id });
    }, anId, log),
    captureMessage: guarded((message, level) => {
      const named = typeof level === 'string';
      return captureIn(named ? undefined : level, 'captureMessage', message, [named ? level : undefined], {});
    }, anId, log),
    captureEvent: guarded((event, hint) => {
      const h = hintOf(hint);
      return captureIn(eventContext(event, h.context, log), 'captureEvent', event, [], eventHint(event, h));
    }, anId, log),
    // The top-level setters: the invocation's scope, returning nothing (as Sentry's).
    ...Object.fromEntries(['setUser', 'setTag', 'setTags', 'setContext', 'setExtra', 'setExtras', 'addBreadcrumb']
      .map((name) => [name, (...args) => { isolation[name](...args); }])),
    /** The scope of what runs now: withScope's inside its callback, else the invocation's (outside one: the isolate's). */
    getCurrentScope: () => current,
    /** The invocation's scope (`setTag` & co. set it); outside one, the isolate's. */
    getIsolationScope: () => isolation,
    /** The isolate's scope, which every invocation's events carry. */
    getGlobalScope: () => globalScope,
    dedupeIntegration,
    /** Runs `callback(scope)` with a child of the current scope. */
    withScope(callback) {
      const scope = child(scopes.getStore());
      return scopes.run(scope, () => callback(scopeOn(() => scope)));
    },
    lastEventId: () => lastId,
    /**
     * Resolves true once everything this invocation captured was accepted by the server (or
     * dropped by a filter you set); false when something was lost or waits for a retry, or
     * after `timeout` ms. Outside an invocation, the same for the isolate's own captures.
     */
    flush(timeout = BUDGET_MS) {
      if (state === 3 && options.dsn && options.enabled !== false) return Promise.resolve(false);
      if (state !== 2) return Promise.resolve(true);
      const lane = laneNow();
      if (tracing) safely(() => tracing.sendSessions(lane, true));
      const done = lane === delivery ? delivery.flush(true) : lane.done();
      return Promise.race([done, new Promise((r) => setTimeout(r, timeout, false))]);
    },
    /** flush(), then tattle is off in this isolate (global fetch is the runtime's again). */
    close(timeout = BUDGET_MS) {
      return api.flush(timeout).then((ok) => {
        if (tracing && globalThis.fetch === tracing.fetch) globalThis.fetch = tracing.rawFetch;
        tracing = undefined;
        if (state === 2) state = 3;
        return ok;
      });
    },
    /** Sentry's Span API: a span under the active one (or the invocation's transaction), active in `callback`, ended after it. */
    startSpan(opts, callback) {
      return tracing ? tracing.spanApi.startSpan(opts, callback) : callback(idle(opts));
    },
    /** A span under the active one, not made active; end() it yourself. */
    startInactiveSpan: guarded((opts) => (tracing ? tracing.spanApi.startInactiveSpan(opts) : idle(opts)), idle, log),
    /** The span active now (startSpan's, else the invocation's transaction); undefined with tracing off. */
    getActiveSpan: guarded(() => (tracing ? tracing.spanApi.getActiveSpan() : undefined), () => undefined, log),
    /** Wraps a module worker: `export default withTattle(options | (env) => options, { fetch, scheduled, queue })`. */
    withTattle(opts, handler) {
      // A WorkerEntrypoint class: as withSentry wraps one.
      if (extendsClass(handler, 'WorkerEntrypoint')) return api.withSentry(opts, handler);
      return wrapHandler(opts, handler, TATTLE_MECHANISMS, false);
    },
  };

  // What each handler's invocation says about itself, in its scope.
  const describe = {
    fetch: (scope, request) => describeRequest(scope, request, options.sendDefaultPii === true),
    scheduled: (scope, controller) => {
      scope.tags.trigger = 'scheduled';
      if (controller && controller.cron) scope.tags.cron = controller.cron;
    },
    queue: (scope, batch) => {
      scope.tags.trigger = 'queue';
      if (batch && batch.queue) scope.tags.queue = batch.queue;
    },
  };

  // Errors an invocation (or Hono's error handler) already reported: one event per error object,
  // however many wrappers it passes through on its way out.
  const reported = new WeakSet();
  const once = (e) => {
    if ((typeof e !== 'object' && typeof e !== 'function') || e === null) return true;
    if (reported.has(e)) return false;
    reported.add(e);
    return true;
  };
  /** Reports `e` (once per error object) with a mechanism, in the scope running now. */
  // `extra`: { tags, contexts } for this event only.
  function report(e, mechanism, handled = false, extra) {
    if (!once(e)) return undefined;
    const hint = { mechanism, handled };
    if (!extra) return capture('captureException', e, [], hint);
    const scope = child(scopes.getStore());
    Object.assign(scope.tags, extra.tags);
    Object.assign(scope.contexts, extra.contexts);
    return scopes.run(scope, () => capture('captureException', e, [], hint));
  }

  /**
   * Runs `fn` as one invocation: its own scope (isolation), its own delivery lane (handed to
   * `spec.ctx.waitUntil` when it ends), its transaction when tracing. What it throws or rejects
   * with is reported with `spec.mechanism` (unless that is unset) and rethrown unchanged.
   * spec: { opts, env, ctx, kind ('fetch' | 'scheduled' | 'queue' | 'task'), event, mechanism, about(scope) }.
   */
  function invocation(spec, fn) {
    start(typeof spec.opts === 'function' ? safely(() => spec.opts(spec.env)) : spec.opts);
    const { kind, event, ctx } = spec;
    const scope = child();
    if (describe[kind]) safely(() => describe[kind](scope, event));
    if (spec.about) safely(() => spec.about(scope));
    const waits = ctx && typeof ctx.waitUntil === 'function';
    // This invocation's sends, and its retries of what earlier ones could not deliver.
    const budget = (options.transportOptions && options.transportOptions.budget) || (waits ? BUDGET_MS : NO_CTX_BUDGET_MS);
    if (state === 2) scope.lane = delivery.lane(Date.now() + budget);
    scope.invocation = { ended: false, ctx: undefined, root: scope };
    if (state === 2 && tracing) safely(() => tracing.begin(kind, event, scope));
    else if (state === 2 && kind === 'fetch') scope.invocation.light = safely(() => incomingTrace(event));
    const done = (response, threw) => {
      if (state !== 2 || !scope.lane) return;
      // The transaction ends here and leaves after the response (the lane waits for it).
      if (tracing && !scope.invocation.ended) safely(() => tracing.finish(kind, scope, response, threw));
      scope.invocation.ended = true;
      if (waits) {
        scope.invocation.ctx = ctx;
        safely(() => ctx.waitUntil(scope.lane.done()));
      }
      // Deno.serve: no ctx; the process lives on and the requests finish by themselves.
    };
    // Ends the invocation early (a workflow whose step failed for good: workerd may never settle its run).
    scope.invocation.end = done;
    const fail = (e) => {
      if (spec.mechanism && !scope.invocation.quiet) safely(() => report(e, spec.mechanism));
      done(undefined, true);
      throw e;
    };
    return scopes.run(scope, () => {
      let result;
      try {
        result = fn(scope);
      } catch (e) {
        fail(e);
      }
      if (result && typeof result.then === 'function') {
        // spec.hold: nothing waits for this invocation's answer (a Durable Object's alarm), and
        // workerd ends its I/O when it fails: the rejection waits for its sends (≤ 5 s).
        const failing = !spec.hold ? fail : (e) => {
          try {
            fail(e);
          } catch { /* rethrown below, once its sends are out */ }
          const sent = scope.lane ? safely(() => scope.lane.done()) : undefined;
          return Promise.race([sent, new Promise((resolve) => setTimeout(resolve, 5000))]).then(() => { throw e; });
        };
        return result.then((value) => { done(value); return value; }, failing);
      }
      done(result);
      return result;
    });
  }

  // A module worker's handler object: fetch, scheduled and queue wrapped (in place for Sentry's
  // withSentry, which returns the object it was given; a copy for withTattle). A Hono app's error
  // handler reports what Hono turns into a response.
  function wrapHandler(opts, handler, mechanisms, inPlace, hookHono = true) {
    if (!handler || (typeof handler !== 'object' && typeof handler !== 'function')) return handler;
    let target = handler;
    if (!inPlace) target = { ...handler };
    for (const kind of ['fetch', 'scheduled', 'queue']) {
      const original = handler[kind];
      if (typeof original !== 'function' || original[WRAPPED]) continue;
      const wrapped = function (event, env, ctx) {
        return invocation({ opts, env, ctx, kind, event, mechanism: mechanisms[kind] }, () => original.call(this, event, env, ctx));
      };
      wrapped[WRAPPED] = true;
      try {
        target[kind] = wrapped;
      } catch {
        target = { ...target, [kind]: wrapped }; // a frozen handler: a wrapped copy
      }
    }
    if (hookHono) safely(() => hono.hook(handler, mechanisms.hono));
    return target;
  }

  // A framework's name for the invocation (Hono's route): its scope's transaction, and its
  // transaction's name when tracing.
  function nameTrace(name) {
    const scope = scopes.getStore();
    const root = scope && scope.invocation && scope.invocation.trace;
    if (!root) return;
    root.updateName(name);
    root.setAttribute('sentry.source', 'route');
    if (root.tx) root.tx.source = 'route';
  }
  const inner = {
    invocation, report, wrapHandler, nameTrace, safely, mechanisms: SENTRY_MECHANISMS,
    describeRequest: (scope, request) => describe.fetch(scope, request),
    inInvocation: () => !!scopes.getStore(),
    inScope: (scope, fn) => scopes.run(scope, fn),
  };
  const hono = honoSupport(inner, api);
  Object.assign(api, sentryNames(inner), { sentry: hono.middleware });

  // With tracing off, the span startSpan & co. hand out: ids, the Span API, nothing recorded.
  function idle(opts) {
    let name;
    try {
      name = opts && opts.name;
    } catch { /* a hostile options object */ }
    return createSpan({ name, sampled: false });
  }

  function safely(fn) {
    try {
      return fn();
    } catch (e) {
      log('failed', e);
      return undefined;
    }
  }

  // Method, URL (the core scrubs secret query values), allowlisted headers; cookies and the
  // client IP only with sendDefaultPii; Cloudflare's colo and country as tags.
  function describeRequest(scope, request, pii) {
    // A get() per allowlisted name, not a walk over every header the request has: cheaper in
    // workerd, where each header crosses from C++.
    const headers = {};
    for (const name of pii ? [...SAFE_HEADERS, ...PII_HEADERS] : SAFE_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    scope.request = { url: request.url, method: request.method, headers };
    const ip = request.headers.get('cf-connecting-ip');
    if (pii && ip) scope.user = { ip_address: ip };
    const cf = request.cf;
    if (cf && typeof cf === 'object') {
      if (cf.colo) scope.tags['cf.colo'] = String(cf.colo);
      if (cf.country) scope.tags['cf.country'] = String(cf.country);
      scope.contexts.cloudflare = { colo: cf.colo, country: cf.country, http_protocol: cf.httpProtocol, tls_version: cf.tlsVersion };
    }
  }

  return api;
}
