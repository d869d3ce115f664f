// bench:edge baseline: the same work as the SDK workers (an Error per request), nothing reported.
let n = 0;
export default {
  async fetch(request, env, ctx) {
    const err = new Error('bench ' + n++);
    return new Response(err.message ? 'ok' : 'no');
  },
};
