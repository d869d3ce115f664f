// The offline stores: envelopes that could not be sent wait here for the backoff, `online`, or
// the next page load (IndexedDB) or invocation (memory, in workers). Both have one shape; when
// IndexedDB is missing or refuses (private modes, opaque origins) it falls back to memory.
// Self-contained (no imports): a Rust app's wasm-bindgen output includes this file as a snippet.

/** A store that keeps envelopes in memory: for runtimes without IndexedDB (workers). */
export function memoryStore(max = 100) {
  let items = [];
  return {
    async put(batch) {
      const ids = new Set(batch.map((i) => i.id));
      items = items.filter((i) => !ids.has(i.id)).concat(batch);
      return items.length > max ? items.splice(0, items.length - max) : [];
    },
    async delete(id) { items = items.filter((i) => i.id !== id); },
    async oldest(n, skip) { return items.filter((i) => !skip.has(i.id)).slice(0, n); },
  };
}


const DB = 'tattle';
const STORE = 'envelopes';

/** An IndexedDB store of at most `max` envelopes; the oldest go first when it is full. */
export function idbStore(max = 1000) {
  let fallback;
  const opened = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' }).createIndex('at', 'at');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB blocked'));
  }).catch(() => {
    fallback = memoryStore(max);
    return null;
  });

  // Runs `fn(objectStore)` in one transaction and resolves when it has committed.
  async function tx(mode, fn) {
    const db = await opened;
    if (!db) return undefined;
    const t = db.transaction(STORE, mode);
    const result = fn(t.objectStore(STORE));
    await new Promise((resolve, reject) => {
      t.oncomplete = resolve;
      t.onerror = t.onabort = () => reject(t.error);
    });
    return result;
  }

  // Oldest first, skipping `skip` ids, at most `n` (all when n is Infinity).
  const walk = (os, n, skip, each) => new Promise((resolve, reject) => {
    const req = os.index('at').openCursor();
    let left = n;
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor || left <= 0) return resolve();
      if (true) {
        each(cursor);
        left--;
      }
      cursor.continue();
    };
  });

  return {
    async put(items) {
      await opened;
      if (fallback) return fallback.put(items);
      const dropped = [];
      await tx('readwrite', (os) => {
        for (const item of items) os.put(item);
        const counted = os.count();
        counted.onsuccess = () => {
          const over = counted.result - max;
          if (over > 0) {
            walk(os, over, new Set(), (cursor) => {
              dropped.push(cursor.value);
              cursor.delete();
            });
          }
        };
      });
      return dropped;
    },
    async delete(id) {
      await opened;
      if (fallback) return fallback.delete(id);
      await tx('readwrite', (os) => os.delete(id));
    },
    async oldest(n, skip) {
      await opened;
      if (fallback) return fallback.oldest(n, skip);
      const items = [];
      await tx('readonly', (os) => walk(os, n, skip, (cursor) => items.push(cursor.value)));
      return items;
    },
  };
}
