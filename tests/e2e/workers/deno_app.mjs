// The same worker under Deno.serve: `deno run --allow-net --allow-read --allow-env
// --import-map=… deno_app.mjs`; prints the port it listens on.
import app from './app.mjs';

const env = { DSN: Deno.env.get('DSN') };
Deno.serve({
  hostname: '127.0.0.1',
  port: 0,
  onListen: ({ port }) => console.log(`listening ${port}`),
}, (request) => app.fetch(request, env));
