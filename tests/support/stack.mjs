// tests/support/stack.mjs — everything a browser e2e file needs, started together and stopped
// together: a fresh Bugsink, a recording pass-through in front of it, a static server for the
// built package (dist/) and the test pages, and a browser.
//
//   const stack = await startStack({ browser: 'chromium' | 'firefox' | 'webkit' });
//                        (webkit: a tiny page-like WebDriver client, see webkit.mjs: goto/evaluate/waitForFunction)
//   stack.dsn            the Bugsink DSN pointing through the recorder
//   stack.pageUrl(name)  `${server}/${name}?dsn=…`
//   await stack.stop()   in after(); stops whatever did start, even after a failed start
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startBugsink } from './bugsink.mjs';
import { startRecorder, dsnVia } from './recorder.mjs';
import { launchChromium, startStaticServer } from './browser.mjs';
import { launchFirefox } from './firefox.mjs';
import { launchWebKit } from './webkit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PAGES = join(root, 'tests', 'e2e', 'pages');

/** The test pages' script (pages/app.js) as lines, and the 1-based line of its `@line <name>` marker. */
export const appLines = readFileSync(join(PAGES, 'app.js'), 'utf8').split('\n');
export const lineOf = (name) => appLines.findIndex((l) => l.includes(`@line ${name}`)) + 1;

/**
 * For the engines driven over WebDriver (Firefox, WebKit; puppeteer's waitForFunction argument
 * order): runs `trigger` in the page, waits until it captured, flushes, and returns the event
 * as the stack's Bugsink stored it.
 */
export async function capturedEvent(stack, page, trigger) {
  const prev = await page.evaluate(() => Tattle.lastEventId() ?? null);
  await page.evaluate(trigger);
  await page.waitForFunction((p) => (Tattle.lastEventId() ?? null) !== p, { timeout: 5000 }, prev);
  assert.equal(await page.evaluate(() => Tattle.flush(5000)), true, 'flush resolved before its timeout');
  const id = await page.evaluate(() => Tattle.lastEventId());
  return (await stack.bugsink.findEvent(id)).data;
}

export async function startStack({ browser = 'chromium' } = {}) {
  const stack = {
    async stop() {
      await stack.browser?.close();
      await stack.server?.stop();
      await stack.recorder?.stop();
      await stack.bugsink?.stop();
    },
  };
  try {
    stack.bugsink = await startBugsink();
    stack.recorder = await startRecorder(stack.bugsink.url);
    stack.dsn = dsnVia(stack.bugsink.dsn, stack.recorder);
    stack.server = await startStaticServer({ '/dist/': join(root, 'dist'), '/dist-test/': join(root, 'dist-test'), '/': PAGES });
    const launch = { firefox: launchFirefox, webkit: launchWebKit }[browser] ?? launchChromium;
    stack.browser = await launch();
  } catch (e) {
    await stack.stop();
    throw e;
  }
  stack.pageUrl = (name, dsn = stack.dsn) => `${stack.server.url}/${name}?dsn=${encodeURIComponent(dsn)}`;
  return stack;
}
