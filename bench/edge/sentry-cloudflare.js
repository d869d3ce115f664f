// bench:edge @sentry/cloudflare: withSentry wraps the handler (per-request scope, flush through
// ctx.waitUntil); the Error captured inside.
import { withSentry, captureException } from '@sentry/cloudflare';

let n = 0;
export default withSentry((env) => ({ dsn: env.DSN }), {
  async fetch(request, env, ctx) {
    const err = new Error('bench ' + n++);
    if (env.MODE !== 'none') captureException(err);
    return new Response('ok');
  },
});
