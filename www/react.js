// tattle/react (dist/react.js): the whole browser API (the same module instance as `tattle`: it
// is imported by the package's own name, so the app's bundler resolves both alike and a page that
// imports both has one client) plus @sentry/react's: ErrorBoundary, withErrorBoundary,
// reactErrorHandler for createRoot's error hooks, captureReactException, and React Router 7's
// tracing. A page that does not import it pays nothing for it (its own file, not in dist/index.js).
export * from 'tattle';
export { captureReactException, reactErrorHandler } from './react/capture.js';
export { ErrorBoundary, withErrorBoundary } from './react/boundary.js';
export {
  reactRouterV7BrowserTracingIntegration, reactRouterV7BrowserTracingIntegration as reactRouterBrowserTracingIntegration,
  withSentryReactRouterV7Routing, withSentryReactRouterV7Routing as wrapReactRouterRouting,
  wrapCreateBrowserRouterV7, wrapCreateBrowserRouterV7 as wrapCreateBrowserRouter,
} from './react/router.js';
