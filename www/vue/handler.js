// The errorHandler attachErrorHandler(app, options) installs, as @sentry/vue's: Vue hands every error of a component
// (render and setup, event handlers, lifecycle hooks, watchers, async methods) to
// `app.config.errorHandler`; tattle's captures it (in the next task, as Sentry does, so the
// breadcrumbs of the moment are in) with contexts.vue { componentName, lifecycleHook, trace,
// propsData } (props unless `attachProps: false`; scrubbed on the device like the rest) and
// mechanism `auto.function.vue.error_handler`, handled when the app has an errorHandler of its own.
// The app's own handler is still called, whether it was set before or after (the property stays
// an accessor: a later assignment becomes the handler tattle calls); without one, the error is
// rethrown, and Vue prints it as it would have (production Vue: console.error(error)).
// `logErrors: true` also logs `[Vue warn]: Error in <hook>: "<error>"` with the component trace.
import { componentName, componentTrace } from './component.js';

const attached = new WeakSet();

/** Wraps `app`'s errorHandler; `capture(error, hint)` is tattle's captureException (error-handler.js). */
export function wrapErrorHandler(app, options, capture) {
  const config = app && app.config;
  if (!config || attached.has(config)) return;
  attached.add(config);
  let own = config.errorHandler;
  const opts = options || {};
  function handler(error, vm, lifecycleHook) {
    let trace = '';
    try {
      trace = vm ? componentTrace(vm) : '';
      const vue = { componentName: componentName(vm, false), lifecycleHook, trace };
      if (opts.attachProps !== false && vm) {
        const props = (vm.$options && vm.$options.propsData) || vm.$props;
        if (props) vue.propsData = { ...props };
      }
      const handled = typeof own === 'function';
      setTimeout(() => capture(error, {
        captureContext: { contexts: { vue } },
        mechanism: { handled, type: 'auto.function.vue.error_handler' },
      }));
      if (opts.logErrors) {
        const message = `Error in ${lifecycleHook}: "${String(error)}"`;
        if (typeof config.warnHandler === 'function') config.warnHandler.call(null, message, vm, trace);
        else console.error(`[Vue warn]: ${message}${trace}`);
      }
    } catch { /* never break the host */ }
    if (typeof own === 'function') own.call(app, error, vm, lifecycleHook);
    else throw error;
  }
  try {
    Object.defineProperty(config, 'errorHandler', {
      configurable: true,
      enumerable: true,
      get: () => handler,
      set: (fn) => { own = fn === handler ? own : fn; },
    });
  } catch {
    config.errorHandler = handler; // a config that will not take an accessor: Sentry's way
  }
}
