import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

const MiB = 1024 * 1024;

/**
 * A full GC on demand without starting Node with --expose-gc: the flag is set at run time and `gc` taken from a fresh
 * context, where V8 installs it. Only the stats below use it (WORKER_STATS_EVERY_MS), never the work itself.
 */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Logs, every everyMs, what a memory question needs to be answered from the outside: RSS, the main isolate's heap
 * after a full GC (RSS above it is the workflow thread's isolate, the Rust core and buffers) and the sticky cache's
 * size. Logged at info whatever LOG_LEVEL says: the soak reads these lines. Returns the stop function.
 */
export function startWorkerStats(workers: Worker[], log: Logger, everyMs: number): () => void {
  const gc = fullGc();
  const statsLog = log.child({ component: 'worker-stats' }, { level: 'info' });
  const timer = setInterval(() => {
    gc();
    const m = process.memoryUsage();
    const status = workers.map((w) => w.getStatus());
    statsLog.info({
      rssMiB: +(m.rss / MiB).toFixed(1),
      heapUsedAfterGcMiB: +(m.heapUsed / MiB).toFixed(1),
      externalMiB: +(m.external / MiB).toFixed(1),
      cachedWorkflows: status.reduce((a, s) => a + s.numCachedWorkflows, 0),
      inFlightActivities: status.reduce((a, s) => a + s.numInFlightActivities, 0),
    }, 'worker stats');
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
