// The module of pages/csp.html (a page under a strict Content-Security-Policy runs no inline
// script). ?dist=<dir> picks the build (a copy without its .wasm, for the 404 case); ?early=1
// captures right after init, while the .wasm is still loading; ?filters=1 sets ignoreErrors and
// a beforeSend; ?tracing=1 turns tracing on (tracesSampleRate: the core's tracing build).
const params = new URLSearchParams(location.search);
// What the page's own handlers see: only the page's errors, never tattle's.
window.pageSaw = [];
addEventListener('error', (e) => pageSaw.push(`error: ${e.error?.message ?? e.message}`));
addEventListener('unhandledrejection', (e) => pageSaw.push(`rejection: ${e.reason?.message ?? e.reason}`));
const Tattle = await import(`/${params.get('dist') || 'dist'}/index.js`);
// Whether this page's policy lets scripts evaluate strings (it must not, 'wasm-unsafe-eval' or not).
try {
  window.evalAllowed = new Function('return true')();
} catch {
  window.evalAllowed = false;
}
const options = { dsn: params.get('dsn'), release: 'csp@1.0.0', environment: 'e2e', dist: 'd7' };
if (params.get('filters')) {
  // The app's filters, which hold for the minimal form too.
  options.ignoreErrors = ['ignore me'];
  options.beforeSend = (event) => (event.exception?.values?.[0]?.type === 'URIError' ? null : event);
}
if (params.get('tracing')) options.tracesSampleRate = 1;
Tattle.init(options);
if (params.get('early')) window.earlyId = Tattle.captureException(new TypeError('early secret capture'));
window.Tattle = Tattle;
window.pageReady = true;
