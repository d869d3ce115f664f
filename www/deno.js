// `tattle/worker` under Deno (picked by the `deno` export condition): Deno may compile wasm at
// run time, so the module is read from beside this file (run with --allow-read for it). The
// core's tracing build, as worker.js.
import { initSync } from './tattle_core_tr.js';
import { edgeApi } from './edge.js';

const bytes = await Deno.readFile(new URL('./tattle_core_tr_bg.wasm', import.meta.url));
const module = new WebAssembly.Module(bytes);
const api = edgeApi(() => initSync({ module }));
export const {
  withTattle, captureException, captureMessage, captureEvent, setUser, setTag, setTags, setContext, setExtra,
  setExtras, addBreadcrumb, withScope, getCurrentScope, getIsolationScope, getGlobalScope, lastEventId, flush,
  close, dedupeIntegration, startSpan, startInactiveSpan, getActiveSpan, withSentry, instrumentDurableObjectWithSentry,
  instrumentWorkflowWithSentry, sentry,
} = api;
