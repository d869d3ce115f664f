// tattle/vue in a real Vue 3.5 app: tests/frameworks/apps/vue (single-file components, Vue Router
// 4), written as Sentry's Vue guide shows, built with `vite build` from the packed package with
// `tattle/vue` and with @sentry/vue 11.11 (only the import differs), with the app's own
// errorHandler set before init, after init, or not at all. Each SDK sends to its own recording
// receiver that forwards to one Bugsink. The five kinds of component error (render, click
// handler, mounted hook, watcher, async method) must arrive once, with @sentry/vue's mechanism and
// contexts.vue (props scrubbed on the device); the app's handler still runs (also when set after
// init, where @sentry/vue's handler is replaced and loses them); without one, Vue's console output
// stays as Vue prints it; the page keeps working; two ids of /users/:id give one transaction name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { startBugsink } from '../support/bugsink.mjs';
import { launchChromium } from '../support/browser.mjs';
import { startReceiver } from '../support/receiver.mjs';
import { dsnVia } from '../support/recorder.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { sleep, until } from '../support/wait.mjs';
import {
  eventsOf, inAppPage, installed, messageOf, packedApp, routeNames as receiverNames, untilQuiet, versionOf, viteBuild, visitTwoUsers,
} from '../frameworks/harness.mjs';

const VARIANTS = [
  { key: 'tattle-before', sdk: 'tattle/vue', handler: 'before' },
  { key: 'sentry-before', sdk: '@sentry/vue', handler: 'before' },
  { key: 'tattle-none', sdk: 'tattle/vue', handler: 'none' },
  { key: 'sentry-none', sdk: '@sentry/vue', handler: 'none' },
  { key: 'tattle-after', sdk: 'tattle/vue', handler: 'after' },
];
const RENDER = "Cannot read properties of undefined (reading 'deep')";
const MESSAGES = [RENDER, 'click handler error', 'mounted hook error', 'watcher error', 'async method error'];

let work, bugsink, browser;
const runs = {};

before(async () => {
  assert.ok(installed(), 'tests/frameworks is installed: run bash scripts/setup.sh all');
  let app;
  [bugsink, browser, { work, app }] = await Promise.all([startBugsink(), launchChromium(), Promise.resolve().then(packedApp)]);
  for (const v of VARIANTS) {
    v.receiver = await startReceiver({ forward: bugsink.url });
    v.out = await viteBuild(app, {
      name: 'vue', out: v.key, main: 'main.js', from: '@sentry/vue', to: v.sdk,
      define: { __DSN__: dsnVia(bugsink.dsn, v.receiver), __HANDLER__: v.handler },
      plugin: async (m) => [(await import(`${m}/@vitejs/plugin-vue/dist/index.mjs`)).default()],
    });
  }
  console.error(`# vue: Vue ${versionOf('vue')}, vue-router ${versionOf('vue-router')}, @sentry/vue ${versionOf('@sentry/vue')}, vite ${versionOf('vite')}`);
});

