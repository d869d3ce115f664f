// Sentry's API as apps use it, end to end in real parts: @sentry/browser calls (captureContext,
// captureEvent, the current / isolation / global scope with getUser, setTransactionName and
// clear, the integrations option, beforeSend's ErrorEvent and hint) in Debian's Chromium, and
// the same in `tattle/worker` in workerd (miniflare); each event as Bugsink stored it, and every
// envelope judged by sentry-relay's normalizer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { collectConsole } from '../support/browser.mjs';
import { formatProblems, relayCheck } from '../support/relay.mjs';
import { startStack } from '../support/stack.mjs';
import { uniqueWord } from '../support/wait.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.stop());

describe('browser: @sentry/browser calls with the import swapped', () => {
  let page, console;
  before(async () => {
    page = await stack.browser.newPage();
    console = collectConsole(page);
    await page.goto(stack.pageUrl('sentry-api.html'));
    await page.waitForFunction(() => window.pageReady === true);
  });

  /** Runs `fn(arg)` in the page (it returns an event id or a list of them), flushes, and returns the events as Bugsink stored them. */
  async function stored(fn, arg) {
    const ids = [].concat(await page.evaluate(fn, arg));
    assert.equal(await page.evaluate(() => Sentry.flush(5000)), true, 'flush: all accepted');
    return Promise.all(ids.map(async (id) => (await stack.bugsink.findEvent(id)).data));
  }

  test('captureException with a captureContext: tags, level, extra, user, contexts, fingerprint, for that capture only', async () => {
    const [withContext, plain] = await stored(() => {
      const e = new Error('checkout failed');
      return [
        Sentry.captureException(e, {
          tags: { section: 'checkout' }, level: 'fatal', extra: { attempt: 2 }, user: { id: 'ctx-user' },
          contexts: { payment: { provider: 'stripe' } }, fingerprint: ['payment-failure'],
        }),
        Sentry.captureException(new Error('no context')),
      ];
    });
    assert.equal(withContext.exception.values.at(-1).value, 'checkout failed');
    assert.equal(withContext.tags.section, 'checkout');
    assert.equal(withContext.level, 'fatal');
    assert.equal(withContext.extra.attempt, 2);
    assert.equal(withContext.user.id, 'ctx-user');
    assert.equal(withContext.contexts.payment.provider, 'stripe');
    assert.deepEqual(withContext.fingerprint, ['payment-failure']);
    assert.equal(plain.tags?.section, undefined, 'the context was for one capture');
    assert.equal(plain.level, 'error');
    assert.equal(plain.user?.id, undefined);
    assert.equal(plain.fingerprint, undefined);
  });

  test('captureException with a function of the scope, and with an EventHint (mechanism, event_id)', async () => {
    const [fn, hinted] = await stored(() => [
      Sentry.captureException(new Error('via function'), (scope) => scope.setTag('via', 'function').setLevel('warning')),
      Sentry.captureException(new Error('with hint'), { mechanism: { type: 'checkout', handled: false }, event_id: 'ab'.repeat(16) }),
    ]);
    assert.equal(fn.tags.via, 'function');
    assert.equal(fn.level, 'warning');
    assert.equal(hinted.event_id, 'ab'.repeat(16));
    assert.deepEqual(hinted.exception.values.at(-1).mechanism, { type: 'checkout', handled: false });
  });

  test('captureMessage with a level, and with a captureContext', async () => {
    const [level, context] = await stored(() => [
      Sentry.captureMessage('message at warning', 'warning'),
      Sentry.captureMessage('message with context', { level: 'info', tags: { reason: 'timeout' }, extra: { ms: 3000 } }),
    ]);
    assert.equal(level.logentry.formatted, 'message at warning');
    assert.equal(level.level, 'warning');
    assert.equal(context.logentry.formatted, 'message with context');
    assert.equal(context.level, 'info');
    assert.equal(context.tags.reason, 'timeout');
    assert.equal(context.extra.ms, 3000);
  });

  test('captureEvent: the app\'s own event (its exception\'s type, value, mechanism; its scope data), its hint\'s originalException for beforeSend', async () => {
    const [ev] = await stored(() => Sentry.captureEvent({
      message: 'manual event',
      level: 'warning',
      tags: { source: 'manual' },
      extra: { detail: 'x' },
      contexts: { job: { id: 7 } },
      user: { id: 'event-user' },
      fingerprint: ['manual'],
      transaction: '/manual',
      exception: { values: [{ type: 'QuotaError', value: 'over quota', mechanism: { type: 'quota', handled: true },
        stacktrace: { frames: [{ filename: '/app.js', function: 'store', lineno: 3, colno: 4, in_app: true }] } }] },
    }, { originalException: new Error('the original') }));
    assert.equal(ev.logentry.formatted, 'manual event');
    assert.equal(ev.level, 'warning');
    assert.equal(ev.tags.source, 'manual');
    assert.equal(ev.extra.detail, 'x');
    assert.equal(ev.contexts.job.id, 7);
    assert.equal(ev.user.id, 'event-user');
    assert.deepEqual(ev.fingerprint, ['manual']);
    assert.equal(ev.transaction, '/manual');
    const ex = ev.exception.values[0];
    assert.deepEqual([ex.type, ex.value, ex.mechanism], ['QuotaError', 'over quota', { type: 'quota', handled: true }]);
    assert.equal(ex.stacktrace, undefined, 'an app\'s own frames are not read (README)');
    const seen = await page.evaluate((id) => window.seen.find((s) => s.id === id), ev.event_id);
    assert.equal(seen.original, 'Error: the original');
  });

  test('getCurrentScope().setTag, setTransactionName → transaction, getUser, clear()', async () => {
    const [tagged, cleared] = await stored(() => {
      Sentry.setUser({ id: 'page-user' });
      Sentry.getCurrentScope().setTag('current', 'yes').setTransactionName('/checkout/:step');
      const a = Sentry.captureException(new Error('with current scope'));
      Sentry.getCurrentScope().clear();
      return [a, Sentry.captureException(new Error('after clear'))];
    });
    assert.equal(tagged.tags.current, 'yes');
    assert.equal(tagged.transaction, '/checkout/:step');
    assert.equal(tagged.user.id, 'page-user');
    assert.equal(cleared.tags?.current, undefined, 'clear() forgot the tag');
    assert.equal(cleared.transaction, undefined, 'and the transaction name');
    assert.equal(cleared.user?.id, undefined, 'and the user');
    const users = await page.evaluate(() => {
      const out = [Sentry.getCurrentScope().getUser() ?? null];
      Sentry.setUser({ id: 'u1' });
      out.push(Sentry.getCurrentScope().getUser().id, Sentry.getIsolationScope().getUser().id, Sentry.getGlobalScope().getUser().id);
      Sentry.withScope((scope) => {
        scope.setUser({ id: 'inner' });
        out.push(scope.getUser().id, Sentry.getCurrentScope().getUser().id, Sentry.getIsolationScope().getUser().id);
      });
      out.push(Sentry.getCurrentScope().getUser().id);
      Sentry.setUser(null);
      out.push(Sentry.getCurrentScope().getUser() ?? null);
      return out;
    });
    assert.deepEqual(users, [null, 'u1', 'u1', 'u1', 'inner', 'inner', 'u1', 'u1', null]);
  });

  test('the isolation scope set inside withScope: seen inside, kept after; the child scope is not', async () => {
    const [inside, outside] = await stored(() => {
      const ids = [];
      Sentry.withScope((scope) => {
        scope.setTag('child', 'only');
        Sentry.setTag('page', 'kept');
        Sentry.getIsolationScope().setExtra('iso', 1);
        ids.push(Sentry.captureException(new Error('inside withScope')));
      });
      ids.push(Sentry.captureException(new Error('after withScope')));
      return ids;
    });
    assert.deepEqual([inside.tags.child, inside.tags.page, inside.extra.iso], ['only', 'kept', 1]);
    assert.deepEqual([outside.tags.child, outside.tags.page, outside.extra.iso], [undefined, 'kept', 1]);
  });

  test('beforeSend gets an ErrorEvent as the types say (message, breadcrumbs array, timestamps in seconds); what it returns arrives', async () => {
    const [ev] = await stored(() => {
      Sentry.addBreadcrumb({ category: 'app', message: 'before the change' });
      return Sentry.captureMessage('change me in beforeSend');
    });
    const seen = await page.evaluate((id) => window.seen.find((s) => s.id === id), ev.event_id);
    assert.equal(seen.message, 'change me in beforeSend');
    assert.equal(seen.hasLogentry, false);
    assert.equal(seen.timestamp, 'number');
    assert.equal(seen.breadcrumbs, 'array');
    assert.ok(seen.crumbTimestamps.length > 0 && seen.crumbTimestamps.every((t) => t === 'number'), `${seen.crumbTimestamps}`);
    assert.equal(seen.original, 'change me in beforeSend');
    assert.equal(ev.logentry.formatted, 'beforeSend changed this message');
    assert.equal(ev.tags.number, '7', 'tag values go as text');
    assert.equal(ev.tags.flag, 'true');
    assert.ok(ev.breadcrumbs.values.some((c) => c.message === 'before the change'));
  });

  test('integrations: GlobalHandlers without unhandled rejections, Console for warn only, an unknown one ignored with a debug message', async () => {
    const word = uniqueWord();
    const before = stack.recorder.bodies.length;
    const [ev] = await stored((w) => {
      Promise.reject(new Error(`unhandled ${w}`));
      console.warn(`warned ${w}`);
      console.info(`informed ${w}`);
      return new Promise((resolve) => setTimeout(() => resolve(Sentry.captureMessage(`marker ${w}`)), 100));
    }, word);
    const crumbs = ev.breadcrumbs.values.filter((c) => c.category === 'console').map((c) => c.message);
    assert.ok(crumbs.includes(`warned ${word}`), `console.warn kept: ${crumbs}`);
    assert.ok(!crumbs.includes(`informed ${word}`), 'console.info not (levels: warn)');
    const sent = stack.recorder.bodies.slice(before).map((b) => b.body.toString());
    assert.ok(!sent.some((b) => b.includes(`unhandled ${word}`)), 'the unhandled rejection was not reported');
    assert.ok(console.messages.some((m) => m.text.includes('integration Replay is not part of tattle; ignored')),
      `the debug message: ${console.text()}`);
    // The uncaught error handler is still on.
    const prev = await page.evaluate(() => Sentry.lastEventId());
    await page.evaluate((w) => setTimeout(() => { throw new Error(`uncaught ${w}`); }), word);
    await page.waitForFunction((p) => Sentry.lastEventId() !== p, prev);
    const [uncaught] = await stored(() => Sentry.lastEventId());
    assert.equal(uncaught.exception.values.at(-1).value, `uncaught ${word}`);
  });

  test('every envelope passes sentry-relay and Bugsink accepted each', async () => {
    const bodies = stack.recorder.bodies;
    assert.ok(bodies.length >= 14, `recorded ${bodies.length} envelopes`);
    const verdict = await relayCheck(bodies.map((b) => b.body));
    assert.ok(verdict.ok, formatProblems(verdict.problems));
    for (const r of bodies) assert.equal(r.status, 200, `Bugsink answered ${r.status}`);
  });

  test('no console errors from tattle, and nothing thrown into the page but the two the test threw', () => {
    const mine = /^pageerror: Error: (unhandled|uncaught) [a-z]+/;
    assert.deepEqual(console.errors.filter((e) => !mine.test(e)), [], console.dump());
    assert.equal(console.errors.filter((e) => mine.test(e)).length, 2, console.dump());
  });
});

