// XMLHttpRequest: breadcrumbs (hint { xhr, input }) and, with tracing, an http.client span
// (tracing.js's, with the trace headers). open() and send() run as the app called them.
import { addBreadcrumb as crumb } from '../browser/scope.js';
import { safeText } from '../shared.js';
import { settleSpan, tr } from '../browser/trace_shim.js';

/** Wraps the prototype's open and send; `crumbs` false: spans only. */
export function instrumentXhr(xhr, crumbs) {
  const open = xhr.open;
  const sendXhr = xhr.send;
  xhr.open = function (method, url) {
    try {
      this.__tattle = { method: safeText(method).toUpperCase(), url: safeText(url) };
    } catch { /* never break the host */ }
    return open.apply(this, arguments);
  };
  xhr.send = function () {
    try {
      const info = this.__tattle;
      if (info) {
        const body = arguments[0];
        const span = tr && tr.xhr(this, info.method, info.url);
        this.addEventListener('loadend', () => {
          settleSpan(span, this.status || undefined);
          if (crumbs) crumb({ type: 'http', category: 'xhr', data: { ...info, status_code: this.status } }, { xhr: this, input: body });
        });
      }
    } catch { /* never break the host */ }
    return sendXhr.apply(this, arguments);
  };
}
