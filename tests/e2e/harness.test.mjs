// tests/e2e/harness.test.mjs — tests the e2e harness itself with real parts (no tattle build needed):
// Bugsink from PyPI, the recording pass-through, the Relay judge and headless Chromium.
//
//   node --test tests/e2e/harness.test.mjs          (~5 s warm; the first run on a machine also creates the Python
//                                                    venv via scripts/setup-python.sh and a migrated Bugsink template)
//
// What it proves: a hand-built envelope (exception with frames, user, tags, release, environment, level) sent the
// way a browser SDK sends it — POST text/plain, auth in the query string — goes through the recorder to Bugsink and
// is stored with those fields; the recorded bytes pass relayCheck; relayCheck and piiStripCheck do fail on bad input;
// Bugsink's answers are readable cross-origin from a real page (CORS), and a gzip body is recorded decoded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { startBugsink } from '../support/bugsink.mjs';
import { dsnVia, startRecorder } from '../support/recorder.mjs';
import { formatProblems, piiStripCheck, relayCheck } from '../support/relay.mjs';
import { collectConsole, launchChromium, startStaticServer } from '../support/browser.mjs';

const newId = () => randomUUID().replaceAll('-', '');

function sampleEvent(eventId) {
  return {
    event_id: eventId,
    timestamp: Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    release: 'harness@1.2.3',
    environment: 'e2e',
    sdk: { name: 'tattle.javascript.browser', version: '0.1.0' },
    user: { id: 'u-42', username: 'ada' },
    tags: { flavour: 'vanilla', build: 'harness' },
    exception: {
      values: [{
        type: 'TypeError',
        value: "Cannot read properties of undefined (reading 'x')",
        mechanism: { type: 'onerror', handled: false },
        stacktrace: {
          frames: [
            { filename: 'http://127.0.0.1/app.js', function: 'main', lineno: 10, colno: 5, in_app: true },
            { filename: 'http://127.0.0.1/app.js', function: 'explode', lineno: 3, colno: 17, in_app: true },
          ],
        },
      }],
    },
  };
}

/** A Sentry envelope exactly as an SDK writes it: header, item header with byte length, payload. */
function envelope(event, { lengthDelta = 0, header = {} } = {}) {
  const payload = Buffer.from(JSON.stringify(event), 'utf8');
  const head = JSON.stringify({
    event_id: event.event_id, sent_at: new Date().toISOString(), sdk: { name: 'tattle', version: '0.1.0' }, ...header,
  });
  const itemHead = JSON.stringify({ type: 'event', length: payload.length + lengthDelta });
  return Buffer.concat([Buffer.from(`${head}\n${itemHead}\n`), payload]);
}

