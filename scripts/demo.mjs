// npm run demo: a local Bugsink (real Sentry-compatible server), the demo page wired to its DSN,
// and the URLs to open. With --headless (always when CI=true) it drives the page in headless
// Chromium, prints the issues as Bugsink stored them, and stops everything it started.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBugsink } from '../tests/support/bugsink.mjs';
import { launchChromium, startStaticServer } from '../tests/support/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const headless = process.argv.includes('--headless') || process.env.CI === 'true';
const say = (msg) => console.error(`[demo] ${msg}`);

say('starting Bugsink on 127.0.0.1 (SQLite, throw-away state)');
const bugsink = await startBugsink();
let server, browser;
const stop = async () => {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
  await bugsink.stop().catch(() => {});
};

try {
  const config = JSON.stringify({ dsn: bugsink.dsn, bugsinkUrl: bugsink.url });
  server = await startStaticServer({
    '/dist/': join(root, 'dist'),
    '/config.json': { body: config, type: 'application/json' },
    '/': join(root, 'www'),
  });
  const demoUrl = `${server.url}/demo.html`;
  console.log(`\n  Demo page:  ${demoUrl}\n  Bugsink UI: ${bugsink.url}  (admin@example.com / admin)\n  DSN:        ${bugsink.dsn}\n`);

  if (!headless) {
    say('press Ctrl-C to stop');
    await new Promise((resolve) => process.once('SIGINT', resolve));
  } else {
    say('driving the demo page in headless Chromium');
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(demoUrl);
    await page.waitForFunction(() => window.demoReady === true);
    for (const id of ['type-error', 'rejection', 'string', 'handled', 'message', 'type-error']) {
      const lines = (await page.textContent('#log')).split('\n').length;
      await page.click(`#${id}`);
      await page.waitForFunction((n) => document.querySelector('#log').textContent.split('\n').length > n, lines);
    }
    console.log((await page.textContent('#log')).trim().replace(/^/gm, '  page: '));

    // Bugsink digests inside the ingest request, so the issues are there once flush resolved.
    const issues = await bugsink.listIssues();
    console.log(`\n  Bugsink stored ${issues.length} issues:`);
    for (const issue of issues) {
      const events = await bugsink.api('/events/', { query: { issue: issue.id } });
      const first = events.results[0] && (await bugsink.api(`/events/${events.results[0].id}/`));
      const title = [issue.calculated_type, issue.calculated_value].filter(Boolean).join(': ');
      console.log(`  - ${title}  ×${issue.digested_event_count}  release ${first?.data?.release ?? '?'}`);
    }
    console.log('\n  (The second TypeError click threw the same error within 10 s: tattle\'s storm guard sent it\n' +
      '   once and counted the drop in a client report, as @sentry/browser\'s dedupe would drop it too.)');
    if (issues.length === 0) process.exitCode = 1;
  }
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  say('stopping everything');
  await stop();
}
