// tattle/vue (dist/vue.js): the whole browser API (the same module instance as `tattle`, imported
// by the package's own name) plus @sentry/vue's: init({ app | apps, attachProps, logErrors, … }),
// vueIntegration, attachErrorHandler, and browserTracingIntegration({ router }) for Vue Router 4.
// A page that does not import it pays nothing for it.
export * from 'tattle';
export { init, vueIntegration } from './vue/init.js';
export { attachErrorHandler } from './vue/error-handler.js';
export { browserTracingIntegration } from './vue/router.js';
