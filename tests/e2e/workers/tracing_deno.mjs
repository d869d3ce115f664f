// tracing_app.mjs under Deno.serve: `deno run --allow-net=127.0.0.1 --allow-read --allow-env
// --import-map=… tracing_deno.mjs`; prints the port it listens on.
import app from './tracing_app.mjs';

const env = { DSN: Deno.env.get('DSN'), UPSTREAM: Deno.env.get('UPSTREAM'), TRACING: Deno.env.get('TRACING') };
Deno.serve({
  hostname: '127.0.0.1',
  port: 0,
  onListen: ({ port }) => console.log(`listening ${port}`),
}, async (request) => {
  // Deno has no cron or queue invocations of the Workers kind: these two routes call the wrapped
  // handlers as a Deno.cron callback or a queue listener would (each its own invocation).
  const url = new URL(request.url);
  if (url.pathname === '/__scheduled') {
    await app.scheduled({ cron: url.searchParams.get('cron'), scheduledTime: Date.now() }, env);
    return new Response('ok');
  }
  if (url.pathname === '/__queue') {
    const messages = Array.from({ length: Number(url.searchParams.get('n')) }, (_, i) => ({ id: `m${i}`, body: i, attempts: 1 }));
    await app.queue({ queue: url.searchParams.get('queue'), messages }, env);
    return new Response('ok');
  }
  return app.fetch(request, env);
});
