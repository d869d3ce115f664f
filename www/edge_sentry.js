// @sentry/cloudflare's names in `tattle/worker`, so that switching is an import:
// - `withSentry(options, handler)`: a module worker's handlers (fetch, scheduled, queue; a Hono
//   app's error handler), wrapped in place and returned as Sentry does; or a `WorkerEntrypoint`
//   class, whose fetch / scheduled / queue and RPC methods are wrapped.
// - `instrumentDurableObjectWithSentry(options, Class)`: fetch, alarm, webSocketMessage /
//   webSocketClose / webSocketError and the RPC methods.
// - `instrumentWorkflowWithSentry(options, Class)`: a failing step is reported once, on its final
//   attempt (handled, as Sentry marks it), with the workflow and the step in the event.
// Each call of each of these is an invocation of its own (edge.js's `invocation`): its own scope,
// its own delivery lane (through that object's `waitUntil`), tattle started in that isolate from
// the options function and the object's env, so a Durable Object or a Workflow reports even in an
// isolate where the worker's default export never ran. Errors are rethrown unchanged: the platform
// (RPC callers, alarm and step retries) sees what it saw without tattle. The mechanism types are
// @sentry/cloudflare 11's, handled false, except a workflow step's (handled true).
// The wrappers are subclasses: the user's class and its prototype stay untouched, and methods
// are wrapped on the subclass's prototype, where workerd looks for RPC methods.

export const WRAPPED = Symbol.for('tattle.wrapped');
export const SENTRY_MECHANISMS = {
  fetch: 'auto.http.cloudflare', scheduled: 'auto.faas.cloudflare.scheduled', queue: 'auto.faas.cloudflare.queue',
  hono: 'auto.faas.hono.error_handler',
};
const DO = 'auto.faas.cloudflare.durable_object';
const DO_WEBSOCKET = 'auto.faas.cloudflare.durable_object_websocket';
const ENTRYPOINT = 'auto.faas.cloudflare.worker_entrypoint';
const WORKFLOW = 'auto.faas.cloudflare.workflow';
// Names workerd never dispatches over RPC, or dispatches as handlers of their own.
const NOT_RPC = new Set(['constructor', 'connect', 'dup', 'email', 'tail', 'tailStream', 'test', 'trace']);
const HANDLERS = new Set(['fetch', 'scheduled', 'queue', 'alarm', 'webSocketMessage', 'webSocketClose', 'webSocketError']);
// Cloudflare's base classes (cloudflare:workers), where the walk over a class's methods stops.
const BASES = new Set(['DurableObject', 'WorkerEntrypoint', 'WorkflowEntrypoint', 'RpcTarget']);
// Workflows' default step retries (Cloudflare's docs): 5 retries after the first attempt.
const DEFAULT_RETRIES = 5;

/** Whether `value` is a class extending one named `name` (cloudflare:workers' WorkerEntrypoint …). */
export function extendsClass(value, name) {
  if (typeof value !== 'function' || value.name === name) return false;
  for (let p = value.prototype; p; p = Object.getPrototypeOf(p)) {
    if (p.constructor && p.constructor.name === name) return true;
  }
  return false;
}

// The methods of a class, own first, up to Cloudflare's base class: name → descriptor.
function methodsOf(Class) {
  const found = new Map();
  for (let p = Class.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (p.constructor && BASES.has(p.constructor.name) && p !== Class.prototype) break;
    for (const key of Object.getOwnPropertyNames(p)) {
      if (found.has(key)) continue;
      const d = Object.getOwnPropertyDescriptor(p, key);
      if (d && typeof d.value === 'function' && key !== 'constructor') found.set(key, d);
    }
  }
  return found;
}

