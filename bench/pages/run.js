// Runs in the bench page after the SDK module set window.SDK, window.t0, window.initMs.
// Capture: user, 5 tags and a context set; 100 warm-up + 2,000 captureException calls with varied
// messages; each call timed alone (performance.now() has 5 µs resolution: the page is
// crossOriginIsolated).
window.runCapture = async function runCapture() {
  const S = window.SDK;
  S.setUser({ id: 'user-1', email: 'user@example.com' });
  for (let i = 0; i < 5; i++) S.setTag(`tag${i}`, `value-${i}`);
  S.setContext('app', { build: 1234, channel: 'stable', features: ['a', 'b'] });
  for (let i = 0; i < 100; i++) S.captureException(new Error(`warm-up ${i}`));
  const times = new Float64Array(2000);
  for (let i = 0; i < 2000; i++) {
    const error = new Error(`bench error ${i} ${Math.random()}`);
    const a = performance.now();
    S.captureException(error);
    times[i] = performance.now() - a;
  }
  await S.flush(20000);
  const sorted = Array.from(times).sort((x, y) => x - y);
  const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
  return { mean, p99: sorted[Math.floor(sorted.length * 0.99)], requests: window.requests, isolated: crossOriginIsolated };
};
