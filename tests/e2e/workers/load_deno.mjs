// load_app.mjs under Deno.serve, for tests/e2e/edge_load.test.mjs: `deno run --allow-net
// --allow-read --allow-env=DSN --import-map=… load_deno.mjs`; prints the port it listens on.
//
// Deno has no cron or queue invocations of the Workers kind (Deno.cron and Deno KV's listenQueue
// are unstable and would need --unstable flags and a KV store), so two test routes call the
// wrapped handlers the way a Deno app wires them up, `Deno.cron(name, spec, () =>
// app.scheduled(controller, env))`: in this process, through withTattle's wrapper, with no ctx
// (Deno has no waitUntil). They answer 500 with the error's message when the handler threw
// (as it must: withTattle rethrows), 200 otherwise.
import app from './load_app.mjs';

const env = { DSN: Deno.env.get('DSN') };

async function outcome(run) {
  try {
    await run();
    return new Response('ok');
  } catch (e) {
    return new Response(String(e && e.message), { status: 500 });
  }
}

Deno.serve({
  hostname: '127.0.0.1',
  port: 0,
  onListen: ({ port }) => console.log(`listening ${port}`),
}, (request) => {
  const url = new URL(request.url);
  if (url.pathname === '/__scheduled') {
    const cron = url.searchParams.get('cron') ?? '*/5 * * * *';
    return outcome(() => app.scheduled({ cron, scheduledTime: Date.now(), noRetry() {} }, env));
  }
  if (url.pathname === '/__queue') {
    const n = Number(url.searchParams.get('n') ?? 1);
    const messages = Array.from({ length: n }, (_, i) => ({
      id: `m${i}`, timestamp: new Date(), body: `job ${i}`, attempts: 1, ack() {}, retry() {},
    }));
    return outcome(() => app.queue({ queue: url.searchParams.get('queue') ?? 'jobs', messages, ackAll() {}, retryAll() {} }, env));
  }
  return app.fetch(request, env);
});
