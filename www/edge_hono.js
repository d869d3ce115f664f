// Hono in `tattle/worker`. Hono catches every error a route or middleware throws and answers with
// its error handler (by default a 500 "Internal Server Error"; or the app's own `app.onError`):
// nothing escapes `fetch`, so a fetch wrapper alone never sees it. Two ways in, as Sentry's:
// - `withSentry(options, app)` / `withTattle(options, app)`: the app's `errorHandler` (the one
//   Hono calls, whether set before or after) reports the error before it runs;
// - `app.use(sentry(app, options))`, @sentry/hono's middleware: fetch wrapped as withSentry does,
//   and after `next()` the error Hono left on the context (`c.error`) is reported.
// Either way the event is named by the route pattern (`GET /users/:id`), the response is Hono's
// own, and an error is reported once even with both set up. Errors with a 3xx/4xx `status`
// (Hono's HTTPException for a 404, say) are not reported unless `shouldHandleError` says so.
// Nothing here imports Hono: an app is recognised by its shape.

const HOOKED = Symbol.for('tattle.hono');

/** A Hono app: `onError` and an `errorHandler` function, and a router. */
const isHono = (app) => !!app && typeof app === 'object' && typeof app.onError === 'function'
  && typeof app.errorHandler === 'function' && typeof app.fetch === 'function';

const reportable = (error) => {
  const status = error && typeof error === 'object' ? error.status : undefined;
  return !(typeof status === 'number' && status >= 300 && status < 500);
};

// A middleware is a handler of two parameters (c, next); a route handler takes one. Sub-apps'
// routes are Hono's composed wrappers, which point at the handler they wrap.
const isRouteHandler = (h) => {
  if (typeof h !== 'function') return false;
  const inner = typeof h.__COMPOSED_HANDLER === 'function' ? h.__COMPOSED_HANDLER : h;
  return inner.length < 2;
};

/** The route pattern of the request (`/users/:id`): the route handler that ran, else the last one matched. */
export function routeOf(c) {
  try {
    const routes = c.req.matchedRoutes || [];
    const current = routes[c.req.routeIndex];
    if (current && isRouteHandler(current.handler)) return current.path;
    for (let i = routes.length - 1; i >= 0; i--) if (routes[i] && isRouteHandler(routes[i].handler)) return routes[i].path;
    return routes.length ? routes[routes.length - 1].path : c.req.path;
  } catch {
    return undefined;
  }
}

/**
 * `inner`: edge.js's { report(e, mechanism), wrapHandler, safely }; `api`: the public API (for the
 * invocation's scope). Returns { hook(app, mechanism), middleware(app, options) }.
 */
export function honoSupport(inner, api) {
  // The request's transaction name: `GET /users/:id` on the invocation's scope (and its trace).
  function name(c) {
    const route = routeOf(c);
    if (route === undefined) return;
    const n = `${c.req.method} ${route}`;
    api.getIsolationScope().setTransactionName(n);
    inner.nameTrace(n);
  }
  function reportFrom(c, error, mechanism, should) {
    inner.safely(() => {
      if (!(should || reportable)(error)) return;
      name(c);
      inner.report(error, mechanism);
    });
  }

  /** Reports what the app's error handler is given (set before or after this). */
  function hook(app, mechanism, should) {
    if (!isHono(app) || app[HOOKED]) return;
    let wrapped;
    const wrap = (h) => (typeof h !== 'function' ? h : function (error, c) {
      reportFrom(c, error, mechanism, should);
      return h.call(this, error, c);
    });
    wrapped = wrap(app.errorHandler);
    Object.defineProperty(app, 'errorHandler', {
      configurable: true,
      enumerable: true,
      get: () => wrapped,
      set: (h) => { wrapped = wrap(h); },
    });
    Object.defineProperty(app, HOOKED, { value: true });
  }

  /** @sentry/hono's `sentry(app, options | (env) => options)`: `app.use(sentry(app, { dsn }))`. */
  function middleware(app, options) {
    const optionsOf = (env) => (typeof options === 'function' ? inner.safely(() => options(env)) : options) || {};
    inner.safely(() => inner.wrapHandler(optionsOf, app, inner.mechanisms, true, false));
    return async (c, next) => {
      inner.safely(() => name(c));
      await next();
      inner.safely(() => {
        name(c);
        if (c.error) reportFrom(c, c.error, 'auto.http.hono.context_error', optionsOf(c.env).shouldHandleError);
      });
    };
  }

  return { hook, middleware };
}
