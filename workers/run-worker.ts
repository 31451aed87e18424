import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { SolanaRpcClient } from '../activities/chain/solana-rpc';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';

export interface WorkerWiring {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  db: Db;
  log: Logger;
  rpcUrl?: string;
  rpcConcurrency?: number;
  rpcTimeoutMs?: number;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start-up. */
  workflowBundlePath?: string;
  identity?: string;
  maxConcurrentActivityTaskExecutions?: number;
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

export interface RunningWorkerParts {
  worker: Worker;
  temporal: Client;
  /** Closes the connections the worker and its activities used; call after run() has resolved. */
  close(): Promise<void>;
}

/** Builds a worker for the oof task queue: the workflows, and the activities wired to their dependencies. */
export async function createWorker(w: WorkerWiring): Promise<RunningWorkerParts> {
  installRuntimeLogger(w.log);
  const connection = await NativeConnection.connect({ address: w.temporalAddress });
  const clientConnection = await Connection.connect({ address: w.temporalAddress });
  const temporal = new Client({ connection: clientConnection, namespace: w.namespace });
  const rpc = w.rpcUrl
    ? new SolanaRpcClient({
        url: w.rpcUrl,
        concurrency: w.rpcConcurrency,
        timeoutMs: w.rpcTimeoutMs,
        onRetry: (r) => w.log.warn({ rpc: r }, 'RPC retry'),
      })
    : undefined;
  const options: WorkerOptions = {
    connection,
    namespace: w.namespace,
    taskQueue: w.taskQueue,
    activities: createActivities({ db: w.db, rpc, temporal }),
    ...(w.identity ? { identity: w.identity } : {}),
    ...(w.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: w.maxConcurrentActivityTaskExecutions } : {}),
    // On SIGTERM: stop polling, give activities in flight time to finish, then cancel them (they are idempotent).
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '30 seconds',
    ...(w.workflowBundlePath
      ? { workflowBundle: { codePath: w.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
  };
  const worker = await Worker.create(options);
  return {
    worker,
    temporal,
    close: async () => {
      await clientConnection.close();
      await connection.close();
    },
  };
}
