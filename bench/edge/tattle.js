// bench:edge tattle: the package's own worker entry ("tattle/worker" → dist/worker.js, which
// imports its .wasm as a module). stormGuard off, as in `npm run bench`'s capture measurement:
// 2,000 errors in a few seconds are exactly what the guard thins out, and each request here must
// take the full capture-and-send path rather than be flattered by the guard dropping it.
import { withTattle, captureException } from 'tattle/worker';

let n = 0;
export default withTattle((env) => ({ dsn: env.DSN, stormGuard: env.STORM_GUARD === 'on' ? undefined : false }), {
  async fetch(request, env, ctx) {
    const err = new Error('bench ' + n++);
    if (env.MODE !== 'none') captureException(err);
    return new Response('ok');
  },
});
