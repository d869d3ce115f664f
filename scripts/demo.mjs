// npm run demo: a local Bugsink (real Sentry-compatible server), the demo page wired to its DSN,
// and the URLs to open. Bugsink is set up to alert on new issues and regressions through a
// Slack-format webhook pointed at a receiver in this process, and every alert is printed as it
// arrives, with how long after its cause it came: the click (headless) or the envelope's arrival
// (interactive; the page talks to Bugsink through a small timing pass-through in this process).
// With --headless (always when CI=true) it drives the page in headless Chromium, prints the
// alerts and the issues as Bugsink stored them, waits (≤ 20 s) for an alert per new issue and for
// the regression it provokes, fails if one never came, and stops everything it started.
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync, inflateRawSync } from 'node:zlib';
import { configureSlackAlerts, startBugsink } from '../tests/support/bugsink.mjs';
import { launchChromium, startStaticServer } from '../tests/support/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const headless = process.argv.includes('--headless') || process.env.CI === 'true';
const ALERT_TIMEOUT_MS = 20000;
const say = (msg) => console.error(`[demo] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An issue title as Bugsink's Slack alert spells it: '|' removed, at most 150 characters (Django truncatechars). */
function alertTitle(title) {
  const chars = [...String(title).replaceAll('|', '')];
  return chars.length > 150 ? `${chars.slice(0, 149).join('')}…` : chars.join('');
}

/** Bugsink's issue title (issues/utils.py get_title_for_exception_type_and_value). */
function issueTitle(type, value) {
  if (!value) return type;
  const first = String(value).split(/\r\n|\r|\n/)[0];
  return type === 'Log Message' ? first : `${type}: ${first}`;
}

/** The title Bugsink will give an event (its main exception is the last one; else the log message). */
function eventTitle(ev) {
  const values = ev.exception?.values ?? (Array.isArray(ev.exception) ? ev.exception : null);
  const main = values?.at(-1);
  if (main) return issueTitle(main.type || 'Error', main.value);
  const message = ev.logentry?.formatted || ev.logentry?.message || ev.message?.formatted || ev.message?.message
    || (typeof ev.message === 'string' ? ev.message : '');
  return message ? message.split(/\r\n|\r|\n/)[0].slice(0, 1024) : '<no log message>';
}

/** Titles of the events in an envelope body (one JSON document per line; other lines are skipped). */
function envelopeTitles(raw, encoding) {
  let body = raw;
  try {
    if (/gzip/i.test(encoding ?? '')) body = gunzipSync(raw);
    else if (/br/i.test(encoding ?? '')) body = brotliDecompressSync(raw);
    else if (/deflate/i.test(encoding ?? '')) body = inflateRawSync(raw);
  } catch {
    return [];
  }
  const titles = [];
  for (const line of body.toString('utf8').split('\n')) {
    let doc;
    try { doc = JSON.parse(line); } catch { continue; }
    if (doc && typeof doc === 'object' && (doc.exception || doc.logentry || doc.message)) {
      titles.push(alertTitle(eventTitle(doc)));
    }
  }
  return titles;
}

/** A pass-through to Bugsink that notes when each envelope arrived and the titles of its events. */
async function startEnvelopeTap(targetOrigin) {
  const target = new URL(targetOrigin);
  const envelopes = [];
  const server = createServer(async (req, res) => {
    const at = Date.now();
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST' && /\/envelope\/?(\?|$)/.test(req.url)) {
      envelopes.push({ at, titles: envelopeTitles(body, req.headers['content-encoding']) });
    }
    const headers = { ...req.headers, host: target.host };
    delete headers.connection;
    delete headers['keep-alive'];
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (answer) => {
        const back = { ...answer.headers };
        delete back.connection;
        delete back['keep-alive'];
        res.writeHead(answer.statusCode, back);
        answer.pipe(res);
      });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('Bugsink unreachable');
    });
    up.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    envelopes,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

/** The Slack webhook Bugsink posts to: { text: title, blocks: [header title, section "NEW issue", …] }. */
async function startAlertReceiver(onAlert) {
  const server = createServer(async (req, res) => {
    const at = Date.now();
    let body = '';
    for await (const c of req) body += c;
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    let data;
    try { data = JSON.parse(body); } catch { data = { text: body }; }
    const title = data.blocks?.[0]?.text?.text ?? data.text ?? '';
    const reason = (data.blocks?.[1]?.text?.text ?? '').replace(/ issue$/, ''); // NEW | REGRESSED | UNMUTED
    onAlert({ at, title, reason });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/slack`,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

/**
 * Django answers each gunicorn worker's first ingest request about 1.5 s late (lazy imports, first queries), which
 * would be the first alert's delay. Warm both workers up with one throw-away event each in a separate project
 * (no alerts there), so the alerts printed show tattle's and Bugsink's steady-state latency.
 */
async function warmUpBugsink(bugsink) {
  const team = (await bugsink.api('teams/')).results[0];
  const project = await bugsink.api('projects/', { method: 'POST', body: { name: 'demo warm-up', team: team.id } });
  const dsn = new URL(project.dsn ?? (await bugsink.api(`projects/${project.id}/`)).dsn);
  const url = `${bugsink.url}/api/${project.id}/envelope/?sentry_version=7&sentry_key=${decodeURIComponent(dsn.username)}`;
  await Promise.all([1, 2, 3, 4].map(async (n) => {
    const eventId = randomUUID().replaceAll('-', '');
    const event = JSON.stringify({
      event_id: eventId, timestamp: Date.now() / 1000, platform: 'javascript', level: 'info', message: `warm-up ${n}`,
    });
    const body = `${JSON.stringify({ event_id: eventId })}\n${JSON.stringify({ type: 'event', length: Buffer.byteLength(event) })}\n${event}`;
    await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(15000) }).then((r) => r.arrayBuffer()).catch(() => {});
  }));
}

