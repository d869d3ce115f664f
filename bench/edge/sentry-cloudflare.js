// bench:edge @sentry/cloudflare: withSentry wraps the handler (per-request scope, flush through
// ctx.waitUntil); the Error captured inside.
import { withSentry, captureException } from '@sentry/cloudflare';

let n = 0;
export default withSentry((env) => ({ dsn: env.DSN }), {
  async fetch(request, env, ctx) {
    captureException(new Error('bench ' + n++));
    return new Response('ok');
  },
});
