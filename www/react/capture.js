// An error React caught (an error boundary's componentDidCatch, or createRoot's onCaughtError,
// onUncaughtError, onRecoverableError), captured as @sentry/react does: the component stack as a
// linked error (`cause`, at the end of the error's own cause chain) named `React ErrorBoundary
// <name>` whose stack is the component stack, so the core sends it as a chained exception whose
// frames are the components; mechanism `auto.function.react.error_handler` (handled: whether the
// app gave its own callback) or `auto.function.react.error_boundary` (boundary.js).
// One event per error: React 19 calls onCaughtError before the boundary's componentDidCatch, and
// both capture; the second capture of the same error object sends nothing and returns the first
// one's event id (@sentry/core skips it too, but hands out an id that was never sent).
import { captureException } from 'tattle';

const seen = new WeakMap(); // error object → the id of the event it was captured in

const isError = (e) => {
  try {
    return e instanceof Error || Object.prototype.toString.call(e) === '[object Error]';
  } catch {
    return false;
  }
};

// The component stack as an Error linked to `error` (at the end of its `cause` chain).
function linkComponentStack(error, componentStack) {
  const linked = new Error(error.message);
  linked.name = `React ErrorBoundary ${error.name}`;
  linked.stack = componentStack;
  const visited = new Set();
  let e = error;
  while (e.cause !== undefined && e.cause !== null) {
    if (!isError(e.cause) || visited.has(e)) return;
    visited.add(e);
    e = e.cause;
  }
  try {
    e.cause = linked;
  } catch { /* a frozen error: sent without the component stack */ }
}

/** Captures an error React handed over with its errorInfo (`{ componentStack }`). Returns the event id. */
export function captureReactException(error, errorInfo, hint) {
  try {
    const known = isError(error) || (error && typeof error === 'object') ? seen.get(error) : undefined;
    if (known) return known;
    const componentStack = errorInfo && errorInfo.componentStack;
    if (isError(error) && componentStack) linkComponentStack(error, componentStack);
    const id = captureException(error, hint);
    if (error && typeof error === 'object') seen.set(error, id);
    return id;
  } catch {
    return captureException(error, hint);
  }
}

/**
 * For createRoot's (and hydrateRoot's) `onUncaughtError`, `onCaughtError` and
 * `onRecoverableError`: captures, then calls `callback(error, errorInfo, eventId)`.
 */
export function reactErrorHandler(callback) {
  return (error, errorInfo) => {
    const handled = typeof callback === 'function';
    const eventId = captureReactException(error, errorInfo, {
      mechanism: { handled, type: 'auto.function.react.error_handler' },
    });
    if (handled) callback(error, errorInfo, eventId);
  };
}
