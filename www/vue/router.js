// browserTracingIntegration({ router, routeLabel, … }) for Vue Router 4, as @sentry/vue's:
// tattle's browserTracingIntegration, and the router names each pageload and navigation
// transaction: the route's name (source `custom`) when it has one and `routeLabel` is not
// 'path', else the last matched record's path (`/users/:id`, source `route`), else the path
// (`url`); the scope's transaction name too, so errors carry it. The router's own errors
// (router.onError) are captured as unhandled.
import { browserTracingIntegration as tattleTracing, captureException, getCurrentScope } from 'tattle';
import { nameRoute } from '../route.js';

export function browserTracingIntegration(options = {}) {
  const { router, routeLabel = 'name', ...rest } = options || {};
  if (router && typeof router.afterEach === 'function') {
    try {
      if (typeof router.onError === 'function') router.onError((error) => captureException(error, { mechanism: { handled: false } }));
      router.afterEach((to, from, failure) => {
        try {
          if (failure || !to) return;
          let name = to.path;
          let source = 'url';
          if (to.name && routeLabel !== 'path') {
            name = String(to.name);
            source = 'custom';
          } else if (to.matched && to.matched.length) {
            name = to.matched[to.matched.length - 1].path;
            source = 'route';
          }
          getCurrentScope().setTransactionName(name);
          nameRoute(name, source, globalThis.location ? globalThis.location.pathname : to.path);
        } catch { /* never break the host */ }
      });
    } catch { /* never break the host */ }
  }
  return tattleTracing(rest);
}
