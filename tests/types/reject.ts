// What tattle's types must refuse. Each line below is an error, or tsc fails on the unused
// directive: this is how the type test shows it can fail (run.mjs also strips the directives
// and checks that tsc then reports exactly these errors).
import * as Sentry from 'tattle';
import * as Worker from 'tattle/worker';

// @ts-expect-error: not a level
Sentry.captureMessage('x', 'loud');
// @ts-expect-error: a message is text
Sentry.captureMessage(42);
// @ts-expect-error: tags are keyed values, not a list
Sentry.captureException(new Error('x'), { tags: ['a', 'b'] });
// @ts-expect-error: fingerprints are strings
Sentry.getCurrentScope().setFingerprint([1, 2]);
// @ts-expect-error: a sample rate is a number
Sentry.init({ dsn: '', tracesSampleRate: 'all' });
// @ts-expect-error: startSpan needs a name
Sentry.startSpan({ op: 'x' }, () => 1);
// @ts-expect-error: an integration has a name
Sentry.init({ integrations: [{}] });
// @ts-expect-error: beforeSend returns an event or null
Sentry.init({ beforeSend: () => 'drop' });
// @ts-expect-error: getUser takes nothing and gives a user, not a string
const name: string = Sentry.getCurrentScope().getUser();
// @ts-expect-error: the worker has no page breadcrumbs option
Worker.withTattle({ breadcrumbs: { console: false } }, {});
// @ts-expect-error: a sample rate is a number
Worker.withTattle({ tracesSampleRate: '1' }, {});
// @ts-expect-error: startSpan needs a name
Worker.startInactiveSpan({ op: 'db' });
// @ts-expect-error: captureEvent takes an event object
Worker.captureEvent('message');
void name;
