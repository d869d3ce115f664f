// @sentry/browser as an app with performance monitoring keeps it: the error API plus
// browserTracingIntegration (its own bundle, so the error-only figures stay as they were).
export { init, captureException, flush, browserTracingIntegration, makeFetchTransport } from '@sentry/browser';
