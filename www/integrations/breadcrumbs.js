// Automatic breadcrumbs: Sentry's Breadcrumbs ({ dom, fetch, xhr, history }) and Console
// ({ levels }) integrations, and tattle's `breadcrumbs: { console: false, … }` option. Each
// wrapper (../instrument/) calls the original first and never lets tattle's own failure reach the
// page (addBreadcrumb catches its own failures, beforeBreadcrumb's too). fetch and XHR are also wrapped, without breadcrumbs, when tracing is on (their spans).
import { integrations, options, rawFetch } from '../browser/client.js';
import { prop } from '../browser/trace_shim.js';
import { instrumentConsole } from '../instrument/console.js';
import { instrumentDom } from '../instrument/dom.js';
import { instrumentFetch } from '../instrument/fetch.js';
import { instrumentHistory } from '../instrument/history.js';
import { instrumentXhr } from '../instrument/xhr.js';

/** Installs the wrappers the options ask for (init runs it once). */
export function instrument() {
  const on = (name) => {
    const integration = integrations[name === 'console' ? 'Console' : 'Breadcrumbs'];
    return (!options.breadcrumbs || options.breadcrumbs[name] !== false) && !!integration && integration.options[name] !== false;
  };
  const g = globalThis;
  if (on('console') && g.console) instrumentConsole(integrations.Console.options.levels);
  const crumbs = on('fetch');
  if ((crumbs || prop) && typeof rawFetch === 'function') instrumentFetch(rawFetch, crumbs);
  const xhr = g.XMLHttpRequest && g.XMLHttpRequest.prototype;
  const xhrCrumbs = on('xhr');
  if ((xhrCrumbs || prop) && xhr) instrumentXhr(xhr, xhrCrumbs);
  if (on('history') && g.history && g.location) instrumentHistory(g);
  if (on('dom') && g.document) instrumentDom(g.document);
}
