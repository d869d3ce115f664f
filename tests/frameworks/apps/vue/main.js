// A Vue app written as Sentry's Vue guide shows (the test swaps only the import for tattle/vue).
// __HANDLER__ (a build-time constant): where the app sets its own errorHandler, 'before' or
// 'after' Sentry.init, or 'none'. window.appLog is what the app's own handler saw.
import * as Sentry from '@sentry/vue';
import { createApp } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import App from './App.vue';
import Home from './Home.vue';
import User from './User.vue';

window.appLog = [];
const app = createApp(App);
const router = createRouter({
  history: createWebHistory(),
  routes: [{ path: '/', component: Home }, { path: '/users/:id', component: User }],
});
const handler = (error, vm, info) => window.appLog.push(`app handler: ${error.message}`);
if (__HANDLER__ === 'before') app.config.errorHandler = handler;

Sentry.init({
  app,
  dsn: __DSN__,
  release: 'vue-app@1.0.0',
  tracesSampleRate: 1,
  integrations: [Sentry.browserTracingIntegration({ router })],
});
if (__HANDLER__ === 'after') app.config.errorHandler = handler;
window.Sentry = Sentry;

app.use(router);
app.mount('#app');
