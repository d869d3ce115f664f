// Typical @sentry/browser app code. The only tattle-specific line is the import: run.mjs also
// compiles this very file with it swapped back to '@sentry/browser', so it stays Sentry code.
import * as Sentry from 'tattle';
import type { Breadcrumb, BreadcrumbHint, ErrorEvent, Event, EventHint, Scope, SeverityLevel, User } from 'tattle';

class PermissionDenied extends Error {}

const options: Sentry.BrowserOptions = {
  dsn: 'https://public@o0.ingest.example.com/1',
  release: 'shop@1.4.2',
  environment: 'production',
  sampleRate: 1,
  maxBreadcrumbs: 50,
  ignoreErrors: ['ResizeObserver loop limit exceeded', /^Network ?Error/],
  denyUrls: [/extensions\//i],
  integrations: [
    Sentry.breadcrumbsIntegration({ dom: false }),
    Sentry.globalHandlersIntegration({ onunhandledrejection: true }),
    Sentry.dedupeIntegration(),
  ],
  beforeSend(event: ErrorEvent, hint: EventHint): ErrorEvent | null {
    if (hint.originalException instanceof PermissionDenied) return null;
    const error = hint.originalException as Error | undefined;
    if (error && error.message.includes('timeout')) {
      event.fingerprint = ['timeout', event.transaction ?? 'unknown'];
    }
    if (event.exception?.values?.[0]?.type === 'ChunkLoadError') event.level = 'warning';
    event.breadcrumbs = event.breadcrumbs?.filter((b) => b.category !== 'console');
    event.tags = { ...event.tags, checked: true };
    return event;
  },
  beforeBreadcrumb(breadcrumb: Breadcrumb, hint?: BreadcrumbHint): Breadcrumb | null {
    if (breadcrumb.category === 'ui.click' && hint?.event?.target?.id === 'secret') return null;
    if (breadcrumb.category === 'fetch' && breadcrumb.data?.url?.includes('/health')) return null;
    return breadcrumb;
  },
};
Sentry.init(options);

Sentry.init({
  dsn: 'https://public@o0.ingest.example.com/1',
  integrations: (defaults) => defaults.filter((integration) => integration.name !== 'Breadcrumbs'),
  async beforeSend(event) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return event.message === 'ignore me' ? null : event;
  },
});

// Tracing and release health as @sentry/browser sets them up.
Sentry.init({
  dsn: 'https://public@o0.ingest.example.com/1',
  release: 'shop@1.4.2',
  tracesSampleRate: 0.2,
  tracesSampler: (ctx) => (ctx.name.startsWith('/health') ? 0 : ctx.inheritOrSampleWith(0.5)),
  tracePropagationTargets: ['localhost', /^https:\/\/api\.example\.com/],
  integrations: [Sentry.browserTracingIntegration(), Sentry.browserSessionIntegration()],
});
Sentry.init({
  dsn: 'https://public@o0.ingest.example.com/1',
  release: 'shop@1.4.2',
  integrations: (defaults) => defaults.filter((integration) => integration.name !== 'BrowserSession'),
});

const total: number = Sentry.startSpan({ name: 'checkout', op: 'ui.action', attributes: { items: 3 } }, (span) => {
  span.setAttribute('paid', true);
  span.setAttributes({ currency: 'EUR', amount: 59.9 });
  return 42;
});
const loaded: Promise<string> = Sentry.startSpan({ name: 'load cart', op: 'http' }, async () => {
  const response = await fetch('/api/cart');
  return response.text();
});
Sentry.startSpanManual({ name: 'upload', op: 'task' }, (span, finish) => {
  setTimeout(() => {
    span.setStatus({ code: 2, message: 'internal_error' });
    span.end();
    finish();
  }, 10);
});
const background = Sentry.startInactiveSpan({ name: 'prefetch', op: 'resource', startTime: Date.now() / 1000 });
background.updateName('prefetch images');
background.end();
const active = Sentry.getActiveSpan();
if (active && active.isRecording()) {
  const { traceId, spanId } = active.spanContext();
  active.setAttribute('ids', `${traceId}-${spanId}`);
}
Sentry.startSpan({ name: 'root', forceTransaction: true, parentSpan: null }, () => undefined);
void total;
void loaded;

const user: User = { id: 42, email: 'jane@example.com', username: 'jane' };
Sentry.setUser(user);
Sentry.setUser(null);
Sentry.setTag('feature', 'checkout');
Sentry.setTag('cleared', undefined);
Sentry.setTags({ plan: 'pro', seats: 3, trial: false });
Sentry.setContext('cart', { items: 3, total: 59.9 });
Sentry.setContext('cart', null);
Sentry.setExtra('debug', { ids: [1, 2] });
Sentry.setExtras({ a: 1, b: 'two' });
Sentry.addBreadcrumb({ category: 'auth', message: 'Signed in', level: 'info', data: { method: 'sso' } });

function checkout(): void {
  throw new Error('payment failed');
}

try {
  checkout();
} catch (e) {
  const id: string = Sentry.captureException(e);
  Sentry.captureException(e, { tags: { section: 'checkout' }, level: 'fatal', extra: { attempt: 2 } });
  Sentry.captureException(e, { user: { id: '7' }, contexts: { payment: { provider: 'stripe' } }, fingerprint: ['payment'] });
  Sentry.captureException(e, (scope) => scope.setTag('via', 'function'));
  Sentry.captureException(e, Sentry.getCurrentScope());
  Sentry.captureException(e, { mechanism: { handled: false, type: 'checkout' }, event_id: id });
  Sentry.captureException(e, { captureContext: { tags: { nested: 'yes' } } });
}

const level: SeverityLevel = 'warning';
Sentry.captureMessage('Low disk space', level);
Sentry.captureMessage('Low disk space', 'info');
Sentry.captureMessage('Signed out', { level: 'info', tags: { reason: 'timeout' } });

const event: Event = {
  message: 'Manual event',
  level: 'error',
  tags: { source: 'manual' },
  extra: { detail: 'x' },
  exception: { values: [{ type: 'QuotaError', value: 'over quota' }] },
};
Sentry.captureEvent(event);
Sentry.captureEvent({ message: 'with a hint' }, { originalException: new Error('original') });

const scope: Scope = Sentry.getCurrentScope();
scope.setTag('route', '/checkout').setExtra('step', 2);
scope.setTransactionName('/checkout/:step');
scope.setLevel('warning');
scope.setFingerprint(['{{ default }}', 'checkout']);
const current: User | undefined = scope.getUser();
if (current?.id) scope.setUser(null);
Sentry.getIsolationScope().setTag('tenant', 'acme');
Sentry.getGlobalScope().setContext('app', { build: '1234' });

const result: number = Sentry.withScope((s) => {
  s.setTag('scoped', 'yes');
  s.setUser({ id: 'scoped' });
  s.addBreadcrumb({ message: 'inside' });
  Sentry.captureException(new Error('in scope'));
  return 1;
});

const last: string | undefined = Sentry.lastEventId();
void Sentry.flush(2000).then((ok: boolean) => ok);
void Sentry.close(2000);
void result;
void last;
