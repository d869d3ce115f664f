// npm run bench: tattle and @sentry/browser side by side in the same headless Chromium run.
// Method (../shared/DESIGN.md §6): pages on 127.0.0.1 with COOP/COEP (5 µs timers), the network
// replaced by counting stubs that answer 200 at once, a fresh browser (profile) per run, 3 runs,
// median and spread. Not a test: it prints figures and asserts nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSentry, root } from '../bench/common.mjs';
import { launchChromium, startStaticServer } from '../tests/support/browser.mjs';

const RUNS = 3;
const dist = process.env.TATTLE_DIST || join(root, 'dist');
const sdks = { tattle: 'tattle.html', '@sentry/browser': 'sentry.html' };
const say = (msg) => console.error(`[bench] ${msg}`);

const sentryBundle = await bundleSentry();
const server = await startStaticServer(
  { '/dist/': dist, '/sentry.js': { file: sentryBundle }, '/': join(root, 'bench', 'pages') },
  { coopCoep: true },
);
const results = {};
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const [name, page] of Object.entries(sdks)) {
      say(`run ${run}/${RUNS}: ${name}`);
      const browser = await launchChromium();
      try {
        const tab = await browser.newPage();
        await tab.goto(`${server.url}/${page}`);
        await tab.waitForFunction(() => window.SDK !== undefined, null, { timeout: 30000 });
        const init = await tab.evaluate(() => ({ initMs: window.initMs, readyMs: window.readyMs }));
        const capture = await tab.evaluate(() => window.runCapture());
        if (!capture.isolated) throw new Error('page is not crossOriginIsolated: timers are coarse');
        // A capture that sends nothing is not a measurement (tattle sends one request per event).
        if (name === 'tattle' && capture.requests !== 2100) throw new Error(`tattle sent ${capture.requests} of 2100 events`);
        (results[name] ??= []).push({ ...init, ...capture });
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  await server.stop();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = (runs, key) => {
  const xs = runs.map((r) => r[key]);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};
const summary = {};
for (const [name, runs] of Object.entries(results)) {
  summary[name] = Object.fromEntries(['initMs', 'readyMs', 'mean', 'p99', 'requests'].map((k) => [k, stat(runs, k)]));
}
const fmt = (s, digits) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
console.log(`\nmedian (min–max) of ${RUNS} runs, headless Chromium, 2,000 captures after 100 warm-up`);
console.log('sdk               init ms            ready ms           capture mean ms       capture p99 ms        requests');
for (const [name, s] of Object.entries(summary)) {
  console.log(`${name.padEnd(18)}${fmt(s.initMs, 1).padEnd(19)}${fmt(s.readyMs, 1).padEnd(19)}${fmt(s.mean, 4).padEnd(22)}${fmt(s.p99, 3).padEnd(22)}${fmt(s.requests, 0)}`);
}
const t = summary.tattle, p = summary['@sentry/browser'];
console.log(`\ntattle / @sentry/browser: init ${(t.initMs.median / p.initMs.median).toFixed(2)}, ` +
  `ready ${(t.readyMs.median / p.readyMs.median).toFixed(2)}, capture mean ${(t.mean.median / p.mean.median).toFixed(2)}, ` +
  `p99 ${(t.p99.median / p.p99.median).toFixed(2)}`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'bench.json'), JSON.stringify({ date: new Date().toISOString(), results, summary }, null, 2));
