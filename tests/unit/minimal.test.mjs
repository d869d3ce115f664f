// The minimal form tattle sends while its .wasm cannot run (www/minimal.js), without a browser:
// what it keeps and what it never sends. tests/e2e/csp.test.mjs runs the whole path in Chromium
// and Firefox against Bugsink and sentry-relay.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointOf, envelopeOf, framesOf, minimalEvent, whyNoWasm } from '../../www/minimal.js';

const hint = (more) => ({ event_id: 'a'.repeat(32), mechanism: 'generic', handled: true, ...more });
const withStack = (stack, name = 'Error', message = 'm') => {
  const e = new Error(message);
  e.name = name;
  e.stack = stack;
  return e;
};

describe('whyNoWasm', () => {
  // The engines' own errors under `script-src 'self'`, as Chromium, Firefox ESR and WebKitGTK
  // gave them on this machine.
  for (const [engine, text] of [
    ['Chromium', "CompileError: WebAssembly.instantiateStreaming(): Compiling or instantiating WebAssembly module violates the following Content Security policy directive because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\"."],
    ['Firefox', 'CompileError: call to WebAssembly.instantiateStreaming() blocked by CSP'],
    ['WebKit', "CompileError: Refused to create a WebAssembly object because 'unsafe-eval' or 'wasm-unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\"."],
  ]) {
    test(`a CSP refusal in ${engine} names the directive to add`, () => {
      assert.equal(whyNoWasm(text, 'https://a.example/x.wasm'),
        "the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src");
    });
  }
  test('a 404 names the URL (without its query), the status and the fix', () => {
    const why = whyNoWasm(new Error('failed to fetch Wasm'), '/assets/tattle_core_bg.wasm?v=1',
      { ok: false, status: 404, url: 'https://a.example/assets/tattle_core_bg.wasm?v=1#x' });
    assert.equal(why, 'could not load https://a.example/assets/tattle_core_bg.wasm (HTTP 404): copy tattle_core_bg.wasm there or set the wasmUrl option');
  });
  test('with tracing on, the fix names the tracing build\'s .wasm', () => {
    const why = whyNoWasm(new Error('failed to fetch Wasm'), '/t.wasm', { ok: false, status: 404, url: 'https://a.example/t.wasm' },
      'tattle_core_tr_bg.wasm');
    assert.equal(why, 'could not load https://a.example/t.wasm (HTTP 404): copy tattle_core_tr_bg.wasm there or set the wasmUrl option');
  });
  test('a network failure says what the engine said', () => {
    assert.match(whyNoWasm(new TypeError('Failed to fetch'), '/t.wasm'), /^could not load \/t\.wasm \(TypeError: Failed to fetch\)/);
  });
});

describe('framesOf', () => {
  test('V8: oldest first; nothing read from the message, even a message that looks like frames', () => {
    const e = withStack('TypeError: token sk_live_1 at https://evil.example/x.js:1:2\n    at fake (https://leak.example/s.js:9:9)\n'
      + '    at inner (https://app.example/a.js?token=t#h:10:5)\n    at new Foo (https://app.example/b.js:20:7)\n'
      + '    at async Promise.all (index 0)\n    at https://u:p@app.example/c.js:30:1', 'TypeError',
    'token sk_live_1 at https://evil.example/x.js:1:2\n    at fake (https://leak.example/s.js:9:9)');
    assert.deepEqual(framesOf(e), [
      { filename: 'https://app.example/c.js', lineno: 30, colno: 1 },
      { filename: 'https://app.example/b.js', lineno: 20, colno: 7 },
      { filename: 'https://app.example/a.js', lineno: 10, colno: 5 },
    ]);
  });
  test('SpiderMonkey and JavaScriptCore: name@url:line:col; data: URLs by their media type', () => {
    const e = withStack('inner@https://app.example/a.js?x=1:10:5\nasync*outer@https://app.example/b.js:20:7\n'
      + '@data:text/javascript,alert(document.cookie):1:5\nglobal code@https://app.example/c.js:3:4\n[native code]');
    e.toString = () => 'something else';
    assert.deepEqual(framesOf(e), [
      { filename: 'https://app.example/c.js', lineno: 3, colno: 4 },
      { filename: '<data:text/javascript>', lineno: 1, colno: 5 },
      { filename: 'https://app.example/b.js', lineno: 20, colno: 7 },
      { filename: 'https://app.example/a.js', lineno: 10, colno: 5 },
    ]);
  });
  test('at most the newest 50', () => {
    const lines = Array.from({ length: 80 }, (_, i) => `    at f${i} (https://app.example/a.js:${i + 1}:1)`);
    const frames = framesOf(withStack(`Error: m\n${lines.join('\n')}`));
    assert.equal(frames.length, 50);
    assert.equal(frames.at(-1).lineno, 1);
    assert.equal(frames[0].lineno, 50);
  });
});

