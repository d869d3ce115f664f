// The core ships twice (scripts/build.mjs, cargo feature `tracing`): the base build (lazy.js +
// tattle_core_bg.wasm), which a page without tracing loads, and the tracing build (lazy_tr.js +
// tattle_core_tr_bg.wasm, with the `transaction` export), which a page with tracing on at init loads
// instead. Here: the base .wasm and glue have no `transaction`, the tracing ones do and it builds a
// transaction envelope; in Debian's Chromium against a real Bugsink, a page without tracing fetches
// the base files and none of the tracing ones, a page with `tracesSampleRate` the tracing ones and
// none of the base ones, and in both an error arrives; through dist-test's hook, the core the page
// runs has (or lacks) the `transaction` export.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { collectConsole, startStaticServer } from '../support/browser.mjs';
import { PAGES, startStack } from '../support/stack.mjs';

const root = join(PAGES, '..', '..', '..');
const BASE = ['lazy.js', 'tattle_core_bg.wasm'];
const TRACING = ['lazy_tr.js', 'tattle_core_tr_bg.wasm'];
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const T0 = 1764467362.125;
const txEvent = () => ({
  type: 'transaction', transaction: '/checkout', transaction_info: { source: 'url' }, start_timestamp: T0, timestamp: T0 + 1,
  contexts: { trace: { trace_id: TRACE, span_id: SPAN, op: 'pageload' } },
  spans: [{ trace_id: TRACE, span_id: 'c7ad6b7169203331', parent_span_id: SPAN, op: 'http.client', description: 'GET /api',
    start_timestamp: T0 + 0.25, timestamp: T0 + 0.5 }],
});

