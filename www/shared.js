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

/** The user's own scrubbing patterns in effect (none with `scrubbing.enabled: false`). */
export const scrubPatterns = (options) => (options.scrubbing && options.scrubbing.enabled === false ? []
  : ((options.scrubbing && options.scrubbing.patterns) || []).filter((p) => p instanceof RegExp));

/**
 * The hook run on each event before it is sent, in JavaScript (it may be async): the user's
 * scrubbing patterns, then their beforeSend. Undefined when there is neither.
 */
export function beforeSendOf(options) {
  const patterns = scrubPatterns(options);
  const userHook = typeof options.beforeSend === 'function' ? options.beforeSend : undefined;
  if (!patterns.length) return userHook;
  return (event, hint) => {
    for (const key of ['exception', 'message', 'logentry', 'tags', 'extra', 'contexts', 'breadcrumbs', 'request', 'user']) {
      if (event[key] !== undefined) event[key] = scrubWith(patterns, event[key]);
    }
    // A source map's file is named as its frames' abs_path is: what the patterns did to those.
    for (const image of event.debug_meta?.images ?? []) image.code_file = scrubWith(patterns, image.code_file);
    return userHook ? userHook(event, hint) : event;
  };
}

/** With `tunnel`, the DSN a client report's envelope header names (as the core's events do). */
export const tunnelDsnOf = (options) => (options.tunnel && typeof options.dsn === 'string' ? options.dsn : undefined);

/** The options the core gets: beforeSend runs here, so the core holds each event for it. */
export function coreOptions(options) {
  return { ...options, beforeSend: undefined, holdForBeforeSend: beforeSendOf(options) !== undefined };
}

const BEFORE_SEND_MS = 5000; // how long an async beforeSend may take
let inBeforeSend = 0;
/** True while beforeSend runs: a capture it makes would feed itself, so it is dropped. */
export const busyInBeforeSend = () => inBeforeSend > 0;

/**
 * Runs beforeSend as @sentry/browser does: `hook(event, hint)` with hint { event_id,
 * originalException, syntheticException, mechanism }; `null` drops the event (counted), an event
 * is sent (changed or not), a Promise is awaited (up to 5 s). If it throws, rejects, times out
 * or returns something else, the event goes unmodified and the problem is logged. `wrap(json)`
 * is the core's outcome for the event to send. Returns an outcome, or a Promise of one.
 */
export function runBeforeSend(hook, held, hint, wrap) {
  let event;
  try {
    event = toView(JSON.parse(held.event));
  } catch {
    return wrap(held.event);
  }
  const unmodified = (why) => {
    console.error(`tattle: ${why}; sending the event unmodified`);
    return wrap(held.event);
  };
  const after = (result) => {
    if (result === null) return { id: held.id, drops: [['before_send', 'error', 1]] };
    if (!result || typeof result !== 'object') return unmodified('beforeSend must return an event or null');
    let json;
    try {
      json = JSON.stringify(fromView(result));
    } catch { /* below */ }
    return json === undefined ? unmodified('beforeSend returned an event that cannot be serialized') : wrap(json);
  };
  let result;
  inBeforeSend++;
  try {
    result = hook(event, { event_id: held.id, ...hint });
  } catch {
    return unmodified('beforeSend threw');
  } finally {
    inBeforeSend--;
  }
  if (!result || typeof result.then !== 'function') return after(result);
  let timer;
  return Promise.race([
    Promise.resolve(result).then(after, () => unmodified('beforeSend rejected')),
    new Promise((resolve) => { timer = setTimeout(() => resolve(unmodified(`beforeSend did not settle within ${BEFORE_SEND_MS} ms`)), BEFORE_SEND_MS); }),
  ]).finally(() => clearTimeout(timer));
}

// beforeSend sees the event as @sentry/browser's `ErrorEvent` type describes it: `message` a
// string, `breadcrumbs` an array, timestamps in seconds. What it returns goes back to the wire
// form (`logentry`, `{ values }`, RFC 3339), which every server takes.
const seconds = (t) => (typeof t === 'string' ? Date.parse(t) / 1000 : t);
const rfc3339 = (t) => (typeof t === 'number' && isFinite(t) ? new Date(t * 1000).toISOString() : t);
function toView(e) {
  if (e.logentry) {
    e.message = e.logentry.formatted;
    delete e.logentry;
  }
  e.timestamp = seconds(e.timestamp);
  if (e.breadcrumbs) e.breadcrumbs = e.breadcrumbs.values.map((b) => ({ ...b, timestamp: seconds(b.timestamp) }));
  return e;
}
function fromView(e) {
  e = { ...e };
  if (typeof e.message === 'string') {
    e.logentry = { formatted: e.message };
    delete e.message;
  }
  e.timestamp = rfc3339(e.timestamp);
  if (e.tags && typeof e.tags === 'object') {
    const tags = {};
    for (const [k, v] of Object.entries(e.tags)) if (v != null && v !== '') tags[k] = String(v);
    e.tags = tags;
  }
  if (Array.isArray(e.breadcrumbs)) e.breadcrumbs = { values: e.breadcrumbs.map((b) => ({ ...b, timestamp: rfc3339(b && b.timestamp) })) };
  return e;
}

