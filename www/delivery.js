// tattle's delivery policy: how envelopes the core built reach the server in real time, without
// loss and without hammering it. Pure JavaScript with everything it touches passed in (fetch, the
// offline store, the clock, timers, randomness), so node's test runner checks the policy on its
// own (tests/unit/delivery.test.mjs). The browser entry, the worker entry and the crate's Rust
// API (which includes this file as a wasm-bindgen snippet: hence no imports) all use it.
//
// The policy, as a state machine (`state`):
//   online   An envelope leaves the moment it is built, up to `maxInFlight` requests at once;
//            only a full cap makes it wait (in memory, within a byte budget; beyond it, in the
//            store), and it leaves the moment a slot frees. No time window.
//   backoff  A network failure, a timeout or a 5xx: that envelope and everything waiting go to
//            the store, and a retry is due after an exponential backoff with jitter. Meanwhile
//            new envelopes go to the store too.
//   probing  The retry: one stored envelope goes alone. An answer other than a 5xx means the
//            server is reachable (→ online, and the store drains); a failure → backoff, longer.
// Orthogonal to the state, per category: rate limits (X-Sentry-Rate-Limits on every answer, 200
// too, else Retry-After, else 60 s for a bare 429). A fresh envelope of a limited category is
// dropped and counted; a stored one waits in the store for its limit to end. A 413 or another 4xx
// is never retried (counted). Every exit of every state schedules its next step.
//
// Lanes: at the edge, I/O started in one invocation belongs to it (workerd ends an invocation
// and closes its fetches when its waitUntil promises settle). So each invocation gets a lane: an
// envelope captured in it is fetched from it, with a timeout inside the invocation's budget, and
// `lane.done()` is what the invocation hands to `ctx.waitUntil`. No lane starts or waits on
// another's requests; lanes share plain data only (rate limits, backoff, drop counts, the store).
// A browser page is one lane that lives as long as the page.

export const DEFAULTS = {
  maxInFlight: 8, // requests at once, per lane
  maxBacklogBytes: 1000000, // envelopes waiting for a slot, in memory; beyond, they wait in the store
  retryBase: 1000, // first backoff; doubles per failure, ±50 % jitter
  maxRetryDelay: 60000,
  reportDelay: 30000, // a client report goes this long after the first drop it counts
  reportTimer: true, // false at the edge: reports leave with a lane's done(), never from a timer
  timeout: 0, // ms a request may take (0: no limit); a lane's budget bounds it too
  compress: false, // gzip bodies of at least compressMin bytes where CompressionStream exists
  compressMin: 16384,
};

