// bench:edge tattle with tracing: tattle.js plus tracesSampleRate 1, so each request also makes an
// http.server transaction (built in the core after the response, sent through the invocation's
// lane): the per-request cost of tracing on top of the error capture.
import { withTattle, captureException } from 'tattle/worker';

let n = 0;
export default withTattle((env) => ({ dsn: env.DSN, stormGuard: env.STORM_GUARD === 'on' ? undefined : false, tracesSampleRate: 1 }), {
  async fetch(request, env, ctx) {
    captureException(new Error('bench ' + n++));
    return new Response('ok');
  },
});
