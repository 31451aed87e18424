import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../lib/config';
import { createDb, type Db } from '../../lib/db';
import { createLogger } from '../../lib/logger';
import { requestIdClientInterceptor } from '../../lib/temporal-request-id';
import type { CardService } from '../../adapters/rendering/card-service';
import type { AlertDeps } from '../../activities/alerts/alert-activities';
import type { CardStore } from '../../adapters/stores/card-store';
import type { WorkerWiring } from '../../workers/run-worker';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { createWorker } from '../../workers/run-worker';
import { waitFor } from '../../lib/wait-for';

export function testEnv() {
  const need = (k: string) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set: run the tests through jest (test/global-setup.ts)`);
    return v;
  };
  return {
    temporalAddress: need('OOF_TEST_TEMPORAL_ADDRESS'),
    databaseUrl: need('OOF_TEST_DATABASE_URL'),
    adminDatabaseUrl: need('OOF_TEST_ADMIN_DATABASE_URL'),
    workflowBundle: need('OOF_TEST_WORKFLOW_BUNDLE'),
    tmp: need('OOF_TEST_TMP'),
  };
}

export const testLog = createLogger('oof-test', process.env.TEST_LOG_LEVEL ?? 'silent');

export function testDb(): Db {
  return createDb(testEnv().databaseUrl, { poolMax: 5, applicationName: 'oof-test' });
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  const env = testEnv();
  return loadConfig({
    ENVIRONMENT: 'test',
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    APP_SECRET: 'test-secret-test-secret-test-secret-0123',
    AUTH_ALLOW_ANONYMOUS: 'true',
    // Every test gateway counts its own requests: files run side by side from the same 127.0.0.1.
    RATE_LIMIT_NAMESPACE: `t${Math.random().toString(36).slice(2, 10)}`,
    ...overrides,
  });
}

export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: testEnv().temporalAddress });
  return { client: new Client({ connection, interceptors: { workflow: [requestIdClientInterceptor] } }), close: () => connection.close() };
}

/** A worker on its own task queue, so test files running side by side never take each other's tasks. */
export async function startTestWorker(taskQueue: string, db: Db, opts: { rpcUrl?: string; jupiterUrl?: string; historyUrl?: string; cards?: CardService; alerts?: AlertDeps; cardStore?: CardStore; tokens?: WorkerWiring['tokens'] } = {}): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const parts = await createWorker({
    temporalAddress: testEnv().temporalAddress,
    namespace: 'default',
    taskQueue,
    db,
    log: testLog,
    workflowBundlePath: testEnv().workflowBundle,
    rpcUrl: opts.rpcUrl,
    rpcConcurrency: 16,
    jupiterBaseUrl: opts.jupiterUrl,
    historyProvider: opts.historyUrl ? { name: 'birdeye', baseUrl: opts.historyUrl, apiKey: 'test' } : undefined,
    cards: opts.cards,
    alerts: opts.alerts,
    cardStore: opts.cardStore,
    // Local servers have no rate limit to respect: the registry's pacing would only slow the tests down.
    tokens: { environment: 'test', requestsPerMinute: 60_000, ...opts.tokens },
  });
  const running = parts.run();
  return {
    worker: parts.workers[0]!,
    stop: async () => {
      parts.shutdown();
      await running;
      await parts.close();
    },
  };
}

export function uniqueQueue(name: string): string {
  return `test-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** waitFor with the test suites' defaults: 30 s, polled every 100 ms. */
export function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  return waitFor(fn, timeoutMs, intervalMs);
}

/**
 * A database handle and a Temporal client for one describe block: opened before its tests, closed after.
 * jest-circus runs a block's afterAll hooks in declaration order, so this helper's (declared first) would close the
 * pool under the suite's own dispatchers, feeds and gateways while they still run a round. Whatever uses the two is
 * stopped through `beforeClose` instead: those run in reverse order of registration, then the client and the pool close.
 */
export function useDbAndTemporal(): { readonly db: Db; readonly client: Client; beforeClose(stop: () => unknown): void } {
  const open: { db?: Db; temporal?: Awaited<ReturnType<typeof temporalClient>> } = {};
  const stops: Array<() => unknown> = [];
  beforeAll(async () => {
    open.db = testDb();
    open.temporal = await temporalClient();
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await open.temporal?.close();
    await open.db?.destroy();
  });
  return {
    get db() { return open.db!; },
    get client() { return open.temporal!.client; },
    beforeClose(stop) { stops.push(stop); },
  };
}

/**
 * A database, a Temporal client, a replay JSON-RPC server and a worker reading it, on its own task queue, for one
 * describe block: opened in order before its tests, closed in reverse after them.
 */
export function useWorkerOnReplayChain(name: string): { readonly db: Db; readonly client: Client; readonly rpc: SolanaRpcReplayServer; readonly queue: string } {
  const queue = uniqueQueue(name);
  const rpc = new SolanaRpcReplayServer();
  const open: { db?: Db; temporal?: Awaited<ReturnType<typeof temporalClient>>; worker?: Awaited<ReturnType<typeof startTestWorker>> } = {};
  beforeAll(async () => {
    open.db = testDb();
    open.temporal = await temporalClient();
    await rpc.start();
    open.worker = await startTestWorker(queue, open.db, { rpcUrl: rpc.url });
  });
  afterAll(async () => {
    await open.worker?.stop();
    await rpc.stop();
    await open.temporal?.close();
    await open.db?.destroy();
  });
  return { get db() { return open.db!; }, get client() { return open.temporal!.client; }, rpc, queue };
}