describe('the two builds in Node (pkg/ glue with dist/ .wasm: one build, as shipped)', () => {
  const load = async (glue, wasm) => {
    // A query makes each import a module of its own (the two glues hold separate instances).
    const core = await import(`${pathToFileURL(join(root, 'pkg', glue)).href}?${glue}`);
    const bytes = readFileSync(join(root, 'dist', wasm));
    core.initSync({ module: bytes });
    return { core, bytes, exports: WebAssembly.Module.exports(new WebAssembly.Module(bytes)).length };
  };

  test('the base build has no transaction export; the tracing build has it, and it builds the envelope', async (t) => {
    const base = await load('tattle_core.js', 'tattle_core_bg.wasm');
    const tr = await load('tattle_core_tr.js', 'tattle_core_tr_bg.wasm');
    assert.equal(base.core.transaction, undefined, 'the base glue has no transaction()');
    assert.equal(typeof tr.core.transaction, 'function');
    assert.equal(tr.exports, base.exports + 1, 'the tracing .wasm has one export more (its names are minified)');
    for (const { core } of [base, tr]) {
      // Everything else is in both: init, captures linked to a trace, sessions.
      assert.equal(core.init({ dsn: 'http://pubkey@127.0.0.1:9/1', release: 'split@1' }), true);
      const err = core.captureException(new Error('in both builds'), { trace: { trace_id: TRACE, span_id: SPAN } });
      assert.match(err.body, new RegExp(`"trace":\\{"trace_id":"${TRACE}","span_id":"${SPAN}"\\}`));
      const s = core.session({ sid: TRACE, init: true, started: T0, status: 'ok', errors: 0 });
      assert.equal(s.category, 'session');
      assert.match(s.body, /\{"type":"session"/);
    }
    const out = tr.core.transaction(txEvent(), { trace_id: TRACE, sample_rate: '1', sampled: 'true' }, undefined);
    assert.equal(out.category, 'transaction');
    const [header, item, payload] = out.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(header.trace.trace_id, TRACE);
    assert.equal(item.type, 'transaction');
    assert.equal(payload.transaction, '/checkout');
    assert.equal(payload.spans.length, 1);
    const gz = (b) => gzipSync(b, { level: 9 }).length;
    t.diagnostic(`base .wasm ${base.bytes.length} B (${gz(base.bytes)} B gz), tracing .wasm ${tr.bytes.length} B (${gz(tr.bytes)} B gz)`);
    assert.ok(gz(tr.bytes) - gz(base.bytes) > 1000, 'the base build is smaller by the transaction builder');
  });
});

describe('Chromium: which build a page fetches', () => {
  let stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());

  /** Opens split.html (`query` added), captures an error, flushes; the files under `dir` it fetched. */
  async function run(query, dir) {
    const page = await stack.browser.newPage();
    const log = collectConsole(page);
    try {
      const from = stack.server.requests.length;
      await page.goto(`${stack.pageUrl('split.html')}${query}`);
      await page.waitForFunction(() => window.pageReady === true);
      const message = `split ${query}`;
      const id = await page.evaluate((m) => Tattle.captureException(new Error(m)), message);
      assert.equal(await page.evaluate(() => Tattle.flush(5000)), true, log.dump());
      const { data: ev } = await stack.bugsink.findEvent(id);
      assert.equal(ev.exception.values[0].value, message);
      assert.equal(ev.release, 'split@1.0.0');
      // The core's transaction export, as the page runs it (dist-test's hook; undefined without it).
      const tx = await page.evaluate(([event, trace]) => globalThis.__tattleTest?.core('transaction', [event, { trace_id: trace }]),
        [txEvent(), TRACE]);
      assert.deepEqual(log.errors, [], log.dump());
      const fetched = stack.server.requests.slice(from).map((r) => r.path).filter((p) => p.startsWith(`/${dir}/`))
        .map((p) => p.slice(dir.length + 2));
      return { fetched, tx };
    } finally {
      await page.close();
    }
  }

  for (const dir of ['dist', 'dist-test']) {
    const build = dir === 'dist-test' ? '&build=test' : '';
    test(`${dir}: tracing off → lazy.js and tattle_core_bg.wasm, no transaction export`, async () => {
      const { fetched, tx } = await run(build, dir);
      for (const f of ['index.js', ...BASE]) assert.ok(fetched.includes(f), `${f} fetched: ${fetched}`);
      for (const f of TRACING) assert.ok(!fetched.includes(f), `${f} not fetched: ${fetched}`);
      assert.equal(tx, undefined, 'no transaction export in the base build');
    });
    test(`${dir}: tracesSampleRate → lazy_tr.js and tattle_core_tr_bg.wasm, with the transaction export`, async () => {
      const { fetched, tx } = await run(`${build}&tracing=1`, dir);
      for (const f of ['index.js', ...TRACING]) assert.ok(fetched.includes(f), `${f} fetched: ${fetched}`);
      for (const f of BASE) assert.ok(!fetched.includes(f), `${f} not fetched: ${fetched}`);
      if (dir === 'dist') return; // no hook in the shipped build
      assert.equal(tx.category, 'transaction');
      assert.match(tx.body, /\n\{"type":"transaction"/);
      assert.match(tx.body, /"transaction":"\/checkout"/);
    });
  }

  // The tracing build's glue got the same trap hook (scripts/build.mjs): a trap, a fresh instance,
  // the root scope back, and its transaction export still there.
  test('dist-test, tracing on: a trap in the tracing core is contained', async () => {
    const page = await stack.browser.newPage();
    const log = collectConsole(page);
    try {
      await page.goto(`${stack.pageUrl('split.html')}&build=test&tracing=1`);
      await page.waitForFunction(() => window.pageReady === true);
      const [id, tx] = await page.evaluate(async ([event, trace]) => {
        Tattle.setTag('phase', 'before-trap');
        await Tattle.flush(); // the core is loaded
        __tattleTest.trap();
        const captured = Tattle.captureException(new Error('after the trap, tracing build'));
        await Tattle.flush(5000);
        return [captured, __tattleTest.core('transaction', [event, { trace_id: trace }])];
      }, [txEvent(), TRACE]);
      const { data: ev } = await stack.bugsink.findEvent(id);
      assert.equal(ev.exception.values[0].value, 'after the trap, tracing build');
      assert.equal(ev.tags.phase, 'before-trap');
      assert.equal(tx?.category, 'transaction', log.dump());
    } finally {
      await page.close();
    }
  });
});

// Where the page asks for the .wasm file and it is not there (a server or bundler that lost it: a
// 404, or a single-page app's server answering its page instead), lazy.js takes the same .wasm out
// of the chunk that carries it (dist/wasm_inline.js, wasm_inline_tr.js): full events, flush() true,
// no tattle console error. With the app's own wasmUrl it does not (csp.test.mjs, delivery.test.mjs:
// the console names that URL).
describe('Chromium: the .wasm file missing, the chunk in its place', () => {
  let stack;
  before(async () => { stack = await startStack(); });
  after(() => stack?.stop());

  const cases = [
    ['a 404', (req, res) => { res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found'); }],
    ["the app's page in its place (200, text/html)", (req, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<!doctype html><title>app</title>'); }],
  ];
  for (const [what, answer] of cases) {
    for (const tracing of [false, true]) {
      test(`${what}${tracing ? ', tracing on' : ''}: the event in full from ${tracing ? 'wasm_inline_tr.js' : 'wasm_inline.js'}`, async () => {
        const wasm = tracing ? 'tattle_core_tr_bg.wasm' : 'tattle_core_bg.wasm';
        const server = await startStaticServer({ [`/dist/${wasm}`]: answer, '/dist/': join(root, 'dist'), '/': PAGES });
        const page = await stack.browser.newPage();
        const log = collectConsole(page);
        try {
          await page.goto(`${server.url}/split.html?dsn=${encodeURIComponent(stack.dsn)}${tracing ? '&tracing=1' : ''}`);
          await page.waitForFunction(() => window.pageReady === true);
          const message = `the chunk's .wasm after ${what}`;
          const id = await page.evaluate((m) => Tattle.captureException(new Error(m)), message);
          assert.equal(await page.evaluate(() => Tattle.flush(5000)), true, log.dump());
          const { data: ev } = await stack.bugsink.findEvent(id);
          assert.equal(ev.exception.values[0].value, message);
          assert.equal(ev.extra?.['tattle.minimal'], undefined);
          assert.deepEqual(log.errors.filter((e) => /^tattle:/.test(e)), [], log.dump());
          const paths = server.requests.map((r) => r.path);
          assert.ok(paths.includes(`/dist/${wasm}`), 'the file was asked for first');
          assert.ok(paths.includes(`/dist/${tracing ? 'wasm_inline_tr.js' : 'wasm_inline.js'}`), `then the chunk: ${paths}`);
          assert.ok(!paths.includes(`/dist/${tracing ? 'wasm_inline.js' : 'wasm_inline_tr.js'}`), 'not the other build\'s');
        } finally {
          await page.close();
          await server.stop();
        }
      });
    }
  }
});
