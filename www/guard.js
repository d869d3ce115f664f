// The storm guard: an error thrown in a render loop must neither freeze the page nor burn the
// quota. It runs before any real work (no wasm call, no stack parsing): identical errors within
// `dedupeWindowMs` are dropped, and beyond `maxPerMinute` events a minute everything is, until
// the minute is over. Each drop is counted for the client report by the caller.

export const GUARD_DEFAULTS = { maxPerMinute: 100, dedupeWindowMs: 10000 };
const MAX_KEYS = 200;

/** Returns admit(key) → null to go on, or the client-report reason of the drop. */
export function createGuard(options, now) {
  const o = { ...GUARD_DEFAULTS, ...options };
  const seen = new Map(); // hash of key → last time admitted, oldest first (numbers: little memory)
  let minute = -Infinity;
  let inMinute = 0;
  return function admit(text) {
    const t = now();
    const key = text && hash(text);
    if (o.dedupeWindowMs > 0 && key) {
      const last = seen.get(key);
      if (last !== undefined && t - last < o.dedupeWindowMs) return 'event_processor';
    }
    if (o.maxPerMinute > 0) {
      if (t - minute >= 60000) {
        minute = t;
        inMinute = 0;
      }
      if (++inMinute > o.maxPerMinute) return 'ratelimit_backoff';
    }
    if (o.dedupeWindowMs > 0 && key) {
      seen.delete(key);
      seen.set(key, t);
      if (seen.size > MAX_KEYS) seen.delete(seen.keys().next().value);
    }
    return null;
  };
}

// FNV-1a, 32 bits: 200 keys collide with odds of about 1 in 200,000, and a collision only costs
// one more counted drop.
function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) || 1;
}

/** A cheap identity of a capture: what it is and where it came from, not its whole data. */
export function keyOf(value, hint) {
  try {
    if (hint && hint.filename && !(value instanceof Error)) {
      return `${hint.message}@${hint.filename}:${hint.lineno}:${hint.colno}`;
    }
    if (value instanceof Error) return `${value.name}: ${value.message}\n${String(value.stack).slice(0, 600)}`;
    if (typeof value === 'object' && value !== null) return `object:${Object.keys(value).slice(0, 20)}`;
    return `${typeof value}:${String(value).slice(0, 300)}`;
  } catch {
    return '';
  }
}
