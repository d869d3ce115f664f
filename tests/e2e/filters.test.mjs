// beforeSend and ignoreErrors in Chromium against Bugsink: what they drop never leaves the page,
// what beforeSend changes is what the server stores.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBugsink } from '../support/bugsink.mjs';
import { startRecorder, dsnVia } from '../support/recorder.mjs';
import { launchChromium, startStaticServer } from '../support/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
let bugsink, recorder, server, browser;
before(async () => {
  bugsink = await startBugsink();
  recorder = await startRecorder(bugsink.url);
  server = await startStaticServer({ '/dist/': join(here, '..', '..', 'dist'), '/': join(here, 'pages') });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await recorder?.stop();
  await bugsink?.stop();
});

test('beforeSend changes and drops; ignoreErrors drops by substring and RegExp', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/filters.html?dsn=${encodeURIComponent(dsnVia(bugsink.dsn, recorder))}`);
  await page.waitForFunction(() => window.pageReady === true);
  const kept = await page.evaluate(async () => {
    Tattle.captureMessage('drop in beforeSend');
    Tattle.captureMessage('ResizeObserver loop limit exceeded');
    const e = new Error('offline'); e.name = 'NetworkError';
    Tattle.captureException(e);
    const id = Tattle.captureException(new Error('kept'));
    await Tattle.flush(5000);
    return id;
  });
  const { data: ev } = await bugsink.findEvent(kept);
  assert.equal(ev.exception.values[0].value, 'kept');
  assert.equal(ev.tags.before_send, 'ran');
  const sent = recorder.bodies.map((b) => b.body.toString());
  assert.equal(sent.length, 1, `only the kept event left the page: ${sent.length}`);
  assert.equal((await bugsink.listEvents()).length, 1);
});