export function sentryNames(inner) {
  const own = new WeakMap(); // instance → { ctx, env } it was constructed with

  // A subclass of `Base` remembering each instance's ctx and env; `each(name, fn)` gives the
  // wrapper of every method (or undefined to leave it).
  function subclass(Base, each) {
    class Instrumented extends Base {
      constructor(ctx, env, ...rest) {
        super(ctx, env, ...rest);
        own.set(this, { ctx, env });
      }
    }
    Object.defineProperty(Instrumented, 'name', { value: Base.name });
    for (const [key, d] of methodsOf(Base)) {
      const wrapped = inner.safely(() => each(key, d.value));
      if (!wrapped) continue;
      wrapped[WRAPPED] = true;
      Object.defineProperty(wrapped, 'name', { value: d.value.name });
      Object.defineProperty(Instrumented.prototype, key, { ...d, value: wrapped });
    }
    return Instrumented;
  }

  // A method as an invocation of its own; a call from inside one (`this.helper()` in fetch) runs as is.
  function method(opts, original, spec) {
    return function (...args) {
      const mine = own.get(this);
      if (!mine || inner.inInvocation()) return original.apply(this, args);
      const s = typeof spec === 'function' ? spec(args) : spec;
      return inner.invocation({ opts, env: mine.env, ctx: mine.ctx, kind: 'task', ...s }, () => original.apply(this, args));
    };
  }

  const task = (name, op, origin, mechanism) => ({ event: { name, op, origin }, mechanism });

  function entrypointClass(opts, Class) {
    return subclass(Class, (key, original) => {
      if (NOT_RPC.has(key)) return undefined;
      if (key === 'fetch' || key === 'scheduled' || key === 'queue') {
        return method(opts, original, (args) => ({ kind: key, event: args[0], mechanism: SENTRY_MECHANISMS[key] }));
      }
      if (HANDLERS.has(key)) return undefined;
      return method(opts, original, task(key, 'rpc', 'auto.faas.cloudflare.worker_entrypoint', ENTRYPOINT));
    });
  }

  function durableObject(opts, Class) {
    return subclass(Class, (key, original) => {
      if (NOT_RPC.has(key) || key === 'scheduled' || key === 'queue') return undefined;
      if (key === 'fetch') {
        return method(opts, original, (args) => ({
          kind: 'fetch', event: args[0], mechanism: DO, about: (scope) => { scope.tags['durable_object'] = Class.name; },
        }));
      }
      const op = key.startsWith('webSocket') ? 'websocket' : key === 'alarm' ? 'function' : 'rpc';
      const spec = task(key, op, DO, DO);
      if (key === 'alarm') spec.hold = true;
      spec.about = (scope) => { scope.tags['durable_object'] = Class.name; };
      if (key !== 'webSocketError') return method(opts, original, spec);
      // webSocketError(ws, error): the socket's error is reported too.
      return method(opts, function (...args) {
        inner.safely(() => inner.report(args[1], DO_WEBSOCKET));
        return original.apply(this, args);
      }, spec);
    });
  }

  function workflow(opts, Class) {
    return subclass(Class, (key, original) => {
      if (key !== 'run') return undefined;
      return function (event, step) {
        const mine = own.get(this);
        if (!mine) return original.call(this, event, step);
        const instance = event && event.instanceId;
        return inner.invocation({
          opts, env: mine.env, ctx: mine.ctx, kind: 'task', event: { name: Class.name, op: 'function', origin: WORKFLOW },
          about: (scope) => {
            scope.tags.workflow = Class.name;
            if (instance) scope.tags['workflow.instance'] = String(instance);
            scope.contexts.cloudflare_workflow = { workflow: Class.name, instance_id: instance };
          },
          // What run() throws is reported only when no step reported it (an error outside any step).
          mechanism: WORKFLOW,
        }, (scope) => original.call(this, event, stepOf(step, scope, Class.name, instance)));
      };
    });
  }

  // The workflow's step with `do` wrapped: the step's callback reports its error on the final
  // attempt (the attempt workerd passes it, else counted here per instance and step).
  const attempts = new Map();
  function stepOf(step, scope, workflowName, instance) {
    if (!step || typeof step.do !== 'function') return step;
    const run = (name, config, callback) => async function (...args) {
      try {
        return await callback.apply(this, args);
      } catch (e) {
        const final = inner.safely(() => {
          const info = args[0];
          const limit = (info && info.config && info.config.retries && info.config.retries.limit)
            ?? (config && config.retries && config.retries.limit) ?? DEFAULT_RETRIES;
          let attempt = info && info.attempt;
          const key = `${instance}\u0000${name}`;
          if (typeof attempt !== 'number') {
            attempt = (attempts.get(key) || 0) + 1;
            attempts.set(key, attempt);
          }
          if (attempt <= limit) return;
          attempts.delete(key);
          scope.invocation.quiet = true; // run()'s rethrow of it is not another event
          inner.inScope(scope, () => {
            const about = { workflow: workflowName, instance_id: instance, step: name, attempt };
            inner.report(e, WORKFLOW, true, { tags: { 'workflow.step': name }, contexts: { cloudflare_workflow: about } });
          });
          // The run is over (workerd marks the instance errored and may never settle run()): its transaction leaves now.
          scope.invocation.end(undefined, true);
          return true;
        });
        // workerd ends the callback's I/O when it settles: its sends go out before the error does.
        if (final && scope.lane) await inner.safely(() => Promise.race([scope.lane.done(), new Promise((r) => setTimeout(r, 5000))]));
        throw e;
      }
    };
    const wrappedDo = (name, a, b, c) => {
      const hasConfig = typeof a !== 'function';
      if (hasConfig) return c === undefined ? step.do(name, a, run(name, a, b)) : step.do(name, a, run(name, a, b), c);
      return b === undefined ? step.do(name, run(name, undefined, a)) : step.do(name, run(name, undefined, a), b);
    };
    return new Proxy(step, {
      get(target, key) {
        if (key === 'do') return wrappedDo;
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }

  return {
    /** @sentry/cloudflare's withSentry: a handler object (wrapped in place and returned) or a WorkerEntrypoint class. */
    withSentry(opts, handler) {
      try {
        if (extendsClass(handler, 'WorkerEntrypoint')) return entrypointClass(opts, handler);
        return inner.wrapHandler(opts, handler, SENTRY_MECHANISMS, true);
      } catch (e) {
        inner.safely(() => { throw e; });
        return handler;
      }
    },
    instrumentDurableObjectWithSentry(opts, Class) {
      try {
        return durableObject(opts, Class);
      } catch {
        return Class;
      }
    },
    instrumentWorkflowWithSentry(opts, Class) {
      try {
        return workflow(opts, Class);
      } catch {
        return Class;
      }
    },
  };
}
