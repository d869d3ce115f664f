// When tattle's .wasm cannot run on a page (a Content-Security-Policy without
// 'wasm-unsafe-eval', a .wasm the bundler did not copy), errors still reach the server, in a
// minimal form built here in JavaScript. Without the wasm there is no scrubber, so this form
// carries only what the scrubber never has to judge:
// - the exception's type (its `name` when it looks like a class name, else `Error`) and
//   mechanism; never its message (free text: it can hold a token, an e-mail, a card number);
// - per frame only the file (without query, fragment or user info), line and column; no function
//   names: a name can come from data at run time (`{ [email]: () => … }`, a `name` set with
//   defineProperty), and a source map gives them back from file:line:column on the server;
// - release, environment, dist (the app's own configuration), platform, sdk, and a note in
//   `extra` saying why the rest is missing. No user, tags, contexts, extra, breadcrumbs or page
//   URL: they are the app's data, which only the scrubber may let through.
// A captureMessage becomes `[message withheld]` at its level. The app's filters still apply
// (sampleRate; ignoreErrors, judged here on the full text, which never leaves; beforeSend, run by
// the entry; not denyUrls/allowUrls), and the entry's storm guard caps and dedupes as ever.
import { safeText } from './shared.js';

/**
 * Why a .wasm that failed with `error` cannot run (`response`: what its URL answered, if it did),
 * and the fix: the console error says it, and each minimal event. A CSP is told from the engine's
 * own error, which names it in Chromium and WebKit ("Content Security Policy") and Firefox ("CSP").
 * `file`: the package's .wasm the page needs (the tracing build's when tracing is on).
 */
export function whyNoWasm(error, url, response, file = 'tattle_core_bg.wasm') {
  const text = String(error);
  return /CSP|Content.Security.Policy/i.test(text)
    ? "the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src"
    : !url ? `could not run its inlined WebAssembly (${text})` // tattle/inline
    : `could not load ${String(response?.url || url).replace(/[?#].*/, '')} (${response?.ok === false ? `HTTP ${response.status}` : text}): copy ${file} there or set the wasmUrl option`;
}

// A frame as sent: its URL (as @sentry/browser sends it) without query or fragment (tokens ride
// there) or user info; a data: URL (the script itself) by its media type, as the core names it.
const frameAt = (url, lineno, colno) => ({
  filename: /^data:/.test(url) ? url.replace(/^data:([^,]*)[^]*/, '<data:$1>') : url.replace(/[?#].*/, '').replace(/\/\/[^/]*@/, '//'),
  lineno,
  colno,
});

/** Frames (oldest first, the newest 50) of a V8, SpiderMonkey or JavaScriptCore stack. */
export function framesOf(error) {
  let stack = String(error.stack);
  try {
    // V8 begins with `Type: message`, which may span lines: never read a frame from it.
    const head = String(error);
    if (stack.startsWith(head)) stack = stack.slice(head.length);
  } catch { /* a hostile toString: the line rule below still holds */ }
  const frames = [];
  for (const line of stack.split('\n')) {
    // `at f (url:1:2)`, `at url:1:2` (V8); `f@url:1:2` (SpiderMonkey, JavaScriptCore).
    const m = /(?:^\s*at (?:.*? \()?|@)(\S+):(\d+):(\d+)\)?$/.exec(line.trimEnd());
    if (m) frames.unshift(frameAt(m[1], +m[2], +m[3]));
  }
  return frames.slice(-50);
}

const matches = (list, text) => Array.isArray(list) && list.some((p) => (p instanceof RegExp ? p.test(text) : text.includes(p)));

/**
 * The minimal event for a capture (`captureException` / `captureMessage` with the entry's
 * arguments `[value, level?, hint]`), or the client-report reason it is dropped for.
 */
export function minimalEvent(name, args, options, why, version) {
  const hint = args[args.length - 1];
  const value = args[0];
  const event = {
    event_id: hint.event_id,
    timestamp: Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    release: options.release,
    environment: options.environment || 'production',
    dist: options.dist,
    sdk: { name: 'tattle.javascript', version },
    extra: { 'tattle.minimal': `message, function names and scope withheld: ${why}` },
  };
  let texts = [safeText(value)];
  if (name === 'captureMessage') {
    event.level = /^(fatal|error|warning|info|debug)$/.test(args[1]) ? args[1] : 'info';
    event.logentry = { formatted: '[message withheld]' };
  } else {
    let type = 'Error';
    let frames = [];
    if (value instanceof Error) {
      if (/^[\w$.]{1,64}$/.test(value.name)) type = value.name;
      frames = framesOf(value);
    } else if (hint.filename) {
      // An `error` event without an Error (a thrown string): its location is the frame.
      frames = [frameAt(hint.filename, hint.lineno, hint.colno)];
    } else if (hint.mechanism === 'onerror') {
      return 'event_processor'; // a cross-origin "Script error.": nothing to tell
    }
    const text = safeText(value instanceof Error ? value.message : value === undefined ? hint.message : value);
    texts = [`${type}: ${text}`, text];
    event.exception = {
      values: [{
        type,
        mechanism: { type: hint.mechanism, handled: hint.handled },
        stacktrace: frames.length ? { frames } : undefined,
      }],
    };
  }
  if (texts.some((t) => matches(options.ignoreErrors, t))) return 'event_processor';
  if (typeof options.sampleRate === 'number' && !(Math.random() < options.sampleRate)) return 'sample_rate';
  return event;
}

/**
 * The envelope URL of a DSN (authentication in the query, as the core does), or the tunnel. A DSN
 * the core would refuse is refused by the server (counted as send_error) or throws here.
 */
export function endpointOf(options, version) {
  if (options.tunnel) return options.tunnel;
  const u = new URL(options.dsn);
  const cut = u.pathname.lastIndexOf('/');
  return `${u.protocol}//${u.host}${u.pathname.slice(0, cut)}/api${u.pathname.slice(cut)}/envelope/?sentry_version=7&sentry_key=${u.username}&sentry_client=tattle%2F${version}`;
}

/** An event (as JSON) in an envelope; with `tunnel` the header names the DSN. */
export const envelopeOf = (id, json, options) =>
  `${JSON.stringify({ event_id: id, sent_at: new Date().toISOString(), dsn: options.tunnel ? options.dsn : undefined })}\n{"type":"event"}\n${json}`;
