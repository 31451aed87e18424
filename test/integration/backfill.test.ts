import type { ChildProcess } from 'node:child_process';
import { spawnEntry, stopProcess } from '../../lib/processes';
import type { Db } from '../../lib/db';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { syntheticHistory } from '../../lib/replay/synthetic-history';
import { eventually, startTestWorker, temporalClient, testDb, testEnv, uniqueQueue } from '../helpers/env';
import { expectedActionRows, storedActionRows } from '../helpers/expected-rows';
import { readJson, unwrap } from '../helpers/fixtures';
import { analyzeWallets } from '../../workflows';

const templates = [
  'transactions/metamask/swap-usdc-to-jup.json',
  'transactions/metamask/swap-sol-to-sahur.json',
  'transactions/txparser/raydiumLiquidityPoolV4_swap_1.json',
  'transactions/txparser/pumpfun_sell_0.json',
  'transactions/txparser/jupiterAggregatorV6_Route_2.json',
  'transactions/metamask/failed-swap.json',
].map((f) => unwrap(readJson(f)));

const W1 = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const W2 = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';

describe('backfillWallet through the real Temporal server and a local JSON-RPC server', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const rpc = new SolanaRpcReplayServer();
  const h1 = syntheticHistory({ wallet: W1, count: 1200, templates });
  const h2 = syntheticHistory({ wallet: W2, count: 3000, templates });

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    rpc.add([...h1, ...h2]);
    await rpc.start();
  });
  afterAll(async () => {
    await rpc.stop();
    await temporal?.close();
    await db?.destroy();
  });

  const options = { pageSize: 300, batchSize: 100, pagesPerRun: 2, listTimeoutMs: 5000, heartbeatTimeoutMs: 3000 };

  it('stores every transaction once, continues as new, and matches the pure parser row for row', async () => {
    const queue = uniqueQueue('backfill');
    const worker = await startTestWorker(queue, db, { rpcUrl: rpc.url });
    try {
      const analysisId = `01BACKFILL${Date.now().toString().slice(-10)}AAAAAA`.slice(0, 26);
      const summary = await temporal.client.workflow.execute(analyzeWallets, {
        taskQueue: queue,
        workflowId: `analysis/${analysisId}`,
        args: [{ analysisId, wallets: [W1], options }],
      });
      expect(summary).toMatchObject({ status: 'completed', wallets: [{ wallet: W1, transactions: 1200 }] });
      const backfill = temporal.client.workflow.getHandle(`backfill/${W1}`);
      const result = await backfill.result();
      expect(result).toMatchObject({ pages: 4, signatures: 1200, stored: 1200, alreadyKnown: 0, missing: 0, rpcConfigured: true });
      // 4 full pages, 2 per run: the last run is the third one, reached by continuing as new twice.
      const runs: string[] = [];
      for await (const wf of temporal.client.workflow.list({ query: `WorkflowId = 'backfill/${W1}'` })) runs.push(wf.runId);
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(await storedActionRows(db, W1)).toEqual(expectedActionRows(h1, W1));
      const progress = (await db('analyses').where({ id: analysisId }).first()).progress;
      expect(progress.wallets[W1]).toMatchObject({ stage: 'completed', transactions: 1200 });

      // A second analysis of the same wallet re-reads the signatures and stores nothing new.
      const again = `${analysisId.slice(0, 25)}B`;
      await temporal.client.workflow.execute(analyzeWallets, { taskQueue: queue, workflowId: `analysis/${again}`, args: [{ analysisId: again, wallets: [W1], options }] });
      expect(await backfill.result()).toMatchObject({ stored: 0, alreadyKnown: 1200 });
      expect(await storedActionRows(db, W1)).toEqual(expectedActionRows(h1, W1));
    } finally {
      await worker.stop();
    }
  });

  it('survives a worker killed mid-way (SIGKILL) and ends with exactly the rows of an undisturbed run', async () => {
    const queue = uniqueQueue('backfill-kill');
    const env = {
      DATABASE_URL: testEnv().databaseUrl,
      TEMPORAL_ADDRESS: testEnv().temporalAddress,
      TEMPORAL_TASK_QUEUE: queue,
      RPC_PRIMARY: rpc.url,
      RPC_CONCURRENCY: '8',
      LOG_LEVEL: 'warn',
      ENVIRONMENT: 'test',
    };
    rpc.faults = { latencyMs: 4 }; // slow enough to be caught half-way
    let worker: ChildProcess = spawnEntry('workers/main.ts', env, { silent: true });
    const analysisId = `01KILL${Date.now().toString().slice(-10)}AAAAAAAAAAAA`.slice(0, 26);
    const handle = await temporal.client.workflow.start(analyzeWallets, {
      taskQueue: queue,
      workflowId: `analysis/${analysisId}`,
      args: [{ analysisId, wallets: [W2], options }],
    });
    try {
      const partial = await eventually(async () => {
        const row = await db('wallet_transactions').where({ wallet: W2 }).count({ n: '*' }).first();
        const n = Number(row?.n ?? 0);
        return n >= 600 ? n : undefined;
      }, 60_000, 50);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      expect(partial).toBeLessThan(3000);
      rpc.faults = {};
      worker = spawnEntry('workers/main.ts', env, { silent: true });
      const summary = await handle.result();
      expect(summary).toMatchObject({ status: 'completed', wallets: [{ wallet: W2, transactions: 3000 }] });
      expect(await storedActionRows(db, W2)).toEqual(expectedActionRows(h2, W2));
      const links = await db('wallet_transactions').where({ wallet: W2 }).count({ n: '*' }).first();
      expect(Number(links?.n)).toBe(3000);
    } finally {
      await stopProcess(worker);
    }
  }, 180_000);
});
