// bench:edge @sentry/cloudflare with tracing: sentry-cloudflare.js plus tracesSampleRate 1 (an
// http.server transaction per request).
import { withSentry, captureException } from '@sentry/cloudflare';

let n = 0;
export default withSentry((env) => ({ dsn: env.DSN, tracesSampleRate: 1 }), {
  async fetch(request, env, ctx) {
    captureException(new Error('bench ' + n++));
    return new Response('ok');
  },
});
