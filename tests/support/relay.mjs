// tests/support/relay.mjs — Sentry Relay as the judge of what tattle sends (runs tests/support/relay_check.py in the
// venv from scripts/setup-python.sh; sentry-relay is Relay's Rust normalizer + PII scrubber as a Python wheel).
//
//   const { ok, problems } = await relayCheck(recorder.bodies.map((r) => r.body));
//   assert.ok(ok, formatProblems(problems));
//
// Exports
//   relayCheck(bodies, options?) → { ok, problems, envelopes }
//     bodies:   raw envelope bytes (Buffer | Uint8Array | string), already Content-Encoding-decoded (the recorder's
//               `body`), or recorder entries ({ body }) directly.
//     problems: [{ envelope, item?, kind, message, error? }] with kind one of
//               parse (strict envelope framing: wrong item length, bad JSON line, blank line …),
//               header (event_id 32 lowercase hex, sent_at RFC 3339 UTC, dsn, sdk), envelope (> 1 event item,
//               event item > 1 MiB, no items), event (payload event_id ≠ header event_id / missing),
//               payload (JSON item not JSON), normalizer (an entry of StoreNormalizer(project_id=1).normalize_event's
//               `errors`: invalid_data, invalid_attribute, … with the field path), limit (tattle's truncation
//               rules, which the 0.10.1 normalizer doesn't enforce: tag 200 chars, message 8192, 50 frames, 100
//               breadcrumbs), client_report (shape of discarded_events).
//     envelopes: per body { index, header, items: [item headers], event_ids }.
//     options:  { limits: true, requireSentAt: true, allowEmpty: false }
//   piiStripCheck(events, options?) → { ok, problems, datascrubbing }
//     events:   event objects (or JSON strings/Buffers). Each is normalized, then scrubbed with Relay's default data
//               scrubbing (convert_datascrubbing_config + pii_strip_event); every value Relay would still change is
//               a problem { event, kind: 'pii', path, before, after, rules, message }. ok = tattle already scrubbed
//               everything Relay would.
//     options:  { scrubData: true, scrubDefaults: true, scrubIpAddresses: true, sensitiveFields: [], excludeFields: [] }
//   relaySelfTest() → { ok, failures, cases }: the judge judged (relay_check.py selftest): for each kind of item it
//     checks (transaction, session, sessions, the trace header), a good envelope passes and bad ones are caught.
//   formatProblems(problems) → a readable multi-line string for assertion messages.
//
// Item kinds beyond events: transaction items go through the same normalize_event (an invalid transaction raises
// there: a problem of kind normalizer) and tattle's 1000-span limit (kind limit); the header `trace` is checked
// (kind header); session / sessions items are checked for what Relay requires (kind session).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv } from './bugsink.mjs';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'relay_check.py');

async function runJudge(mode, input) {
  const venv = await ensureVenv();
  const dir = await mkdtemp(join(tmpdir(), 'tattle-relay-'));
  try {
    const file = join(dir, 'input.json');
    await writeFile(file, JSON.stringify(input));
    return await new Promise((resolve, reject) => {
      const args = mode === 'selftest' ? [SCRIPT, mode] : [SCRIPT, mode, file];
      const child = spawn(join(venv, 'bin', 'python'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(`relay_check.py ${mode} failed (${code ?? signal}):\n${err.slice(-4000)}`));
        try {
          resolve(JSON.parse(out));
        } catch (e) {
          reject(new Error(`relay_check.py printed no JSON: ${e.message}\n${out.slice(0, 1000)}\n${err.slice(-2000)}`));
        }
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toBuffer(b) {
  if (b && typeof b === 'object' && 'body' in b && !(b instanceof Uint8Array)) b = b.body;
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  if (b instanceof Uint8Array) return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (b instanceof ArrayBuffer) return Buffer.from(b);
  throw new TypeError(`relayCheck: not an envelope body: ${typeof b}`);
}

export async function relayCheck(bodies, options = {}) {
  return runJudge('envelopes', { bodies: [...bodies].map((b) => toBuffer(b).toString('base64')), options });
}

export async function piiStripCheck(events, options = {}) {
  const list = [...events].map((e) => (typeof e === 'string' || e instanceof Uint8Array ? JSON.parse(toBuffer(e)) : e));
  return runJudge('pii', { events: list, options });
}

export async function relaySelfTest() {
  return runJudge('selftest', {});
}

export function formatProblems(problems) {
  return problems.map((p) => {
    const where = p.kind === 'pii' ? `event ${p.event}` : `envelope ${p.envelope ?? '-'}${p.item !== undefined ? ` item ${p.item}` : ''}`;
    return `  [${p.kind}] ${where}: ${p.message}`;
  }).join('\n');
}
