// beforeSend as the entries run it (www/shared.js runBeforeSend, handOver), without a browser:
// the core's part (holding the event, wrapping the result) is tested at the wasm boundary
// (tests/common/mod.rs), the whole path in Chromium (tests/e2e/filters.test.mjs).
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { busyInBeforeSend, handOver, heldFor, runBeforeSend } from '../../www/shared.js';

const held = { id: 'a'.repeat(32), event: JSON.stringify({ event_id: 'a'.repeat(32), message: 'm', tags: { t: '1' } }) };
const wrap = (json) => ({ id: held.id, url: 'u', body: json });
const quiet = (fn) => {
  const errors = [];
  const orig = console.error;
  console.error = (...a) => errors.push(a.join(' '));
  try {
    return { result: fn(), errors };
  } finally {
    console.error = orig;
  }
};

describe('runBeforeSend', () => {
  test('a change is what is wrapped; the hint carries event_id and what the capture gave', () => {
    let seen;
    const out = runBeforeSend((event, hint) => { seen = hint; event.tags.seen = 'yes'; return event; }, held,
      { originalException: 'orig', mechanism: { type: 'generic', handled: true } }, wrap);
    assert.equal(JSON.parse(out.body).tags.seen, 'yes');
    assert.deepEqual(seen, { event_id: held.id, originalException: 'orig', mechanism: { type: 'generic', handled: true } });
  });

  test('null drops the event, counted as before_send', () => {
    assert.deepEqual(runBeforeSend(() => null, held, {}, wrap), { id: held.id, drops: [['before_send', 'error', 1]] });
  });

  test('a throw, junk or an unserializable event: sent unmodified, the problem logged', () => {
    const cyclic = {};
    cyclic.self = cyclic;
    for (const [hook, why] of [
      [() => { throw new Error('bad hook'); }, /beforeSend threw/],
      [() => undefined, /must return an event or null/],
      [() => 42, /must return an event or null/],
      [() => cyclic, /cannot be serialized/],
    ]) {
      const { result, errors } = quiet(() => runBeforeSend(hook, held, {}, wrap));
      assert.equal(result.body, held.event);
      assert.match(errors.join('\n'), why);
    }
  });

  test('a Promise is awaited; a rejection sends the event unmodified', async () => {
    const changed = await runBeforeSend(async (event) => ({ ...event, tags: { t: 'async' } }), held, {}, wrap);
    assert.equal(JSON.parse(changed.body).tags.t, 'async');
    assert.deepEqual(await runBeforeSend(async () => null, held, {}, wrap), { id: held.id, drops: [['before_send', 'error', 1]] });
    const errors = [];
    const orig = console.error;
    console.error = (...a) => errors.push(a.join(' '));
    try {
      const out = await runBeforeSend(() => Promise.reject(new Error('x')), held, {}, wrap);
      assert.equal(out.body, held.event);
    } finally {
      console.error = orig;
    }
    assert.match(errors.join(), /rejected/);
  });

  test('a Promise that never settles: after 5 s the event goes unmodified', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const errors = [];
      const orig = console.error;
      console.error = (...a) => errors.push(a.join(' '));
      const pending = runBeforeSend(() => new Promise(() => {}), held, {}, wrap);
      mock.timers.tick(4999);
      await Promise.resolve();
      mock.timers.tick(1);
      const out = await pending;
      console.error = orig;
      assert.equal(out.body, held.event);
      assert.match(errors.join(), /did not settle within 5000 ms/);
    } finally {
      mock.timers.reset();
    }
  });

  test('while it runs, busyInBeforeSend() says so (a capture inside is dropped, not looped)', () => {
    let inside;
    runBeforeSend((e) => { inside = busyInBeforeSend(); return e; }, held, {}, wrap);
    assert.equal(inside, true);
    assert.equal(busyInBeforeSend(), false);
  });
});

describe('handOver', () => {
  const lane = () => {
    const l = { added: [], counted: [], waited: [] };
    l.add = (x) => l.added.push(x.id);
    l.count = (...a) => l.counted.push(a);
    l.wait = (p) => l.waited.push(p);
    return l;
  };

  test('a held event goes through beforeSend; an async one is waited for by the lane', async () => {
    const l = lane();
    const args = [new Error('x'), { event_id: held.id, mechanism: 'onerror', handled: false, syntheticException: new Error('s') }];
    let hint;
    handOver({ ...held, drops: [['sample_rate', 'error', 1]] }, l, heldFor(async (e, h) => { hint = h; return e; }, args, (id, json) => wrap(json)));
    assert.deepEqual(l.counted, [['sample_rate', 'error', 1]], 'the core\'s drops are counted at once');
    assert.equal(l.waited.length, 1, 'the lane waits for the async hook');
    await l.waited[0];
    assert.deepEqual(l.added, [held.id]);
    assert.equal(hint.originalException, args[0]);
    assert.equal(hint.syntheticException, args[1].syntheticException);
    assert.deepEqual(hint.mechanism, { type: 'onerror', handled: false });
  });

  test('without a hook an envelope goes straight to the lane', () => {
    const l = lane();
    handOver(wrap('{}'), l, undefined);
    assert.deepEqual(l.added, [held.id]);
  });
});
