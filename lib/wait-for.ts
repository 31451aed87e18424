/**
 * Polls `fn` every `intervalMs` until it returns something other than undefined, and returns that; a throw counts as
 * "not yet" and its message ends the timeout error, so a condition that never holds says what it last saw.
 */
export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
