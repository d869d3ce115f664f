// The app of tests/e2e/sourcemaps.test.mjs: built minified (esbuild, Vite), its debug ids injected
// and its source maps uploaded with sentry-cli. The test reads the line numbers below from this
// file: the frames Bugsink shows must point here, not into the bundle.
import * as Sentry from 'tattle';

const config = window.TATTLE_TEST;
Sentry.init({
  dsn: config.dsn,
  release: config.release,
  wasmUrl: config.wasmUrl,
  scrubbing: { patterns: config.patterns.map((p) => new RegExp(p)) },
});

function reportEarly(label) {
  return Sentry.captureException(new Error(`early error in ${label}`)); // EARLY
}

// Handled, before the lazy chunk is loaded: only the entry's debug id is registered yet.
window.TATTLE_EARLY = reportEarly(config.label);
window.TATTLE_LAST = () => Sentry.lastEventId();

setTimeout(async () => {
  const { explodeWidget } = await import('./widget.js');
  // Uncaught: tattle's `error` handler reports it, frames in the chunk and in the entry.
  setTimeout(() => renderDashboard(explodeWidget, config.label));
}, 50);

function renderDashboard(explode, label) {
  const rows = explode(3, label); // DASHBOARD
  return rows + 1;
}
