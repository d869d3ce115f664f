// The scopes as JavaScript sees them (the core holds the same): what getUser() reads and what a
// fresh instance gets after a trap. frames[0] is the page's scope (Sentry's isolation scope and
// its global scope: a page has one of each); each withScope (and each capture with a
// captureContext) pushes a copy of the current one. Every change goes to the core too (call).
import { guarded } from '../shared.js';
import { MAX_QUEUED, call, log, options } from './client.js';

const newFrame = (f = {}) => ({ ...f, tags: { ...f.tags }, contexts: { ...f.contexts }, extras: { ...f.extras } });
export const frames = [newFrame()];
// What was set on the page's scope inside withScope: the child scope has it at once, the core's
// root gets it when the outermost withScope ends.
export const pending = [];

// A scope change: to the frame(s) it concerns and to the core's current scope. The page's scope
// changed inside withScope changes the child too (so a capture inside sees it) and is replayed
// into the core's root when the outermost withScope ends.
function write(root, name, args, update) {
  const depth = frames.length - 1;
  if (root && depth) {
    update(frames[0]);
    if (pending.length < MAX_QUEUED) pending.push([name, args]);
  }
  update(frames[depth]);
  call(name, args);
}

// The frames copy what they can read: a hostile object (a throwing getter or ownKeys trap)
// still goes to the core, which reads it property by property.
const mirrorInto = (target, values) => { try { Object.assign(target, values); } catch { /* the core has it */ } };
const clearFrame = (f) => { for (const k of Object.keys(f)) delete f[k]; Object.assign(f, newFrame()); };

// A scope as @sentry/browser's: `root` the page's scope (setTag & co., getIsolationScope(),
// getGlobalScope()), else the current one (getCurrentScope(), withScope's). Setters return the
// scope, for chaining.
function scopeOf(root) {
  const s = {};
  const def = (name, update, coreName = name) => {
    s[name] = guarded((...args) => { write(root, coreName, args, (f) => update(f, ...args)); return s; }, () => s, log);
  };
  def('setUser', (f, user) => { f.user = user || undefined; });
  def('setTag', (f, key, value) => { f.tags[key] = value; });
  def('setTags', (f, tags) => mirrorInto(f.tags, tags));
  def('setContext', (f, name, context) => { f.contexts[name] = context; });
  def('setExtra', (f, key, value) => { f.extras[key] = value; });
  def('setExtras', (f, extras) => mirrorInto(f.extras, extras));
  def('setLevel', (f, level) => { f.level = level; });
  def('setFingerprint', (f, fingerprint) => { f.fingerprint = fingerprint; });
  def('setTransactionName', (f, name) => { f.transactionName = name; });
  def('clear', clearFrame, 'clearScope');
  s.addBreadcrumb = (crumb) => { addCrumb(root, crumb); return s; };
  s.getUser = () => frames[root ? 0 : frames.length - 1].user;
  return s;
}
const pageScope = scopeOf(true);
export const currentScope = scopeOf(false);

/** The scope of what runs now: withScope's inside its callback, else the page's. */
export const getCurrentScope = () => currentScope;
/** The page's scope (`setTag` & co. set it). */
export const getIsolationScope = () => pageScope;
/** The page's scope: tattle has one scope a page's events all carry, as the isolation scope. */
export const getGlobalScope = () => pageScope;

// The top-level setters set the page's scope and return nothing, as @sentry/browser's.
const onPage = (name) => (...args) => { pageScope[name](...args); };
export const setUser = onPage('setUser');
export const setTag = onPage('setTag');
export const setTags = onPage('setTags');
export const setContext = onPage('setContext');
export const setExtra = onPage('setExtra');
export const setExtras = onPage('setExtras');

function addCrumb(root, crumb, hint) {
  try {
    const hook = options.beforeBreadcrumb;
    if (typeof hook === 'function') {
      crumb = hook({ timestamp: Date.now() / 1000, ...crumb }, hint);
      if (!crumb) return;
    }
    write(root, 'addBreadcrumb', [crumb], () => {});
  } catch (e) {
    log('beforeBreadcrumb failed; breadcrumb dropped', e);
  }
}
/** Adds a breadcrumb, after the `beforeBreadcrumb` option had its say. */
export function addBreadcrumb(crumb, hint) {
  addCrumb(true, crumb, hint);
}

export const enter = guarded(() => { frames.push(newFrame(frames[frames.length - 1])); call('pushScope', []); }, null, log);
export const leave = guarded(() => {
  if (frames.length > 1) {
    frames.pop();
    call('popScope', []);
  }
  if (frames.length === 1) for (const [name, args] of pending.splice(0)) call(name, args);
}, null, log);

/**
 * Runs `callback(scope)` with a child scope; what it sets applies only to captures inside. What
 * the callback returns or throws is the app's own and comes back unchanged.
 */
export function withScope(callback) {
  if (typeof callback !== 'function') return undefined;
  enter();
  try {
    return callback(currentScope);
  } finally {
    leave();
  }
}
