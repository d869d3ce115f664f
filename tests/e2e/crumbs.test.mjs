// Automatic breadcrumbs (console, fetch, XHR, history, clicks), beforeBreadcrumb and
// initialScope, read back from Bugsink.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/stack.mjs';

let stack, bugsink, server, browser;
before(async () => {
  stack = await startStack();
  ({ bugsink, server, browser } = stack);
});
after(() => stack?.stop());

test('what happened before the error arrives as breadcrumbs, in order', async () => {
  const page = await browser.newPage();
  await page.goto(stack.pageUrl('crumbs.html'));
  await page.waitForFunction(() => window.pageReady === true);
  await page.evaluate(async () => {
    console.log('hello crumb', { n: 1 });
    console.log('noise');
    await fetch('/app.js?x=1');
    await new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', '/missing.js');
      xhr.onloadend = () => setTimeout(resolve); // after every loadend listener ran
      xhr.send();
    });
    history.pushState({}, '', '/next-page');
  });
  await page.click('#buy');
  const id = await page.evaluate(async () => {
    const id = Tattle.captureException(new Error('after crumbs'));
    await Tattle.flush(5000);
    return id;
  });
  const { data: ev } = await bugsink.findEvent(id);
  const crumbs = ev.breadcrumbs.values.map((c) => [c.category, c.message ?? c.data?.url ?? c.data?.to]);
  assert.deepEqual(crumbs, [
    ['console', 'hello crumb {"n":1}'],
    ['fetch', '/app.js?x=1'],
    ['xhr', '/missing.js'],
    // The host of a URL is a server's address, not personal data (Relay leaves it too).
    ['navigation', `${server.url}/next-page`],
    ['ui.click', 'button#buy.btn.primary'],
  ]);
  // beforeBreadcrumb got @sentry/browser's hint for each kind.
  const hints = Object.fromEntries((await page.evaluate(() => window.hints)).map((h) => [h.category, h]));
  assert.equal(hints.console.input, true);
  assert.equal(hints.console.level, 'log');
  assert.equal(hints.fetch.input, true);
  assert.equal(hints.fetch.response, true);
  assert.equal(hints.xhr.xhr, true);
  assert.equal(hints['ui.click'].event, true);
  assert.equal(hints.navigation.to, 'string');
  const byCat = Object.fromEntries(ev.breadcrumbs.values.map((c) => [c.category, c]));
  assert.deepEqual(byCat.console.data, { checked: true }, 'beforeBreadcrumb changed it');
  assert.equal(byCat.fetch.data.status_code, 200);
  assert.equal(byCat.xhr.data.status_code, 404);
  assert.equal(byCat.xhr.data.method, 'GET');
  assert.equal(ev.tags.from_initial, 'yes');
  assert.equal(ev.user.id, 'initial-user');
  assert.deepEqual(ev.contexts.app, { theme: 'dark' });
  assert.ok(ev.breadcrumbs.values.every((c) => typeof c.timestamp === 'string'));
});