const READ_AHEAD = 24; // stored envelopes read beyond the free slots, to wait in the queue
const KEEPALIVE_BUDGET = 60000; // browsers allow 64 KiB of keepalive bodies in flight
const KEEPALIVE_MAX = 15;
// Drops that a filter the user set (or asked for) made: they do not make flush() false.
const FILTERS = new Set(['before_send', 'event_processor', 'sample_rate']);
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
 * The returned object is the main lane (a page's) plus `lane(deadline)` for edge invocations.
 */
export function createDelivery(env) {
  const o = { ...DEFAULTS, ...env.options };
  const { store, now } = env;
  const limits = new Map();
  const discards = new Map(); // "reason\0category" → count
  const finished = new Set(); // stored ids delivered or given up on: never sent again (bounded)
  const busy = new Set(); // stored ids some lane is sending
  let url = '';
  let state = 'online';
  let failures = 0;
  let retryAt = 0; // when backoff may probe again
  let storedHint = false; // the store may hold envelopes
  let backlogBytes = 0; // bodies waiting in memory, all lanes
  let keepaliveBytes = 0;
  let keepaliveCount = 0;
  let unloading = false;
  let firstDrop = 0;
  let reportTimer;

  const later = (fn, ms) => env.setTimeout(fn, Math.max(0, ms));
  const cancel = (t) => t !== undefined && env.clearTimeout(t);

  /** Counts a drop for the client report; a lane's own losses make its done()/flush() false. */
  function count(reason, category = 'error', quantity = 1, lane = main) {
    if (!(quantity > 0)) return;
    if (!discards.size) firstDrop = now();
    const key = `${reason}\0${category}`;
    discards.set(key, (discards.get(key) || 0) + quantity);
    if (!FILTERS.has(reason) && lane) lane.lost = true;
    if (o.reportTimer && reportTimer === undefined) reportTimer = later(() => { reportTimer = undefined; main.report(); }, o.reportDelay);
  }

  function makeLane(deadline = Infinity) {
    const queue = []; // waiting for a slot
    const waiters = []; // done()/flush() callers
    let inFlight = 0;
    let storeBusy = 0;
    let retryTimer;
    let reading = false; // a read from the store is under way
    let stored = false; // this lane put envelopes into the store (not sent yet)

    const budget = () => deadline - now();
    // A lane with a deadline (an edge invocation) has one timer and one AbortController for all
    // its requests, armed while something is under way: at the deadline what is in flight is
    // aborted (once workerd ends the invocation its promise would never settle), what waits goes
    // to the store for the next invocation, and done() resolves.
    const finite = deadline !== Infinity;
    let deadlineTimer;
    let laneAbort;
    function arm() {
      if (finite && deadlineTimer === undefined) deadlineTimer = later(expire, budget());
    }
    const flying = new Set(); // this lane's requests, each with `cut` to reject it at the deadline
    function expire() {
      deadlineTimer = undefined;
      if (laneAbort) laneAbort.abort();
      laneAbort = undefined;
      // A fetch that ignores the signal (a polyfill) is given up on all the same.
      for (const item of flying) item.cut(new Error('the invocation\'s time is up'));
      lane.close();
      for (const resolve of waiters.splice(0)) resolve(false);
    }

    function settleIdle() {
      // An invocation waits for its own retries (they are within its budget); a page's flush
      // does not wait out a backoff: what waits in the store makes it false.
      if (queue.length || inFlight || storeBusy || (retryTimer !== undefined && finite)) return;
      if (deadlineTimer !== undefined) {
        cancel(deadlineTimer);
        deadlineTimer = undefined;
      }
      // A page's flush is true only with the store empty; an invocation's, when what it stored
      // has gone since (the store drained).
      const ok = !lane.lost && !(storedHint && (stored || deadline === Infinity));
      for (const resolve of waiters.splice(0)) resolve(ok);
    }

    async function storeOp(fn) {
      storeBusy++;
      arm();
      try {
        return await fn();
      } catch (e) {
        env.log('offline store failed', e);
        return undefined;
      } finally {
        storeBusy--;
        settleIdle();
      }
    }

    let spill = []; // envelopes on their way to the store: a burst's go in one transaction
    function persist(items) {
      const fresh = [];
      for (const item of items) {
        if (item.stored) giveBack(item);
        else fresh.push(item);
      }
      if (!fresh.length) return;
      storedHint = true;
      stored = true;
      if (spill.length) {
        spill.push(...fresh);
        return;
      }
      spill = fresh;
      storeOp(async () => {
        await Promise.resolve(); // the rest of this task's spill joins the batch
        const batch = spill;
        spill = [];
        const at = now();
        const dropped = await store.put(batch.map(({ id, url: u, body, category }) => ({ id, url: u, body, category, at })));
        for (const item of dropped || []) count('queue_overflow', item.category, 1, lane);
      });
    }

    // A stored envelope that waits for a later try: its lease goes back to the store.
    function giveBack(item) {
      busy.delete(item.id);
      storeOp(() => store.release && store.release(item.id));
    }

    // The next step after a failure: a probe after the backoff, within this lane's budget. At the
    // edge, past the budget, the next invocation's lane probes instead.
    function schedule(at) {
      cancel(retryTimer);
      retryTimer = undefined;
      if (at - now() < budget()) {
        retryTimer = later(() => { retryTimer = undefined; drain(); settleIdle(); }, at - now());
        arm();
      }
    }

    // Takes envelopes from the store: one while probing, else as many as may fly.
    function drain() {
      if (!storedHint || unloading) return;
      const t = now();
      if (state === 'backoff') {
        if (retryAt > t) return schedule(retryAt);
        state = 'probing';
      }
      const until = limitedUntil(limits, 'error', t);
      if (until) return schedule(until);
      const probing = state === 'probing';
      const room = probing ? (busy.size ? 0 : 1) : o.maxInFlight - inFlight;
      // Online, what was read ahead waits in the queue first; then one read takes a few more
      // than the free slots, so a long backlog drains in few store transactions.
      if (room <= 0 || (!probing && (queue.length || reading))) return;
      if (probing) busy.add('probe'); // one probe at a time, all lanes
      reading = true;
      storeOp(async () => {
        let items = [];
        try {
          items = await store.oldest(probing ? 1 : room + READ_AHEAD, new Set([...busy, ...finished]));
        } finally {
          busy.delete('probe');
          reading = false;
        }
        if (!items.length) {
          if (!busy.size) storedHint = false;
          if (state === 'probing') state = 'online';
          return;
        }
        for (const item of items) {
          if (busy.has(item.id) || finished.has(item.id)) continue;
          busy.add(item.id);
          const stored = { ...item, stored: true };
          if (inFlight < o.maxInFlight && state !== 'backoff' && !queue.length) start(stored);
          else if (state === 'backoff') giveBack(stored);
          else {
            backlogBytes += stored.body.length;
            queue.push(stored);
          }
        }
      });
    }

    async function bodyOf(item) {
      const bytes = encoder.encode(item.body);
      if (!o.compress || bytes.length < o.compressMin || typeof CompressionStream !== 'function') return { bytes };
      try {
        const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
        return { bytes: new Uint8Array(await new Response(stream).arrayBuffer()), gzip: true };
      } catch {
        return { bytes };
      }
    }

    function start(item) {
      const size = item.body.length * 3; // an upper bound of its UTF-8 length, without encoding it
      const keepalive = deadline === Infinity && keepaliveBytes + size <= KEEPALIVE_BUDGET && keepaliveCount < KEEPALIVE_MAX;
      if (unloading && !keepalive) {
        // A plain request dies with the page: keep it for the next one instead.
        if (!item.report) persist([item]);
        return;
      }
      inFlight++;
      if (keepalive) {
        keepaliveBytes += size;
        keepaliveCount++;
      }
      const limit = o.timeout || Infinity; // a lane's deadline is its own timer (arm)
      let abort;
      let timer;
      arm();
      // The request goes once: compressed when that finishes first, plain when the page is going.
      item.launch = (bytes, gzip) => {
        if (!item.request) {
          const headers = { 'Content-Type': 'text/plain;charset=UTF-8' };
          if (gzip) headers['Content-Encoding'] = 'gzip';
          const init = { method: 'POST', body: bytes, headers };
          if (keepalive) init.keepalive = true;
          if (typeof AbortController === 'function') {
            if (limit !== Infinity) abort = new AbortController();
            else if (finite) abort = laneAbort || (laneAbort = new AbortController());
            if (abort) init.signal = abort.signal;
          }
          try {
            item.request = env.fetch(item.url, init);
          } catch (e) {
            item.request = Promise.reject(e); // a fetch some script replaced, throwing: a failed send
          }
          if (finite) {
            flying.add(item);
            item.request = Promise.race([item.request, new Promise((_, reject) => { item.cut = reject; })]);
          }
          if (limit !== Infinity) {
            // A request that takes longer than `timeout`: give up on it, the backoff takes over.
            item.request = Promise.race([item.request, new Promise((_, reject) => {
              timer = later(() => { if (abort) abort.abort(); reject(new Error('timed out')); }, limit);
            })]);
          }
        }
        return item.request;
      };
      let request;
      if (o.compress && !unloading) {
        inFlightLaunch.add(item);
        request = bodyOf(item).then((b) => item.launch(b.bytes, b.gzip));
      } else {
        request = item.launch(item.body); // fetch encodes a string body as UTF-8 itself
      }
      request.then(
        (res) => settle(item, res.status, (name) => res.headers.get(name)),
        (err) => {
          env.log('could not send:', err);
          settle(item, 0, () => null);
        },
      ).finally(() => {
        cancel(timer);
        flying.delete(item);
        inFlightLaunch.delete(item);
        if (keepalive) {
          keepaliveBytes -= size;
          keepaliveCount--;
        }
      });
    }

    function settle(item, status, header) {
      inFlight--;
      const t = now();
      updateRateLimits(limits, status, header, t);
      const forget = () => { // a stored envelope that must never be sent again
        if (!item.stored) return;
        // Until its delete has gone through, a store read must not hand it out again.
        finished.add(item.id);
        if (finished.size > 1000) finished.delete(finished.values().next().value);
        busy.delete(item.id);
        storeOp(() => store.delete(item.id));
      };
      if (status === 0 || status >= 500) {
        if (!item.report) {
          // The server is unreachable or failing: this and everything waiting go to the store.
          persist([item]); // (a stored one goes back to waiting there)
        }
        persist(queue.splice(0).map(dequeue));
        if (state !== 'backoff') {
          state = 'backoff';
          retryAt = t + Math.min(o.maxRetryDelay, o.retryBase * 2 ** failures++) * (0.5 + env.random());
        }
        schedule(retryAt);
      } else {
        // Any other answer: the server is reachable.
        if (state !== 'online') storedHint = true;
        state = 'online';
        failures = 0;
        if (status === 429 && item.stored) {
          giveBack(item); // a stored envelope waits for its limit to end
          storedHint = true;
        } else {
          forget();
          if (item.report) {
            // a client report is not worth a retry
          } else if (status === 429) {
            count('ratelimit_backoff', item.category, 1, lane);
          } else if (status >= 400) {
            count('send_error', item.category, 1, lane); // a 413, or anything the server will always refuse
            env.log('server refused an envelope with', status);
          }
        }
        pump();
        drain();
      }
      settleIdle();
    }

    const dequeue = (item) => {
      backlogBytes -= item.body.length;
      return item;
    };

    function pump() {
      while (queue.length && (inFlight < o.maxInFlight || unloading) && state === 'online') start(dequeue(queue.shift()));
    }

    const lane = {
      lost: false,
      /** Takes an envelope the core built. */
      add(item) {
        url = item.url;
        if (busy.has(item.id) || finished.has(item.id)) return;
        if (limitedUntil(limits, item.category, now())) {
          count('ratelimit_backoff', item.category, 1, lane);
        } else if (state !== 'online' || (finite && budget() <= 0)) {
          persist([item]);
          drain();
        } else if (inFlight < o.maxInFlight || unloading) {
          start(item);
        } else if (backlogBytes + item.body.length <= o.maxBacklogBytes) {
          backlogBytes += item.body.length;
          queue.push(item);
        } else {
          persist([item]); // the memory budget is spent: the store takes it (and bounds it)
        }
      },
      drain,
      /** Something this lane's flush and done() wait for (an async beforeSend, say). */
      wait(promise) {
        storeOp(() => promise);
      },
      /** Sends the client report (all lanes' drops) from this lane. */
      report(final) {
        cancel(reportTimer);
        reportTimer = undefined;
        if (!discards.size || !url) return;
        const until = limitedUntil(limits, 'internal', now());
        if (until) {
          if (!final && o.reportTimer) reportTimer = later(() => { reportTimer = undefined; main.report(); }, until - now());
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
      },
      /**
       * Resolves when this lane has nothing waiting or in flight: true when everything it was
       * given since the last call was accepted by the server (or dropped by a user's filter),
       * false when something was lost or waits in the store. The client report goes along;
       * with `reportIfDue` only once its first drop is `reportDelay` old, so reports stay batched.
       */
      flush(reportIfDue) {
        pump();
        return new Promise((resolve) => {
          const finish = (ok) => {
            lane.lost = false;
            stored = false;
            resolve(ok);
          };
          waiters.push((ok) => {
            // Only now, with the store's writes done, are their drops counted: the report
            // leaves after them, and the flush once it is out.
            if (discards.size && (!reportIfDue || now() - firstDrop >= o.reportDelay)) {
              lane.report(true);
              waiters.push(() => finish(ok));
              settleIdle();
            } else {
              finish(ok);
            }
          });
          settleIdle();
        });
      },
      /** At the deadline: what still waits goes to the store, for the next invocation. */
      close() {
        cancel(retryTimer);
        retryTimer = undefined;
        persist(queue.splice(0).map(dequeue));
        settleIdle();
      },
      /** Sends what is waiting now; `unload` when the page goes away (fetch at once, keepalive). */
      hide(unload) {
        unloading = unload;
        // Requests still waiting for their compression leave now, plain, in this task.
        if (unload) for (const item of inFlightLaunch) item.launch(item.body);
        pump();
        lane.report(true);
        // What could not start (too many in flight) goes to the store for the next page.
        if (unload) persist(queue.splice(0).map(dequeue));
      },
      /** The page is back (bfcache) or the network is: go on, probing at once if in backoff. */
      resume() {
        unloading = false;
        if (state === 'backoff') retryAt = now();
        storedHint = true;
        drain();
      },
      /** Starts on the envelopes an earlier page (or invocation) stored. */
      start() {
        storedHint = true;
        drain();
      },
      stats: () => ({ state, queued: queue.length, backlogBytes, inFlight, failures, discards: Object.fromEntries(discards) }),
    };
    return lane;
  }

  const inFlightLaunch = new Set(); // requests that may still be waiting for their compression
  const main = makeLane();
  /** Where client reports go (the core's envelope URL). */
  Object.defineProperty(main, 'url', { get: () => url, set: (u) => { url = u; } });
  return Object.assign(main, {
    count,
    /**
     * A lane for one edge invocation that must be done by `deadline` (ms): its envelopes are
     * fetched from it, and its done() is what the invocation passes to waitUntil. It starts by
     * retrying what earlier invocations stored, if a retry is due.
     */
    lane(deadline) {
      const l = makeLane(deadline);
      l.done = (reportIfDue = true) => l.flush(reportIfDue); // settles by the deadline (expire)
      l.count = (reason, category, quantity) => count(reason, category, quantity, l);
      if (storedHint) l.drain();
      return l;
    },
  });
}

/**
 * The delivery a page uses (the npm entry's and a Rust app's alike): the page's fetch as it is
 * now (before anyone wraps it for breadcrumbs), its clock and timers, following the page's life,
 * starting on what an earlier page stored. `extra.pagehide` runs first on pagehide;
 * `extra.tunnelDsn` is the DSN a client report names in its header when it goes to a tunnel;
 * `extra.fetch` the page's fetch from before it was wrapped, when it is by now.
 */
export function pageDelivery(store, options, log = () => {}, extra = {}) {
  const rawFetch = extra.fetch || globalThis.fetch;
  const delivery = createDelivery({
    fetch: (url, init) => rawFetch(url, init),
    store,
    now: Date.now,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t),
    random: Math.random,
    log,
    options,
    tunnelDsn: extra.tunnelDsn,
  });
  delivery.start();
  followPage(delivery, log, extra);
  return delivery;
}

/**
 * Follows a page's life for a delivery: hidden → send what waits now (and the client report);
 * pagehide → the page is going: fetch at once with keepalive, store the rest for the next
 * load; back from the bfcache or online again → probe at once. A listener that threw would land
 * in the page's own `error` handler (and tattle's): none of them ever throws.
 * Returns a function that removes the listeners.
 */
export function followPage(delivery, log = () => {}, extra = {}) {
  const g = globalThis;
  if (typeof g.addEventListener !== 'function') return () => {};
  const safe = (fn) => () => {
    try {
      fn();
    } catch (e) {
      log('delivery failed', e);
    }
  };
  const doc = g.document;
  const onHidden = safe(() => { if (doc && doc.visibilityState === 'hidden') delivery.hide(false); });
  const onPageHide = safe(() => {
    if (extra.pagehide) extra.pagehide();
    delivery.hide(true);
  });
  const onResume = safe(() => delivery.resume());
  const set = (on) => {
    const method = on ? 'addEventListener' : 'removeEventListener';
    g[method]('pagehide', onPageHide);
    g[method]('pageshow', onResume);
    g[method]('online', onResume);
    if (doc) doc[method]('visibilitychange', onHidden);
  };
  set(true);
  return () => set(false);
}
