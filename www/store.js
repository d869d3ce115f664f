// The offline stores: envelopes that could not be sent wait here for the backoff, `online`, or
// the next page load (IndexedDB) or invocation (memory, in workers). Both have one shape; when
// IndexedDB is missing or refuses (private modes, opaque origins) it falls back to memory.
// Self-contained (no imports): a Rust app's wasm-bindgen output includes this file as a snippet.
//
// The contract (tests/support/store_contract.mjs checks it against both):
//   put(items) → Promise<dropped[]>   items { id, url, body, category, at }; replaces by id (lease
//       included); beyond `max` the oldest (by `at`, ties by insertion) are dropped and returned.
//   oldest(n, skip) → Promise<items[]>   the oldest n whose id is not in `skip` and that no other
//       store instance holds, leased to this instance for `leaseMs` (read and lease are one
//       transaction: two tabs never get the same item). An instance's own leases don't stop it.
//   release(id)   gives a leased item back without deleting it.   delete(id)   removes it.
//   count() → Promise<number>
// Options: { max, leaseMs = 30000, now = Date.now, name = 'tattle' } or just `max`.

const opts = (o) => (typeof o === 'number' ? { max: o } : o || {});
const strip = ({ seq, lease, ...item }) => item;
const byAge = (a, b) => a.at - b.at || a.seq - b.seq;

/**
 * A store that keeps envelopes in memory: for runtimes without IndexedDB (workers). One instance
 * is its only reader, so its leases never hold anything back (`leaseMs` and `now` are unused).
 */
export function memoryStore(o) {
  const { max = 100 } = opts(o);
  let items = []; // oldest first
  let seq = 0;
  return {
    async put(batch) {
      const fresh = new Map(batch.map((i) => [i.id, { ...i, seq: ++seq }]));
      items = items.filter((i) => !fresh.has(i.id)).concat([...fresh.values()]).sort(byAge);
      return items.splice(0, Math.max(0, items.length - max)).map(strip);
    },
    async oldest(n, skip = new Set()) {
      const out = [];
      for (const i of items) {
        if (out.length >= n) break;
        if (!skip.has(i.id)) out.push(strip(i));
      }
      return out;
    },
    async release() {},
    async delete(id) { items = items.filter((i) => i.id !== id); },
    async count() { return items.length; },
  };
}

const STORE = 'envelopes';
const META = 'meta'; // key 0: the last insertion number

/**
 * An IndexedDB store of at most `max` envelopes, shared by the tabs of a site; the oldest go
 * first when it is full. Records carry `seq` (insertion order, for ties of `at`) and
 * `lease: { by, since, until }` (the instance's random token; ms).
 */
export function idbStore(o) {
  o = opts(o);
  const { max = 1000, leaseMs = 30000, now = Date.now, name = 'tattle' } = o;
  const me = String(Math.random()).slice(2);
  const req = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  let fallback;
  const opened = new Promise((resolve, reject) => {
    const r = indexedDB.open(name, 2);
    r.onupgradeneeded = () => {
      const db = r.result;
      const t = r.transaction;
      const os = db.objectStoreNames.contains(STORE) ? t.objectStore(STORE) : db.createObjectStore(STORE, { keyPath: 'id' });
      db.createObjectStore(META);
      os.createIndex('age', ['at', 'seq']);
      if (os.indexNames.contains('at')) {
        // Version 1 had an index on `at` alone and no insertion order: number what waits.
        os.deleteIndex('at');
        let seq = 0;
        os.openCursor().onsuccess = ({ target: { result: c } }) => {
          if (!c) return t.objectStore(META).put(seq, 0);
          c.update({ ...c.value, seq: ++seq });
          c.continue();
        };
      }
    };
    r.onsuccess = () => {
      r.result.onversionchange = () => r.result.close(); // a newer tattle in another tab upgrades
      resolve(r.result);
    };
    r.onerror = r.onblocked = reject;
  }).catch(() => {
    fallback = memoryStore({ ...o, max });
  });

  // Runs `fn(envelopes, transaction)` in one transaction; resolves with its result once committed.
  const tx = async (mode, fn, stores = STORE) => {
    const t = (await opened).transaction(stores, mode);
    return (await Promise.all([
      fn(t.objectStore(STORE), t),
      new Promise((resolve, reject) => {
        t.oncomplete = resolve;
        t.onerror = t.onabort = () => reject(t.error);
      }),
    ]))[0];
  };

  // Oldest first while `each(cursor)` says go on.
  const walk = (os, each) => new Promise((resolve, reject) => {
    const r = os.index('age').openCursor();
    r.onerror = () => reject(r.error);
    r.onsuccess = () => (r.result && each(r.result) ? r.result.continue() : resolve());
  });

  const store = {
    async put(items) {
      const dropped = [];
      await tx('readwrite', async (os, t) => {
        const meta = t.objectStore(META);
        let seq = (await req(meta.get(0))) || 0;
        for (const i of items) os.put({ ...i, seq: ++seq });
        meta.put(seq, 0);
        let over = (await req(os.count())) - max;
        if (over > 0) {
          await walk(os, (c) => {
            dropped.push(strip(c.value));
            c.delete();
            return --over > 0;
          });
        }
      }, [STORE, META]);
      return dropped;
    },
    async oldest(n, skip = new Set()) {
      const out = [];
      let t;
      if (n > 0) {
        await tx('readwrite', (os) => walk(os, (c) => {
          // The clock is read inside the transaction: it may have waited behind another tab's,
          // whose leases (committed before) must not look as if they began in the future.
          if (t === undefined) t = now();
          const v = c.value;
          const l = v.lease;
          // Another's lease holds until it ends, unless it began after now: the clock went back.
          if (!skip.has(v.id) && (!l || l.by === me || l.until <= t || l.since > t)) {
            v.lease = { by: me, since: t, until: t + leaseMs };
            c.update(v);
            out.push(strip(v));
          }
          return out.length < n;
        }));
      }
      return out;
    },
    release: (id) => tx('readwrite', async (os) => {
      const v = await req(os.get(id));
      if (v && v.lease && v.lease.by === me) {
        delete v.lease;
        os.put(v);
      }
    }),
    delete: (id) => tx('readwrite', (os) => { os.delete(id); }),
    count: () => tx('readonly', (os) => req(os.count())),
  };
  const api = {};
  for (const k in store) api[k] = async (...a) => (await opened, fallback || store)[k](...a);
  return api;
}
