// The component stack React hands over, as the linked error @sentry/react makes of it (the core
// follows `cause`: it becomes a `chained` exception whose frames are the components).
/** Whether `e` is an Error (of this realm or another). */
export const isError = (e) => {
  try {
    return e instanceof Error || Object.prototype.toString.call(e) === '[object Error]';
  } catch {
    return false;
  }
};

/**
 * Links the component stack to `error` as @sentry/react does: a new Error named `React ErrorBoundary
 * <name>` with the same message, whose stack is the component stack, at the end of `error`'s own
 * `cause` chain (a chain that loops, or ends in a non-Error, is left as it is).
 */
export function linkComponentStack(error, componentStack) {
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

