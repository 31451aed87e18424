import type { ChildProcess } from 'node:child_process';
import type { Db } from '../../lib/db';
import { spawnEntry, stopProcess } from '../../lib/processes';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { eventually, startTestWorker, temporalClient, testDb, testEnv, uniqueQueue } from '../helpers/env';
import { storeHistory } from '../helpers/store-history';
import { swap, tx, USDC } from '../helpers/history';
import { postTradeWatch } from '../../workflows';

const TOKEN = 'WatchTokenMint11111111111111111111111111111';

async function eventsFor(db: Db, wallet: string): Promise<Array<{ type: string; status: string; missedUsd: string }>> {
  const rows = await db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('m.wallet', wallet).orderBy('e.id').select('e.type', 'e.payload');
  return rows.map((r: any) => ({ type: r.type, status: r.payload.status, missedUsd: r.payload.missedUsd }));
}

describe('postTradeWatch on the real Temporal server, against a local Jupiter whose price moves', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const market = new MarketReplayServer();

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    market.setToken(TOKEN, { decimals: 6 });
    await market.start();
  });
  afterAll(async () => {
    await market.stop();
    await temporal?.close();
    await db?.destroy();
  });

  it('publishes a provisional moment on the crossing, updates it as it worsens, and finalises it once', async () => {
    const queue = uniqueQueue('watch');
    const worker = await startTestWorker(queue, db, { jupiterUrl: market.url });
    try {
      const wallet = '3Kz2m5Vw8J9Q7c1uNf4rXy6Tb2Ld8Hs5Pa9Ee3Gk7Mn1';
      const mint = `${TOKEN.slice(0, -1)}A`;
      market.setToken(mint, { decimals: 6, live: '1' });
      const sell = { ...tx(Date.now() - 500, [swap(mint, '100', USDC, '100')]), wallet };
      await storeHistory(db, [sell]);
      const handle = await temporal.client.workflow.start(postTradeWatch, {
        taskQueue: queue, workflowId: `watch/${sell.signature}/${mint}`,
        args: [{ wallet, signature: sell.signature, mint, side: 'sell', atMs: Date.parse(sell.blockTime!), tradePrice: '1', windowMs: 6000, pollMs: 200, watchQueue: `${queue}-watch`, heartbeatTimeoutMs: 3000 }],
      });
      await new Promise((r) => setTimeout(r, 800));
      expect(await eventsFor(db, wallet)).toEqual([]); // no crossing yet at $1
      market.setLive(mint, '1.5');
      await eventually(async () => ((await eventsFor(db, wallet)).length ? true : undefined), 5000, 50);
      expect(await eventsFor(db, wallet)).toEqual([{ type: 'moment.created', status: 'provisional', missedUsd: '50.00' }]);
      market.setLive(mint, '2');
      await eventually(async () => ((await eventsFor(db, wallet)).length >= 2 ? true : undefined), 5000, 50);
      const result = await handle.result();
      expect(result).toMatchObject({ crossed: true, final: 'final' });
      expect(result.polls).toBeGreaterThanOrEqual(20);
      const events = await eventsFor(db, wallet);
      expect(events).toEqual([
        { type: 'moment.created', status: 'provisional', missedUsd: '50.00' },
        { type: 'moment.updated', status: 'provisional', missedUsd: '100.00' },
        { type: 'moment.finalized', status: 'final', missedUsd: '100.00' },
      ]);
      const moments = await db('moments').where({ wallet });
      expect(moments).toHaveLength(1);
      // A watch costs a handful of history events in all, not some per poll.
      const history = await handle.fetchHistory();
      expect(history.events!.length).toBeLessThanOrEqual(20);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('resumes after its worker is killed, without publishing anything twice', async () => {
    const queue = uniqueQueue('watch-kill');
    const wallet = '8Qn4b6Wx2Fk9Rt7Ym3Lc5Jd1Vs8Ph6Ga4Nz2Ke9Uo3Tb';
    const mint = `${TOKEN.slice(0, -1)}B`;
    market.setToken(mint, { decimals: 6, live: '1' });
    const sell = { ...tx(Date.now(), [swap(mint, '100', USDC, '100')]), wallet };
    await storeHistory(db, [sell]);
    const env = { DATABASE_URL: testEnv().databaseUrl, TEMPORAL_ADDRESS: testEnv().temporalAddress, TEMPORAL_TASK_QUEUE: queue, JUPITER_BASE_URL: market.url, LOG_LEVEL: 'warn', ENVIRONMENT: 'test' };
    let worker: ChildProcess = spawnEntry('workers/main.ts', env, { silent: true });
    try {
      const handle = await temporal.client.workflow.start(postTradeWatch, {
        taskQueue: queue, workflowId: `watch/${sell.signature}/${mint}`,
        args: [{ wallet, signature: sell.signature, mint, side: 'sell', atMs: Date.parse(sell.blockTime!), tradePrice: '1', windowMs: 20_000, pollMs: 200, watchQueue: `${queue}-watch`, heartbeatTimeoutMs: 2000 }],
      });
      market.setLive(mint, '1.6');
      await eventually(async () => ((await eventsFor(db, wallet)).length ? true : undefined), 20_000, 100);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      worker = spawnEntry('workers/main.ts', env, { silent: true });
      const result = await handle.result();
      expect(result).toMatchObject({ crossed: true, final: 'final' });
      const events = await eventsFor(db, wallet);
      expect(events.map((e) => e.type)).toEqual(['moment.created', 'moment.finalized']);
      expect(events.every((e) => e.missedUsd === '60.00')).toBe(true);
    } finally {
      await stopProcess(worker);
    }
  }, 90_000);
});