const alerts = [];
// headless: { id, at: Date.now() in node just before page.click, pageAt: Date.now() in the page's click listener }
// (Playwright's click itself takes 25–200 ms before the page sees it, so the page's time is "the click" when known)
const clicks = [];
let tap;

function printAlert(alert) {
  // Its cause: the newest envelope with an event of this title that came in before the alert.
  const envelope = tap?.envelopes.findLast((e) => e.at <= alert.at && e.titles.includes(alert.title));
  const kind = { NEW: 'new issue', REGRESSED: 'regression', UNMUTED: 'unmuted' }[alert.reason] ?? alert.reason;
  let when;
  const click = headless && clicks.findLast((c) => c.at <= (envelope?.at ?? alert.at));
  if (click) {
    const clickAt = click.pageAt ?? click.at;
    when = `${alert.at - clickAt} ms after the click`
      + (envelope ? ` (envelope at +${envelope.at - clickAt} ms; ${kind})` : ` (${kind})`);
  } else if (envelope) {
    when = `${alert.at - envelope.at} ms after its envelope reached Bugsink (${kind})`;
  } else {
    when = `at ${new Date(alert.at).toISOString().slice(11, 23)} (${kind})`;
  }
  console.log(`  alert 🔔 ${alert.title} — ${when}`);
}

say('starting Bugsink on 127.0.0.1 (SQLite, throw-away state)');
const bugsink = await startBugsink();
let server, browser, receiver;
const stop = async () => {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
  await tap?.stop().catch(() => {});
  await receiver?.stop().catch(() => {});
  await bugsink.stop().catch(() => {});
};

