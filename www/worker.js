// `tattle/worker` for workerd / Cloudflare Workers: the .wasm is imported as a module (workerd
// compiles it at deploy time; compiling bytes at run time is forbidden there). Needs the
// `nodejs_als` (or `nodejs_compat`) compatibility flag for per-request scopes. The edge takes the
// core's tracing build (tattle_core_tr_*: the `transaction` export; see scripts/build.mjs).
import wasm from './tattle_core_tr_bg.wasm';
import { initSync } from './tattle_core_tr.js';
import { edgeApi } from './edge.js';

const api = edgeApi(() => initSync({ module: wasm }));
export const {
  withTattle, captureException, captureMessage, captureEvent, setUser, setTag, setTags, setContext, setExtra,
  setExtras, addBreadcrumb, withScope, getCurrentScope, getIsolationScope, getGlobalScope, lastEventId, flush,
  close, dedupeIntegration, startSpan, startInactiveSpan, getActiveSpan, withSentry, instrumentDurableObjectWithSentry,
  instrumentWorkflowWithSentry, sentry,
} = api;
