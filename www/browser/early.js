// Captures made while the .wasm loads are calls in the client's queue. If the page goes before it
// is ready, they are kept raw in localStorage (synchronous: pagehide does not wait for IndexedDB)
// and built on the next load (lazy.js, replayEarly), inside a scope of their own.
import { queue, state } from './client.js';

const EARLY_KEY = 'tattle:early';
const MAX_KEPT = 3000;
// Whether an earlier page kept a transaction (only the tracing build can make its envelope).
export const keptTransaction = () => {
  try {
    return /\["transaction",/.test(localStorage.getItem(EARLY_KEY));
  } catch { /* no storage: nothing kept */ }
};
const plain = (v) => (v instanceof Error ? { $error: { name: v.name, message: v.message, stack: v.stack } } : v);
export let left = false; // pagehide came while the .wasm loaded
// (A transaction that ended as the page went, tracing.js's, is kept as a capture is.)
const captured = (calls) => calls.some(([name]) => name.startsWith('capture') || name === 'transaction');

export function keepEarly() {
  if (state !== 1) return;
  left = true;
  if (!queue.length || !captured(queue)) return;
  let calls = queue.splice(0).map(([name, args]) => [name, args.map(plain)]);
  // An earlier page that also left before its .wasm was ready: its calls stay, in a scope of
  // their own (the `$page` mark), and the newest MAX_KEPT calls of all are kept.
  let kept;
  try {
    kept = JSON.parse(localStorage.getItem(EARLY_KEY));
  } catch { /* unreadable: replaced */ }
  if (Array.isArray(kept) && kept.length) calls = [...kept, ['$page', []], ...calls].slice(-MAX_KEPT);
  let text;
  try {
    text = JSON.stringify(calls);
  } catch {
    // An argument JSON cannot hold (a cycle, a BigInt): keep each call that can be.
    text = `[${calls.map((c) => { try { return JSON.stringify(c); } catch { return ''; } }).filter(Boolean).join(',')}]`;
  }
  localStorage.setItem(EARLY_KEY, text);
}
