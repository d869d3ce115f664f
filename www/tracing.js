// tattle's tracing in the browser (dist/tracing.js), a chunk the shim (index.js) imports at init
// only when tracing is on (`tracesSampleRate`, `tracesSampler` or `browserTracingIntegration()`):
// a page without tracing never fetches it. What it does, as @sentry/browser's browserTracing:
// - a `pageload` transaction from the navigation's start (timeOrigin), a `navigation` one on each
//   history change of the path; both end like Sentry's idle spans: about 1 s after their last
//   child span ended (and the document loaded), at most 30 s, or when the page is hidden;
// - their child spans: Navigation Timing (`browser.*`), Resource Timing (`resource.*`), fetch and
//   XHR (`http.client`, made through the shim's wrappers: `http`/`done` below; the shim adds
//   `sentry-trace` and `baggage` to requests to the propagation targets, from init on) and the app's own
//   (startSpan & co.); web vitals (ttfb, fcp, lcp, cls, inp) as the pageload's measurements;
// - the manual API (startSpan, startSpanManual, startInactiveSpan, getActiveSpan).
// The shim made the propagation context at init (`t.prop`: the trace id and the span id the
// pageload root takes), so errors before this chunk arrived are already linked to the trace; this
// chunk adds the sampling decision and the dsc, and moves it on to each navigation's new trace.
// What it shares with the shim goes through `t` (see index.js): t.options, t.log, t.prop, t.auto
// (browserTracingIntegration's options, or undefined without it), t.send(event, dsc) and
// t.drop(reason, category).
import {
  createSpan, dscOf, httpStatus, publicKeyOf, sample, spanId, traceId, transactionEvent,
} from './trace.js';

const WINDOW_S = 1; // Sentry's idleTimeout: a root ends this long after its last activity
const FINAL_S = 30; // Sentry's finalTimeout: a root ends at the latest this long after it began

