// The edge app of tests/e2e/sourcemaps.test.mjs: a worker built minified, its debug id injected by
// sentry-cli as for a browser bundle, run in workerd.
import { withTattle } from 'tattle/worker';

function failCheckout(step) {
  if (step > 0) return failCheckout(step - 1) * 2; // WORKER_RECURSE
  throw new Error('worker checkout failed'); // WORKER_THROW
}

export default withTattle((env) => ({ dsn: env.DSN, release: 'edge@1' }), {
  async fetch() {
    return new Response(String(failCheckout(2)));
  },
});
