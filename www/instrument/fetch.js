// fetch: breadcrumbs (hint { input, response | error, startTimestamp, endTimestamp }) and, with
// tracing, the trace headers and an http.client span (tracing.js makes both). The app's call goes
// to the real fetch untouched (same result, same rejection); with tracing, tracing.js adds the
// headers to a propagation target's request (in a copy of the app's own).
import { addBreadcrumb as crumb } from '../browser/scope.js';
import { safeText } from '../shared.js';
import { settleSpan, tr, waiting } from '../browser/trace_shim.js';

/** Replaces globalThis.fetch with a wrapper over `rawFetch`; `crumbs` false: spans only. */
export function instrumentFetch(rawFetch, crumbs) {
  globalThis.fetch = function tracedFetch(input, init) {
    if (waiting) return waiting.then(() => tracedFetch.apply(this, arguments));
    const startTimestamp = Date.now();
    let args = arguments;
    let method;
    let url;
    let span;
    try {
      method = safeText((init && init.method) || (input && input.method) || 'GET').toUpperCase();
      url = typeof input === 'string' ? input : safeText((input && input.url) || input);
      if (tr) [args, span] = tr.fetch(args, method, url);
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
