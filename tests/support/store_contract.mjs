// The offline store contract (www/store.js), written once and run everywhere: by node's test
// runner against memoryStore (tests/unit/store.test.mjs) and inside real browsers against
// idbStore (tests/e2e/store.test.mjs, page tests/e2e/pages/store.html). No imports, so that a
// browser page can load it as is; failures throw.
//
//   contract({ make, shared }) → [{ name, skip, run() → Promise }]
//     make({ name, max, leaseMs, now }) → a store; two calls with one `name` are two instances
//       over the same backing (two tabs of one site: two idbStore()s on one database).
//     shared: false for stores whose instances share nothing (memoryStore, idbStore's memory
//       fallback): the checks between two instances get `skip` (a reason) and must be reported
//       as skipped, not run and not counted as passed.

const canon = (v) => JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  : x));

function eq(actual, expected, what) {
  if (canon(actual) !== canon(expected)) {
    throw new Error(`${what}\n  expected: ${canon(expected)}\n  actual:   ${canon(actual)}`);
  }
}

export const item = (id, at) => ({
  id, url: 'https://o1.ingest.example/api/1/envelope/', body: `{"event_id":"${id}"}\n{}`, category: 'error', at,
});
const ids = (items) => items.map((i) => i.id);

let backings = 0;

export function contract({ make, shared = true }) {
  const checks = [];
  const check = (name, run) => checks.push({ name, skip: false, run });
  // Two instances over one backing: only meaningful when instances share it.
  const between = (name, run) => checks.push({
    name,
    skip: !shared && 'instances of this store share nothing (one holder only): there is no second instance to hold back',
    run,
  });

  // A fresh backing with a virtual clock; `open(extra)` makes another instance over it.
  function setup(o = {}) {
    const clock = { t: 1_000_000 };
    const name = `tattle-contract-${++backings}-${Math.random().toString(36).slice(2, 8)}`;
    const open = (extra = {}) => make({ name, max: 100, leaseMs: 1000, now: () => clock.t, ...o, ...extra });
    return { clock, open, a: open() };
  }

  check('an empty store: count 0, oldest gives nothing', async () => {
    const { a } = setup();
    eq(await a.count(), 0, 'count');
    eq(await a.oldest(10, new Set()), [], 'oldest');
  });

  check('items come back exactly as put (no bookkeeping fields), oldest first by `at`', async () => {
    const { a } = setup();
    eq(await a.put([item('c', 30), item('a', 10), item('b', 20)]), [], 'nothing dropped');
    eq(await a.oldest(10, new Set()), [item('a', 10), item('b', 20), item('c', 30)], 'oldest');
    eq(await a.count(), 3, 'count');
  });

  check('ties of `at` keep insertion order, within one put and across puts (not id order)', async () => {
    const { a } = setup();
    await a.put([item('z', 5), item('m', 5), item('a', 5)]);
    await a.put([item('b', 5), item('y', 4)]);
    eq(ids(await a.oldest(10, new Set())), ['y', 'z', 'm', 'a', 'b'], 'order');
  });

  check('put replaces by id: one item, the new fields, placed by its new `at`', async () => {
    const { a } = setup();
    await a.put([item('x', 1), item('y', 2)]);
    const newer = { ...item('x', 3), body: 'second' };
    eq(await a.put([newer]), [], 'a replace drops nothing');
    eq(await a.count(), 2, 'count');
    eq(await a.oldest(10, new Set()), [item('y', 2), newer], 'oldest');
  });

  check('over `max`, put drops the oldest and returns them (as put)', async () => {
    const { a } = setup({ max: 3 });
    eq(await a.put([item('d', 4), item('b', 2)]), [], 'under max');
    eq(await a.put([item('a', 1), item('c', 3), item('e', 5)]), [item('a', 1), item('b', 2)], 'dropped');
    eq(await a.count(), 3, 'count');
    eq(ids(await a.oldest(10, new Set())), ['c', 'd', 'e'], 'kept');
  });

  check('over `max` with ties: the first inserted go first; a batch larger than max keeps its newest', async () => {
    const { a } = setup({ max: 2 });
    eq(ids(await a.put([item('q', 7), item('p', 7), item('o', 7)])), ['q'], 'dropped of a tie');
    eq(ids(await a.put([item('n', 8), item('m', 8), item('l', 8)])), ['p', 'o', 'n'], 'dropped of a big batch');
    eq(ids(await a.oldest(10, new Set())), ['m', 'l'], 'kept');
  });

  check('oldest gives at most n, oldest first, leaving out `skip` (n = 0 gives none, Infinity all)', async () => {
    const { a } = setup();
    await a.put([1, 2, 3, 4, 5].map((i) => item(`i${i}`, i)));
    eq(ids(await a.oldest(2, new Set())), ['i1', 'i2'], 'n');
    eq(ids(await a.oldest(2, new Set(['i1', 'i3', 'nope']))), ['i2', 'i4'], 'skip');
    eq(ids(await a.oldest(10, new Set(['i1', 'i2', 'i3', 'i4', 'i5']))), [], 'all skipped');
    eq(await a.oldest(0, new Set()), [], 'n = 0');
    eq(ids(await a.oldest(Infinity, new Set(['i2']))), ['i1', 'i3', 'i4', 'i5'], 'n = Infinity');
  });

  check("an instance's own leases never hold it back: oldest again gives the same items", async () => {
    const { a } = setup();
    await a.put([item('a', 1), item('b', 2)]);
    eq(ids(await a.oldest(1, new Set())), ['a'], 'first');
    eq(ids(await a.oldest(10, new Set())), ['a', 'b'], 'again');
  });

  check('delete removes one item (a missing id is no error); release keeps it', async () => {
    const { a } = setup();
    await a.put([item('a', 1), item('b', 2), item('c', 3)]);
    await a.oldest(10, new Set());
    await a.delete('b');
    await a.delete('never-stored');
    await a.release('a');
    await a.release('never-stored');
    eq(await a.count(), 2, 'count');
    eq(ids(await a.oldest(10, new Set())), ['a', 'c'], 'left');
  });

  check('put of a batch with one id twice keeps the last', async () => {
    const { a } = setup();
    await a.put([item('x', 1), { ...item('x', 2), body: 'last' }]);
    eq(await a.oldest(10, new Set()), [{ ...item('x', 2), body: 'last' }], 'oldest');
    eq(await a.count(), 1, 'count');
  });

  check('the old call form: a number is `max`', async () => {
    const s = make(2);
    try {
      await s.put([item('contract-number-form-1', 1), item('contract-number-form-2', 2), item('contract-number-form-3', 3)]);
      eq(await s.count(), 2, 'count');
    } finally {
      for (const i of await s.oldest(10, new Set())) await s.delete(i.id);
    }
  });

  between('a second instance sees what the first put, and the first sees its deletes', async () => {
    const { a, open } = setup();
    const b = open();
    await a.put([item('a', 1), item('b', 2)]);
    eq(await b.count(), 2, 'count in b');
    await b.delete('a');
    eq(ids(await a.oldest(10, new Set())), ['b'], 'left in a');
  });

  between('what one instance leases, another does not get (it gets the next oldest)', async () => {
    const { a, open } = setup();
    const b = open();
    await a.put([1, 2, 3, 4, 5].map((i) => item(`i${i}`, i)));
    eq(ids(await a.oldest(2, new Set())), ['i1', 'i2'], 'a');
    eq(ids(await b.oldest(10, new Set())), ['i3', 'i4', 'i5'], 'b');
    eq(ids(await a.oldest(10, new Set())), ['i1', 'i2'], 'a again: what b holds is held from a');
    eq(await b.count(), 5, 'leased items are still counted');
  });

  between('a lease lasts `leaseMs`: held 1 ms before, free at the end', async () => {
    const { a, open, clock } = setup({ leaseMs: 1000 });
    const b = open();
    await a.put([item('a', 1)]);
    await a.oldest(1, new Set());
    clock.t += 999;
    eq(ids(await b.oldest(1, new Set())), [], 'held');
    clock.t += 1;
    eq(ids(await b.oldest(1, new Set())), ['a'], 'expired: b takes it');
    eq(ids(await a.oldest(1, new Set())), [], 'and now b holds it');
  });

  between('the default lease is 30 s', async () => {
    const { a, open, clock } = setup({ leaseMs: undefined });
    const b = open();
    await a.put([item('a', 1)]);
    await a.oldest(1, new Set());
    clock.t += 29_999;
    eq(ids(await b.oldest(1, new Set())), [], 'held');
    clock.t += 1;
    eq(ids(await b.oldest(1, new Set())), ['a'], 'expired');
  });

  between('the holder re-takes its own expired items, which renews the lease', async () => {
    const { a, open, clock } = setup({ leaseMs: 1000 });
    const b = open();
    await a.put([item('a', 1)]);
    await a.oldest(1, new Set());
    clock.t += 1500;
    eq(ids(await a.oldest(1, new Set())), ['a'], 'a again');
    clock.t += 500;
    eq(ids(await b.oldest(1, new Set())), [], 'renewed: held from b');
  });

  between('release gives an item back to the others; only its holder can release it', async () => {
    const { a, open } = setup();
    const b = open();
    await a.put([item('a', 1), item('b', 2)]);
    eq(ids(await a.oldest(1, new Set())), ['a'], 'a leases a');
    await b.release('a');
    eq(ids(await b.oldest(10, new Set())), ['b'], 'b cannot release what a holds');
    await a.release('a');
    eq(ids(await b.oldest(10, new Set())), ['a', 'b'], 'released by a: b gets it');
    eq(await a.count(), 2, 'release deletes nothing');
  });

  between('a leased item deleted by its holder is gone for everyone', async () => {
    const { a, open, clock } = setup();
    const b = open();
    await a.put([item('a', 1), item('b', 2)]);
    await a.oldest(1, new Set());
    await a.delete('a');
    clock.t += 10_000;
    eq(ids(await b.oldest(10, new Set())), ['b'], 'b');
  });

  between('a lease set by a clock far ahead (the clock went back since) does not hold beyond leaseMs', async () => {
    const { a, open, clock } = setup({ leaseMs: 1000 });
    const ahead = open({ now: () => clock.t + 3_600_000 });
    await a.put([item('a', 1)]);
    eq(ids(await ahead.oldest(1, new Set())), ['a'], 'leased an hour ahead');
    eq(ids(await a.oldest(1, new Set())), ['a'], 'not held for an hour');
  });

  between("each holder's own leaseMs decides how long its lease lasts", async () => {
    const { a, open, clock } = setup({ leaseMs: 1000 });
    const long = open({ leaseMs: 5000 });
    await a.put([item('a', 1)]);
    eq(ids(await long.oldest(1, new Set())), ['a'], 'leased for 5 s');
    clock.t += 4999;
    eq(ids(await a.oldest(1, new Set())), [], 'held after 1 s');
    clock.t += 1;
    eq(ids(await a.oldest(1, new Set())), ['a'], 'free after 5 s');
  });

  between('two instances asking at once never get the same item, and between them get all', async () => {
    const { a, open } = setup();
    const b = open();
    await a.put(Array.from({ length: 10 }, (_, i) => item(`i${i}`, i)));
    const [x, y] = await Promise.all([a.oldest(10, new Set()), b.oldest(10, new Set())]);
    const all = [...ids(x), ...ids(y)];
    eq(all.length, new Set(all).size, `no id twice (a: ${ids(x)}; b: ${ids(y)})`);
    eq(all.length, 10, 'all handed out');
  });

  return checks;
}
