import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { SolanaRpcClient } from '../adapters/chain/solana-rpc';
import { createHistoryProvider } from '../adapters/pricing/history-providers';
import { JupiterClient } from '../adapters/pricing/jupiter';
import type { CardService } from '../adapters/rendering/card-service';
import type { AlertDeps } from '../activities/alerts/alert-activities';
import type { CardStore } from '../adapters/stores/card-store';
import { createTokenRegistry, type TokenSettings } from '../adapters/tokens/create-registry';
import { parseDenyList } from '../domain/tokens/spam';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';
import { requestIdClientInterceptor } from '../lib/temporal-request-id';
import { OofWorkflows } from '../temporal/client';
import { isEarlyActivityStartLine, keepAliveActivityInterceptors, requestIdActivityInterceptors, workflowInterceptorModules } from './interceptors';

export interface WorkerWiring {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  db: Db;
  log: Logger;
  rpcUrl?: string;
  rpcConcurrency?: number;
  rpcTimeoutMs?: number;
  jupiterBaseUrl?: string;
  jupiterApiKey?: string;
  historyProvider?: { name: string; baseUrl?: string; apiKey?: string };
  /** Renders cards when moments change (omitted: the gateway renders them on demand). */
  cards?: CardService;
  /** Delivers alerts (see activities/alerts). */
  alerts?: AlertDeps;
  /** Token registry settings (issue #19); its sources are Jupiter (jupiterBaseUrl), Helius DAS (with a key) and the RPC. */
  tokens?: Omit<TokenSettings, 'jupiterBaseUrl' | 'jupiterApiKey'> & { denyList?: string[] };
  /** Where token logos are stored, beside the cards. */
  cardStore?: CardStore;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start-up. */
  workflowBundlePath?: string;
  identity?: string;
  /** Sticky-cache bound (WORKER_MAX_CACHED_WORKFLOWS); unset: the SDK's heap-sized default. */
  maxCachedWorkflows?: number;
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
        if (isEarlyActivityStartLine(entry.message, entry.meta)) return;
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
  /** The worker of taskQueue: workflows (watches included: they sleep in Temporal, not in a slot) and activities. */
  workers: Worker[];
  temporal: Client;
  run(): Promise<void>;
  shutdown(): void;
  /** Closes the connections the workers and their activities used; call after run() has resolved. */
  close(): Promise<void>;
}

/** Builds the workers of one process: the workflows and activities, wired to their dependencies. */
export async function createWorker(w: WorkerWiring): Promise<RunningWorkerParts> {
  installRuntimeLogger(w.log);
  const connection = await NativeConnection.connect({ address: w.temporalAddress });
  const clientConnection = await Connection.connect({ address: w.temporalAddress });
  const temporal = new Client({ connection: clientConnection, namespace: w.namespace, interceptors: { workflow: [requestIdClientInterceptor] } });
  const rpc = w.rpcUrl
    ? new SolanaRpcClient({ url: w.rpcUrl, concurrency: w.rpcConcurrency, timeoutMs: w.rpcTimeoutMs, onRetry: (r) => w.log.warn({ rpc: r }, 'RPC retry') })
    : undefined;
  const jupiter = w.jupiterBaseUrl ? new JupiterClient({ baseUrl: w.jupiterBaseUrl, apiKey: w.jupiterApiKey }) : undefined;
  const history = w.historyProvider ? createHistoryProvider(w.historyProvider.name, w.historyProvider) : undefined;
  const tokenSettings = { environment: 'development', ...w.tokens, jupiterBaseUrl: w.jupiterBaseUrl, jupiterApiKey: w.jupiterApiKey };
  const tokens = w.jupiterBaseUrl || rpc || w.tokens?.heliusApiKey
    ? createTokenRegistry(w.db, tokenSettings, { rpc, store: w.cardStore, onSourceError: (source, err) => w.log.warn({ source, err: (err as Error)?.message }, 'token metadata source failed') })
    : undefined;
  const activities = createActivities({ db: w.db, rpc, workflows: new OofWorkflows(temporal, w.taskQueue), jupiter, history, cards: w.cards, alerts: w.alerts, tokens, denyList: parseDenyList(w.tokens?.denyList ?? []) });
  const common = {
    connection,
    namespace: w.namespace,
    activities,
    // A prebuilt bundle already holds the workflow interceptors (it must be built with workflowInterceptorModules).
    interceptors: { activity: [requestIdActivityInterceptors, keepAliveActivityInterceptors], ...(w.workflowBundlePath ? {} : { workflowModules: workflowInterceptorModules }) },
    ...(w.identity ? { identity: w.identity } : {}),
    ...(w.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: w.maxCachedWorkflows } : {}),
    // On SIGTERM: stop polling, give activities in flight time to finish, then cancel them (they are idempotent).
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '30 seconds',
  } satisfies Partial<WorkerOptions>;
  const main = await Worker.create({
    ...common,
    taskQueue: w.taskQueue,
    ...(w.workflowBundlePath ? { workflowBundle: { codePath: w.workflowBundlePath } } : { workflowsPath: require.resolve('../workflows') }),
  });
  const workers = [main];
  return {
    workers,
    temporal,
    run: async () => { await Promise.all(workers.map((x) => x.run())); },
    shutdown: () => { for (const x of workers) if (x.getState() === 'RUNNING') x.shutdown(); },
    close: async () => {
      await clientConnection.close();
      await connection.close();
    },
  };
}
