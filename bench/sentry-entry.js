// What a real app keeps of @sentry/browser: init, capture, scope setters (tree-shaken by esbuild).
import { init, captureException, captureMessage, setUser, setTag, setTags, setContext, flush } from '@sentry/browser';
export { init, captureException, captureMessage, setUser, setTag, setTags, setContext, flush };
export { makeFetchTransport } from '@sentry/browser';
