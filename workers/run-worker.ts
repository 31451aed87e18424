import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';

export interface WorkerWiring {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  db: Db;
  log: Logger;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start-up. */
  workflowBundlePath?: string;
  identity?: string;
}

let runtimeInstalled = false;

/** Routes the SDK's own logs into our JSON logger; the runtime takes this once per process. */
function installRuntimeLogger(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env.TEMPORAL_LOG_LEVEL ?? 'WARN') as LogLevel;
  try {
    Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const fields = { ...entry.meta, sdk: 'temporal' };
      const method = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : entry.level === 'INFO' ? 'info' : 'debug';
      log[method](fields, entry.message);
    }),
    });
  } catch {
    // Already installed in this process (test files share a process): keep the first logger.
  }
}

/** Builds a worker for the oof task queue: the workflows, and the activities wired to their dependencies. */
export async function createWorker(w: WorkerWiring): Promise<{ worker: Worker; connection: NativeConnection }> {
  installRuntimeLogger(w.log);
  const connection = await NativeConnection.connect({ address: w.temporalAddress });
  const options: WorkerOptions = {
    connection,
    namespace: w.namespace,
    taskQueue: w.taskQueue,
    activities: createActivities({ db: w.db }),
    ...(w.identity ? { identity: w.identity } : {}),
    // On SIGTERM: stop polling, give activities in flight time to finish, then cancel them (they are idempotent).
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '30 seconds',
    ...(w.workflowBundlePath
      ? { workflowBundle: { codePath: w.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
  };
  const worker = await Worker.create(options);
  return { worker, connection };
}
