// React Router 7's tracing, as @sentry/react's: reactRouterV7BrowserTracingIntegration({ useEffect,
// useLocation, useNavigationType, createRoutesFromChildren, matchRoutes, … }) is tattle's
// browserTracingIntegration (pageload and navigation transactions, see tracing.js) that keeps the
// router's functions; withSentryReactRouterV7Routing(Routes) (declarative <Routes>) and
// wrapCreateBrowserRouterV7(createBrowserRouter) (data routers) name each pageload and navigation
// by the matched route pattern (`/users/:id`, source `route`) once the route matched.
import { createElement } from 'react';
import { browserTracingIntegration } from 'tattle';
import { nameRoute } from '../route.js';
import { routeNameOf } from './route-name.js';

let router = {}; // the functions the integration was given

/** tattle's browserTracingIntegration, remembering React Router's hooks for the wrappers below. */
export function reactRouterV7BrowserTracingIntegration(options = {}) {
  try {
    router = { ...options };
  } catch { /* never break the host */ }
  const o = { ...options };
  for (const k of ['useEffect', 'useLocation', 'useNavigationType', 'createRoutesFromChildren', 'matchRoutes']) delete o[k];
  return browserTracingIntegration(o);
}

const name = (matches, location) => {
  try {
    const path = location && location.pathname;
    if (typeof path !== 'string') return;
    const [n, source] = routeNameOf(matches, path);
    nameRoute(n, source, path);
  } catch { /* never break the host */ }
};

/** <Routes> that names the transaction after the route it rendered. */
export function withSentryReactRouterV7Routing(Routes) {
  const { useEffect, useLocation, useNavigationType, createRoutesFromChildren, matchRoutes } = router;
  if (!useEffect || !useLocation || !createRoutesFromChildren || !matchRoutes) return Routes;
  function SentryRoutes(props) {
    const location = useLocation();
    const type = useNavigationType ? useNavigationType() : undefined;
    useEffect(() => {
      try {
        name(matchRoutes(createRoutesFromChildren(props.children), location), location);
      } catch { /* never break the host */ }
    }, [location, type]);
    return createElement(Routes, props);
  }
  SentryRoutes.displayName = `sentryRoutes(${Routes.displayName || Routes.name || 'Routes'})`;
  return SentryRoutes;
}

/** createBrowserRouter whose router names the pageload and each navigation after its matches. */
export function wrapCreateBrowserRouterV7(createRouter) {
  return function (routes, opts) {
    const r = createRouter(routes, opts);
    try {
      name(r.state.matches, r.state.location);
      r.subscribe((state) => {
        if (state.navigation && state.navigation.state === 'idle') name(state.matches, state.location);
      });
    } catch { /* never break the host */ }
    return r;
  };
}