export function start(t) {
  const { options, log } = t;
  const auto = t.auto; // browserTracingIntegration's options, when it was given
  const g = globalThis;
  const perf = g.performance;
  const origin = perf && perf.timeOrigin ? perf.timeOrigin / 1000 : undefined;
  const at = (ms) => origin + ms / 1000; // a performance timestamp (ms) as epoch seconds
  const rated = options.tracesSampleRate !== undefined || typeof options.tracesSampler === 'function';
  const stack = []; // spans made active by startSpan / startSpanManual, innermost last
  let idleRoot; // the pageload or navigation root, while it has not ended

  // A root span: its children are kept on it, and it becomes a transaction when it ends.
  function rootSpan({ name, op, attributes, startTime, source, idle }) {
    // The pageload's decision was made by the shim at init (t.prop), for the requests sent before this chunk came.
    const decision = op === 'pageload' && t.prop.rate !== undefined ? t.prop
      : rated ? sample(options, { name, attributes: { ...attributes, 'sentry.op': op, 'sentry.source': source } }) : {};
    const root = createSpan({
      name, op, attributes: { 'sentry.source': source, ...attributes }, startTime, sampled: decision.sampled,
      traceId: t.prop.traceId, origin: idle ? `auto.${op}.browser` : undefined,
      onEnd: () => finish(root),
    });
    root.children = [];
    root.open = 0;
    root.rate = decision.rate;
    root.source = source;
    if (idle) {
      root.spanId = t.prop.spanId;
      idleRoot = root;
    }
    return root;
  }

  // A child of `parent` (a span of this page, recording or not): counted as the root's activity.
  function childSpan(parent, { name, op, attributes, startTime, origin: o }) {
    const root = parent.root || parent;
    const span = createSpan({
      name, op, attributes, startTime, origin: o, traceId: parent.traceId, parentSpanId: parent.spanId,
      sampled: parent.sampled, onEnd: () => {
        if (!span.counted) return;
        root.open--;
        touch(root);
      },
    });
    span.root = root;
    if (root.children && root.t1 === undefined && parent.sampled) {
      root.children.push(span);
      root.open++;
      span.counted = true;
      touch(root);
    }
    return span;
  }

  // Restarts an idle root's window: it ends WINDOW_S after its children all ended, the document
  // loaded, and nothing else happened.
  function touch(root) {
    if (root !== idleRoot) return;
    clearTimeout(root.timer);
    if (root.open > 0 || (root.op === 'pageload' && g.document && g.document.readyState !== 'complete')) return;
    root.timer = setTimeout(() => endIdle(root), WINDOW_S * 1000);
  }

  function endIdle(root, reason) {
    if (root.t1 !== undefined) return;
    clearTimeout(root.timer);
    clearTimeout(root.final);
    const ended = root.children.filter((s) => s.t1 !== undefined);
    // As Sentry's idle spans: the root ends where its last child ended (the idle wait is not
    // part of it), unless it was cut short.
    const last = ended.reduce((m, s) => Math.max(m, s.t1), root.t0);
    if (reason) root.setAttribute('sentry.idle_span_finish_reason', reason);
    if (reason === 'finalTimeout') root.setStatus({ code: 2, message: 'deadline_exceeded' });
    root.end(reason === 'finalTimeout' || !ended.length ? undefined : last);
  }

  // A root ended: its transaction goes to the core (through the shim and lazy.js), or, sampled
  // out, is counted as a client-report drop.
  function finish(root) {
    try {
      if (root === idleRoot) idleRoot = undefined;
      if (!root.sampled) {
        if (rated) t.drop('sample_rate', 'transaction');
        return;
      }
      const extra = { source: sourceOf(root), request: g.location ? { url: g.location.href } : undefined };
      if (root.op === 'pageload' && vitals) {
        pageSpans(root);
        extra.measurements = vitals.measurements();
      }
      const event = transactionEvent(root, root.children, extra);
      t.send(event, dscFor(root));
    } catch (e) {
      log('could not send a transaction', e);
    }
  }

  function dscFor(root) {
    return dscOf({
      trace: root.traceId, publicKey: publicKeyOf(options.dsn), release: options.release,
      environment: options.environment || 'production', rate: root.rate, sampled: root.sampled,
      // Sentry leaves a URL name out of the dsc (it may hold ids): only routes and custom names.
      transaction: sourceOf(root) === 'url' ? undefined : root.name,
    });
  }
  // The name's source: what the app set (`sentry.source`, e.g. `route` after updateName), else
  // the root's own (`url` for pageload and navigation, `custom` for the app's).
  const sourceOf = (root) => (root.data && root.data['sentry.source']) || root.source;

  // The propagation context follows the current idle root: a navigation starts a new trace.
  function propagate(root) {
    Object.assign(t.prop, { traceId: root.traceId, spanId: root.spanId, sampled: root.sampled, dsc: dscFor(root) });
  }

  function startIdle(op, name, startTime) {
    if (op === 'navigation') Object.assign(t.prop, { traceId: traceId(), spanId: spanId() });
    const root = rootSpan({ name, op, startTime, source: 'url', idle: true });
    root.final = setTimeout(() => endIdle(root, 'finalTimeout'), FINAL_S * 1000);
    touch(root);
    return root;
  }

  // Navigation Timing and Resource Timing: the pageload's children, made from what the browser
  // measured, when it ends.
  function pageSpans(root) {
    if (!perf || !origin || !perf.getEntriesByType) return;
    const add = (op, name, from, to, data) => {
      if (!(from > 0) || !(to >= from)) return;
      const s = createSpan({ name, op, attributes: data, traceId: root.traceId, parentSpanId: root.spanId, sampled: true, startTime: at(from), origin: 'auto.ui.browser.metrics' });
      s.end(at(to));
      root.children.push(s);
    };
    const nav = perf.getEntriesByType('navigation')[0];
    if (nav) {
      for (const ev of ['unloadEvent', 'domContentLoadedEvent', 'loadEvent']) add(`browser.${ev}`, ev, nav[`${ev}Start`], nav[`${ev}End`]);
      add('browser.redirect', 'redirect', nav.redirectStart, nav.redirectEnd);
      add('browser.cache', 'cache', nav.fetchStart, nav.domainLookupStart);
      add('browser.DNS', 'DNS', nav.domainLookupStart, nav.domainLookupEnd);
      add('browser.connect', 'connect', nav.connectStart, nav.connectEnd);
      if (nav.secureConnectionStart > 0) add('browser.TLS/SSL', 'TLS/SSL', nav.secureConnectionStart, nav.connectEnd);
      add('browser.request', g.location ? g.location.href : 'request', nav.requestStart, nav.responseEnd);
      add('browser.response', g.location ? g.location.href : 'response', nav.responseStart, nav.responseEnd);
    }
    const until = (root.t1 - origin) * 1000;
    for (const r of perf.getEntriesByType('resource')) {
      // fetch and XHR have their http.client spans; tattle's own downloads are the page's too.
      const op = resourceOp(r);
      if (!op || r.startTime > until) continue;
      const data = {};
      if (r.transferSize !== undefined) data['http.response_transfer_size'] = r.transferSize;
      if (r.encodedBodySize !== undefined) data['http.response_content_length'] = r.encodedBodySize;
      if (r.decodedBodySize !== undefined) data['http.decoded_response_content_length'] = r.decodedBodySize;
      add(op, r.name, r.startTime || 0.001, r.responseEnd || r.startTime, data);
    }
  }

  // ---- the app's spans: startSpan & co., as @sentry/browser's ----
  const active = () => stack[stack.length - 1] || idleRoot;

  function make(ctx) {
    const c = ctx && typeof ctx === 'object' ? ctx : {};
    const parent = c.parentSpan !== undefined ? c.parentSpan || undefined : active();
    const spec = { name: c.name, op: c.op, attributes: c.attributes, startTime: c.startTime };
    if (parent && parent.spanContext && !c.forceTransaction) return childSpan(parent, spec);
    if (c.onlyIfParent) return createSpan({ ...spec, sampled: false });
    return rootSpan({ ...spec, source: (c.attributes && c.attributes['sentry.source']) || 'custom' });
  }

  // Runs `cb` with `span` active (for the spans and requests it starts synchronously); an
  // async callback's span ends when its promise settles. The callback's own result or error
  // comes back unchanged.
  function within(span, cb, args, autoEnd) {
    stack.push(span);
    let result;
    try {
      result = cb(...args);
    } catch (e) {
      span.setStatus({ code: 2, message: 'internal_error' });
      if (autoEnd) span.end();
      throw e;
    } finally {
      const i = stack.lastIndexOf(span);
      if (i >= 0) stack.splice(i, 1);
    }
    if (autoEnd) {
      if (result && typeof result.then === 'function') {
        Promise.resolve(result).then(() => span.end(), () => { span.setStatus({ code: 2, message: 'internal_error' }); span.end(); });
      } else {
        span.end();
      }
    }
    return result;
  }

  // `make`, or (when it fails) a span that records nothing: the app's callback runs either way.
  function safeMake(ctx, what) {
    try {
      return make(ctx);
    } catch (e) {
      log(`${what} failed`, e);
      return createSpan({ sampled: false });
    }
  }
  function startSpan(ctx, cb) {
    const span = safeMake(ctx, 'startSpan');
    return within(span, cb, [span], true);
  }
  function startSpanManual(ctx, cb) {
    const span = safeMake(ctx, 'startSpanManual');
    return within(span, cb, [span, () => span.end()], false);
  }
  const startInactiveSpan = (ctx) => safeMake(ctx, 'startInactiveSpan');

  // ---- fetch and XHR (the shim's wrappers call these; only with browserTracingIntegration) ----
  // The shim makes the trace headers (browser/trace_shim.js); here, the requests' spans.
  // The http.client span for a request, as a child of the active span when that one records.
  // `early`: a request the shim sent before this chunk came (its span id is in its header; its
  // start, and its end if it ended, are in the record).
  function http(method, url, type, early) {
    const parent = active();
    if (!parent || !parent.sampled || parent.t1 !== undefined) return undefined;
    let full = url;
    try {
      full = new URL(url, g.location && g.location.href).href;
    } catch { /* kept as given */ }
    const span = childSpan(parent, {
      name: `${method} ${url}`, op: 'http.client', origin: `auto.http.browser.${type}`,
      attributes: { url: full, 'http.method': method, type }, startTime: early && early.t0,
    });
    if (early) {
      span.spanId = early.spanId;
      if (early.t1) done(span, early.status, early.t1);
      else early.real = span;
    }
    return span;
  }
  // The response's status (undefined: the request failed), at `at` (seconds; default now).
  function done(span, status, at) {
    if (status === undefined) {
      span.setStatus({ code: 2, message: 'internal_error' });
    } else {
      span.setAttribute('http.response.status_code', status);
      const text = httpStatus(status);
      span.setStatus(text === 'ok' ? { code: 1 } : { code: 2, message: text });
    }
    span.end(at);
  }

  const vitals = auto && webVitals(perf, log);
  const api = {
    http, done, active, startSpan, startSpanManual, startInactiveSpan,
    hide: () => { if (idleRoot) endIdle(idleRoot, 'documentHidden'); },
  };

  if (auto) {
    const o = { instrumentPageLoad: true, instrumentNavigation: true, ...auto };
    // The pageload, with the ids and decision the shim announced from init on.
    if (o.instrumentPageLoad !== false && origin) {
      const root = startIdle('pageload', g.location ? g.location.pathname : '/', origin);
      propagate(root);
      // The requests sent before this chunk came: their spans, in the pageload.
      for (const r of (t.early || []).splice(0)) http(r.method, r.url, r.type, r);
      if (g.document && g.document.readyState !== 'complete') g.addEventListener('load', () => setTimeout(() => touch(root)), { once: true });
    }
    if (o.instrumentNavigation !== false && g.history && g.location) {
      let path = g.location.pathname;
      const moved = () => {
        try {
          const to = g.location.pathname;
          if (to === path) return;
          path = to;
          if (idleRoot) endIdle(idleRoot, 'cancelled');
          propagate(startIdle('navigation', to));
        } catch (e) {
          log('navigation transaction failed', e);
        }
      };
      for (const name of ['pushState', 'replaceState']) {
        const orig = g.history[name];
        if (typeof orig !== 'function') continue;
        g.history[name] = function () {
          const r = orig.apply(this, arguments);
          moved();
          return r;
        };
      }
      g.addEventListener('popstate', moved);
    }
    // The page goes to the background: the root ends now, so it is sent while it can be (the
    // shim's pagehide listener calls `hide` before it keeps what could not be sent).
    if (g.document) g.addEventListener('visibilitychange', () => { if (g.document.visibilityState === 'hidden') api.hide(); });
  }

  // Without a pageload: the propagation context's dsc (what errors and headers carry).
  if (!t.prop.dsc) t.prop.dsc = dscFor({ traceId: t.prop.traceId, source: 'url' });
  return api;
}

