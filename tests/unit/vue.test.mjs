// tattle/vue's error handler and component naming with real Vue 3.5 (tests/frameworks' install),
// server-rendered in Node: no browser needed for what happens in setup and render. What capture
// gets is recorded (tattle's captureException is what error-handler.js passes in its place). The
// other kinds (click handlers, mounted, watchers, async methods) and the comparison with
// @sentry/vue run in Chromium in tests/e2e/vue.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { componentName, componentTrace } from '../../www/vue/component.js';
import { wrapErrorHandler } from '../../www/vue/handler.js';
import { here } from '../frameworks/harness.mjs';

const require_ = createRequire(join(here, 'package.json'));
const load = (name) => import(pathToFileURL(require_.resolve(name)).href);
const { createSSRApp, defineComponent, h } = await load('vue');
const { renderToString } = await load('vue/server-renderer');

const Boom = defineComponent({
  name: 'user-card',
  props: { userId: Number, password: String },
  setup(props) {
    return () => h('p', props.missing.deep);
  },
});
const Parent = defineComponent({ name: 'Parent', setup: () => () => h(Boom, { userId: 7, password: 'hunter2' }) });

// Renders Parent in an app set up by `setup(app, capture)`; returns what was captured (after the
// handler's next-task capture) and what the render did.
async function render(setup) {
  const captured = [];
  const app = createSSRApp(Parent);
  setup(app, (error, hint) => captured.push({ error, hint }));
  let thrown;
  let html;
  try {
    html = await renderToString(app);
  } catch (e) {
    thrown = e;
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { captured, thrown, html, app };
}

describe('wrapErrorHandler', () => {
  test("with the app's own handler (set before): captured handled, contexts.vue as @sentry/vue's, the app's handler called", async () => {
    const own = [];
    const r = await render((app, capture) => {
      app.config.errorHandler = (e, vm, info) => own.push([e.message, info]);
      wrapErrorHandler(app, {}, capture);
    });
    assert.equal(r.thrown, undefined);
    assert.equal(own.length, 1);
    assert.equal(r.captured.length, 1);
    const { error, hint } = r.captured[0];
    assert.equal(error.message, own[0][0]);
    assert.deepEqual(hint.mechanism, { handled: true, type: 'auto.function.vue.error_handler' });
    const vue = hint.captureContext.contexts.vue;
    assert.equal(vue.componentName, '<UserCard>');
    assert.equal(vue.lifecycleHook, own[0][1]);
    assert.match(vue.trace, /UserCard/);
    assert.deepEqual(vue.propsData, { userId: 7, password: 'hunter2' }, 'the props go to the core, which scrubs them');
  });
  test('set after: the new handler is the one called, and the error is still captured', async () => {
    const own = [];
    const r = await render((app, capture) => {
      wrapErrorHandler(app, {}, capture);
      app.config.errorHandler = (e) => own.push(e.message);
    });
    assert.equal(own.length, 1);
    assert.equal(r.captured.length, 1);
    assert.equal(r.captured[0].hint.mechanism.handled, true);
    assert.equal(typeof r.app.config.errorHandler, 'function');
  });
  test('without one: captured unhandled and rethrown, so Vue reports it as it would have', async () => {
    const r = await render((app, capture) => wrapErrorHandler(app, { attachProps: false }, capture));
    assert.equal(r.captured.length, 1);
    assert.equal(r.captured[0].hint.mechanism.handled, false);
    assert.equal(r.captured[0].hint.captureContext.contexts.vue.propsData, undefined, 'attachProps: false');
    const plain = await render(() => {});
    assert.equal(String(r.thrown), String(plain.thrown), 'what comes out of Vue is what comes without tattle');
  });
  test('logErrors: the [Vue warn] line with the trace; attached twice, captured once', async () => {
    const lines = [];
    const orig = console.error;
    console.error = (...a) => lines.push(a.join(' '));
    let r;
    try {
      r = await render((app, capture) => {
        app.config.errorHandler = () => {};
        wrapErrorHandler(app, { logErrors: true }, capture);
        wrapErrorHandler(app, { logErrors: true }, capture);
      });
    } finally {
      console.error = orig;
    }
    assert.equal(r.captured.length, 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^\[Vue warn\]: Error in .*: "TypeError: .*deep.*"[\s\S]*UserCard/);
  });
});

describe('componentName and componentTrace', () => {
  test('as @sentry/vue names them', () => {
    const root = {};
    root.$root = root;
    assert.equal(componentName(root), '<Root>');
    assert.equal(componentName(undefined), '<Anonymous>');
    assert.equal(componentName({ $root: root, $options: { __name: 'my-widget', __file: 'src/MyWidget.vue' } }), '<MyWidget> at src/MyWidget.vue');
    assert.equal(componentName({ $root: root, $options: { __file: 'src/components/OrderRow.vue' } }, false), '<OrderRow>');
    assert.equal(componentName({ $root: root, $options: {} }), '<Anonymous>');
  });
  test('the trace: the chain to the root where Vue marks its instances, else the component alone', () => {
    // Instances told apart by their constructor, as @sentry/vue does (Vue 2's per-component classes);
    // a run of one constructor folds into "... (n recursive calls)".
    const vm = (Ctor, fields) => Object.assign(new Ctor(), { __isVue: true }, fields);
    class R {}
    class L {}
    class W {}
    const root = vm(R, { $options: {} });
    root.$root = root;
    const mid = vm(L, { $root: root, $parent: root, $options: { name: 'List' } });
    const leaf = vm(W, { $root: root, $parent: mid, $options: { name: 'Row' } });
    assert.equal(componentTrace(leaf), '\n\nfound in\n\n---> <Row>\n       <List>\n         <Root>');
    const inner = vm(L, { $root: root, $parent: mid, $options: { name: 'List' } });
    const leaf2 = vm(W, { $root: root, $parent: inner, $options: { name: 'Row' } });
    assert.equal(componentTrace(leaf2), '\n\nfound in\n\n---> <Row>\n       <List>... (1 recursive calls)\n         <Root>');
    assert.equal(componentTrace({ $root: root, $options: { name: 'Row' } }), '\n\n(found in <Row>)');
  });
});