after(async () => {
  await browser?.close();
  for (const v of VARIANTS) await v.receiver?.stop();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function runApp(v) {
  return inAppPage(browser, { '/': v.out }, async (page, console_) => {
    await page.waitForSelector('#render');
    for (const id of ['render', 'click', 'mounted', 'watch', 'async']) {
      await page.click(`#${id}`);
      await sleep(50);
    }
    await page.waitForSelector('#mounted-boom');
    for (let i = 0; i < 3; i++) await page.click('#count');
    await until('the counter', async () => (await page.textContent('#counter')) === '3', { timeoutMs: 5000 });
    await visitTwoUsers(page, '#render', sleep);
    await page.evaluate(() => window.Sentry.flush(5000));
    if (v.key !== 'sentry-after') {
      await until(`${v.key}: the events`, () => MESSAGES.every((m) => eventsOf(v.receiver).some((e) => messageOf(e) === m)), { timeoutMs: 20000 });
    }
    const appLog = await page.evaluate(() => window.appLog);
    await page.close();
    await untilQuiet(v.receiver, sleep);
    return { events: eventsOf(v.receiver), appLog, errors: console_.errors, console: console_.messages };
  });
}

for (const v of VARIANTS) {
  test(`${v.key}: the app runs through every scenario`, async () => {
    runs[v.key] = await runApp(v);
    if (process.env.TATTLE_DUMP) writeFileSync(`${process.env.TATTLE_DUMP}.${v.key}.json`, JSON.stringify({ ...runs[v.key], all: v.receiver.envelopes.map((e) => e.items.map((i) => ({ type: i.type, json: i.json }))) }, null, 1));
  });
}

const byMessage = (run, m) => run.events.filter((e) => messageOf(e) === m);
const shape = (ev) => {
  const ex = ev.exception.values[ev.exception.values.length - 1];
  const { propsData, ...vue } = ev.contexts?.vue || {};
  return { type: ex.type, mechanism: { type: ex.mechanism?.type, handled: ex.mechanism?.handled }, vue };
};

for (const handler of ['before', 'none']) {
  test(`app errorHandler ${handler === 'none' ? 'not set' : 'set before init'}: each error arrives once, as @sentry/vue sends it`, async () => {
    const mine = runs[`tattle-${handler}`];
    const theirs = runs[`sentry-${handler}`];
    assert.ok(mine && theirs, 'both apps ran');
    for (const m of MESSAGES) {
      const a = byMessage(mine, m);
      const b = byMessage(theirs, m);
      assert.equal(a.length, 1, `${m}: tattle sent it once (${a.length})`);
      assert.equal(b.length, 1, `${m}: @sentry/vue sent it once (${b.length})`);
      assert.deepEqual(shape(a[0]), shape(b[0]), `${m}: mechanism and contexts.vue`);
      assert.equal(a[0].exception.values.at(-1).mechanism.handled, handler === 'before', `${m}: handled as the app has a handler`);
      assert.ok(a[0].contexts.vue.componentName, `${m}: the component`);
    }
    // The props, scrubbed on the device (Sentry leaves that to the server).
    const props = (run) => byMessage(run, RENDER)[0].contexts.vue.propsData;
    assert.deepEqual(props(theirs), { userId: 7, apiToken: 'secret-abc-123' });
    assert.deepEqual(props(mine), { userId: 7, apiToken: '[Filtered]' });
    for (const ev of mine.events) await bugsink.findEvent(ev.event_id);
    // (Session envelopes too: with no `environment` option theirs says `production`, as Sentry's.)
    const receiver = VARIANTS.find((v) => v.key === `tattle-${handler}`).receiver;
    const check = await relayCheck(receiver.envelopes.map((e) => e.body));
    assert.ok(check.ok, formatProblems(check.problems));
  });
}

test("the app's own errorHandler still runs, set before or after init (after init, @sentry/vue's is replaced)", () => {
  const expected = MESSAGES.map((m) => `app handler: ${m}`).sort();
  assert.deepEqual([...runs['tattle-before'].appLog].sort(), expected);
  assert.deepEqual([...runs['sentry-before'].appLog].sort(), expected);
  assert.deepEqual([...runs['tattle-after'].appLog].sort(), expected);
  const after_ = runs['tattle-after'];
  for (const m of MESSAGES) {
    const a = byMessage(after_, m);
    assert.equal(a.length, 1, `${m}: sent once with the handler set after init`);
    assert.deepEqual(shape(a[0]), shape(byMessage(runs['sentry-before'], m)[0]), `${m}: as with the handler set before`);
  }
});

test("without an app errorHandler, Vue's console output is what it is with @sentry/vue (console.error of each error)", () => {
  const firstLines = (run) => run.console.filter((c) => c.type === 'error').map((c) => c.text.split('\n')[0]).sort();
  const mine = firstLines(runs['tattle-none']);
  assert.deepEqual(mine, firstLines(runs['sentry-none']));
  for (const m of MESSAGES) assert.ok(mine.some((l) => l.includes(m)), `${m} is on the console: ${JSON.stringify(mine)}`);
  // With the app's own handler, Vue prints nothing (the handler took them).
  assert.deepEqual(firstLines(runs['tattle-before']), firstLines(runs['sentry-before']));
});

const routeNames = (key) => receiverNames(VARIANTS.find((x) => x.key === key).receiver);
test(`Vue Router ${versionOf('vue-router')}: two ids of /users/:id give one transaction name, as @sentry/vue's`, () => {
  const mine = routeNames('tattle-before');
  const users = mine.filter(([op, name]) => op === 'navigation' && name !== '/');
  assert.deepEqual(users, [['navigation', '/users/:id', 'route'], ['navigation', '/users/:id', 'route']], JSON.stringify(mine));
  assert.deepEqual(mine, routeNames('sentry-before'), 'the same pageload and navigations, named alike');
});