try {
  receiver = await startAlertReceiver((alert) => {
    alerts.push(alert);
    printAlert(alert);
  });
  say(`alerts on new issues and regressions → ${receiver.url}; warming Bugsink's workers up`);
  await Promise.all([
    configureSlackAlerts(bugsink, receiver.url, { newIssues: true, regressions: true, displayName: 'tattle demo' }),
    warmUpBugsink(bugsink),
  ]);
  tap = await startEnvelopeTap(bugsink.url);
  const dsn = new URL(bugsink.dsn);
  dsn.host = new URL(tap.url).host; // the page sends through the tap: same key and project, timed
  const config = JSON.stringify({ dsn: dsn.href, bugsinkUrl: bugsink.url });
  server = await startStaticServer({
    '/dist/': join(root, 'dist'),
    '/config.json': { body: config, type: 'application/json' },
    '/': join(root, 'www'),
  });
  const demoUrl = `${server.url}/demo.html`;
  console.log(`\n  Demo page:  ${demoUrl}\n  Bugsink UI: ${bugsink.url}  (admin@example.com / admin)\n  DSN:        ${dsn.href}`
    + `\n  Alerts:     new issues and regressions → Slack-format webhook ${receiver.url}, printed here\n`);

  if (!headless) {
    say('click the buttons; alerts show up below. Press Ctrl-C to stop');
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  } else {
    say('driving the demo page in headless Chromium');
    browser = await launchChromium();
    const clickThrough = async (page, ids) => {
      for (const id of ids) {
        const lines = (await page.textContent('#log')).split('\n').length;
        clicks.push({ id, at: Date.now() });
        await page.click(`#${id}`);
        await page.waitForFunction((n) => document.querySelector('#log').textContent.split('\n').length > n, lines);
      }
    };
    const openDemo = async () => {
      const page = await browser.newPage(); // a fresh context each time: its own tattle state
      await page.exposeFunction('__demoClicked', (id, at) => {
        const click = clicks.findLast((c) => c.id === id && c.pageAt === undefined);
        if (click) click.pageAt = at;
      });
      await page.addInitScript(() => {
        document.addEventListener('click', (e) => window.__demoClicked?.(e.target?.id, Date.now()), true);
      });
      await page.goto(demoUrl);
      await page.waitForFunction(() => window.demoReady === true);
      return page;
    };
    let page = await openDemo();
    await clickThrough(page, ['type-error', 'rejection', 'string', 'handled', 'message', 'type-error']);
    console.log((await page.textContent('#log')).trim().replace(/^/gm, '  page: '));
    await page.close();

    // Bugsink digests inside the ingest request, so the issues are there once flush resolved.
    const newIssues = await bugsink.listIssues();
    const expected = newIssues.map((issue) => ({
      title: alertTitle(issueTitle(issue.calculated_type, issue.calculated_value)), reason: 'NEW',
    }));

    // A regression: resolve the TypeError issue, then make it happen again in a new page.
    const typeError = newIssues.find((issue) => issue.calculated_type === 'TypeError');
    if (typeError) {
      await bugsink.api(`issues/${typeError.id}/resolve/`, { method: 'POST' });
      say('resolved the TypeError issue in Bugsink; throwing it again in a fresh page');
      page = await openDemo();
      await clickThrough(page, ['type-error']);
      await page.close();
      expected.push({ title: alertTitle(issueTitle(typeError.calculated_type, typeError.calculated_value)), reason: 'REGRESSED' });
    }

    const issues = await bugsink.listIssues();
    console.log(`\n  Bugsink stored ${issues.length} issues:`);
    for (const issue of issues) {
      const events = await bugsink.api('/events/', { query: { issue: issue.id } });
      const first = events.results[0] && (await bugsink.api(`/events/${events.results[0].id}/`));
      const title = [issue.calculated_type, issue.calculated_value].filter(Boolean).join(': ');
      console.log(`  - ${title}  ×${issue.digested_event_count}  release ${first?.data?.release ?? '?'}`);
    }
    if (typeError?.digested_event_count === 1) {
      console.log('\n  (The second TypeError click threw the same error within 10 s: tattle\'s storm guard sent it\n' +
        '   once and counted the drop in a client report, as @sentry/browser\'s dedupe would drop it too.)');
    } else if (typeError) {
      console.log(`\n  (The second TypeError click threw the same error within 10 s and Bugsink got it too: before the\n`
        + `   regression the issue had ${typeError.digested_event_count} events; tattle's storm guard did not drop it.)`);
    }
    if (issues.length === 0) {
      console.log('\n  FAILED: Bugsink stored no issues, so there was nothing to alert on');
      process.exitCode = 1;
    }

    // Bugsink posts the alert from inside the ingest request, so they are normally all here already; wait (bounded)
    // for stragglers, then say which never came.
    const missing = () => expected.filter((want) => !alerts.some((a) => a.title === want.title && a.reason === want.reason));
    const deadline = Date.now() + ALERT_TIMEOUT_MS;
    while (missing().length > 0 && Date.now() < deadline) await sleep(100);
    const lost = missing();
    if (lost.length === 0) {
      console.log(`\n  All ${expected.length} expected alerts arrived (${expected.filter((e) => e.reason === 'NEW').length} new issues, `
        + `${expected.filter((e) => e.reason === 'REGRESSED').length} regression).`);
    } else {
      for (const want of lost) {
        console.log(`\n  FAILED: no ${want.reason === 'NEW' ? 'new-issue' : 'regression'} alert for "${want.title}" `
          + `within ${ALERT_TIMEOUT_MS / 1000} s`);
      }
      process.exitCode = 1;
    }
  }
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  say('stopping everything');
  await stop();
}
