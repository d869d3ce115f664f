// A Hono app under Deno.serve with tattle's `sentry()` middleware (@sentry/hono's name and API) on
// one app and withSentry on another, for tests/e2e/edge_hono_deno.test.mjs. Prints its port.
import { Hono } from 'hono';
import { sentry, withSentry } from 'tattle/worker';

const options = (env) => ({ dsn: env.DSN, release: 'hono-deno@1.0.0', environment: 'deno' });
const env = { DSN: Deno.env.get('DSN') };

const viaMiddleware = new Hono();
viaMiddleware.use(sentry(viaMiddleware, options));
viaMiddleware.get('/users/:id', (c) => {
  throw new Error(`deno middleware route ${c.req.query('tag')}`);
});

const wrapped = new Hono();
wrapped.get('/orders/:order', (c) => {
  throw new Error(`deno wrapped route ${c.req.query('tag')}`);
});
wrapped.onError((err, c) => c.json({ error: err.message }, 500));
withSentry(options, wrapped);

Deno.serve({
  hostname: '127.0.0.1',
  port: 0,
  onListen: ({ port }) => console.log(`listening ${port}`),
}, (request) => (new URL(request.url).pathname.startsWith('/orders/') ? wrapped : viaMiddleware).fetch(request, env));
