// A Cloudflare worker written the way Sentry's API is used, with tattle/worker.
import {
  captureEvent, captureException, captureMessage, getActiveSpan, getCurrentScope, getIsolationScope, setTag, startInactiveSpan, startSpan,
  withScope, withTattle,
} from 'tattle/worker';
import type { ErrorEvent, EventHint, Scope, Span } from 'tattle/worker';

interface Env { SENTRY_DSN: string }

export default withTattle((env: Env) => ({
  dsn: env.SENTRY_DSN,
  release: 'worker@1.0.0',
  tracesSampleRate: 0.2,
  tracesSampler: (ctx) => (ctx.name.startsWith('GET /health') ? 0 : ctx.inheritOrSampleWith(0.2)),
  tracePropagationTargets: ['api.example.com', /^https:\/\/internal\./],
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
    const traceId: string | undefined = getActiveSpan()?.spanContext().traceId;
    const body = await startSpan({ name: 'load', op: 'db', attributes: { rows: 3 } }, async (span: Span) => {
      span.setAttribute('cache', false).setStatus({ code: 1 });
      return fetch('https://api.example.com/x').then((r) => r.text());
    });
    const timer = startInactiveSpan({ name: 'render', op: 'template' });
    timer.end();
    return new Response(`${id} ${traceId} ${body.length}`);
  },
});
