// Sentry's API pieces the entries share (www/shared.js), without a browser: how a capture's
// second argument is read, how a captureContext lands on a scope, which integrations are in
// effect, and the ErrorEvent view beforeSend gets. The whole path runs in Chromium and workerd
// (tests/e2e/sentry_api.test.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyContext, breadcrumbsIntegration, dedupeIntegration, hintOf, integrationsOf, runBeforeSend,
} from '../../www/shared.js';

describe('hintOf: EventHint or captureContext, as @sentry/browser tells them apart', () => {
  test('scope data, a function or a scope is a captureContext', () => {
    const fn = () => {};
    const scope = { getUser() {} };
    assert.deepEqual(hintOf({ tags: { a: '1' } }), { context: { tags: { a: '1' } } });
    assert.deepEqual(hintOf({ level: 'info' }), { context: { level: 'info' } });
    assert.equal(hintOf(fn).context, fn);
    assert.equal(hintOf(scope).context, scope);
  });
  test('otherwise an EventHint: event_id, mechanism, a nested captureContext, originalException', () => {
    const ctx = { extra: { x: 1 } };
    assert.deepEqual(hintOf({ event_id: 'e', mechanism: { type: 't', handled: false }, captureContext: ctx, originalException: 5 }),
      { context: ctx, event_id: 'e', mechanism: 't', handled: false, original: 5 });
    assert.deepEqual(hintOf(undefined), {});
    assert.deepEqual(hintOf('warning'), {});
  });
  test('a hostile hint is no hint', () => {
    assert.deepEqual(hintOf(new Proxy({}, { has() { throw new Error('trap'); } })), {});
  });
});

describe('applyContext', () => {
  const recorder = () => {
    const calls = [];
    const scope = new Proxy({}, { get: (_, name) => (name === 'getUser' ? undefined : (...a) => { calls.push([name, ...a]); return scope; }) });
    return { scope, calls };
  };
  test('merges tags, extra and contexts; replaces user, level and fingerprint when given', () => {
    const { scope, calls } = recorder();
    applyContext({ tags: { a: '1' }, extra: { e: 2 }, contexts: { c: { k: 1 }, d: null }, user: { id: 'u' }, level: 'fatal', fingerprint: ['f'] }, scope, () => {});
    assert.deepEqual(calls, [
      ['setTags', { a: '1' }], ['setExtras', { e: 2 }], ['setContext', 'c', { k: 1 }], ['setContext', 'd', null],
      ['setUser', { id: 'u' }], ['setLevel', 'fatal'], ['setFingerprint', ['f']],
    ]);
  });
  test('an empty user or fingerprint changes nothing (as Sentry)', () => {
    const { scope, calls } = recorder();
    applyContext({ user: {}, fingerprint: [] }, scope, () => {});
    assert.deepEqual(calls, []);
  });
  test('a function gets the scope; scope data it returns is applied; if it throws, it is logged', () => {
    const { scope, calls } = recorder();
    applyContext((s) => { s.setTag('in', 'fn'); return { level: 'debug' }; }, scope, () => {});
    assert.deepEqual(calls, [['setTag', 'in', 'fn'], ['setLevel', 'debug']]);
    const logged = [];
    applyContext(() => { throw new Error('app bug'); }, scope, (...a) => logged.push(a[0]));
    assert.deepEqual(logged, ['captureContext threw; captured without it']);
  });
});

describe('integrationsOf: Sentry\'s rules', () => {
  const own = ['GlobalHandlers', 'Breadcrumbs', 'Console', 'Dedupe'];
  const names = (o) => Object.keys(o).sort();
  test('no option: the defaults', () => {
    assert.deepEqual(names(integrationsOf({}, own, () => {})), [...own].sort());
  });
  test('an array adds to the defaults and replaces one by name', () => {
    const got = integrationsOf({ integrations: [breadcrumbsIntegration({ dom: false })] }, own, () => {});
    assert.deepEqual(names(got), [...own].sort());
    assert.deepEqual(got.Breadcrumbs.options, { dom: false });
  });
  test('a function gets the defaults and returns the list', () => {
    let given;
    const got = integrationsOf({ integrations: (d) => { given = d.map((i) => i.name); return d.filter((i) => i.name !== 'Dedupe'); } }, own, () => {});
    assert.deepEqual(given, own);
    assert.deepEqual(names(got), ['Breadcrumbs', 'Console', 'GlobalHandlers']);
  });
  test('defaultIntegrations: false starts from none', () => {
    assert.deepEqual(names(integrationsOf({ defaultIntegrations: false, integrations: [dedupeIntegration()] }, own, () => {})), ['Dedupe']);
  });
  test('one tattle does not have is ignored with a debug message', () => {
    const logged = [];
    const got = integrationsOf({ integrations: [{ name: 'BrowserTracing' }, null, {}] }, own, (m) => logged.push(m));
    assert.equal(got.BrowserTracing, undefined);
    assert.deepEqual(logged, ['integration BrowserTracing is not part of tattle; ignored']);
  });
});

describe('beforeSend sees an ErrorEvent', () => {
  const event = {
    event_id: 'a'.repeat(32), timestamp: '2026-01-02T03:04:05.678Z', logentry: { formatted: 'hello' }, tags: { t: '1' },
    breadcrumbs: { values: [{ timestamp: '2026-01-02T03:04:05.000Z', message: 'crumb' }] },
  };
  const held = { id: event.event_id, event: JSON.stringify(event) };
  test('message as text, breadcrumbs an array, timestamps in seconds; back to the wire form after', () => {
    let seen;
    const out = runBeforeSend((e) => { seen = structuredClone(e); e.tags.n = 7; e.tags.gone = undefined; return e; }, held, {}, (json) => JSON.parse(json));
    assert.equal(seen.message, 'hello');
    assert.equal(seen.logentry, undefined);
    assert.equal(seen.timestamp, Date.parse(event.timestamp) / 1000);
    assert.deepEqual(seen.breadcrumbs, [{ timestamp: Date.parse('2026-01-02T03:04:05.000Z') / 1000, message: 'crumb' }]);
    assert.deepEqual(out, { ...event, tags: { t: '1', n: '7' } });
  });
});
