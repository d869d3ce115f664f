// tests/support/wait.mjs — small helpers the e2e files share.
//
//   await until('what we wait for', async () => valueOrFalsy, { timeoutMs, everyMs })  → the value
//   await sleep(ms)
//   uniqueWord() → 10 random consonants: a unique tag that no scrubbing rule takes for a secret
//                  (a 13-digit Date.now() can pass Luhn, and vowels can spell "auth" or "key").

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy (bounded); throws saying what it waited for. */
export async function until(what, check, { timeoutMs = 30000, everyMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const uniqueWord = () =>
  Array.from({ length: 10 }, () => 'bcfgjlmqvwxz'[Math.floor(Math.random() * 12)]).join('');
