// edge_hono.js's route naming against a real Hono (tests/edge's hono from npm), in Node: the
// pattern of the route that ran, also when middleware threw, in a sub-app, and for a 404.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from '../edge/node_modules/hono/dist/index.js';
import { routeOf } from '../../www/edge_hono.js';
import { extendsClass } from '../../www/edge_sentry.js';

function app() {
  const a = new Hono();
  a.use('/mw/*', async (c, next) => { // eslint-disable-line no-unused-vars
    throw new Error('middleware');
  });
  a.get('/mw/:id', (c) => c.text('never'));
  a.get('/users/:id', () => { throw new Error('route'); });
  a.get('/files/*', () => { throw new Error('wildcard'); });
  const sub = new Hono();
  sub.get('/orders/:order/items/:item', () => { throw new Error('sub'); });
  a.route('/api', sub);
  a.onError((e, c) => c.text(`${e.message} ${routeOf(c)}`, 500));
  return a;
}

for (const [path, expected] of [
  ['/users/42', 'route /users/:id'],
  ['/mw/7', 'middleware /mw/:id'],
  ['/files/a/b.txt', 'wildcard /files/*'],
  ['/api/orders/1/items/2', 'sub /api/orders/:order/items/:item'],
]) {
  test(`Hono ${path}: named ${expected.split(' ')[1]}`, async () => {
    const res = await app().request(path);
    assert.equal(res.status, 500);
    assert.equal(await res.text(), expected);
  });
}

test('routeOf never throws on a context it cannot read', () => {
  assert.equal(routeOf({}), undefined);
  assert.equal(routeOf(null), undefined);
});

test('extendsClass: a subclass of a class named WorkerEntrypoint, not the class itself or another', () => {
  class WorkerEntrypoint {}
  class Api extends WorkerEntrypoint {}
  class Deeper extends Api {}
  class Other {}
  assert.equal(extendsClass(Api, 'WorkerEntrypoint'), true);
  assert.equal(extendsClass(Deeper, 'WorkerEntrypoint'), true);
  assert.equal(extendsClass(WorkerEntrypoint, 'WorkerEntrypoint'), false);
  assert.equal(extendsClass(Other, 'WorkerEntrypoint'), false);
  assert.equal(extendsClass({ fetch() {} }, 'WorkerEntrypoint'), false);
});
