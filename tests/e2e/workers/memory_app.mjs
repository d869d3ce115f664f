// For tests/e2e/edge_memory.test.mjs: a handled capture per request, with a per-request user, tag
// and breadcrumb ('SDK' is tattle/worker, or no SDK for the baseline).
import { withSentry, captureException, setUser, setTag, addBreadcrumb } from 'SDK';

export default withSentry((env) => ({ dsn: env.DSN, release: 'memory@1.0.0' }), {
  async fetch(request) {
    const n = new URL(request.url).searchParams.get('n');
    setUser({ id: `user-${n}` });
    setTag('n', n);
    addBreadcrumb({ category: 'app', message: `request ${n}` });
    captureException(new Error(`memory ${n}`));
    return new Response('ok');
  },
});
