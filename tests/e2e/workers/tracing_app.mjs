// The worker tests/e2e/edge_tracing.test.mjs runs in workerd (miniflare) and, through
// tracing_deno.mjs, under Deno.serve: tracing on (tracesSampleRate 1), subrequests to the test's
// own upstream server (env.UPSTREAM), an error captured in a request, a throw, and flush().
// With env.TRACING = 'off' the same worker without tracesSampleRate.
import { captureException, flush, getActiveSpan, startSpan, withTattle } from 'tattle/worker';

const runtimeFetch = globalThis.fetch;

export default withTattle((env) => ({
  dsn: env.DSN, release: 'worker@1.0.0', environment: 'edge', tracesSampleRate: env.TRACING === 'off' ? undefined : 1,
}), {
  async fetch(request, env) {
    const url = new URL(request.url);
    const tag = url.searchParams.get('tag') || 'none';
    const traceId = getActiveSpan()?.spanContext().traceId ?? '';
    const headers = { 'x-trace-id': traceId };
    if (url.pathname === '/sub') {
      // One subrequest under the transaction, one under a span of the app's own.
      const a = await fetch(`${env.UPSTREAM}/up/${tag}/a?secret=1`);
      await a.text();
      const b = await startSpan({ name: `work ${tag}`, op: 'task' }, async () => {
        const r = await fetch(new Request(`${env.UPSTREAM}/up/${tag}/b`, { headers: { baggage: 'app=1' } }));
        return r.text();
      });
      return new Response(`sub ${b}`, { headers });
    }
    if (url.pathname === '/error') {
      const id = captureException(new Error(`traced error ${tag}`));
      return new Response(id, { headers });
    }
    if (url.pathname === '/throw') throw new Error(`traced throw ${tag}`);
    if (url.pathname === '/missing') return new Response('no', { status: 404, headers });
    if (url.pathname === '/fetch-is-native') return new Response(String(globalThis.fetch === runtimeFetch), { headers });
    if (url.pathname === '/flush') return new Response(String(await flush()), { headers });
    return new Response('ok', { headers });
  },
  async scheduled() {},
  async queue() {},
});
