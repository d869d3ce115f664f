// The offline store contract (tests/support/store_contract.mjs) under node's test runner, where
// there is no IndexedDB: memoryStore, and idbStore, which must fall back to a memory store with
// the same options. Instances of a memory store share nothing, so the checks between two
// instances are reported as skipped (the e2e run in Chromium and Firefox does them on IndexedDB).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { idbStore, memoryStore } from '../../www/store.js';
import { contract, item } from '../support/store_contract.mjs';

function run(label, make) {
  describe(label, () => {
    for (const c of contract({ make, shared: false })) test(c.name, { skip: c.skip }, c.run);
  });
}

run('memoryStore', memoryStore);
run('idbStore without IndexedDB (memory fallback)', idbStore);

test('idbStore falls back with its own default max (1000), not the memory default (100)', async () => {
  assert.equal(typeof globalThis.indexedDB, 'undefined');
  const s = idbStore();
  const dropped = await s.put(Array.from({ length: 1001 }, (_, i) => item(`i${i}`, i)));
  assert.deepEqual(dropped.map((i) => i.id), ['i0']);
  assert.equal(await s.count(), 1000);
  assert.equal(await memoryStore().put(Array.from({ length: 101 }, (_, i) => item(`i${i}`, i))).then((d) => d.length), 1);
});

test('memoryStore keeps copies: changing an item after put or after oldest changes nothing stored', async () => {
  const s = memoryStore();
  const x = item('x', 1);
  await s.put([x]);
  x.body = 'changed';
  const [got] = await s.oldest(1, new Set());
  got.body = 'changed too';
  assert.deepEqual(await s.oldest(1, new Set()), [item('x', 1)]);
});
