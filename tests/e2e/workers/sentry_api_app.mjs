// A worker that uses Sentry's API the way apps write it, with tattle/worker: captureContext,
// captureEvent, the current and isolation scopes, setTransactionName, getUser, clear. Exercised
// by tests/e2e/sentry_api.test.mjs in workerd (miniflare).
import {
  captureEvent, captureException, captureMessage, getCurrentScope, getIsolationScope, setTag, withScope, withTattle,
} from 'tattle/worker';

export default withTattle((env) => ({ dsn: env.DSN, release: 'worker@1.0.0', environment: 'edge' }), {
  async fetch(request) {
    const run = new URL(request.url).searchParams.get('run');
    setTag('route', 'sentry-api');
    setTag('removed', 'soon');
    setTag('removed', undefined);
    getIsolationScope().setUser({ id: `user-${run}` });
    getCurrentScope().setTransactionName('GET /sentry-api');
    const ids = {};
    ids.context = captureException(new Error(`context ${run}`), { tags: { section: 'api' }, level: 'warning', extra: { attempt: 3 } });
    ids.plain = captureException(new Error(`plain ${run}`));
    ids.message = captureMessage(`message ${run}`, { level: 'info', tags: { reason: 'context' } });
    ids.level = captureMessage(`level ${run}`, 'debug');
    ids.event = captureEvent({ message: `event ${run}`, level: 'warning', tags: { source: 'manual' }, extra: { detail: 'x' } });
    ids.inner = withScope((scope) => {
      scope.setTag('inner', 'yes');
      setTag('isolation', 'set inside withScope');
      return captureException(new Error(`inner ${run}`));
    });
    ids.after = captureException(new Error(`after ${run}`));
    const userBefore = getCurrentScope().getUser()?.id ?? null;
    getCurrentScope().clear();
    const userAfter = getCurrentScope().getUser()?.id ?? null;
    ids.cleared = captureException(new Error(`cleared ${run}`));
    return Response.json({ ids, userBefore, userAfter });
  },
});
