// tattle for edge workers (workerd / Cloudflare Workers, Deno): the API of `tattle/worker`.
// The runtime-specific entries (worker.js, deno.js) only say how the .wasm module is obtained.
//
// - `withTattle(options | (env) => options, handler)` wraps a module worker's fetch, scheduled
//   and queue handlers: it reports what they throw or reject with and rethrows it, so the
//   platform behaves as before; delivery goes through `ctx.waitUntil`, never delaying a response.
// - Every invocation gets its own scope (AsyncLocalStorage): concurrent requests in one isolate
//   never see each other's user, tags or breadcrumbs. The wasm core has one scope stack, so a
//   capture pushes the request's scope into it, captures and pops it, all synchronously.
import { AsyncLocalStorage } from 'node:async_hooks';
import * as core from './tattle_core.js';
import { createDelivery } from './delivery.js';
import { createGuard } from './guard.js';
import { memoryStore } from './store.js';
import { captureKey, coreOptions, countDiscards, newId, pickEventId } from './shared.js';

// Request headers worth sending (what helps triage, nothing that authenticates or identifies).
const SAFE_HEADERS = new Set([
  'accept', 'accept-encoding', 'accept-language', 'cache-control', 'content-length', 'content-type',
  'host', 'origin', 'referer', 'user-agent', 'cf-ray', 'cf-ipcountry', 'x-forwarded-proto', 'x-request-id',
]);
const PII_HEADERS = new Set(['cookie', 'cf-connecting-ip', 'x-forwarded-for', 'x-real-ip']);
const FLUSH_MS = 10000; // waitUntil's own limit is 30 s

