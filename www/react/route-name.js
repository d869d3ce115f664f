// A React Router match list (matchRoutes' or a data router's `state.matches`) as the transaction
// name @sentry/react gives it: the matched routes' paths joined (`/users/:id`), source `route`;
// the path itself (source `url`) when nothing matched. A splat route with children adds nothing
// of its own; a trailing slash goes. (Sentry's descendant-<Routes> and lazy-route reconstruction
// are not done: there the name is what the matched routes say.)
export function routeNameOf(matches, pathname) {
  if (!Array.isArray(matches) || !matches.length) return [pathname, 'url'];
  let name = '';
  let any = false;
  for (const m of matches) {
    const route = (m && m.route) || {};
    const p = route.path;
    if (typeof p !== 'string' || !p) continue;
    any = true;
    const piece = p.endsWith('*') && Array.isArray(route.children) && route.children.length ? p.slice(0, -1) : p;
    name = piece.startsWith('/') ? piece : `${name.replace(/\/$/, '')}/${piece}`;
  }
  if (!any) return [pathname, 'url'];
  name = name.replace(/\/+$/, '');
  return [name.startsWith('/') ? name : `/${name || ''}`, 'route'];
}
