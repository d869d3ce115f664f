// fetch: breadcrumbs (hint { input, response | error, startTimestamp, endTimestamp }) and, with
// tracing, the trace headers and an http.client span (browser/trace_shim.js: from init on, whether
// tracing.js came yet or not; nothing waits). The app's call goes to the real fetch untouched (same
// result, same rejection); a propagation target's request gets the headers in a copy of the app's
// own (a Headers instance, a plain object, an array or a Request's; its own baggage entries kept).
import { addBreadcrumb as crumb } from '../browser/scope.js';
import { safeText } from '../shared.js';
import { baggage, requestSpan, settleSpan } from '../browser/trace_shim.js';

/** Replaces globalThis.fetch with a wrapper over `rawFetch`; `crumbs` false: spans only. */
export function instrumentFetch(rawFetch, crumbs) {
  globalThis.fetch = function (input, init) {
    const startTimestamp = Date.now();
    let args = arguments;
    let method;
    let url;
    let span;
    try {
      method = safeText((init && init.method) || (input && input.method) || 'GET').toUpperCase();
      url = typeof input === 'string' ? input : safeText((input && input.url) || input);
      let trace;
      [span, trace] = requestSpan(method, url, 'fetch');
      if (trace) {
        const headers = new Headers(init && init.headers !== undefined ? init.headers : input instanceof Request ? input.headers : undefined);
        headers.set('sentry-trace', trace);
        headers.set('baggage', baggage(headers.get('baggage')));
        args = [input, { ...init, headers }];
      }
    } catch { /* never break the host */ }
    const result = rawFetch.apply(this, args);
    try {
      if (result && typeof result.then === 'function') {
        result.then(
          (response) => {
            settleSpan(span, response.status);
            if (crumbs) {
              crumb({ type: 'http', category: 'fetch', data: { method, url, status_code: response.status } },
                { input: [input, init], response, startTimestamp, endTimestamp: Date.now() });
            }
          },
          (error) => {
            settleSpan(span);
            if (crumbs) {
              crumb({ type: 'http', category: 'fetch', level: 'error', data: { method, url } },
                { input: [input, init], error, startTimestamp, endTimestamp: Date.now() });
            }
          },
        );
      }
    } catch { /* never break the host */ }
    return result;
  };
}