export function edgeApi(instantiate) {
  const scopes = new AsyncLocalStorage();
  let state = 0; // 0 not started, 2 running, 3 off
  let options = {};
  let delivery;
  let admit; // the storm guard, when on
  let lastId;
  let sentId;

  const log = (...args) => { if (options.debug) console.warn('tattle:', ...args); };

  function send(url, body, id) {
    sentId = id;
    delivery.add({ id, url, body, category: 'error' });
  }

  function start(opts) {
    if (state) return state === 2;
    state = 3;
    try {
      options = opts || {};
      if (options.enabled === false || !options.dsn) return false;
      instantiate();
      if (!core.init(coreOptions(options), send)) return false;
      delivery = createDelivery({
        fetch: (url, init) => fetch(url, init),
        store: memoryStore(1000),
        now: Date.now,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (t) => clearTimeout(t),
        random: Math.random,
        log,
        // A worker's requests come many at a time from one isolate: more may fly, and more wait.
        // No gzip by default: a worker pays for CPU time (≈0.1 ms an event), not for the bytes
        // between its data centre and the server.
        options: { maxInFlight: 16, maxQueue: 1000, compress: false, ...options.transportOptions },
      });
      delivery.url = core.endpoint();
      if (options.stormGuard !== false) admit = createGuard(options.stormGuard, Date.now);
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

  const pullDiscards = () => countDiscards(call('takeDiscards', []), delivery);

  // The request's scope into the core around one capture.
  function capture(name, value, rest, hint) {
    const id = (hint && hint.event_id) || newId();
    lastId = id;
    if (state !== 2) return id;
    const dropped = admit && admit(captureKey(name, value, rest, hint));
    if (dropped) {
      delivery.count(dropped, 'error');
      return id;
    }
    const scope = scopes.getStore();
    sentId = undefined;
    if (scope) {
      call('pushScope', []);
      if (scope.user !== undefined) call('setUser', [scope.user]);
      call('setTags', [scope.tags]);
      for (const [k, v] of Object.entries(scope.contexts)) call('setContext', [k, v]);
      call('setExtras', [scope.extras]);
      if (scope.level) call('setLevel', [scope.level]);
      if (scope.fingerprint) call('setFingerprint', [scope.fingerprint]);
      for (const crumb of scope.breadcrumbs) call('addBreadcrumb', [crumb]);
    }
    call(name, [value, ...rest, { ...hint, event_id: id, request: scope && scope.request }]);
    if (scope) call('popScope', []);
    if (sentId !== id) pullDiscards();
    return id;
  }

  const child = (parent) => ({
    user: parent ? parent.user : undefined,
    tags: { ...(parent && parent.tags) },
    contexts: { ...(parent && parent.contexts) },
    extras: { ...(parent && parent.extras) },
    breadcrumbs: parent ? parent.breadcrumbs.slice() : [],
    level: parent && parent.level,
    fingerprint: parent && parent.fingerprint,
    request: parent && parent.request,
  });

  // A setter changes the invocation's scope inside a handler, the isolate's root scope outside.
  const scoped = (apply, rootCall) => (...args) => {
    try {
      const scope = scopes.getStore();
      if (scope) apply(scope, ...args);
      else call(rootCall, args);
    } catch (e) {
      log('scope update failed', e);
    }
  };

  // What each scope setter does to an invocation's scope.
  const apply = {
    setUser: (s, user) => { s.user = user; },
    setTag: (s, k, v) => { s.tags[k] = v; },
    setTags: (s, tags) => { Object.assign(s.tags, tags); },
    setContext: (s, name, ctx) => { s.contexts[name] = ctx; },
    setExtra: (s, k, v) => { s.extras[k] = v; },
    setExtras: (s, extras) => { Object.assign(s.extras, extras); },
    addBreadcrumb: (s, crumb) => {
      const hook = options.beforeBreadcrumb;
      const c = typeof hook === 'function' ? hook({ timestamp: Date.now() / 1000, ...crumb }) : { timestamp: Date.now() / 1000, ...crumb };
      if (!c) return;
      s.breadcrumbs.push(c);
      const max = Math.min(options.maxBreadcrumbs ?? 100, 100);
      if (s.breadcrumbs.length > max) s.breadcrumbs.splice(0, s.breadcrumbs.length - max);
    },
  };
  const setters = Object.keys(apply);

  const api = {
    captureException: (exception, hint) => capture('captureException', exception, [],
      { mechanism: 'generic', handled: true, ...pickEventId(hint) }),
    captureMessage: (message, level) => capture('captureMessage', message, [typeof level === 'string' ? level : undefined], {}),
    ...Object.fromEntries(setters.map((name) => [name, scoped(apply[name], name)])),
    /** Runs `callback(scope)` with a child of the current scope. */
    withScope(callback) {
      const scope = child(scopes.getStore());
      const methods = {
        ...Object.fromEntries(setters.map((name) => [name, (...args) => scopes.run(scope, () => api[name](...args))])),
        setLevel: (l) => { scope.level = l; },
        setFingerprint: (f) => { scope.fingerprint = f; },
      };
      return scopes.run(scope, () => callback(methods));
    },
    lastEventId: () => lastId,
    /** Resolves true once everything captured so far was sent (false after `timeout` ms). */
    flush(timeout = FLUSH_MS) {
      if (state !== 2) return Promise.resolve(true);
      return Promise.race([delivery.flush(true), new Promise((r) => setTimeout(r, timeout, false))]);
    },
    /** Wraps a module worker: `export default withTattle(options | (env) => options, { fetch, scheduled, queue })`. */
    withTattle(opts, handler) {
      const wrapped = { ...handler };
      const begin = (env) => start(typeof opts === 'function' ? safely(() => opts(env)) : opts);
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
      for (const kind of Object.keys(describe)) {
        if (typeof handler[kind] !== 'function') continue;
        wrapped[kind] = (event, env, ctx) => {
          begin(env);
          const scope = child();
          safely(() => describe[kind](scope, event));
          const done = () => {
            if (state !== 2) return;
            if (ctx && typeof ctx.waitUntil === 'function') ctx.waitUntil(api.flush());
            else api.flush(); // Deno.serve: the process lives on; nothing to extend
          };
          const fail = (e) => {
            capture('captureException', e, [], { mechanism: kind, handled: false });
            done();
            throw e;
          };
          return scopes.run(scope, () => {
            let result;
            try {
              result = handler[kind].call(handler, event, env, ctx);
            } catch (e) {
              fail(e);
            }
            if (result && typeof result.then === 'function') {
              return result.then((value) => { done(); return value; }, fail);
            }
            done();
            return result;
          });
        };
      }
      return wrapped;
    },
  };

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
    const headers = {};
    for (const [name, value] of request.headers) {
      if (SAFE_HEADERS.has(name) || (pii && PII_HEADERS.has(name))) headers[name] = value;
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