/** The storm guard's key for a capture (a message with its level, an app's own event, or an exception). */
export const captureKey = (name, value, rest, hint) =>
  (name === 'captureMessage' ? `message:${rest[0]}:${safeText(value)}` : name === 'captureEvent' ? eventKey(value) : keyOf(value, hint));
function eventKey(event) {
  try {
    return `event:${JSON.stringify(event).slice(0, 1000)}`;
  } catch {
    return ''; // not one to dedupe
  }
}

// The scope fields of Sentry's captureContext (`propagationContext` is tracing's, not tattle's).
const CONTEXT_KEYS = ['user', 'level', 'extra', 'contexts', 'tags', 'fingerprint', 'propagationContext'];

/**
 * A capture's second argument as @sentry/browser reads it: a captureContext (scope data, a scope,
 * a function of the scope) or an EventHint (`event_id`, `mechanism`, `captureContext`,
 * `originalException`). Returns `{ context, event_id, mechanism, handled, original }`.
 */
export function hintOf(hint) {
  try {
    if (typeof hint === 'function' || (hint && typeof hint === 'object' && (typeof hint.getUser === 'function' || CONTEXT_KEYS.some((k) => k in hint)))) {
      return { context: hint };
    }
    if (!hint || typeof hint !== 'object') return {};
    const m = hint.mechanism;
    return {
      context: hint.captureContext,
      event_id: typeof hint.event_id === 'string' ? hint.event_id : undefined,
      mechanism: m && typeof m.type === 'string' ? m.type : undefined,
      handled: m && typeof m.handled === 'boolean' ? m.handled : undefined,
      original: hint.originalException,
    };
  } catch {
    return {};
  }
}

/**
 * Applies a captureContext to `scope` (a child scope made for one capture), as @sentry/browser's
 * `Scope.update` does: tags, extra and contexts merged, user, level and fingerprint replaced when
 * given. A function gets the scope (and may change it, or return scope data); one of tattle's own
 * scopes is already applied to every capture.
 */
export function applyContext(context, scope, log) {
  let c = context;
  if (typeof c === 'function') {
    try {
      c = c(scope);
    } catch (e) {
      log('captureContext threw; captured without it', e);
      return;
    }
  }
  try {
    if (!c || typeof c !== 'object' || typeof c.getUser === 'function') return;
    const { tags, extra, contexts, user, level, fingerprint } = c;
    if (tags && typeof tags === 'object') scope.setTags(tags);
    if (extra && typeof extra === 'object') scope.setExtras(extra);
    if (contexts && typeof contexts === 'object') for (const k of Object.keys(contexts)) scope.setContext(k, contexts[k]);
    if (user && typeof user === 'object' && Object.keys(user).length) scope.setUser(user);
    if (typeof level === 'string') scope.setLevel(level);
    if (Array.isArray(fingerprint) && fingerprint.length) scope.setFingerprint(fingerprint);
  } catch (e) {
    // A hostile captureContext (a throwing getter, a Proxy): the capture goes on with what was read.
    log('captureContext could not be read', e);
  }
}

/**
 * captureEvent's scope: the hint's captureContext, then the event's own tags, extra, contexts,
 * user, level, fingerprint and transaction (the event's win). The core reads the rest of it.
 */
export const eventContext = (event, context, log) => (scope) => {
  applyContext(context, scope, log);
  applyContext(event, scope, log);
  try {
    if (typeof event.transaction === 'string') scope.setTransactionName(event.transaction);
  } catch { /* a hostile event: captured with what could be read */ }
};

/** The capture hint for `captureEvent(event, hint)`: the event's own id if it has a valid one. */
export const eventHint = (event, h) => ({
  event_id: event && /^[0-9a-f]{32}$/.test(event.event_id) ? event.event_id : h.event_id,
  original: h.original,
});

// The integrations tattle has, by Sentry's names, and their factories (what `integrations`
// takes). Sentry's rules: an array adds to (or, by name, replaces) the defaults, a function
// gets the defaults and returns the list, `defaultIntegrations: false` starts from none.
const integration = (name) => (options) => ({ name, options: { ...options } });
export const globalHandlersIntegration = integration('GlobalHandlers');
export const breadcrumbsIntegration = integration('Breadcrumbs');
export const consoleIntegration = integration('Console');
export const dedupeIntegration = integration('Dedupe');

