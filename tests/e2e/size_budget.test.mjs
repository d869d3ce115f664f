// The size budget (size-budget.json, scripts/budget.mjs) held on the build in dist/: every shipped
// .js and .wasm within its gzip budget, every one with a budget, the pages' sums (the base page, with
// tracing, a page that never errors) within theirs; that the check does fail when a file grows past
// its budget, when a new file has none, and when a page's sum grows; and that the README's size
// table is the one the budget makes (no figure typed by hand). The bytes a page fetches before its
// load event are measured per bundler in bundlers.test.mjs, against the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breaches, gzipOf, readBudget, root, shipped, withTable } from '../../scripts/budget.mjs';

const dist = join(root, 'dist');
const budget = readBudget();

test('every file in dist/ within its gzip budget, and the pages within theirs', (t) => {
  for (const f of shipped(dist)) t.diagnostic(`${f}: ${gzipOf(join(dist, f))} B gz (budget ${budget.files[f]?.gzip})`);
  for (const [name, p] of Object.entries(budget.pages)) {
    if (p.files) t.diagnostic(`page ${name}: ${p.files.reduce((n, f) => n + gzipOf(join(dist, f)), 0)} B gz (budget ${p.gzip})`);
  }
  assert.deepEqual(breaches(dist, budget), []);
});

test('the check fails when a file grows past its budget, when a file has no budget, and when a page grows', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tattle-budget-'));
  try {
    cpSync(dist, copy, { recursive: true });
    // Bytes gzip cannot shrink: index.js over its budget by about that much (and the pages it is in).
    appendFileSync(join(copy, 'index.js'), `\n//${randomBytes(1500).toString('base64')}`);
    writeFileSync(join(copy, 'new_entry.js'), 'export const x = 1;\n');
    const found = breaches(copy, budget);
    assert.ok(found.some((l) => /^index\.js: \d+ B gz, over its budget of \d+ B by \d+ B$/.test(l)), found.join('\n'));
    assert.ok(found.some((l) => /^new_entry\.js: .*no budget/.test(l)), found.join('\n'));
    assert.ok(found.some((l) => /^page total \(/.test(l)), found.join('\n'));
    // A page alone: its files each within budget, their sum not.
    const tight = structuredClone(budget);
    const p = tight.pages.total;
    p.gzip = p.files.reduce((n, f) => n + gzipOf(join(dist, f)), 0) - 1;
    assert.deepEqual(breaches(dist, tight).filter((l) => l.startsWith('page total')).length, 1);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test("the README's size table is the one size-budget.json makes", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.equal(readme, withTable(readme, budget), 'run node scripts/budget.mjs --readme');
});
