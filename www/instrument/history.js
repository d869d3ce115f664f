// Navigation breadcrumbs (hint { from, to }): pushState, replaceState and popstate.
import { addBreadcrumb as crumb } from '../browser/scope.js';

/** Wraps `history`'s pushState and replaceState and listens for popstate on `g`. */
export function instrumentHistory(g) {
  let last = g.location.href;
  const moved = () => {
    try {
      const to = g.location.href;
      if (to !== last) crumb({ category: 'navigation', data: { from: last, to } }, { from: last, to });
      last = to;
    } catch { /* never break the host */ }
  };
  for (const name of ['pushState', 'replaceState']) {
    const orig = g.history[name];
    g.history[name] = function () {
      const r = orig.apply(this, arguments);
      moved();
      return r;
    };
  }
  g.addEventListener('popstate', moved);
}
