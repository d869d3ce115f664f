// A Hono app with @sentry/hono's middleware ('SDK_HONO': '@sentry/hono/cloudflare' or 'tattle/worker').
import { Hono } from 'hono';
import { sentry } from 'SDK_HONO';
import { options } from './options.mjs';

const app = new Hono();
app.use(sentry(app, options));
app.use('/mw/*', async (c, next) => { // eslint-disable-line no-unused-vars
  throw new Error(`hono middleware ${c.req.query('tag')}`);
});
app.get('/mw/:id', (c) => c.text('never'));
app.get('/users/:id', (c) => {
  throw new Error(`hono route ${c.req.query('tag')}`);
});

export default app;
