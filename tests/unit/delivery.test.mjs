// Unit tests of the delivery policy (www/delivery.js) and the storm guard (www/guard.js), run
// by node's test runner without a browser. The clock and timers are virtual and the network is
// a scripted function: these check decisions (when, what, how often), not the network itself,
// which the e2e tests do against a real Bugsink in Chromium.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { createDelivery, limitedUntil, updateRateLimits } from '../../www/delivery.js';
import { memoryStore } from '../../www/store.js';
import { createGuard, keyOf } from '../../www/guard.js';

/** A virtual clock with timers, and a network whose answers the test decides. */
function rig({ options, answer = () => ({ status: 200 }), store = memoryStore(1000), tunnelDsn } = {}) {
  let t = 1_000_000;
  let timers = [];
  let nextTimer = 1;
  const requests = [];
  const r = {
    requests,
    store,
    now: () => t,
    // Lets promises settle, then runs timers due by `ms` from now, in order.
    async advance(ms) {
      const end = t + ms;
      for (;;) {
        await settle();
        const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((x) => x !== due);
        t = Math.max(t, due.at);
        due.fn();
      }
      t = end;
      await settle();
    },
    sent: () => requests.map((q) => q.id),
    pendingTimers: () => timers.length,
    // Compression runs on node's thread pool: wait (in real time) until `n` requests went out.
    async waitRequests(n) {
      const deadline = Date.now() + 10000;
      while (requests.length < n && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    },
  };
  const settle = async () => { for (let i = 0; i < 20; i++) await new Promise((res) => setImmediate(res)); };
  r.delivery = createDelivery({
    fetch: async (url, init) => {
      const gz = init.headers['Content-Encoding'] === 'gzip';
      const body = typeof init.body === 'string' ? init.body : new TextDecoder().decode(gz ? gunzipSync(init.body) : init.body);
      const id = JSON.parse(body.split('\n')[0]).event_id ?? 'report';
      const req = { url, init, body, id, at: t };
      requests.push(req);
      const a = await answer(req);
      if (a.error) throw new TypeError('Failed to fetch');
      const headers = new Map(Object.entries(a.headers || {}));
      return { status: a.status, headers: { get: (n) => headers.get(n) ?? null } };
    },
    store,
    now: r.now,
    setTimeout: (fn, ms) => { const id = nextTimer++; timers.push({ id, at: t + ms, fn }); return id; },
    clearTimeout: (id) => { timers = timers.filter((x) => x.id !== id); },
    random: () => 0.5,
    log: () => {},
    options: { compress: false, ...options },
    tunnelDsn,
  });
  return r;
}

const item = (n, category = 'error') => ({
  id: `id${n}`, url: 'http://127.0.0.1:9/api/1/envelope/?sentry_key=k',
  body: `${JSON.stringify({ event_id: `id${n}` })}\n{"type":"event"}\n{}`, category,
});
const reportOf = (requests) => requests.filter((q) => q.id === 'report')
  .map((q) => JSON.parse(q.body.split('\n')[2]).discarded_events);

describe('real time', () => {
  test('every envelope leaves the moment it is added: no window, no waiting for a batch', async () => {
    const r = rig();
    r.delivery.add(item(1));
    assert.deepEqual(r.sent(), ['id1'], 'fetch was called synchronously, inside add()');
    for (let i = 2; i <= 4; i++) r.delivery.add(item(i));
    await r.advance(0);
    assert.deepEqual(r.sent(), ['id1', 'id2', 'id3', 'id4'], 'no virtual time passed: nothing waited for a window');
  });

  test('only a full cap makes an envelope wait, and it leaves the moment a slot frees', async () => {
    const gates = [];
    const r = rig({ options: { maxInFlight: 4 }, answer: () => new Promise((res) => gates.push(() => res({ status: 200 }))) });
    for (let i = 1; i <= 6; i++) r.delivery.add(item(i));
    await r.advance(0);
    assert.equal(r.requests.length, 4, 'maxInFlight requests at once');
    gates.shift()();
    await r.advance(0);
    assert.equal(r.requests.length, 5, 'one slot freed, one more left, with no time passing');
    while (gates.length) gates.shift()();
    await r.advance(0);
    while (gates.length) gates.shift()();
    await r.advance(0);
    assert.equal(new Set(r.sent()).size, 6);
    assert.equal(await r.delivery.flush(), true);
  });

  test('the backlog in memory has a byte budget; beyond it envelopes wait in the store, none lost', async () => {
    const gates = [];
    const r = rig({ options: { maxInFlight: 2, maxBacklogBytes: 1000 }, answer: () => new Promise((res) => gates.push(() => res({ status: 200 }))) });
    const big = (n) => ({ ...item(n), body: `${item(n).body}${' '.repeat(300)}` });
    for (let i = 1; i <= 12; i++) r.delivery.add(big(i));
    await r.advance(0);
    const stats = r.delivery.stats();
    assert.equal(stats.inFlight, 2);
    assert.ok(stats.backlogBytes <= 1000, `backlog within budget (${stats.backlogBytes} B)`);
    assert.ok((await r.store.count()) >= 6, 'the rest is in the store');
    for (let round = 0; round < 20 && gates.length; round++) {
      while (gates.length) gates.shift()();
      await r.advance(0);
    }
    assert.deepEqual([...r.sent()].sort(), Array.from({ length: 12 }, (_, i) => `id${i + 1}`).sort(), 'each sent once');
    assert.equal(r.sent().length, 12);
    assert.equal(await r.store.count(), 0);
  });

  test('a burst that spills to the store goes in one write, and the store drains in few reads', async () => {
    const gates = [];
    const base = memoryStore(1000);
    const calls = { put: 0, oldest: 0 };
    const store = { ...base, put: (x) => { calls.put++; return base.put(x); }, oldest: (n, skip) => { calls.oldest++; return base.oldest(n, skip); } };
    const r = rig({ store, options: { maxInFlight: 2, maxBacklogBytes: 500 }, answer: () => new Promise((res) => gates.push(() => res({ status: 200 }))) });
    for (let i = 1; i <= 100; i++) r.delivery.add(item(i));
    await r.advance(0);
    assert.equal(calls.put, 1, 'one store write for the whole spill');
    for (let round = 0; round < 200 && gates.length; round++) {
      while (gates.length) gates.shift()();
      await r.advance(0);
    }
    assert.equal(new Set(r.sent()).size, 100);
    assert.equal(r.sent().length, 100, 'each once');
    assert.ok(calls.oldest <= 10, `the store was read ${calls.oldest} times for ~95 envelopes`);
  });

  test("flush's client report includes the drops the store's overflow counted", async () => {
    const r = rig({ store: memoryStore(3), options: { maxInFlight: 1, maxBacklogBytes: 0 } });
    r.delivery.url = item(0).url;
    for (let i = 1; i <= 6; i++) r.delivery.add(item(i));
    const flushed = r.delivery.flush();
    await r.advance(0);
    assert.equal(await flushed, false, 'two were lost');
    assert.deepEqual(reportOf(r.requests).flat(), [{ reason: 'queue_overflow', category: 'error', quantity: 2 }],
      'the report that flush sent counts them');
  });

  test('flush sends what waits and resolves true when all went', async () => {
    const r = rig();
    r.delivery.add(item(1));
    r.delivery.add(item(2));
    const flushed = r.delivery.flush();
    await r.advance(0);
    assert.equal(await flushed, true);
    assert.deepEqual(r.sent(), ['id1', 'id2']);
  });
});

describe('rate limits', () => {
  test('header grammar: categories, all categories, Retry-After, bare 429', () => {
    const now = 1000;
    const l = new Map();
    updateRateLimits(l, 200, (n) => (n === 'x-sentry-rate-limits' ? '60:error;default:key, 2700:transaction:organization:quota' : null), now);
    assert.equal(limitedUntil(l, 'error', now), now + 60000);
    assert.equal(limitedUntil(l, 'default', now), now + 60000);
    assert.equal(limitedUntil(l, 'transaction', now), now + 2700000);
    assert.equal(limitedUntil(l, 'session', now), 0);
    const all = new Map();
    updateRateLimits(all, 429, (n) => (n === 'x-sentry-rate-limits' ? '30::key' : null), now);
    assert.equal(limitedUntil(all, 'session', now), now + 30000);
    const retry = new Map();
    updateRateLimits(retry, 429, (n) => (n === 'retry-after' ? '7' : null), now);
    assert.equal(limitedUntil(retry, 'error', now), now + 7000);
    const bare = new Map();
    updateRateLimits(bare, 429, () => null, now);
    assert.equal(limitedUntil(bare, 'error', now), now + 60000);
    assert.equal(limitedUntil(bare, 'error', now + 60000), 0, 'the limit ends');
  });

  test('a 429 stops all sending of the category until it ends, and the drops are reported', async () => {
    const r = rig({ answer: (q) => (q.id === 'id1' ? { status: 429, headers: { 'x-sentry-rate-limits': '60:error:key' } } : { status: 200 }) });
    r.delivery.url = item(0).url;
    r.delivery.add(item(1));
    await r.advance(0);
    for (let i = 2; i <= 6; i++) r.delivery.add(item(i));
    await r.advance(59000);
    assert.ok(!r.sent().some((id) => /^id[2-6]$/.test(id)), 'no event of the limited category was sent');
    await r.advance(2000);
    r.delivery.add(item(7));
    await r.advance(0);
    assert.ok(r.sent().includes('id7'), 'sending resumes after the limit');
    const reports = reportOf(r.requests).flat();
    const backoff = reports.filter((d) => d.reason === 'ratelimit_backoff').reduce((s, d) => s + d.quantity, 0);
    assert.equal(backoff, 6, 'the 429ed event and the 5 held back are counted');
  });

  test('a limit announced on a 200 is obeyed too', async () => {
    const r = rig({ answer: () => ({ status: 200, headers: { 'x-sentry-rate-limits': '10:error:key' } }) });
    r.delivery.add(item(1));
    await r.advance(1500);
    r.delivery.add(item(2));
    await r.advance(0);
    assert.deepEqual(r.sent(), ['id1']);
    await r.advance(10000);
    r.delivery.add(item(3));
    await r.advance(0);
    assert.deepEqual(r.sent(), ['id1', 'id3']);
  });
});

describe('faults', () => {
  test('server down: events wait in the store, retry with backoff, each delivered once', async () => {
    let up = false;
    const r = rig({ answer: () => (up ? { status: 200 } : { error: true }) });
    for (let i = 1; i <= 20; i++) r.delivery.add(item(i));
    await r.advance(100);
    const whileDown = r.requests.length;
    assert.ok(whileDown <= 8, `at most maxInFlight attempts before the first failure (${whileDown})`);
    await r.advance(5000);
    assert.ok(r.requests.length <= whileDown + 3, 'backoff: one probe per retry');
    up = true;
    const downCount = r.requests.length;
    await r.advance(60000);
    const delivered = r.requests.slice(downCount).map((q) => q.id);
    assert.deepEqual([...delivered].sort(), Array.from({ length: 20 }, (_, i) => `id${i + 1}`).sort(),
      'each of the 20 delivered exactly once after the server came back');
    assert.deepEqual(await r.store.oldest(100, new Set()), [], 'the store is empty again');
    assert.equal(await r.delivery.flush(), true);
  });

  test('a 5xx is retried; a 413 never is and is counted', async () => {
    let calls = 0;
    const r = rig({ answer: (q) => (q.id === 'id1' ? { status: 413 } : (++calls === 1 ? { status: 503 } : { status: 200 })) });
    r.delivery.url = item(0).url;
    r.delivery.add(item(1));
    r.delivery.add(item(2));
    await r.advance(1000);
    await r.advance(5000);
    assert.equal(r.sent().filter((id) => id === 'id1').length, 1, '413 not retried');
    assert.equal(r.sent().filter((id) => id === 'id2').length, 2, '503 retried once, then delivered');
    await r.delivery.flush();
    await r.advance(0);
    assert.deepEqual(reportOf(r.requests).flat(), [{ reason: 'send_error', category: 'error', quantity: 1 }]);
  });

  test('the store is bounded: the oldest go first, counted as queue_overflow', async () => {
    const r = rig({ answer: () => ({ error: true }), store: memoryStore(5) });
    r.delivery.url = item(0).url;
    for (let i = 1; i <= 8; i++) r.delivery.add(item(i));
    await r.advance(100);
    const kept = (await r.store.oldest(100, new Set())).map((x) => x.id);
    assert.deepEqual(kept, ['id4', 'id5', 'id6', 'id7', 'id8']);
    assert.equal(await r.delivery.flush(), false, 'flush says not everything went');
  });

  test('what an earlier page stored is sent on start, and never twice', async () => {
    const store = memoryStore(100);
    await store.put([item(1), item(2)].map((x) => ({ ...x, at: 1 })));
    const r = rig({ store });
    r.delivery.start();
    r.delivery.start(); // a second start (a second `online`, say) while the first read is under way
    await r.advance(3000);
    assert.deepEqual([...r.sent()].sort(), ['id1', 'id2']);
  });

  test('a burst larger than the memory budget spills into the store: nothing dropped', async () => {
    const r = rig({ options: { maxBacklogBytes: 500 } });
    for (let i = 1; i <= 50; i++) r.delivery.add(item(i));
    await r.advance(10000);
    assert.equal(new Set(r.sent()).size, 50);
    assert.equal(r.sent().length, 50, 'each once');
  });

  test('pagehide while a body is being compressed: it leaves now, plain', async () => {
    const r = rig({ options: { compress: true, compressMin: 1024 } });
    const big = { ...item(1), body: `${item(1).body}${' '.repeat(4000)}` };
    r.delivery.add(big);
    assert.equal(r.requests.length, 0, 'compression is under way');
    r.delivery.hide(true);
    assert.equal(r.requests.length, 1, 'sent synchronously on pagehide');
    assert.equal(r.requests[0].init.headers['Content-Encoding'], undefined);
    await new Promise((res) => setTimeout(res, 300)); // the compression finishes meanwhile
    await r.advance(100);
    assert.equal(r.requests.length, 1, 'and not a second time when the compression finishes');
  });

  test('with compress on, bodies over compressMin are gzipped where CompressionStream exists', async () => {
    const r = rig({ options: { compress: true, compressMin: 1024 } });
    const big = { ...item(1), body: `${item(1).body}${'x'.repeat(4000)}` };
    r.delivery.add(big);
    await r.waitRequests(1);
    assert.equal(r.requests[0].init.headers['Content-Encoding'], 'gzip');
    assert.ok(r.requests[0].init.body.length < 500);
  });

  test('pagehide: what waits for a slot leaves at once with keepalive, in the same task', async () => {
    const r = rig({ options: { maxInFlight: 1 }, answer: () => new Promise(() => {}) });
    r.delivery.add(item(1));
    r.delivery.add(item(2));
    await r.advance(0);
    assert.equal(r.requests.length, 1, 'the cap holds the second back');
    r.delivery.hide(true);
    assert.equal(r.requests.length, 2, 'sent synchronously');
    assert.equal(r.requests[1].init.keepalive, true);
    r.delivery.add(item(3));
    assert.equal(r.requests.length, 3, 'a capture during unload leaves at once too');
  });
});

describe('every state has an exit', () => {
  // The stall issue 9 found: a stored retry answered 4xx or 429 scheduled no further retry.
  test('backoff → probe answered 413: dropped and counted, the rest of the store goes on', async () => {
    let phase = 'down';
    const r = rig({ answer: (q) => {
      if (phase === 'down') return { error: true };
      return q.id === 'id1' ? { status: 413 } : { status: 200 };
    } });
    r.delivery.url = item(0).url;
    for (let i = 1; i <= 7; i++) r.delivery.add(item(i));
    await r.advance(100);
    assert.equal(r.delivery.stats().state, 'backoff');
    phase = 'up';
    await r.advance(3600 * 1000);
    const after = r.requests.filter((q) => q.id !== 'report');
    for (let i = 2; i <= 7; i++) assert.ok(after.some((q) => q.id === `id${i}` && q.at > 1_000_100), `id${i} delivered after the 413`);
    assert.equal(await r.store.count(), 0, 'nothing stuck in the store');
    assert.equal(r.delivery.stats().state, 'online');
    await r.delivery.flush();
    await r.advance(0);
    assert.ok(reportOf(r.requests).flat().some((d) => d.reason === 'send_error' && d.quantity === 1), 'the 413 is counted');
  });

  test('backoff → probe answered 429: the stored envelope waits for the limit, then goes', async () => {
    let phase = 'down';
    const r = rig({ answer: () => {
      if (phase === 'down') return { error: true };
      if (phase === 'limited') { phase = 'up'; return { status: 429, headers: { 'x-sentry-rate-limits': '120:error:key' } }; }
      return { status: 200 };
    } });
    r.delivery.add(item(1));
    r.delivery.add(item(2));
    await r.advance(100);
    phase = 'limited';
    const before = r.requests.length;
    await r.advance(5000); // the probe gets the 429
    assert.equal(r.requests.length, before + 1, 'one probe');
    await r.advance(110000);
    assert.equal(r.requests.length, before + 1, 'nothing sent while the limit holds');
    await r.advance(20000);
    const late = r.requests.slice(before + 1).map((q) => q.id).sort();
    assert.deepEqual(late, ['id1', 'id2'], 'both delivered once the limit ended');
    assert.equal(await r.store.count(), 0);
  });

  test('a client report that fails while the store holds envelopes does not stall the retries', async () => {
    let up = false;
    const r = rig({ answer: () => (up ? { status: 200 } : { error: true }) });
    r.delivery.url = item(0).url;
    r.delivery.count('before_send', 'error');
    for (let i = 1; i <= 3; i++) r.delivery.add(item(i));
    await r.advance(100);
    r.delivery.hide(false); // sends the report: it fails too
    await r.advance(100);
    up = true;
    await r.advance(3600 * 1000);
    assert.equal(await r.store.count(), 0, 'the store drained');
    for (let i = 1; i <= 3; i++) assert.ok(r.sent().includes(`id${i}`));
  });

  test('online → a 5xx: backoff; the probe fails again: a longer backoff; then online', async () => {
    let fails = 2;
    const r = rig({ answer: () => (fails-- > 0 ? { status: 503 } : { status: 200 }) });
    r.delivery.add(item(1));
    await r.advance(0);
    assert.equal(r.delivery.stats().state, 'backoff');
    await r.advance(1000); // retryBase × (0.5 + 0.5): the first probe, which fails
    assert.equal(r.requests.length, 2);
    assert.equal(r.delivery.stats().state, 'backoff');
    await r.advance(1999);
    assert.equal(r.requests.length, 2, 'the second backoff is twice as long');
    await r.advance(1);
    assert.equal(r.requests.length, 3);
    assert.equal(r.delivery.stats().state, 'online');
    assert.equal(await r.delivery.flush(), true);
  });

  test('flush tells the truth: false after a drop for limits or size, true again once all went', async () => {
    const r = rig({ answer: (q) => (q.id === 'id1' ? { status: 413 } : { status: 200 }) });
    r.delivery.add(item(1));
    await r.advance(0);
    assert.equal(await r.delivery.flush(), false, 'the 413 lost an event');
    r.delivery.add(item(2));
    r.delivery.count('before_send', 'error'); // the user's own filter: not a loss
    await r.advance(0);
    assert.equal(await r.delivery.flush(), true);
  });
});

describe('edge lanes (one per invocation)', () => {
  test("each invocation fetches its own envelopes and waits only for them", async () => {
    const gates = new Map();
    const r = rig({ options: { reportTimer: false }, answer: (q) => new Promise((res) => gates.set(q.id, () => res({ status: 200 }))) });
    const a = r.delivery.lane(r.now() + 25000);
    const b = r.delivery.lane(r.now() + 25000);
    a.add(item(1));
    b.add(item(2));
    assert.deepEqual(r.sent(), ['id1', 'id2'], 'both fetched at once, from their own lanes');
    let bDone;
    b.done().then((ok) => { bDone = ok; });
    gates.get('id2')();
    await r.advance(0);
    assert.equal(bDone, true, "b is done although a's request is still open");
    let aDone;
    a.done().then((ok) => { aDone = ok; });
    await r.advance(0);
    assert.equal(aDone, undefined, 'a waits for its own request');
    gates.get('id1')();
    await r.advance(0);
    assert.equal(aDone, true);
  });

  test('a lane holds its deadline timer only while something is under way', async () => {
    // Deno.serve runs thousands of invocations a minute with a 60 s budget each: an idle lane's
    // timer would pile up.
    const r = rig({ options: { reportTimer: false } });
    const a = r.delivery.lane(r.now() + 60000);
    assert.equal(r.pendingTimers(), 0, 'nothing armed before a send');
    a.add(item(1));
    assert.equal(r.pendingTimers(), 1, 'armed while the request is out');
    assert.equal(await a.done(), true);
    assert.equal(r.pendingTimers(), 0, 'cleared once the lane is idle');
  });

  test('a lane never starts another lane\'s waiting envelopes', async () => {
    const r = rig({ options: { maxInFlight: 1, reportTimer: false }, answer: (q) => (q.id === 'id1' ? new Promise(() => {}) : { status: 200 }) });
    const a = r.delivery.lane(r.now() + 25000);
    const b = r.delivery.lane(r.now() + 25000);
    a.add(item(1)); // hangs
    a.add(item(2)); // waits for a's slot
    b.add(item(3));
    await r.advance(0);
    assert.deepEqual(r.sent(), ['id1', 'id3'], "b's free slot does not take a's waiting envelope");
    assert.equal(await b.done(), true);
  });

  test('a request that outlives the budget times out; the next invocation retries it', async () => {
    let hang = true;
    const r = rig({ options: { reportTimer: false }, answer: () => (hang ? new Promise(() => {}) : { status: 200 }) });
    const a = r.delivery.lane(r.now() + 25000);
    a.add(item(1));
    let aDone;
    a.done().then((ok) => { aDone = ok; });
    await r.advance(24999);
    assert.equal(aDone, undefined);
    await r.advance(1);
    assert.equal(aDone, false, 'done() settles by the deadline (false: not delivered yet)');
    assert.equal(await r.store.count(), 1, 'kept for the next invocation');
    hang = false;
    await r.advance(120000); // past any backoff
    const b = r.delivery.lane(r.now() + 25000);
    const bDone = b.done();
    await r.advance(0);
    assert.equal(await bDone, true);
    assert.deepEqual(r.sent(), ['id1', 'id1'], 'sent again from the next invocation');
    assert.equal(await r.store.count(), 0);
  });

  test('a failure inside the budget is retried inside it', async () => {
    let fails = 1;
    const r = rig({ options: { reportTimer: false }, answer: () => (fails-- > 0 ? { error: true } : { status: 200 }) });
    const a = r.delivery.lane(r.now() + 25000);
    a.add(item(1));
    let aDone;
    a.done().then((ok) => { aDone = ok; });
    await r.advance(2000);
    assert.deepEqual(r.sent(), ['id1', 'id1'], 'retried after the backoff, from the same lane');
    assert.equal(aDone, true);
  });

  test('reports leave from the lane that flushes them, never from a timer', async () => {
    const r = rig({ options: { reportTimer: false } });
    r.delivery.url = item(0).url;
    const a = r.delivery.lane(r.now() + 25000);
    a.count('before_send', 'error');
    await r.advance(60000);
    assert.equal(reportOf(r.requests).length, 0, 'no timer sent it');
    const b = r.delivery.lane(r.now() + 25000);
    await b.done();
    assert.deepEqual(reportOf(r.requests), [[{ reason: 'before_send', category: 'error', quantity: 1 }]]);
  });
});

describe('storm guard', () => {
  test('identical errors within the window are dropped; the minute cap holds', () => {
    let t = 0;
    const admit = createGuard({ maxPerMinute: 5, dedupeWindowMs: 1000 }, () => t);
    assert.equal(admit('a'), null);
    assert.equal(admit('a'), 'event_processor');
    t = 1000;
    assert.equal(admit('a'), null, 'again after the window');
    for (const k of ['b', 'c', 'd']) assert.equal(admit(k), null);
    assert.equal(admit('e'), 'ratelimit_backoff', 'the sixth in a minute is over the cap');
    t = 61000;
    assert.equal(admit('e'), null, 'a new minute');
  });

  test('keys: errors by type, message and stack; event locations; primitives', () => {
    const e1 = new Error('x');
    const e2 = new Error('x');
    assert.notEqual(keyOf(e1), keyOf(e2), 'different throw sites differ (stack)');
    const loop = () => new Error('same');
    const [a, b] = [0, 1].map(() => loop());
    assert.equal(keyOf(a), keyOf(b), 'one site twice is one key');
    assert.equal(keyOf('boom'), keyOf('boom'));
    assert.equal(keyOf(undefined, { message: 'm', filename: 'f.js', lineno: 1, colno: 2 }), 'm@f.js:1:2');
    const hostile = new Proxy({}, { ownKeys() { throw new Error('no'); } });
    assert.equal(keyOf(hostile), '', 'a hostile value gives no key, never a throw');
  });
});

describe('client reports', () => {
  test('through a tunnel, a client report names the DSN in its header, as events do', async () => {
    const dsn = 'https://key@o0.ingest.example.com/42';
    const r = rig({ tunnelDsn: dsn });
    r.delivery.url = 'http://127.0.0.1:9/tunnel';
    r.delivery.count('before_send', 'error');
    await r.delivery.flush();
    const report = r.requests.find((q) => q.id === 'report');
    assert.equal(JSON.parse(report.body.split('\n')[0]).dsn, dsn);
  });

  test('a flush that asks for due reports only sends one once its first drop is reportDelay old', async () => {
    const r = rig();
    r.delivery.url = item(0).url;
    r.delivery.count('before_send', 'error');
    await r.delivery.flush(true);
    assert.equal(reportOf(r.requests).length, 0, 'not yet due');
    await r.advance(29000);
    r.delivery.count('before_send', 'error');
    await r.delivery.flush(true);
    assert.equal(reportOf(r.requests).length, 0, 'still not due');
    await r.advance(1000); // the report timer itself fires at 30 s
    assert.deepEqual(reportOf(r.requests), [[{ reason: 'before_send', category: 'error', quantity: 2 }]]);
    r.delivery.count('sample_rate', 'error');
    await r.delivery.flush();
    assert.equal(reportOf(r.requests).length, 2, 'a plain flush sends at once');
  });
});