// The browser's tracing and release health (index.js): browserTracingIntegration() turns
// tracing on; BrowserSession is one of the browser's defaults (filtering it out turns sessions off).
export const browserTracingIntegration = integration('BrowserTracing');
export const browserSessionIntegration = integration('BrowserSession');

/**
 * Release health: what a captured exception does to the page's session (@sentry/browser's
 * rules): counted; the first one sends an update (`errors: 1`, status still `ok`: the server
 * counts the session as errored, and `errored` would be a final status, as Relay reads it), an
 * unhandled one (mechanism handled false) makes it `crashed`, which is final. True when an
 * update is due.
 */
/**
 * A session's `did` (distinct user): the user's id as it is; without one, the e-mail or username,
 * which the scrubber would turn into the same `[Filtered]` for every user (crash-free users would
 * count them as one), as a stable pseudonym instead: two FNV-1a hashes in letters only (no digit
 * run a pattern could take for a number). With `sendDefaultPii` the e-mail or username as it is.
 * Undefined without a user (or one that throws when read).
 */
export function didOf(user, pii) {
  try {
    if (!user || typeof user !== 'object') return undefined;
    if (user.id !== undefined && user.id !== null && user.id !== '') return String(user.id);
    const name = user.email || user.username;
    if (!name) return undefined;
    if (pii) return String(name);
    let out = 'u_';
    for (const basis of [0x811c9dc5, 0x050c5d1f]) {
      let h = basis;
      for (const ch of String(name)) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
      for (let i = 0; i < 7; i++, h = Math.floor(h / 26)) out += String.fromCharCode(97 + (h % 26));
    }
    return out;
  } catch {
    return undefined;
  }
}

export function sessionAfterError(session, handled) {
  if (session.status === 'crashed') return false;
  session.errors++;
  if (handled === false) session.status = 'crashed';
  return handled === false || session.errors === 1;
}

/**
 * The integrations in effect, by name (each `{ name, options }`), from the `integrations` option.
 * `own`: the defaults; `more`: names also known, only when given.
 */
export function integrationsOf(options, own, log, more = []) {
  const defaults = options.defaultIntegrations === false ? [] : own.map((name) => ({ name, options: {}, isDefaultInstance: true }));
  const given = options.integrations;
  let list = defaults;
  try {
    if (Array.isArray(given)) list = [...defaults, ...given];
    else if (typeof given === 'function') list = [].concat(given(defaults));
  } catch (e) {
    log('the integrations function threw; using the defaults', e);
  }
  const byName = {};
  for (const i of list) {
    const name = i && i.name;
    if (typeof name !== 'string') continue;
    if (!own.includes(name) && !more.includes(name)) log(`integration ${name} is not part of tattle; ignored`);
    else if (!(byName[name] && !byName[name].isDefaultInstance && i.isDefaultInstance)) byName[name] = { name, options: { ...i.options } };
  }
  return byName;
}

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
 * The capture's arguments as the core gets them, `[value, ...rest, hint]`, with what beforeSend's
 * hint needs taken at capture time: a synthetic Error (its stack is the capture's call site).
 */
export function withSynthetic(hook, name, value, hint) {
  if (!hook) return hint;
  return { ...hint, syntheticException: new Error(name === 'captureMessage' ? safeText(value) : 'tattle syntheticException') };
}

/**
 * `held` for handOver: beforeSend with @sentry/browser's hint (the thrown value as
 * `originalException`, the synthetic Error, the mechanism), then `envelopeFor(id, json)` (the
 * core) wraps what it returned. Undefined without a hook.
 */
export function heldFor(hook, args, envelopeFor) {
  if (!hook) return undefined;
  const hint = args[args.length - 1] || {};
  return (held) => runBeforeSend(hook, held, {
    originalException: 'original' in hint ? hint.original : args[0],
    syntheticException: hint.syntheticException,
    mechanism: typeof hint.mechanism === 'string' ? { type: hint.mechanism, handled: hint.handled !== false } : undefined,
  }, (json) => envelopeFor(held.id, json));
}

/**
 * What a capture came to (the core's outcome `{ id, category?, url?, body?, event?, drops? }`; a
 * transaction's or session's too): its envelope goes to the delivery (or an invocation's lane)
 * under its rate-limit category (`error` when none is said), the drops the core counted are counted there,
 * and an event held for beforeSend goes through `held(outcome)` first (sync or async: a lane
 * waits for it, so a worker invocation does not end before its event left).
 */
export function handOver(outcome, lane, held) {
  if (!outcome) return;
  for (const [reason, category, n] of outcome.drops || []) lane.count(reason, category, n);
  if (outcome.body) {
    lane.add({ id: outcome.id, url: outcome.url, body: outcome.body, category: outcome.category || 'error' });
  } else if (outcome.event !== undefined && held) {
    const next = held(outcome);
    if (next && typeof next.then === 'function') lane.wait(next.then((o) => handOver(o, lane)));
    else handOver(next, lane);
  }
}
