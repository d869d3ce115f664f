// `npm run demo -- --headless` end to end: scripts/demo.mjs as a user runs it (its own Bugsink, the demo page in
// headless Chromium, the Slack-format alert receiver) must print a real-time alert for each new issue and for the
// regression it provokes, and exit 0. Needs dist/ (node scripts/build.mjs; npm test builds it before the e2e tests).
//
//   node --test tests/e2e/demo.test.mjs          (~15–20 s)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the headless demo; resolves { code, signal, stdout, stderr }. Killed (whole group) after timeoutMs. */
function runDemo(timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'demo.mjs'), '--headless'], {
      cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[test] demo still running after ${timeoutMs} ms: killed`;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

test('the headless demo prints a real-time alert for each new issue and the regression', { timeout: 150000 }, async () => {
  assert.ok(existsSync(join(root, 'dist', 'index.js')), 'dist/ is missing: run `node scripts/build.mjs` first');
  const { code, signal, stdout, stderr } = await runDemo(140000);
  const output = `--- stdout\n${stdout}\n--- stderr (tail)\n${stderr.slice(-3000)}`;

  // `  alert 🔔 <issue title> — <n> ms after the click (envelope at +<m> ms; new issue|regression)`
  const alerts = [...stdout.matchAll(/^ {2}alert 🔔 (.+) — (\d+) ms after the click \(.*?(new issue|regression)\)$/gm)]
    .map(([, title, ms, kind]) => ({ title, ms: Number(ms), kind }));
  assert.ok(alerts.length >= 1, `no alert line printed\n${output}`);
  assert.ok(alerts.some((a) => a.kind === 'new issue' && a.title.startsWith('TypeError: ')),
    `no new-issue alert for the TypeError\n${output}`);
  assert.ok(alerts.some((a) => a.kind === 'regression' && a.title.startsWith('TypeError: ')),
    `no regression alert for the resolved TypeError\n${output}`);
  // Every issue Bugsink stored got its new-issue alert (the demo lists the issues after the clicks).
  const stored = Number(/Bugsink stored (\d+) issues/.exec(stdout)?.[1]);
  assert.ok(stored >= 1, `the demo listed no stored issues\n${output}`);
  assert.equal(alerts.filter((a) => a.kind === 'new issue').length, stored, `one new-issue alert per issue\n${output}`);
  // Real time: each alert came while the click's envelope was being ingested, not by some later poll.
  for (const a of alerts) assert.ok(a.ms < 10000, `alert "${a.title}" took ${a.ms} ms after its click\n${output}`);
  assert.match(stdout, /All \d+ expected alerts arrived/, output);
  assert.doesNotMatch(stdout, /FAILED/, output);
  assert.equal(signal, null, output);
  assert.equal(code, 0, `demo exited ${code}\n${output}`);
});
