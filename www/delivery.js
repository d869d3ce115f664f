// tattle's delivery policy: how envelopes the core built reach the server without loss and
// without hammering it. Pure JavaScript with everything it touches passed in (fetch, the
// offline store, the clock, timers, randomness), so node's test runner checks the policy on its
// own (tests/unit/delivery.test.mjs) and the browser and worker entries share it.
//
// - A burst's first envelope leaves at once (alerts stay real-time); the ones after it wait for
//   a short window and leave together, or sooner when enough have gathered; at most
//   `maxInFlight` requests at a time. One event per envelope, as the protocol wants.
// - Rate limits: X-Sentry-Rate-Limits on every answer (200 too), else Retry-After, else 60 s for
//   a bare 429, per category. Nothing of a limited category is sent; what is dropped is counted.
// - Faults: a network failure or 5xx moves the envelope, and everything waiting, to the store and
//   retries after an exponential backoff with jitter, on `online`, or on the next page load. A
//   413 or another 4xx is never retried. An envelope is sent again only after a failure, so an
//   event id that the server accepted is never sent twice.
// - Client reports: every drop is counted by (reason, category) and reported in a
//   `client_report` envelope a while after the first drop, on hide, and on flush.

export const DEFAULTS = {
  batchDelay: 1000, // ms a burst's followers wait, gathering
  batchSize: 10, // followers that leave at once when this many wait
  maxInFlight: 4,
  maxQueue: 100, // envelopes waiting in memory; beyond, they wait in the store
  retryBase: 1000, // first backoff; doubles per failure, ±50 % jitter
  maxRetryDelay: 60000,
  reportDelay: 30000, // a client report goes this long after the first drop it counts
  compress: true, // gzip bodies over 1 KiB where CompressionStream exists
};

const KEEPALIVE_BUDGET = 60000; // browsers allow 64 KiB of keepalive bodies in flight
const KEEPALIVE_MAX = 15;
const encoder = new TextEncoder();

/**
 * Reads a server's answer into `limits` (category → until, ms; '' = every category).
 * `header(name)` returns a response header or null.
 */
export function updateRateLimits(limits, status, header, now) {
  const set = (category, seconds) => {
    const until = now + (Number.isFinite(seconds) && seconds >= 0 ? seconds : 60) * 1000;
    if (!(limits.get(category) >= until)) limits.set(category, until);
  };
  const sentry = header('x-sentry-rate-limits');
  if (sentry) {
    for (const limit of sentry.split(',')) {
      const [seconds, categories = ''] = limit.trim().split(':');
      if (!seconds) continue;
      const s = Number.parseFloat(seconds);
      for (const category of categories ? categories.split(';') : ['']) set(category, s);
    }
    return;
  }
  const retryAfter = header('retry-after');
  if (retryAfter) {
    const s = Number(retryAfter);
    set('', Number.isNaN(s) ? (Date.parse(retryAfter) - now) / 1000 : s);
  } else if (status === 429) {
    set('', 60);
  }
}

/** When `category`'s limit ends (ms), or 0 when it is not limited at `now`. */
export function limitedUntil(limits, category, now) {
  const until = Math.max(limits.get('') || 0, limits.get(category) || 0);
  return until > now ? until : 0;
}

/**
 * Creates the delivery for one client.
 * env: { fetch(url, init) → Promise<Response>, store (see store.js), now() ms,
 *        setTimeout, clearTimeout, random() → [0, 1), log(...args), options (see DEFAULTS),
 *        tunnelDsn (string, with `tunnel`) }
 * Items are { id, url, body (string), category }; `id` is the event id (or any unique string).
 */
