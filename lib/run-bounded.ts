/**
 * Runs the tasks with at most `limit` in flight; the first failure fails the whole, after the others settle (so a
 * caller that rolls back knows nothing is still running). Outbox dispatchers use it: each task is one round trip to
 * Temporal, and a round of hundreds of them one after another is what kept live moments waiting.
 */
export async function runBounded(tasks: Array<() => Promise<unknown>>, limit: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  if (failure) throw failure;
}
