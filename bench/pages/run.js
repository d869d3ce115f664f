// Page side of scripts/bench.mjs. Loaded first by every bench page (tattle.html, sentry.html,
// nosdk.html), before the SDK; the page's transport stub calls record() once per request.
// Timing: performance.now() has 5 µs resolution (the pages are crossOriginIsolated).

// What the stubs saw. The stub only counts and keeps references (so its cost inside a capture is
// the same for every SDK); sizes, encodings and event counts are worked out afterwards by tally().
window.rec = { requests: 0, keep: true, log: [], waiter: null };
window.record = function record(input, init) {
  const r = window.rec;
  const at = performance.now();
  r.requests++;
  if (r.keep) r.log.push({ at, input, init });
  if (r.waiter) {
    const w = r.waiter;
    r.waiter = null;
    w(at);
  }
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Bytes as they would go on the wire (after any Content-Encoding the SDK applied itself).
async function wireBytes(body) {
  if (body == null) return new Uint8Array(0);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  return new Uint8Array(await new Response(body).arrayBuffer()); // ReadableStream, URLSearchParams …
}

// Reads one envelope (header line, then item header + payload pairs; a payload is `length` bytes
// if the item header says so, else one line): counts its event items, and adds what its client
// reports say was discarded to `discarded` (reason → quantity).
function readEnvelope(bytes, discarded) {
  const dec = new TextDecoder();
  let pos = 0;
  let events = 0;
  const line = () => {
    let end = bytes.indexOf(10, pos);
    if (end < 0) end = bytes.length;
    const s = dec.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  line();
  while (pos < bytes.length) {
    const h = line();
    if (!h.trim()) continue;
    let header;
    try { header = JSON.parse(h); } catch { break; }
    if (header.type === 'event') events++;
    let payload;
    if (typeof header.length === 'number') {
      payload = dec.decode(bytes.subarray(pos, pos + header.length));
      pos += header.length;
      if (bytes[pos] === 10) pos++;
    } else payload = line();
    if (header.type === 'client_report') {
      try {
        for (const d of JSON.parse(payload).discarded_events || []) {
          discarded[d.reason] = (discarded[d.reason] || 0) + (d.quantity || 0);
        }
      } catch { /* not JSON: not counted */ }
    }
  }
  return events;
}

// Sums up the requests kept since the last tally: count, body bytes, Content-Encoding, events, and
// the drops the SDK's own client reports admit to.
window.tally = async function tally() {
  const r = window.rec;
  const log = r.log;
  r.log = [];
  let bytes = 0;
  let events = 0;
  let eventBytes = 0;
  let eventRequests = 0;
  const encodings = {};
  const discarded = {};
  for (const { input, init } of log) {
    const req = input instanceof Request ? input : null;
    const headers = new Headers((init && init.headers) || (req && req.headers) || undefined);
    const encoding = headers.get('content-encoding');
    encodings[encoding || 'none'] = (encodings[encoding || 'none'] || 0) + 1;
    const raw = init && init.body !== undefined ? await wireBytes(init.body)
      : req ? new Uint8Array(await req.clone().arrayBuffer())
        : input && typeof input === 'object' && 'body' in input ? await wireBytes(input.body) : new Uint8Array(0);
    bytes += raw.byteLength;
    let plain = raw;
    if (encoding && ['gzip', 'deflate', 'deflate-raw'].includes(encoding)) {
      const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream(encoding));
      plain = new Uint8Array(await new Response(stream).arrayBuffer());
    }
    const n = readEnvelope(plain, discarded);
    events += n;
    if (n > 0) {
      eventRequests++;
      eventBytes += raw.byteLength;
    }
  }
  return {
    requests: log.length, events, bytes, bytesPerRequest: log.length ? bytes / log.length : 0,
    // Requests that carry an event (not sessions or client reports): the bytes an error costs.
    eventRequests, bytesPerEventRequest: eventRequests ? eventBytes / eventRequests : 0,
    encodings, discarded, times: log.map((e) => e.at),
  };
};

// Capture: user, 5 tags and a context set; 100 warm-up + 2,000 captureException calls with varied
// messages; each call timed alone.
window.runCapture = async function runCapture() {
  const S = window.SDK;
  S.setUser({ id: 'user-1', email: 'user@example.com' });
  for (let i = 0; i < 5; i++) S.setTag(`tag${i}`, `value-${i}`);
  S.setContext('app', { build: 1234, channel: 'stable', features: ['a', 'b'] });
  for (let i = 0; i < 100; i++) S.captureException(new Error(`warm-up ${i}`));
  const times = new Float64Array(2000);
  for (let i = 0; i < 2000; i++) {
    const error = new Error(`bench error ${i} ${Math.random()}`);
    const a = performance.now();
    S.captureException(error);
    times[i] = performance.now() - a;
  }
  await S.flush(20000);
  const sorted = Array.from(times).sort((x, y) => x - y);
  const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
  const { times: _, ...sent } = await window.tally();
  return { mean, p99: sorted[Math.floor(sorted.length * 0.99)], ...sent, isolated: crossOriginIsolated };
};

// Storm: uncaught errors thrown from a setTimeout loop for `ms` (each callback schedules the next,
// then throws), with varied messages or one identical message; meanwhile a requestAnimationFrame
// loop notes when each frame callback ran. Then the SDK may flush, and the stub's count is read.
window.runStorm = async function runStorm({ identical, ms = 2000 }) {
  const S = window.SDK;
  const frames = [];
  let t0 = Infinity;
  let thrown = 0;
  const framesDone = new Promise((resolve) => {
    const frame = () => {
      const now = performance.now();
      frames.push(now);
      if (now < t0 + ms) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
  // Start on a frame boundary, after a few frames, so the first gap is a normal one.
  while (frames.length < 5) await new Promise((resolve) => requestAnimationFrame(resolve));
  t0 = performance.now();
  const stormDone = new Promise((resolve) => {
    const tick = () => {
      if (performance.now() - t0 >= ms) return resolve();
      setTimeout(tick, 0);
      thrown++;
      if (identical) throw new Error('storm: the same error again');
      throw new Error(`storm error ${thrown} ${Math.random()}`);
    };
    setTimeout(tick, 0);
  });
  await Promise.all([stormDone, framesDone]);
  // The largest gap between consecutive frame callbacks that ends inside the storm (or is the
  // first one after it: a long frame straddling the end counts too).
  let maxGap = 0;
  let inStorm = 0;
  for (let i = 1; i < frames.length; i++) {
    if (frames[i] <= t0) continue;
    inStorm++;
    maxGap = Math.max(maxGap, frames[i] - frames[i - 1]);
  }
  const flushed = S ? await S.flush(15000) : true;
  const { times: _, ...sent } = await window.tally();
  return { thrown, frames: inStorm, maxGap, flushed, ...sent };
};

// Heap: n captureException calls in slices of 20, yielding to the event loop between slices (as an
// app would), then flush. Keeps no references to what was sent, so the heap is the SDK's own.
window.runMany = async function runMany(n, SLICE = 20) {
  const S = window.SDK;
  const r = window.rec;
  r.keep = false;
  r.log = [];
  const before = r.requests;
  const yieldNow = () => new Promise((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => { c.port1.close(); resolve(); };
    c.port2.postMessage(0);
  });
  for (let i = 0; i < n; i += SLICE) {
    for (let j = i; j < Math.min(n, i + SLICE); j++) S.captureException(new Error(`heap error ${j} ${Math.random()}`));
    await yieldNow();
  }
  const flushed = await S.flush(30000);
  return { requests: r.requests - before, flushed };
};

// Stats the SDK reports about itself (tattle's __stats: wasm memory …), or null.
window.sdkStats = function sdkStats() {
  const s = window.SDK && window.SDK.__stats;
  try {
    return typeof s === 'function' ? s() : s && typeof s === 'object' ? { ...s } : null;
  } catch (e) {
    return { error: String(e) };
  }
};

// Throw → request: an isolated uncaught error thrown from a setTimeout callback once the SDK has
// been idle for `gapMs`; the time from just before `throw` to the stub being called.
window.runLatency = async function runLatency({ samples = 5, gapMs = 1500, timeoutMs = 5000 }) {
  const r = window.rec;
  const out = [];
  for (let i = 0; i < samples; i++) {
    await sleep(gapMs);
    r.log = [];
    let thrownAt = 0;
    const arrived = new Promise((resolve) => {
      r.waiter = resolve;
      setTimeout(() => resolve(null), timeoutMs);
    });
    setTimeout(() => {
      thrownAt = performance.now();
      throw new Error(`isolated error ${i} ${Math.random()}`);
    }, 0);
    const at = await arrived;
    r.waiter = null;
    out.push(at === null ? null : at - thrownAt);
  }
  const got = out.filter((x) => x !== null).sort((a, b) => a - b);
  return { samples: out, median: got.length ? got[Math.floor(got.length / 2)] : null };
};