describe('workerd: tattle/worker with Sentry\'s API', { timeout: 120000 }, () => {
  let mf, work;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'tattle-sentry-api-'));
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(root, join(work, 'node_modules', 'tattle'), 'dir');
    await build({
      entryPoints: [join(root, 'tests/e2e/workers/sentry_api_app.mjs')],
      nodePaths: [join(work, 'node_modules')],
      bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'],
      external: ['*.wasm', 'node:*'], outfile: join(work, 'out', 'app.mjs'), logLevel: 'warning',
    });
    copyFileSync(join(root, 'dist/tattle_core_tr_bg.wasm'), join(work, 'out', 'tattle_core_tr_bg.wasm'));
    mf = new Miniflare({
      modules: true,
      scriptPath: join(work, 'out', 'app.mjs'),
      modulesRoot: join(work, 'out'),
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['nodejs_als'],
      bindings: { DSN: stack.dsn },
    });
    await mf.ready;
  });
  after(async () => {
    await mf?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('captureContext, captureMessage with a level and a context, captureEvent, scopes, transaction name, getUser, clear', async () => {
    const run = uniqueWord();
    const before = stack.recorder.bodies.length;
    const res = await mf.dispatchFetch(`http://worker.test/?run=${run}`);
    assert.equal(res.status, 200);
    const { ids, userBefore, userAfter } = await res.json();
    assert.deepEqual([userBefore, userAfter], [`user-${run}`, null], 'getUser() before and after clear()');
    const ev = {};
    for (const [k, id] of Object.entries(ids)) ev[k] = (await stack.bugsink.findEvent(id, { timeoutMs: 30000 })).data;
    for (const k of ['context', 'plain', 'message', 'level', 'event', 'inner', 'after']) {
      assert.equal(ev[k].user.id, `user-${run}`, `${k}: the request's user`);
      assert.equal(ev[k].tags.route, 'sentry-api', `${k}: the request's tag`);
      assert.equal(ev[k].tags.removed, undefined, `${k}: setTag(k, undefined) removed it`);
      assert.equal(ev[k].transaction, 'GET /sentry-api', `${k}: the transaction name`);
    }
    assert.deepEqual([ev.context.tags.section, ev.context.level, ev.context.extra.attempt], ['api', 'warning', 3]);
    assert.deepEqual([ev.plain.tags.section, ev.plain.level], [undefined, 'error'], 'the context was for one capture');
    assert.deepEqual([ev.message.logentry.formatted, ev.message.level, ev.message.tags.reason], [`message ${run}`, 'info', 'context']);
    assert.deepEqual([ev.level.logentry.formatted, ev.level.level], [`level ${run}`, 'debug']);
    assert.deepEqual([ev.event.logentry.formatted, ev.event.level, ev.event.tags.source, ev.event.extra?.detail, JSON.stringify(ev.event.extra)],
      [`event ${run}`, 'warning', 'manual', 'x', '{"detail":"x"}']);
    assert.deepEqual([ev.inner.tags.inner, ev.inner.tags.isolation], ['yes', 'set inside withScope']);
    assert.deepEqual([ev.after.tags.inner, ev.after.tags.isolation], [undefined, 'set inside withScope'], 'the isolation scope kept it');
    assert.equal(ev.cleared.user?.id, undefined, 'clear() forgot the user');
    assert.equal(ev.cleared.tags?.route, undefined, 'and the tags');
    assert.equal(ev.cleared.transaction, undefined, 'and the transaction name');
    assert.match(ev.cleared.request.url, new RegExp(`run=${run}`), 'the request stays');
    const mine = stack.recorder.bodies.slice(before).filter((b) => b.body.includes(run));
    assert.equal(mine.length, Object.keys(ids).length);
    const verdict = await relayCheck(mine.map((b) => b.body));
    assert.ok(verdict.ok, formatProblems(verdict.problems));
  });
});
