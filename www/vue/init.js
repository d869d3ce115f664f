// tattle/vue's init and vueIntegration, as @sentry/vue's: the Vue integration is one of the
// defaults; it takes `app` (one app or an array; tattle also takes `apps`), `attachProps`
// (default true), `attachErrorHandler` (default true) and `logErrors` (default false), from
// init's options or vueIntegration's (those win), and attaches the error handler to each app.
// tattle's own init gets the rest (the Vue integration is not one of its own).
import { init as tattleInit } from 'tattle';
import { attachErrorHandler } from './error-handler.js';

/** The Vue integration (Sentry's name `Vue`): `{ app, attachProps, attachErrorHandler, logErrors }`. */
export const vueIntegration = (options = {}) => ({ name: 'Vue', options: { ...options } });

export function init(options = {}) {
  // What is Vue's stays here (an app object is not an option tattle's core reads).
  const { app, apps, attachProps, attachErrorHandler: attach, logErrors, tracingOptions, trackComponents, hooks, timeout, ...o } = options || {};
  const found = [];
  const pick = (list) => [].concat(list).filter((i) => {
    if (i && i.name === 'Vue') {
      found.push(i.options || {});
      return false;
    }
    return true;
  });
  try {
    const given = o.integrations;
    if (Array.isArray(given)) o.integrations = pick(given);
    else if (typeof given === 'function') o.integrations = (defaults) => pick(given([...defaults, vueIntegration()]));
  } catch { /* tattle's init reads what it can */ }
  const result = tattleInit(o);
  try {
    if (!found.length && o.defaultIntegrations !== false && typeof options.integrations !== 'function') found.push({});
    for (const io of found) {
      const merged = { attachProps: true, attachErrorHandler: true, logErrors: false, ...options, ...io };
      const apps = [].concat(merged.app || [], merged.apps || []).filter(Boolean);
      if (!apps.length) {
        console.warn('tattle/vue: no Vue app given: Vue errors will not be captured. Pass `app` (createApp\'s result) to init, and mount after init.');
        continue;
      }
      if (merged.attachErrorHandler !== false) for (const app of apps) attachErrorHandler(app, merged);
    }
  } catch { /* never break the host */ }
  return result;
}
