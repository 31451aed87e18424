import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { JupiterClient } from '../../adapters/pricing/jupiter';
import type { Db } from '../../lib/db';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { freePort, startDevServer, type DevServer } from '../../lib/temporal-dev-server';
import { eventually, testDb, testEnv } from '../helpers/env';
import { swap, tx, USDC } from '../helpers/history';
import { storeHistory } from '../helpers/store-history';
import { refreshPrices } from '../../workflows';
import { OofWorkflows } from '../../temporal/client';
import { watchWorkflowId } from '../../temporal/config';

const MINT = 'RestartMint1111111111111111111111111111111A';
const WALLET = '5Gh2Jk7Lm9Np3Qr6St8Uv1Wx4Yz7Ab2Cd5Ef8Gh1Jk3M';

describe('a watch survives a restart of the Temporal server', () => {
  let db: Db;
  const market = new MarketReplayServer();
  beforeAll(async () => {
    db = testDb();
    market.setToken(MINT, { decimals: 6, live: '1' });
    await market.start();
  });
  afterAll(async () => {
    await market.stop();
    await db?.destroy();
  });

  it('is woken by the first refresh after the server comes back, publishing nothing twice', async () => {
    const dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'oof-restart-')), 'temporal.sqlite');
    const port = await freePort();
    let server: DevServer = await startDevServer({ dbFile, port, headless: true });
    const address = server.address;
    const connection = await NativeConnection.connect({ address });
    const jupiter = new JupiterClient({ baseUrl: market.url, retryBaseMs: 50 });
    const clientConn = await Connection.connect({ address });
    const client = new Client({ connection: clientConn });
    const workflows = new OofWorkflows(client, 'restart');
    const activities = createActivities({ db, jupiter, workflows });
    const main = await Worker.create({ connection, taskQueue: 'restart', activities, workflowBundle: { codePath: testEnv().workflowBundle } });
    const running = main.run();
    const refresh = () => client.workflow.execute(refreshPrices, { taskQueue: 'restart', workflowId: `refresh-${Date.now()}` });
    try {
      const sell = { ...tx(Date.now(), [swap(MINT, '100', USDC, '100')]), wallet: WALLET };
      await storeHistory(db, [sell]);
      const watch = { wallet: WALLET, signature: sell.signature, mint: MINT, side: 'sell' as const, atMs: Date.parse(sell.blockTime!), tradePrice: '1', quantity: '100', windowMs: 20_000 };
      await workflows.startWatch(watch);
      const handle = client.workflow.getHandle(watchWorkflowId(watch));
      await eventually(async () => db('price_alarms').where({ watch_id: watchWorkflowId(watch) }).first(), 10_000);
      market.setLive(MINT, '1.5');
      await refresh();
      const events = async () => (await db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('m.wallet', WALLET).orderBy('e.id').select('e.type')).map((r: any) => r.type);
      await eventually(async () => ((await events()).length ? true : undefined), 10_000, 100);
      // The server's SQLite file runs in WAL mode (DEV_SERVER_SQLITE_PRAGMAS), and what it wrote survives the restart.
      expect(existsSync(`${dbFile}-wal`)).toBe(true);

      await server.stop();
      await new Promise((r) => setTimeout(r, 1500));
      market.setLive(MINT, '1.8'); // worse while the server is away: the first refresh after it is back sees it
      server = await startDevServer({ dbFile, port, headless: true });
      await eventually(async () => refresh(), 20_000, 500);

      const result = await handle.result();
      expect(result).toMatchObject({ crossings: 2, final: 'final' });
      expect(await events()).toEqual(['moment.created', 'moment.updated', 'moment.finalized']);
      const moment = await db('moments').where({ wallet: WALLET }).first();
      expect(Number(moment.missed_usd)).toBe(80);
    } finally {
      main.shutdown();
      await running.catch(() => undefined);
      await clientConn.close();
      await connection.close();
      await server.stop();
    }
  }, 90_000);
});