describe('minimalEvent', () => {
  const options = { release: 'r@1', environment: 'staging', dist: 'd' };
  const text = (ev) => JSON.stringify(ev);

  test('an exception: type, mechanism, frames; no message, no function names, no scope', () => {
    const e = withStack('RangeError: card 4111 1111 1111 1111\n    at payNow (https://app.example/pay.js:3:9)', 'RangeError', 'card 4111 1111 1111 1111');
    const ev = minimalEvent('captureException', [e, hint({ mechanism: 'onerror', handled: false })], options, 'why', '9.9.9');
    assert.deepEqual(ev.exception, { values: [{ type: 'RangeError', mechanism: { type: 'onerror', handled: false },
      stacktrace: { frames: [{ filename: 'https://app.example/pay.js', lineno: 3, colno: 9 }] } }] });
    assert.equal(ev.event_id, 'a'.repeat(32));
    assert.equal(ev.release, 'r@1');
    assert.equal(ev.environment, 'staging');
    assert.equal(ev.dist, 'd');
    assert.equal(ev.platform, 'javascript');
    assert.deepEqual(ev.sdk, { name: 'tattle.javascript', version: '9.9.9' });
    assert.equal(ev.extra['tattle.minimal'], 'message, function names and scope withheld: why');
    assert.ok(!text(ev).includes('4111') && !text(ev).includes('payNow'));
  });
  test('a name that is not a class name is sent as Error', () => {
    const e = withStack('x', 'token: abc def');
    assert.equal(minimalEvent('captureException', [e, hint()], {}, 'w', 'v').exception.values[0].type, 'Error');
  });
  test('a thrown string: the error event location is the frame; the string is not sent', () => {
    const ev = minimalEvent('captureException', ['password=hunter2', hint({ mechanism: 'onerror', handled: false,
      message: 'Uncaught password=hunter2', filename: 'https://app.example/a.js?session=s', lineno: 4, colno: 2 })], {}, 'w', 'v');
    assert.deepEqual(ev.exception.values[0].stacktrace.frames, [{ filename: 'https://app.example/a.js', lineno: 4, colno: 2 }]);
    assert.ok(!text(ev).includes('hunter2') && !text(ev).includes('session'));
    assert.equal(ev.environment, 'production');
  });
  test('a cross-origin "Script error." (no error, no location) is dropped as the core drops it', () => {
    assert.equal(minimalEvent('captureException', [undefined, hint({ mechanism: 'onerror', handled: false, message: 'Script error.' })], {}, 'w', 'v'), 'event_processor');
  });
  test('captureMessage: its level, the text withheld', () => {
    const ev = minimalEvent('captureMessage', ['user jane@example.com paid', 'warning', hint()], {}, 'w', 'v');
    assert.equal(ev.level, 'warning');
    assert.deepEqual(ev.logentry, { formatted: '[message withheld]' });
    assert.ok(!text(ev).includes('jane'));
    assert.equal(minimalEvent('captureMessage', ['m', undefined, hint()], {}, 'w', 'v').level, 'info');
    assert.equal(minimalEvent('captureMessage', ['m', 'bogus', hint()], {}, 'w', 'v').level, 'info');
  });
  test('ignoreErrors is judged on the full text, which still is not sent', () => {
    const e = new TypeError('ResizeObserver loop limit exceeded');
    assert.equal(minimalEvent('captureException', [e, hint()], { ignoreErrors: ['ResizeObserver loop'] }, 'w', 'v'), 'event_processor');
    assert.equal(minimalEvent('captureException', [e, hint()], { ignoreErrors: [/^TypeError: Resize/] }, 'w', 'v'), 'event_processor');
    assert.equal(minimalEvent('captureMessage', ['noisy thing', undefined, hint()], { ignoreErrors: ['noisy'] }, 'w', 'v'), 'event_processor');
    assert.equal(typeof minimalEvent('captureException', [e, hint()], { ignoreErrors: ['other'] }, 'w', 'v'), 'object');
  });
  test('sampleRate', () => {
    assert.equal(minimalEvent('captureException', [new Error('x'), hint()], { sampleRate: 0 }, 'w', 'v'), 'sample_rate');
    assert.equal(typeof minimalEvent('captureException', [new Error('x'), hint()], { sampleRate: 1 }, 'w', 'v'), 'object');
  });
});

describe('endpointOf and envelopeOf', () => {
  test("the DSN's envelope endpoint, key in the query, as the core builds it", () => {
    assert.equal(endpointOf({ dsn: 'https://abc123@o1.ingest.example.com/api-prefix/42' }, '0.1.0'),
      'https://o1.ingest.example.com/api-prefix/api/42/envelope/?sentry_version=7&sentry_key=abc123&sentry_client=tattle%2F0.1.0');
    assert.equal(endpointOf({ dsn: 'http://k@127.0.0.1:9000/7' }, 'v'),
      'http://127.0.0.1:9000/api/7/envelope/?sentry_version=7&sentry_key=k&sentry_client=tattle%2Fv');
  });
  test('a tunnel: its URL, and the DSN in the envelope header', () => {
    const options = { dsn: 'https://k@h.example/1', tunnel: '/tunnel' };
    assert.equal(endpointOf(options, 'v'), '/tunnel');
    const [head, item, payload] = envelopeOf('b'.repeat(32), '{"x":1}', options).split('\n');
    assert.equal(JSON.parse(head).dsn, 'https://k@h.example/1');
    assert.equal(JSON.parse(head).event_id, 'b'.repeat(32));
    assert.deepEqual(JSON.parse(item), { type: 'event' });
    assert.equal(payload, '{"x":1}');
    assert.equal(JSON.parse(envelopeOf('b'.repeat(32), '{}', { dsn: 'x' }).split('\n')[0]).dsn, undefined);
  });
});
