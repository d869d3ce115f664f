// The capture API: captureException, captureMessage, captureEvent, as @sentry/browser's. Each
// goes through `guarded`: tattle's own failure never reaches the app, and it still gets an id.
import { applyContext, eventContext, eventHint, guarded, hintOf, newId } from '../shared.js';
import { capture, lastId, log } from './client.js';
import { currentScope, enter, leave } from './scope.js';

const anId = () => lastId || newId();

// A capture with a captureContext happens in a child scope made for it.
function captureIn(context, name, value, rest, hint) {
  if (context == null) return capture(name, value, rest, hint);
  enter();
  try {
    applyContext(context, currentScope, log);
    return capture(name, value, rest, hint);
  } finally {
    leave();
  }
}

/** Captures an exception (any thrown value), with an EventHint or a captureContext. Returns the event id. */
export const captureException = guarded((exception, hint) => {
  const h = hintOf(hint);
  return captureIn(h.context, 'captureException', exception, [],
    { mechanism: h.mechanism || 'generic', handled: h.handled !== false, event_id: h.event_id });
}, anId, log);

/** Captures a message at `level` (default `info`), or with a captureContext. Returns the event id. */
export const captureMessage = guarded((message, level) => {
  const named = typeof level === 'string';
  return captureIn(named ? undefined : level, 'captureMessage', message, [named ? level : undefined], {});
}, anId, log);

/** Captures an event the app made itself. Returns the event id. */
export const captureEvent = guarded((event, hint) => {
  const h = hintOf(hint);
  return captureIn(eventContext(event, h.context, log), 'captureEvent', event, [], eventHint(event, h));
}, anId, log);
