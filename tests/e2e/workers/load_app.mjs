// A worker under load, for tests/e2e/edge_load.test.mjs (issue 9): many concurrent invocations
// in one isolate, each capturing a distinct error, then a failing cron and queue invocation.
// The storm guard stays at its default: distinct errors must all arrive.
import { withTattle, captureException } from 'tattle/worker';

export default withTattle((env) => ({ dsn: env.DSN, release: 'load@1.0.0', environment: 'load' }), {
  async fetch(request) {
    const url = new URL(request.url);
    const tag = url.searchParams.get('tag');
    if (url.pathname === '/capture') {
      return new Response(captureException(new Error(`load ${tag}`)));
    }
    if (url.pathname === '/throw') {
      throw new Error(`load threw ${tag}`);
    }
    return new Response('not found', { status: 404 });
  },
  async scheduled(controller) {
    throw new Error(`cron failed ${controller.cron}`);
  },
  async queue(batch) {
    throw new Error(`queue failed on ${batch.messages.length} messages`);
  },
});
