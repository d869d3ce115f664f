// What the browser and worker entries share: event ids, the storm guard's key, handing a
// capture's outcome to the delivery, and the user's own scrubbing patterns.
import { keyOf } from './guard.js';

/** A v4 uuid as 32 lowercase hex digits: the event id handed out at capture time. */
export function newId() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}

// The user's own scrubbing patterns (RegExps) are JavaScript, so they run here, on the event as
// a plain object, after tattle's built-in scrubbing and before the user's beforeSend.
function scrubWith(patterns, value) {
  if (typeof value === 'string') {
    return patterns.reduce((s, re) => s.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'), '[Filtered]'), value);
  }
  if (Array.isArray(value)) return value.map((v) => scrubWith(patterns, v));
  if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) value[k] = scrubWith(patterns, value[k]);
  }
  return value;
}

/** The options the core gets: the user's, with their scrubbing patterns run before beforeSend. */
export function coreOptions(options) {
  const patterns = ((options.scrubbing && options.scrubbing.patterns) || []).filter((p) => p instanceof RegExp);
  if (!patterns.length || (options.scrubbing && options.scrubbing.enabled === false)) return options;
  const userHook = options.beforeSend;
  return {
    ...options,
    beforeSend(event, hint) {
      for (const key of ['exception', 'logentry', 'tags', 'extra', 'contexts', 'breadcrumbs', 'request', 'user']) {
        if (event[key] !== undefined) event[key] = scrubWith(patterns, event[key]);
      }
      return typeof userHook === 'function' ? userHook(event, hint) : event;
    },
  };
}


/** The storm guard's key for a capture (`captureMessage(message, level)` or an exception). */
export const captureKey = (name, value, rest, hint) =>
  (name === 'captureMessage' ? `message:${rest[0]}:${safeText(value)}` : keyOf(value, hint));

/** Any value as text, whatever it is (a Symbol, a null-prototype object, a throwing toString). */
export function safeText(value, max = 1000) {
  let text;
  try {
    text = typeof value === 'string' ? value : typeof value === 'symbol' ? value.toString() : String(value);
  } catch {
    try {
      text = Object.prototype.toString.call(value);
    } catch {
      text = '[unprintable]';
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * An exported function that never throws into the app: tattle's own failure is logged (with
 * `debug`) and `fallback(...args)` answers instead.
 */
export const guarded = (fn, fallback, log) => function (...args) {
  try {
    return fn.apply(this, args);
  } catch (e) {
    try {
      log('internal error', e);
      return fallback && fallback(...args);
    } catch {
      return undefined;
    }
  }
};

/**
 * What a capture came to (the core's outcome `{ id, url?, body?, drops? }`): its envelope goes
 * to the delivery (or an invocation's lane), the drops the core counted are counted there.
 */
export function handOver(outcome, lane) {
  if (!outcome) return;
  if (outcome.body) lane.add({ id: outcome.id, url: outcome.url, body: outcome.body, category: 'error' });
  for (const [reason, category, n] of outcome.drops || []) lane.count(reason, category, n);
}

/** Only what tattle takes from a capture's hint: an event id the caller chose. */
export const pickEventId = (hint) =>
  (hint && typeof hint === 'object' && typeof hint.event_id === 'string' ? { event_id: hint.event_id } : {});