export function createDelivery(env) {
  const o = { ...DEFAULTS, ...env.options };
  const { store, now } = env;
  const limits = new Map();
  const queue = [];
  const inFlight = new Map(); // id → item
  const discards = new Map(); // "reason\0category" → count
  const finished = new Set(); // stored ids delivered or given up on: never sent again (bounded)
  const idle = []; // flush waiters
  let url = '';
  let lastBatch = -Infinity;
  let batchTimer;
  let retryTimer;
  let reportTimer;
  let failures = 0;
  let offline = false; // after a failure: everything goes to the store until a retry gets through
  let unloading = false;
  let storeBusy = 0; // store operations under way (flush waits for them)
  let storedHint = false; // the store may hold envelopes
  let keepaliveBytes = 0;
  let keepaliveCount = 0;
  let firstDrop = 0;

  const later = (fn, ms) => env.setTimeout(fn, Math.max(0, ms));
  const cancel = (t) => t !== undefined && env.clearTimeout(t);

  function count(reason, category = 'error', quantity = 1) {
    if (quantity <= 0) return;
    if (!discards.size) firstDrop = now();
    const key = `${reason}\0${category}`;
    discards.set(key, (discards.get(key) || 0) + quantity);
    if (reportTimer === undefined) reportTimer = later(() => { reportTimer = undefined; report(); }, o.reportDelay);
  }

  function settleIdle() {
    if (queue.length || inFlight.size || storeBusy) return;
    const all = !storedHint;
    for (const resolve of idle.splice(0)) resolve(all);
  }

  async function storeOp(fn) {
    storeBusy++;
    try {
      return await fn();
    } catch (e) {
      env.log('offline store failed', e);
    } finally {
      storeBusy--;
      settleIdle();
    }
  }

  function persist(items) {
    if (!items.length) return;
    storedHint = true;
    storeOp(async () => {
      const dropped = await store.put(items.map(({ id, url: u, body, category }) => ({ id, url: u, body, category, at: now() })));
      for (const item of dropped || []) count('queue_overflow', item.category);
    });
  }

  // The next retry after one more failure: exponential backoff with ±50 % jitter.
  function backOff() {
    cancel(retryTimer);
    retryTimer = later(retry, Math.min(o.maxRetryDelay, o.retryBase * 2 ** failures++) * (0.5 + env.random()));
  }

  function goOffline(items) {
    offline = true;
    persist(items.concat(queue.splice(0)));
    backOff();
  }

  function retry() {
    cancel(retryTimer);
    retryTimer = undefined;
    drainStore();
  }

  // Takes envelopes from the store: one while offline (a probe), else as many as may fly.
  function drainStore() {
    if (!storedHint || unloading || retryTimer !== undefined) return;
    const room = offline ? (inFlight.size ? 0 : 1) : o.maxInFlight - inFlight.size;
    if (room <= 0) return;
    const until = limitedUntil(limits, 'error', now());
    if (until) {
      retryTimer = later(retry, until - now());
      return;
    }
    storeOp(async () => {
      const items = await store.oldest(room, new Set([...inFlight.keys(), ...finished]));
      if (!items.length) {
        if (!inFlight.size) storedHint = false;
        return;
      }
      for (const item of items) if (!inFlight.has(item.id) && !finished.has(item.id)) start({ ...item, stored: true });
    });
  }

  async function bodyOf(item) {
    const bytes = encoder.encode(item.body);
    if (!o.compress || bytes.length < 1024 || typeof CompressionStream !== 'function') return { bytes };
    try {
      const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
      return { bytes: new Uint8Array(await new Response(stream).arrayBuffer()), gzip: true };
    } catch {
      return { bytes };
    }
  }

  function start(item) {
    const size = item.body.length * 3; // an upper bound of its UTF-8 length, without encoding it
    const keepalive = keepaliveBytes + size <= KEEPALIVE_BUDGET && keepaliveCount < KEEPALIVE_MAX;
    if (unloading && !keepalive) {
      // A plain request dies with the page: keep it for the next one instead.
      if (!item.stored && !item.report) persist([item]);
      return;
    }
    inFlight.set(item.id, item);
    if (keepalive) {
      keepaliveBytes += size;
      keepaliveCount++;
    }
    // The request goes once: compressed when that finishes first, plain when the page is going.
    item.launch = (bytes, gzip) => {
      if (!item.request) {
        const headers = { 'Content-Type': 'text/plain;charset=UTF-8' };
        if (gzip) headers['Content-Encoding'] = 'gzip';
        item.request = env.fetch(item.url, { method: 'POST', body: bytes, headers, keepalive });
      }
      return item.request;
    };
    const request = unloading ? item.launch(encoder.encode(item.body)) : bodyOf(item).then((b) => item.launch(b.bytes, b.gzip));
    request.then(
      (res) => settle(item, res.status, (name) => res.headers.get(name)),
      (err) => {
        env.log('could not send:', err);
        settle(item, 0, () => null);
      },
    ).finally(() => {
      if (keepalive) {
        keepaliveBytes -= size;
        keepaliveCount--;
      }
    });
  }

  function settle(item, status, header) {
    inFlight.delete(item.id);
    const t = now();
    updateRateLimits(limits, status, header, t);
    const done = () => {
      if (!item.stored) return;
      // Until its delete has gone through, a store read must not hand it out again.
      finished.add(item.id);
      if (finished.size > 1000) finished.delete(finished.values().next().value);
      storeOp(() => store.delete(item.id));
    };
    if (status >= 200 && status < 300) {
      done();
      failures = 0;
      cancel(retryTimer);
      retryTimer = undefined;
      if (offline) {
        offline = false;
        storedHint = true;
      }
    } else if (item.report) {
      // a client report is not worth a retry
    } else if (status === 429) {
      done();
      count('ratelimit_backoff', item.category);
    } else if (status >= 400 && status < 500) {
      done(); // a 413, or anything else the server will always refuse
      count('send_error', item.category);
      env.log('server refused an envelope with', status);
    } else if (item.stored && offline) {
      backOff();
    } else if (!offline) {
      goOffline(item.stored ? [] : [item]);
    } else if (!item.stored) {
      persist([item]);
    }
    if (!offline) {
      pump();
      drainStore();
    }
    settleIdle();
  }

  function pump() {
    cancel(batchTimer);
    batchTimer = undefined;
    lastBatch = now();
    while (queue.length && inFlight.size < o.maxInFlight && !offline) start(queue.shift());
  }

  function schedule() {
    const t = now();
    if (unloading || queue.length >= o.batchSize || t - lastBatch >= o.batchDelay) pump();
    else if (batchTimer === undefined) batchTimer = later(pump, lastBatch + o.batchDelay - t);
  }

  function report(final) {
    cancel(reportTimer);
    reportTimer = undefined;
    if (!discards.size || !url) return;
    const until = limitedUntil(limits, 'internal', now());
    if (until) {
      if (!final) reportTimer = later(report, until - now());
      return;
    }
    const discarded_events = [];
    for (const [key, quantity] of discards) {
      const [reason, category] = key.split('\0');
      discarded_events.push({ reason, category, quantity });
    }
    discards.clear();
    const payload = JSON.stringify({ timestamp: now() / 1000, discarded_events });
    const head = { sent_at: new Date(now()).toISOString() };
    if (env.tunnelDsn) head.dsn = env.tunnelDsn;
    const body = `${JSON.stringify(head)}\n${JSON.stringify({ type: 'client_report', length: encoder.encode(payload).length })}\n${payload}`;
    start({ id: `report-${now()}-${env.random()}`, url, body, category: 'internal', report: true });
  }

  return {
    /** Where client reports go (the core's envelope URL). */
    set url(u) { url = u; },
    count,
    /** Takes an envelope the core built. */
    add(item) {
      url = item.url;
      if (inFlight.has(item.id) || finished.has(item.id)) return;
      if (limitedUntil(limits, item.category, now())) {
        count('ratelimit_backoff', item.category);
      } else if (offline) {
        persist([item]);
      } else if (queue.length >= o.maxQueue) {
        persist([item]); // the memory queue is full: the store takes the overflow (and bounds it)
      } else {
        queue.push(item);
        schedule();
      }
    },
    /** Sends what is waiting now; `unload` when the page goes away (fetch at once, keepalive). */
    hide(unload) {
      unloading = unload;
      // Requests still waiting for their compression leave now, plain, in this task.
      if (unload) for (const item of inFlight.values()) item.launch(encoder.encode(item.body));
      if (offline) persist(queue.splice(0));
      else pump();
      report(true);
      if (unload) {
        // What could not start (too many in flight) goes to the store for the next page.
        persist(queue.splice(0));
      }
    },
    /** The page is back (bfcache) or the network is: go on normally. */
    resume() {
      unloading = false;
      if (offline) retry();
    },
    /** Starts on the envelopes an earlier page stored. */
    start() {
      storedHint = true;
      drainStore();
    },
    /**
     * Resolves true once everything captured so far was sent, false when some waits in the store.
     * The client report goes along; with `reportIfDue` (a worker flushing after every request)
     * only once its first drop is `reportDelay` old, so reports stay batched.
     */
    flush(reportIfDue) {
      if (!offline) pump();
      if (!reportIfDue || now() - firstDrop >= o.reportDelay) report(true);
      return new Promise((resolve) => {
        idle.push(resolve);
        settleIdle();
      });
    },
    stats: () => ({ queued: queue.length, inFlight: inFlight.size, offline, failures, discards: Object.fromEntries(discards) }),
  };
}
