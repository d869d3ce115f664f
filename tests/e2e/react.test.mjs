// tattle/react in a real React app: tests/frameworks/apps/react, written as Sentry's React guide
// shows, built with `vite build` from the packed package four times (React 19 and React 18, each
// with `tattle/react` and with @sentry/react 11.17: only the import differs), run in Chromium.
// Each SDK sends to its own recording receiver that forwards to one Bugsink (tattle's events are
// then looked up there, and Relay's normalizer judges tattle's envelopes). Each kind of error React
// catches must arrive once, with the mechanism and component stack @sentry/react gives it, the
// fallbacks render, the app's own handlers run, and the page keeps working; the two SDKs' events are
// compared field by field. React Router 7's navigations give one transaction name for two ids.
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
  eventsOf, inAppPage, installed, mainException, messageOf, packedApp, routeNames as receiverNames, untilQuiet, versionOf, viteBuild,
  visitTwoUsers,
} from '../frameworks/harness.mjs';

const VARIANTS = [
  { key: 'tattle19', sdk: 'tattle/react', react: 19 },
  { key: 'sentry19', sdk: '@sentry/react', react: 19 },
  { key: 'tattle18', sdk: 'tattle/react', react: 18 },
  { key: 'sentry18', sdk: '@sentry/react', react: 18 },
];
// The data router (createBrowserRouter, wrapped): React 19 only, for the route names.
const DATA = [{ key: 'tattle-data', sdk: 'tattle/react' }, { key: 'sentry-data', sdk: '@sentry/react' }];
const MESSAGES = ['render error: boundary', 'render error: own boundary', 'useEffect error', 'render error: uncaught'];

let work, bugsink, browser;
const runs = {}; // key → { events, transactions, appLog, resetEvent, errors, receiver }

before(async () => {
  assert.ok(installed(), 'tests/frameworks is installed: run bash scripts/setup.sh all');
  let app;
  [bugsink, browser, { work, app }] = await Promise.all([startBugsink(), launchChromium(), Promise.resolve().then(packedApp)]);
  for (const v of VARIANTS) {
    v.receiver = await startReceiver({ forward: bugsink.url });
    v.out = await viteBuild(app, {
      name: 'react', out: v.key, main: 'main.jsx', from: '@sentry/react', to: v.sdk,
      alias: v.react === 18 ? { react: 'react18', 'react-dom': 'react-dom18' } : {},
      define: { __DSN__: dsnVia(bugsink.dsn, v.receiver) },
      plugin: async (m) => [(await import(`${m}/@vitejs/plugin-react/dist/index.js`)).default()],
    });
  }
  for (const v of DATA) {
    v.receiver = await startReceiver({ forward: bugsink.url });
    v.out = await viteBuild(app, {
      name: 'react-data', out: v.key, main: 'main.jsx', from: '@sentry/react', to: v.sdk,
      define: { __DSN__: dsnVia(bugsink.dsn, v.receiver) },
      plugin: async (m) => [(await import(`${m}/@vitejs/plugin-react/dist/index.js`)).default()],
    });
  }
  console.error(`# react: React ${versionOf('react')} and ${versionOf('react18')}, @sentry/react ${versionOf('@sentry/react')}, vite ${versionOf('vite')}`);
});

