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
import { isError, linkComponentStack } from './link.js';

const seen = new WeakMap(); // error object → the id of the event it was captured in

/** Captures an error React handed over with its errorInfo (`{ componentStack }`). Returns the event id. */
export function captureReactException(error, errorInfo, hint) {
  try {
    const known = error && typeof error === 'object' ? seen.get(error) : undefined;
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
