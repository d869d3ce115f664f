// Sentry's GlobalHandlers: uncaught errors (`error`) and unhandled rejections
// (`unhandledrejection`) become captures with handled false; and the page's own `pagehide`
// listener (the delivery's comes later, with lazy.js), which keeps what the core could not yet
// take (early.js). A listener that threw would land in the page's `error` handler: none does.
import { capture, integrations, log } from '../browser/client.js';
import { keepEarly } from '../browser/early.js';
import { tr } from '../browser/trace_shim.js';

const onPageHide = () => {
  try {
    if (tr) tr.hide(); // the pageload or navigation ends: its transaction goes (or is kept) with the rest
    keepEarly();
  } catch (e) {
    log('could not keep the early captures', e);
  }
};

function onError(ev) {
  try {
    // A Rust app's panic, already reported by tattle's panic hook inside that app: the trap
    // that follows it is not a second error.
    const panicAt = globalThis.__tattlePanicAt;
    if (ev.error instanceof WebAssembly.RuntimeError && panicAt && Date.now() - panicAt < 2000) return;
    // The location rides along: it becomes the frame when the thrown value has no stack (a
    // thrown string, or an `error` event with no Error object at all).
    const hint = {
      mechanism: 'onerror', handled: false,
      message: ev.message, filename: ev.filename, lineno: ev.lineno, colno: ev.colno,
    };
    capture('captureException', ev.error ?? undefined, [], hint);
  } catch (e) {
    log('error handler failed', e);
  }
}

function onRejection(ev) {
  try {
    capture('captureException', ev.reason, [], { mechanism: 'onunhandledrejection', handled: false });
  } catch (e) {
    log('rejection handler failed', e);
  }
}

/** Adds (true) or removes (false) the listeners; lazy.js calls it too (t.setHandlers). */
export function setHandlers(v) {
  if (typeof addEventListener !== 'function') return;
  const method = v ? addEventListener : removeEventListener;
  const handlers = integrations.GlobalHandlers;
  if (handlers && handlers.options.onerror !== false) method('error', onError);
  if (handlers && handlers.options.onunhandledrejection !== false) method('unhandledrejection', onRejection);
  method('pagehide', onPageHide);
}
