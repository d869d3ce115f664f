// The front worker of tests/e2e/edge_platform.test.mjs: a Hono app wrapped by withSentry, written
// for @sentry/cloudflare. 'SDK' is 'tattle/worker', '@sentry/cloudflare' or no SDK at all (the test
// bundles it three times). The Durable Object and the Workflow live in another service
// (objects.mjs), the WorkerEntrypoint in a third (entry.mjs).
import { Hono } from 'hono';
import { withSentry, captureException } from 'SDK';
import { options } from './options.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const app = new Hono();

app.use('/mw/*', async (c, next) => { // eslint-disable-line no-unused-vars
  throw new Error(`middleware ${c.req.query('tag')}`);
});
app.get('/mw/:id', (c) => c.text('never'));
app.get('/users/:id', (c) => {
  throw new Error(`route ${c.req.query('tag')}`);
});
app.get('/handled', (c) => c.text(String(captureException(new Error(`handled ${c.req.query('tag')}`)))));
app.get('/do/:what', async (c) => {
  const tag = c.req.query('tag');
  const room = c.env.ROOM.get(c.env.ROOM.idFromName(tag));
  try {
    if (c.req.param('what') === 'fetch') return await room.fetch(`http://room/boom?tag=${tag}`);
    if (c.req.param('what') === 'rpc') return c.text(await room.explode(tag));
    await room.arm(tag);
    return c.text('armed');
  } catch (e) {
    return c.text(`the object failed: ${e.message}`, 502);
  }
});
app.get('/ws', (c) => c.env.ROOM.get(c.env.ROOM.idFromName(c.req.query('tag'))).fetch(c.req.raw));
app.get('/alarm-fired', async (c) => {
  const tag = c.req.query('tag');
  return c.text(String(await c.env.ROOM.get(c.env.ROOM.idFromName(tag)).fired()));
});
app.get('/api/:what', async (c) => {
  const tag = c.req.query('tag');
  try {
    if (c.req.param('what') === 'fetch') {
      const res = await c.env.API.fetch(`http://api/boom?tag=${tag}`);
      return c.text(`entrypoint answered ${res.status}`, 502);
    }
    return c.text(await c.env.API.lookup(tag));
  } catch (e) {
    return c.text(`the entrypoint failed: ${e.message}`, 502);
  }
});
app.get('/api2/rpc', async (c) => {
  try {
    return c.text(await c.env.API2.lookup(c.req.query('tag')));
  } catch (e) {
    return c.text(`the entrypoint failed: ${e.message}`, 502);
  }
});
app.get('/wf', async (c) => {
  const instance = await c.env.FLOW.create({ params: { tag: c.req.query('tag') } });
  return c.text(instance.id);
});
app.get('/wf/:id', async (c) => {
  const instance = await c.env.FLOW.get(c.req.param('id'));
  return c.json(await instance.status());
});
// A capture in fire-and-forget waitUntil work, after the response has gone.
app.get('/later', (c) => {
  const tag = c.req.query('tag');
  c.executionCtx.waitUntil((async () => {
    await sleep(200);
    captureException(new Error(`later ${tag}`));
  })());
  return c.text('answered');
});
// A capture while the response body streams.
app.get('/stream', (c) => {
  const tag = c.req.query('tag');
  const body = new ReadableStream({
    async start(controller) {
      controller.enqueue(new TextEncoder().encode('first '));
      await sleep(100);
      captureException(new Error(`streaming ${tag}`));
      await sleep(100);
      controller.enqueue(new TextEncoder().encode('last'));
      controller.close();
    },
  });
  return new Response(body);
});

export default withSentry(options, app);
