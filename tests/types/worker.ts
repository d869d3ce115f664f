// A Cloudflare worker written the way Sentry's API is used, with tattle/worker.
import { captureEvent, captureException, captureMessage, getCurrentScope, getIsolationScope, setTag, withScope, withTattle } from 'tattle/worker';
import type { ErrorEvent, EventHint, Scope } from 'tattle/worker';

interface Env { SENTRY_DSN: string }

export default withTattle((env: Env) => ({
  dsn: env.SENTRY_DSN,
  release: 'worker@1.0.0',
  beforeSend(event: ErrorEvent, hint: EventHint) {
    if (hint.originalException instanceof TypeError) event.tags = { ...event.tags, kind: 'type' };
    return event;
  },
}), {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    setTag('path', url.pathname);
    setTag('optional', undefined);
    getIsolationScope().setUser({ id: url.searchParams.get('user') ?? 'anonymous' });
    const scope: Scope = getCurrentScope();
    scope.setTransactionName(`${request.method} ${url.pathname}`);
    try {
      throw new Error(`failed for ${env.SENTRY_DSN.length}`);
    } catch (e) {
      captureException(e, { tags: { handled: 'yes' }, level: 'warning' });
    }
    captureMessage('served', 'info');
    captureMessage('served with context', { extra: { ms: 3 } });
    captureEvent({ message: 'custom', level: 'debug' });
    const id = withScope((s) => {
      s.setTag('inner', '1');
      return captureException(new Error('inner'));
    });
    return new Response(id);
  },
});
