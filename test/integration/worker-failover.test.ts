import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import bs58 from 'bs58';
import type { Db } from '../../lib/db';
import { spawnEntry, stopProcess } from '../../lib/processes';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { syntheticHistory } from '../../lib/replay/synthetic-history';
import { eventually, startTestWorker, temporalClient, testConfig, testDb, testEnv, uniqueQueue } from '../helpers/env';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';

const TEMPLATE = JSON.parse(readFileSync(path.resolve(__dirname, '../../lib/replay/data/template-token-swap.json'), 'utf8'));

/**
 * A price provider (Birdeye's history route) that holds every request while `holding`, so the detection activity of
 * whichever worker asks first is in flight, and it answers with no prices once released.
 */
async function holdingProvider() {
  let holding = true;
  let held = 0;
  const waiting: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => {
    if (holding) {
      held++;
      waiting.push(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true,"data":{"items":[]}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held,
    release: () => { holding = false; for (const r of waiting.splice(0)) r.destroy(); },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('a killed worker', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let gw: TestGateway;
  const rpc = new SolanaRpcReplayServer();
  const queue = uniqueQueue('failover');
  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    await rpc.start();
    gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue }), db, temporal.client);
  });
  afterAll(async () => {
    await gw?.close();
    await rpc.stop();
    await temporal?.close();
    await db?.destroy();
  });

  it('has its detection resumed by another worker within 30 s', async () => {
    const wallet = bs58.encode(randomBytes(32));
    // Swaps at a time no other test has prices for, so detection must ask the provider.
    rpc.add(syntheticHistory({ wallet, count: 3, templates: [TEMPLATE], newestBlockTime: 1_672_531_200 + Math.floor(Math.random() * 20_000_000) }));
    const provider = await holdingProvider();
    const first = spawnEntry('workers/main.ts', {
      ENVIRONMENT: 'test', DATABASE_URL: testEnv().databaseUrl, TEMPORAL_ADDRESS: testEnv().temporalAddress, TEMPORAL_TASK_QUEUE: queue,
      RPC_PRIMARY: rpc.url, PRICE_HISTORY_PROVIDER: 'birdeye', PRICE_HISTORY_BASE_URL: provider.url, PRICE_HISTORY_API_KEY: 'test',
      JUPITER_BASE_URL: provider.url, LOG_LEVEL: 'warn',
    }, { silent: true });
    let second: Awaited<ReturnType<typeof startTestWorker>> | undefined;
    try {
      const res = await postJson(`${gw.url}/v1/analyze`, { wallets: [wallet] });
      expect(res.status).toBe(202);
      const { analysisId } = await res.json();
      // The first worker is inside the analysis (token registration asks Jupiter, detection the price history), waiting
      // on the provider: kill it there. Either activity must be resumed by another worker within 30 s.
      await eventually(async () => (provider.held() > 0 ? true : undefined), 120_000, 100);
      first.kill('SIGKILL');
      const killedAt = Date.now();
      provider.release();
      second = await startTestWorker(queue, db, { rpcUrl: rpc.url, historyUrl: provider.url, jupiterUrl: provider.url });
      const status = await eventually(async () => {
        const row = await db('analyses').where({ id: analysisId }).first();
        return row.status === 'completed' || row.status === 'failed' ? row.status : undefined;
      }, 150_000, 200); // long enough to see when the old 2 min heartbeat timeout would have resumed it
      const resumedInMs = Date.now() - killedAt;
      expect(status).toBe('completed');
      expect(resumedInMs).toBeLessThanOrEqual(30_000);
    } finally {
      await stopProcess(first, 1000);
      await second?.stop();
      await provider.close();
    }
  }, 330_000);
});
