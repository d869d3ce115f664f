// bench:edge toucan-js: a Toucan per request (its documented use), the Error captured; the send
// goes through ctx.waitUntil.
import { Toucan } from 'toucan-js';

let n = 0;
export default {
  async fetch(request, env, ctx) {
    const sentry = new Toucan({ dsn: env.DSN, context: ctx, request });
    const err = new Error('bench ' + n++);
    if (env.MODE !== 'none') sentry.captureException(err);
    return new Response('ok');
  },
};
