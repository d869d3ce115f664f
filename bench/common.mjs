// Shared by scripts/size.mjs and scripts/bench.mjs: bundling the peer SDK the same way each time.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = join(root, 'bench', '.build');

/**
 * Bundles @sentry/browser (minified ESM for the browser) from bench/sentry-entry.js, or with
 * `tracing` from bench/sentry-tracing-entry.js (browserTracingIntegration too).
 */
export async function bundleSentry({ tracing = false } = {}) {
  mkdirSync(buildDir, { recursive: true });
  const outfile = join(buildDir, tracing ? 'sentry-tracing.js' : 'sentry.js');
  await build({
    entryPoints: [join(root, 'bench', tracing ? 'sentry-tracing-entry.js' : 'sentry-entry.js')],
    bundle: true, format: 'esm', minify: true, platform: 'browser', target: 'es2020',
    outfile, logLevel: 'warning', legalComments: 'none',
  });
  return outfile;
}
