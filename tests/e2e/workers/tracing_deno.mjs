// tracing_app.mjs under Deno.serve: `deno run --allow-net=127.0.0.1 --allow-read --allow-env
// --import-map=… tracing_deno.mjs`; prints the port it listens on.
import app from './tracing_app.mjs';

const env = { DSN: Deno.env.get('DSN'), UPSTREAM: Deno.env.get('UPSTREAM'), TRACING: Deno.env.get('TRACING') };
Deno.serve({
  hostname: '127.0.0.1',
  port: 0,
  onListen: ({ port }) => console.log(`listening ${port}`),
}, (request) => app.fetch(request, env));
