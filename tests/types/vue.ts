// Typical @sentry/vue app code, with only the import swapped to tattle/vue (run.mjs also compiles
// it with the import swapped back, against @sentry/vue).
import * as Sentry from 'tattle/vue';
import { createApp, defineComponent, h } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';

const App = defineComponent({ render: () => h('div', 'shop') });
const app = createApp(App);
const router = createRouter({ history: createWebHistory(), routes: [{ path: '/users/:id', component: App }] });

app.config.errorHandler = (err, instance, info) => {
  console.error(err, instance, info);
};

Sentry.init({
  app,
  dsn: 'https://key@o0.ingest.example.com/1',
  release: 'shop@1.4.2',
  attachProps: true,
  tracesSampleRate: 0.2,
  integrations: [Sentry.browserTracingIntegration({ router })],
});

const second = createApp(App);
Sentry.attachErrorHandler(second, { attachProps: false });
const integration = Sentry.vueIntegration({ app: second });
void integration;
Sentry.setUser({ id: '42' });

app.use(router);
app.mount('#app');
