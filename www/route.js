// What the router integrations (tattle/react's React Router 7, tattle/vue's Vue Router 4) share:
// naming the current pageload or navigation transaction by its route pattern (`/users/:id`,
// `sentry.source: 'route'`) instead of the path, as @sentry/react and @sentry/vue do. tattle's
// tracing makes that root span itself (from the navigation's start, or on pushState/popstate);
// the router only names it, once it matched the route. tracing.js may not be there yet when the
// first route matches (it is imported at init): the name then waits for it, a few seconds at
// most, and only while the page stays on that path.
import { getActiveSpan } from 'tattle';

const WAIT_MS = 5000;
const POLL_MS = 50;

/** Names the active pageload or navigation root `name` (source `source`) if it is still on `path`. */
export function nameRoute(name, source, path) {
  const started = Date.now();
  const attempt = () => {
    try {
      if (globalThis.location && globalThis.location.pathname !== path) return;
      const span = getActiveSpan();
      const root = span && (span.root || span);
      if (root && (root.op === 'pageload' || root.op === 'navigation') && typeof root.updateName === 'function') {
        root.updateName(name);
        root.setAttribute('sentry.source', source);
        return;
      }
      if (Date.now() - started < WAIT_MS) setTimeout(attempt, POLL_MS);
    } catch { /* never break the host */ }
  };
  attempt();
}
