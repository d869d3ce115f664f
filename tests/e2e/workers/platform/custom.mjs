// A Hono app with its own onError answering JSON, wrapped by withSentry ('SDK' as in front.mjs).
import { Hono } from 'hono';
import { withSentry } from 'SDK';
import { options } from './options.mjs';

const app = new Hono();
app.get('/users/:id', (c) => {
  throw new Error(`custom ${c.req.query('tag')}`);
});
app.onError((err, c) => c.json({ error: err.message, handledBy: 'app' }, 500));

export default withSentry(options, app);
