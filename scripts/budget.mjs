// The size budget (size-budget.json at the repo root): gzip -9 bytes of each file tattle ships and
// of what a page fetches, as sentry-javascript's .size-limit.js holds its bundles. The checks here
// are what tests/e2e/size_budget.test.mjs runs on dist/ (a page's bytes before its load event are
// measured in a real browser by tests/e2e/bundlers.test.mjs against `pages.beforeLoad*`/`oneFile`).
// `node scripts/budget.mjs --readme` writes the README's size table from the budget (the test checks
// it is the one the budget makes); `node scripts/budget.mjs` prints each file against its budget.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const readBudget = (file = join(root, 'size-budget.json')) => JSON.parse(readFileSync(file, 'utf8'));
export const gzipOf = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/** What dist/ ships that a budget must hold: its .js and .wasm files. */
export const shipped = (dist) => readdirSync(dist).filter((f) => /\.(js|wasm)$/.test(f)).sort();

/**
 * Every breach of `budget` by the build in `dist`: a file over its budget, a shipped file without
 * one (a new entry must say what it may weigh), a file the budget names that is not built (unless it
 * is a placeholder, `gzip: null`, for an entry still to come), a page (a sum of files) over its
 * budget. [] when all hold. Each breach is one line of text naming the file and both figures.
 */
export function breaches(dist, budget) {
  const out = [];
  const sizes = Object.fromEntries(shipped(dist).map((f) => [f, gzipOf(join(dist, f))]));
  for (const f of Object.keys(sizes)) {
    const b = budget.files[f];
    if (!b) out.push(`${f}: ${sizes[f]} B gz, and no budget in size-budget.json (add one, with what it is)`);
    else if (b.gzip === null) out.push(`${f}: ${sizes[f]} B gz, and its budget is still a placeholder (set "gzip" in size-budget.json)`);
    else if (sizes[f] > b.gzip) out.push(`${f}: ${sizes[f]} B gz, over its budget of ${b.gzip} B by ${sizes[f] - b.gzip} B`);
  }
  for (const [f, b] of Object.entries(budget.files)) {
    if (!(f in sizes) && b.gzip !== null) out.push(`${f}: has a budget but is not in ${dist}`);
  }
  for (const [name, p] of Object.entries(budget.pages)) {
    if (!p.files) continue;
    const missing = p.files.filter((f) => !(f in sizes));
    if (missing.length) { out.push(`page ${name}: ${missing.join(', ')} not built`); continue; }
    const sum = p.files.reduce((n, f) => n + sizes[f], 0);
    if (sum > p.gzip) out.push(`page ${name} (${p.files.join(' + ')}): ${sum} B gz, over its budget of ${p.gzip} B by ${sum - p.gzip} B`);
  }
  return out;
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const num = (n) => n.toLocaleString('en-US');
/** The README's size table, made from the budget (between the markers below). */
export function readmeTable(budget) {
  const rows = ['| what | gzip budget | is |', '| --- | ---: | --- |'];
  for (const [name, p] of Object.entries(budget.pages)) rows.push(`| **${p.title || name}** | ${num(p.gzip)} B (${kb(p.gzip)}) | ${p.what} |`);
  for (const [f, b] of Object.entries(budget.files)) {
    rows.push(`| \`dist/${f}\` | ${b.gzip === null ? 'not yet set' : `${num(b.gzip)} B (${kb(b.gzip)})`} | ${b.what} |`);
  }
  return rows.join('\n');
}
export const START = '<!-- size-budget.json: the table below is written by `node scripts/budget.mjs --readme` -->';
export const END = '<!-- end of size-budget.json table -->';
/** The README with its size table replaced by the budget's. */
export function withTable(readme, budget) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README.md has no size-budget table markers');
  return `${readme.slice(0, a + START.length)}\n${readmeTable(budget)}\n${readme.slice(b)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const budget = readBudget();
  if (process.argv.includes('--readme')) {
    const p = join(root, 'README.md');
    writeFileSync(p, withTable(readFileSync(p, 'utf8'), budget));
    console.log('README.md: size table written from size-budget.json');
  } else {
    const dist = process.env.TATTLE_DIST || join(root, 'dist');
    if (!existsSync(dist)) throw new Error(`no ${dist}: node scripts/build.mjs first`);
    for (const f of shipped(dist)) {
      const b = budget.files[f];
      console.log(`${f.padEnd(26)}${String(gzipOf(join(dist, f))).padStart(8)} B gz  budget ${b ? b.gzip : 'none'}`);
    }
    const found = breaches(dist, budget);
    console.log(found.length ? `over budget:\n  ${found.join('\n  ')}` : 'all within size-budget.json');
    process.exitCode = found.length ? 1 : 0;
  }
}
