// The worker the README shows, exercised by tests/e2e/worker.test.mjs in workerd (miniflare) and,
// through deno_app.mjs, under Deno.serve.
import { withTattle, captureException, setUser, setTag, addBreadcrumb } from 'tattle/worker';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export default withTattle((env) => ({ dsn: env.DSN, release: 'worker@1.0.0', environment: 'edge' }), {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/throw') {
      throw new Error(`worker threw ${url.searchParams.get('tag')}`);
    }
    if (url.pathname === '/reject') {
      await sleep(5);
      throw new TypeError(`worker rejected ${url.searchParams.get('tag')}`);
    }
    // A handled error with this request's user, after some waiting in which other requests run.
    const user = url.searchParams.get('user');
    setUser({ id: user });
    setTag('route', 'handled');
    addBreadcrumb({ category: 'app', message: `start ${user}` });
    await sleep(Math.random() * 20);
    const id = captureException(new Error(`handled for ${user}`));
    return new Response(id);
  },
  async scheduled(controller) {
    throw new Error(`cron job failed (${controller.cron})`);
  },
  async queue(batch) {
    throw new Error(`queue consumer failed on ${batch.messages.length} messages`);
  },
});
