// tattle's API beyond what @sentry/browser 11 types: `Scope.clear()` (in Sentry 7 to 10; Sentry
// 11's Scope no longer has it), `autoSessionTracking` (Sentry 7 and 8), and the `breadcrumbs`
// option of tattle's own.
import * as Sentry from 'tattle';

Sentry.init({ dsn: '', breadcrumbs: { console: false }, defaultIntegrations: false });
const scope: Sentry.Scope = Sentry.getCurrentScope().setTag('a', 1).clear();
Sentry.withScope((s) => s.clear());
void scope;

Sentry.init({ dsn: '', release: 'shop@1', autoSessionTracking: false });
