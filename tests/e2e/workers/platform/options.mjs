// The options every platform worker gives its SDK (tattle or Sentry: the same object). TRACES=1
// (the test's tattle run with tracing) adds tracesSampleRate.
export const options = (env) => ({
  dsn: env.DSN, release: 'platform@1.0.0', environment: 'e2e', ...(env.TRACES === '1' ? { tracesSampleRate: 1 } : {}),
});