/**
 * A Resource Timing entry's span op (`resource.script`, `.css`, `.img`, `.link`, `.other`), or
 * undefined for fetch and XHR (they have their http.client spans).
 */
export function resourceOp(r) {
  const type = r.initiatorType;
  if (type === 'fetch' || type === 'xmlhttprequest') return undefined;
  const kind = type === 'script' ? 'script'
    : type === 'css' || (type === 'link' && /\.css([?#]|$)/.test(r.name)) ? 'css'
      : type === 'img' || type === 'image' ? 'img' : type === 'link' ? 'link' : 'other';
  return `resource.${kind}`;
}

/**
 * CLS as web-vitals counts it: the largest session window of layout shifts (each within 1 s of
 * the previous, the window at most 5 s long), shifts right after input left out. `state.value`
 * is the CLS so far.
 */
export function clsStep(state, e) {
  if (e.hadRecentInput) return state;
  if (state.sum && e.startTime - state.last < 1000 && e.startTime - state.first < 5000) {
    state.sum += e.value;
  } else {
    state.sum = e.value;
    state.first = e.startTime;
  }
  state.last = e.startTime;
  state.value = Math.max(state.value, state.sum);
  return state;
}

// Web vitals as Sentry reports them on the pageload: ttfb, fcp (and fp), lcp and cls, from
// PerformanceObservers with `buffered: true` (what happened before this chunk came counts too),
// and inp (the longest interaction so far). Values in milliseconds since the navigation began,
// cls unitless.
function webVitals(perf, log) {
  const v = {};
  const cls = { value: 0 };
  const observe = (type, fn, extra) => {
    try {
      if (!(globalThis.PerformanceObserver && PerformanceObserver.supportedEntryTypes.includes(type))) return;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) fn(e);
      }).observe({ type, buffered: true, ...extra });
    } catch (e) {
      log(`no ${type} observer`, e);
    }
  };
  observe('paint', (e) => {
    if (e.name === 'first-contentful-paint') v.fcp = e.startTime;
    if (e.name === 'first-paint') v.fp = e.startTime;
  });
  observe('largest-contentful-paint', (e) => { v.lcp = e.startTime; });
  observe('layout-shift', (e) => clsStep(cls, e));
  observe('event', (e) => {
    if (e.interactionId) v.inp = Math.max(v.inp || 0, e.duration);
  }, { durationThreshold: 16 });
  return {
    measurements() {
      const m = {};
      const ms = (name, value) => { if (typeof value === 'number' && value >= 0 && isFinite(value)) m[name] = { value, unit: 'millisecond' }; };
      try {
        const nav = perf.getEntriesByType('navigation')[0];
        if (nav) ms('ttfb', nav.responseStart);
      } catch { /* none */ }
      ms('fp', v.fp);
      ms('fcp', v.fcp);
      ms('lcp', v.lcp);
      ms('inp', v.inp);
      m.cls = { value: cls.value, unit: 'none' };
      return Object.keys(m).length ? m : undefined;
    },
  };
}
