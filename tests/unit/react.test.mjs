// tattle/react's plain parts, without a browser: the component stack linked as @sentry/react links
// it, and React Router matches as transaction names. The whole path (boundaries, createRoot's hooks,
// the router) runs in Chromium against @sentry/react in tests/e2e/react.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isError, linkComponentStack } from '../../www/react/link.js';
import { routeNameOf } from '../../www/react/route-name.js';

describe('linkComponentStack', () => {
  const stack = '\n    at Thrower (http://x/a.js:1:2)\n    at div\n    at App (http://x/a.js:3:4)';
  test('the component stack becomes the cause: named after the error, same message, the stack as its stack', () => {
    const e = new TypeError('boom');
    linkComponentStack(e, stack);
    assert.ok(isError(e.cause));
    assert.equal(e.cause.name, 'React ErrorBoundary TypeError');
    assert.equal(e.cause.message, 'boom');
    assert.equal(e.cause.stack, stack);
  });
  test("at the end of the error's own cause chain", () => {
    const root = new Error('root');
    const e = new Error('top', { cause: root });
    linkComponentStack(e, stack);
    assert.equal(e.cause, root);
    assert.equal(root.cause.name, 'React ErrorBoundary Error');
  });
  test('a looping chain, or one ending in a non-Error, is left alone (no endless walk)', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    linkComponentStack(a, stack);
    assert.equal(a.cause, b);
    assert.equal(b.cause, a);
    const c = new Error('c', { cause: 'a string' });
    linkComponentStack(c, stack);
    assert.equal(c.cause, 'a string');
  });
  test('a frozen error is sent without it, and nothing throws', () => {
    const e = Object.freeze(new Error('frozen'));
    assert.doesNotThrow(() => linkComponentStack(e, stack));
    assert.equal(e.cause, undefined);
  });
});

describe('routeNameOf', () => {
  const m = (...paths) => paths.map((p) => ({ route: typeof p === 'string' ? { path: p } : p }));
  test('nested routes join into the pattern, source route', () => {
    assert.deepEqual(routeNameOf(m('/', 'users/:id'), '/users/7'), ['/users/:id', 'route']);
    assert.deepEqual(routeNameOf(m('/users/:id'), '/users/7'), ['/users/:id', 'route']);
    assert.deepEqual(routeNameOf(m('/org/:org', 'repo/:repo/'), '/org/a/repo/b'), ['/org/:org/repo/:repo', 'route']);
  });
  test('pathless layout routes and an index route add nothing', () => {
    assert.deepEqual(routeNameOf(m({ id: 'layout' }, '/settings', { index: true }), '/settings'), ['/settings', 'route']);
    assert.deepEqual(routeNameOf(m('/', { index: true }), '/'), ['/', 'route']);
  });
  test('a splat with children adds only its prefix; a leaf splat stays', () => {
    assert.deepEqual(routeNameOf(m({ path: '/app/*', children: [{}] }, 'item/:id'), '/app/item/1'), ['/app/item/:id', 'route']);
    assert.deepEqual(routeNameOf(m('/files/*'), '/files/a/b'), ['/files/*', 'route']);
  });
  test('nothing matched: the path, source url', () => {
    assert.deepEqual(routeNameOf(null, '/nowhere'), ['/nowhere', 'url']);
    assert.deepEqual(routeNameOf([], '/nowhere'), ['/nowhere', 'url']);
    assert.deepEqual(routeNameOf(m({ id: 'x' }), '/p'), ['/p', 'url']);
  });
});