after(async () => {
  await browser?.close();
  for (const v of [...VARIANTS, ...DATA]) await v.receiver?.stop();
  await bugsink?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// Clicks through every scenario and the router, then waits until what the SDK sent stops changing.
async function runApp(v) {
  return inAppPage(browser, { '/': v.out, '/users/': { body: '', type: 'text/html' } }, async (page, console_) => {
    await page.waitForSelector('#boundary');
    await page.click('#boundary');
    await page.waitForSelector('#fallback');
    await page.click('#own');
    await page.waitForSelector('#own-fallback');
    await page.click('#effect');
    const reset = await page.waitForSelector('#reset');
    const resetEvent = await reset.getAttribute('data-event');
    await page.click('#reset');
    await page.waitForSelector('#reset', { state: 'detached' });
    await page.click('#uncaught');
    await page.waitForSelector('#uncaught', { state: 'detached' });
    for (let i = 0; i < 3; i++) await page.click('#count');
    assert.equal(await page.textContent('#counter'), '3', 'the page keeps working after the errors');
    // The router: two ids of one parametrised route, with the home page between them.
    await visitTwoUsers(page, '#boundary', sleep);
    await page.evaluate(() => window.Sentry.flush(5000));
    const expected = v.react === 19 ? MESSAGES : MESSAGES.filter((m) => m !== 'render error: own boundary');
    await until(`${v.key}: the events of ${expected.join(', ')}`, () => expected.every((m) => eventsOf(v.receiver).some((e) => messageOf(e) === m)), { timeoutMs: 20000 });
    const appLog = await page.evaluate(() => window.appLog);
    // Hidden, the last navigation ends and is sent.
    await page.close();
    await untilQuiet(v.receiver, sleep);
    return { events: eventsOf(v.receiver), appLog, resetEvent, errors: console_.errors, messages: console_.messages };
  });
}

for (const v of VARIANTS) {
  test(`${v.key}: the app runs through every scenario`, async () => {
    runs[v.key] = await runApp(v);
    if (process.env.TATTLE_DUMP) writeFileSync(`${process.env.TATTLE_DUMP}.${v.key}.json`, JSON.stringify({ ...runs[v.key], all: v.receiver.envelopes.map((e) => e.items.map((i) => ({ type: i.type, json: i.json }))) }, null, 1));
  });
}

const byMessage = (run, m) => run.events.filter((e) => messageOf(e) === m);

for (const react of [19, 18]) {
  const t = `tattle${react}`;
  const s = `sentry${react}`;
  test(`React ${react}: each error arrives once, as @sentry/react sends it`, async () => {
    const mine = runs[t];
    const theirs = runs[s];
    assert.ok(mine && theirs, 'both apps ran');
    for (const m of MESSAGES) {
      const a = byMessage(mine, m);
      const b = byMessage(theirs, m);
      assert.equal(a.length, b.length, `${m}: tattle sent ${a.length} events, @sentry/react ${b.length}`);
      if (react === 19 || m !== 'render error: own boundary') assert.equal(a.length, 1, `${m}: one event`);
      if (!a.length) continue;
      const [x, y] = [a[0], b[0]];
      const shape = (ev) => ev.exception.values.map((e) => ({
        type: e.type, value: e.value,
        // A linked (`chained`) exception's own `handled` is left out: tattle's core gives it the
        // event's, @sentry/core always true (the event's handled state is the main exception's).
        // An uncaught error's mechanism is the base SDKs' name for it (tattle's `onerror`).
        mechanism: e.mechanism && {
          type: e.mechanism.type === 'onerror' ? 'auto.browser.global_handlers.onerror' : e.mechanism.type,
          handled: e.mechanism.type === 'chained' ? undefined : e.mechanism.handled,
          source: e.mechanism.source, exception_id: e.mechanism.exception_id, parent_id: e.mechanism.parent_id,
        },
      }));
      assert.deepEqual(shape(x), shape(y), `${m}: exception values`);
      // The component stack as frames: the same components (function names), innermost last.
      const linked = (ev) => ev.exception.values.find((e) => /^React ErrorBoundary /.test(e.type));
      // The component stack as frames: one per component with a location (the two builds minify
      // the names differently; @sentry/browser also keeps the location-less lines, `at div`, as
      // frames of their own, which tattle's stack parser skips).
      if (linked(y)) {
        const located = (e) => (e.stacktrace?.frames || []).filter((f) => f.lineno > 0 && f.colno > 0 && /\/assets\/index-.*\.js$/.test(f.abs_path || f.filename));
        assert.ok(located(linked(x)).length > 1, `${m}: the component stack has frames`);
        assert.equal(located(linked(x)).length, located(linked(y)).length, `${m}: as many component frames`);
        assert.ok(located(linked(x)).every((f) => typeof f.function === 'string' && f.function), `${m}: each names its component`);
      }
      assert.equal(x.tags?.scenario, y.tags?.scenario, `${m}: beforeCapture's tag`);
    }
    // tattle's events reached Bugsink, and Relay's normalizer takes every envelope tattle sent.
    for (const ev of mine.events) await bugsink.findEvent(ev.event_id);
    // (Session envelopes too: with no `environment` option theirs says `production`, as Sentry's.)
    const check = await relayCheck(VARIANTS.find((v) => v.key === t).receiver.envelopes.map((e) => e.body));
    assert.ok(check.ok, formatProblems(check.problems));
  });

  test(`React ${react}: the app's own handlers ran, with the event ids tattle sent`, () => {
    const mine = runs[t];
    const theirs = runs[s];
    const strip = (log) => log.map((l) => l.replace(/ [0-9a-f]{32}$/, ' <id>'));
    assert.deepEqual(strip(mine.appLog), strip(theirs.appLog), 'the same handlers ran in the same order');
    assert.ok(mine.appLog.includes('own boundary: render error: own boundary'));
    assert.ok(mine.appLog.includes('reset after useEffect error'));
    const ids = new Set(mine.events.map((e) => e.event_id));
    const onError = mine.appLog.find((l) => l.startsWith('onError: render error: boundary'));
    assert.ok(onError && ids.has(onError.split(' ').pop()), `onError's event id is the one sent: ${onError}`);
    assert.ok(ids.has(mine.resetEvent), `the fallback's eventId is the one sent: ${mine.resetEvent}`);
  });
}

// The routes' navigations as the transactions name them: tattle's classic transactions, Sentry's
// streamed segment spans (`span` items).
const routeNames = (key) => receiverNames([...VARIANTS, ...DATA].find((x) => x.key === key).receiver);
for (const react of [19, 18]) {
  test(`React ${react}, React Router ${versionOf('react-router')}: two ids of /users/:id give one transaction name, as @sentry/react's`, () => {
    const mine = routeNames(`tattle${react}`);
    const theirs = routeNames(`sentry${react}`);
    const users = (list) => list.filter(([op, name]) => op === 'navigation' && name !== '/');
    assert.deepEqual(users(mine), [['navigation', '/users/:id', 'route'], ['navigation', '/users/:id', 'route']], JSON.stringify(mine));
    assert.deepEqual(mine, theirs, 'the same pageload and navigations, named alike');
  });
}

test(`React Router ${versionOf('react-router')}, wrapCreateBrowserRouterV7 (a data router, nested routes): the same names as @sentry/react's`, async () => {
  for (const v of DATA) {
    await inAppPage(browser, { '/': v.out }, async (page) => {
      await page.waitForSelector('#home');
      await visitTwoUsers(page, '#home', sleep);
      await page.close();
      await until(`${v.key}: four transactions`, () => routeNames(v.key).length >= 4, { timeoutMs: 20000 });
    });
  }
  const mine = routeNames('tattle-data');
  assert.deepEqual(mine.filter(([op, name]) => op === 'navigation' && name !== '/'), [['navigation', '/users/:id', 'route'], ['navigation', '/users/:id', 'route']], JSON.stringify(mine));
  assert.deepEqual(mine, routeNames('sentry-data'));
});