describe('e2e harness', { timeout: 120000 }, () => {
  let bugsink;
  let recorder;
  let query;
  let envelopeUrl;

  before(async () => {
    bugsink = await startBugsink();
    recorder = await startRecorder(bugsink.url);
    const dsn = new URL(dsnVia(bugsink.dsn, recorder));
    const projectId = dsn.pathname.split('/').pop();
    envelopeUrl = `${dsn.origin}/api/${projectId}/envelope/`;
    query = `?sentry_version=7&sentry_key=${decodeURIComponent(dsn.username)}&sentry_client=tattle/0.1.0`;
  });

  after(async () => {
    await recorder?.stop();
    await bugsink?.stop();
  });

  test('Bugsink started and answers on 127.0.0.1', () => {
    assert.match(bugsink.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(bugsink.dsn, /^http:\/\/[0-9a-f]{32}@127\.0\.0\.1:\d+\/\d+$/);
    assert.ok(bugsink.startMs < 30000, `start took ${bugsink.startMs} ms`);
  });

  test('an envelope sent via the recorder with query-string auth is stored with all fields', async () => {
    const eventId = newId();
    const event = sampleEvent(eventId);
    const res = await fetch(envelopeUrl + query, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      body: envelope(event),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.deepEqual(JSON.parse(text), { id: eventId });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('x-sentry-rate-limits') ?? '', /transaction/);

    const stored = await bugsink.findEvent(eventId);
    assert.equal(stored.event_id.replaceAll('-', ''), eventId);
    const data = stored.data;
    assert.equal(data.release, 'harness@1.2.3');
    assert.equal(data.environment, 'e2e');
    assert.equal(data.level, 'error');
    assert.deepEqual(data.user, { id: 'u-42', username: 'ada' });
    assert.deepEqual(data.tags, { flavour: 'vanilla', build: 'harness' });
    const exc = data.exception.values[0];
    assert.equal(exc.type, 'TypeError');
    assert.equal(exc.value, "Cannot read properties of undefined (reading 'x')");
    assert.deepEqual(exc.stacktrace.frames.map((f) => f.function), ['main', 'explode']);
    assert.deepEqual(bugsink.schemaWarnings, []);

    const issues = await bugsink.listIssues();
    assert.ok(issues.length >= 1);
    const events = await bugsink.listEvents();
    assert.ok(events.some((e) => e.event_id.replaceAll('-', '') === eventId));

    const mine = recorder.bodies.filter((b) => b.body.includes(eventId));
    assert.equal(mine.length, 1);
    assert.equal(mine[0].status, 200);
    assert.match(mine[0].path, /sentry_key=/);
    const verdict = await relayCheck(mine);
    assert.ok(verdict.ok, formatProblems(verdict.problems));
    assert.deepEqual(verdict.envelopes[0].event_ids, [eventId]);
  });

  test('a gzip body is recorded decoded and accepted by Bugsink', async () => {
    const eventId = newId();
    const raw = envelope(sampleEvent(eventId));
    const res = await fetch(envelopeUrl + query, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Encoding': 'gzip' },
      body: gzipSync(raw),
    });
    assert.equal(res.status, 200, await res.text());
    const rec = recorder.bodies.find((b) => b.body.includes(eventId));
    assert.ok(rec, 'recorded');
    assert.ok(rec.body.equals(raw), 'recorded body is the decoded envelope');
    assert.notDeepEqual(rec.rawBody, rec.body);
    const verdict = await relayCheck([rec]);
    assert.ok(verdict.ok, formatProblems(verdict.problems));
    await bugsink.findEvent(eventId);
  });

  test('the judge rejects broken envelopes', async () => {
    const good = sampleEvent(newId());
    const wrongLength = envelope(good, { lengthDelta: -4 });
    const badField = envelope({ ...sampleEvent(newId()), level: 'catastrophic', user: { ip_address: 'not-an-ip' } });
    const badHeader = envelope(good, { header: { event_id: good.event_id.toUpperCase(), sent_at: 'yesterday' } });
    const twoEvents = Buffer.concat([envelope(good), Buffer.from(`\n{"type":"event"}\n${JSON.stringify(good)}`)]);
    const verdict = await relayCheck([wrongLength, badField, badHeader, twoEvents]);
    assert.equal(verdict.ok, false);
    const kinds = (n) => verdict.problems.filter((p) => p.envelope === n).map((p) => p.kind);
    assert.ok(kinds(0).includes('parse'), formatProblems(verdict.problems));
    assert.ok(verdict.problems.some((p) => p.envelope === 1 && p.kind === 'normalizer' && p.error?.name === 'level'));
    assert.ok(verdict.problems.some((p) => p.envelope === 1 && p.error?.name === 'user.ip_address'));
    assert.ok(kinds(2).includes('header') && kinds(2).includes('event'), formatProblems(verdict.problems));
    assert.ok(verdict.problems.some((p) => p.envelope === 3 && /2 event\/transaction items/.test(p.message)));

    // ... and Bugsink agrees the wrong length is malformed
    const res = await fetch(envelopeUrl + query, { method: 'POST', body: wrongLength });
    assert.equal(res.status, 400);
    assert.match((await res.json()).message, /length/);
  });

  test('piiStripCheck passes a clean event and flags what Relay would scrub', async () => {
    const clean = await piiStripCheck([sampleEvent(newId())]);
    assert.ok(clean.ok, formatProblems(clean.problems));
    const dirty = await piiStripCheck([{
      ...sampleEvent(newId()),
      user: { id: 'u-1', ip_address: '203.0.113.7' },
      extra: { password: 'hunter2', note: 'card 4111 1111 1111 1111' },
    }]);
    assert.equal(dirty.ok, false);
    const paths = dirty.problems.map((p) => p.path);
    for (const p of ['extra.password', 'extra.note', 'user.ip_address']) assert.ok(paths.includes(p), formatProblems(dirty.problems));
  });

  test('a page on another origin can POST text/plain and read Bugsink\'s answer (CORS)', async () => {
    const page0 = `<!doctype html><meta charset="utf-8"><title>harness</title><script type="module" src="/app.js"></script>`;
    const server = await startStaticServer({
      '/index.html': { body: page0, type: 'text/html; charset=utf-8' },
      '/app.js': { body: 'window.ready = true; console.log("app loaded");', type: 'text/javascript; charset=utf-8' },
    }, { coopCoep: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const log = collectConsole(page);
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => window.ready === true, null, { timeout: 10000 });
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
      const eventId = newId();
      const body = envelope(sampleEvent(eventId)).toString('utf8');
      const answer = await page.evaluate(async ({ url, body }) => {
        const res = await fetch(url, { method: 'POST', body, keepalive: true }); // string body → text/plain, no preflight
        return { status: res.status, text: await res.text(), rateLimits: res.headers.get('x-sentry-rate-limits') };
      }, { url: envelopeUrl + query, body });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(JSON.parse(answer.text), { id: eventId });
      assert.equal(answer.rateLimits, '86400:transaction;span:organization');
      const rec = recorder.requests.filter((r) => r.path.startsWith('/api/'));
      assert.ok(!rec.some((r) => r.method === 'OPTIONS'), 'no CORS preflight for a text/plain POST');
      const sent = recorder.bodies.find((b) => b.body.includes(eventId));
      assert.match(sent.headers['content-type'], /^text\/plain/);
      assert.ok(sent.headers.origin?.startsWith(server.url), `Origin ${sent.headers.origin}`);
      await bugsink.findEvent(eventId);
      assert.deepEqual(log.errors, [], log.dump());
      assert.ok(log.messages.some((m) => m.text === 'app loaded'));
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
