// The options every platform worker gives its SDK (tattle or Sentry: the same object).
export const options = (env) => ({ dsn: env.DSN, release: 'platform@1.0.0', environment: 'e2e' });
