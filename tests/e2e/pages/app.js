// The "application" of the e2e page. Line numbers here are asserted by tests/e2e/browser.test.mjs
// (they read them from this file, so edit freely).
function throwUncaught() {
  throw new RangeError('e2e uncaught range error'); // @line throwUncaught
}

function rejectUnhandled() {
  Promise.reject(new Error('e2e unhandled rejection')); // @line rejectUnhandled
}

function throwString() {
  throw 'e2e thrown string'; // @line throwString
}

function handledWithScope(Tattle) {
  Tattle.setUser({ id: 'user-42', email: 'jane@example.com', username: 'jane' });
  Tattle.setTag('feature', 'checkout');
  Tattle.setTags({ tier: 'gold', attempt: 3 });
  Tattle.setContext('order', { id: 'o-1', items: 2, total: 19.5 });
  try {
    JSON.parse('{ not json'); // @line handledWithScope
  } catch (e) {
    return Tattle.captureException(e);
  }
}
