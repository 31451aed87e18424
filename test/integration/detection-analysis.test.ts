import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCardService } from '../../adapters/rendering/card-service';
import { DiskCardStore } from '../../adapters/stores/card-store';
import type { Db } from '../../lib/db';
import { klinePointsFromFile } from '../../lib/replay/price-csv';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { startTestWorker, temporalClient, testDb, uniqueQueue } from '../helpers/env';
import { FIXTURES } from '../helpers/fixtures';
import { storeHistory } from '../helpers/store-history';
import { swap, tx, USDC } from '../helpers/history';
import { analyzeWallets } from '../../workflows';

const WIF = 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm';
const cardStore = new DiskCardStore(mkdtempSync(path.join(os.tmpdir(), 'oof-detect-cards-')));
const WALLET = '5Vd3Hq8Kp2Wm7Xr4Nb9Lc6Ts1Fz8Gy3Je5Ua2Ro7Pk4Mh';

describe('historical detection inside analyzeWallet, with prices from a Birdeye-speaking server', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  const market = new MarketReplayServer();
  const queue = uniqueQueue('detect');

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    market.setToken(WIF, { decimals: 6, history: klinePointsFromFile(path.join(FIXTURES, 'prices/WIFUSDT_1h_2024-03-05_2024-09-07.csv')) });
    await market.start();
    worker = await startTestWorker(queue, db, { jupiterUrl: market.url, historyUrl: market.url, cards: createCardService({ db, store: cardStore }) });
    await storeHistory(db, [
      { ...tx(Date.parse('2024-03-26T00:00:00Z'), [swap(WIF, '1000', USDC, '2684')]), wallet: WALLET },
      { ...tx(Date.parse('2024-04-08T21:00:00Z'), [swap(USDC, '4231.5', WIF, '1000')]), wallet: WALLET },
    ]);
  });
  afterAll(async () => {
    await worker?.stop();
    await market.stop();
    await temporal?.close();
    await db?.destroy();
  });

  const analyse = async (id: string) =>
    temporal.client.workflow.execute(analyzeWallets, { taskQueue: queue, workflowId: `analysis/${id}`, args: [{ analysisId: id, wallets: [WALLET], options: { now: '2024-05-01T00:00:00Z' } }] });

  it('fetches each price window once, stores the moments, and re-runs without duplicating anything', async () => {
    const summary = await analyse('01DETECT0000000000000000AA');
    expect(summary).toMatchObject({ status: 'completed', wallets: [{ wallet: WALLET, moments: 2 }] });
    const rows = await db('moments').where({ wallet: WALLET }).orderBy('at');
    expect(rows.map((r: any) => [r.kind, r.status, Number(r.missed_usd).toFixed(2)])).toEqual([['S2E', 'final', '2135.90'], ['BHD', 'final', '2116.90']]);
    expect(rows[0].explain.priceSource).toBe('birdeye');
    // Each new moment's card was rendered and stored as it was created.
    for (const r of rows) {
      expect(r.card_key).toMatch(new RegExp(`^cards/${r.id}-[0-9a-f]{10}\\.png$`));
      expect((await cardStore.get(r.card_key))!.readUInt32BE(16)).toBe(1200);
    }
    const fetchedOnce = market.calls['/defi/history_price'];
    expect(fetchedOnce).toBeGreaterThan(0);
    expect(Number((await db('price_windows').where({ mint: WIF, source: 'birdeye' }).count({ n: '*' }).first())?.n)).toBeGreaterThan(0);
    const events = Number((await db('moment_events').whereIn('moment_id', rows.map((r: any) => r.id)).count({ n: '*' }).first())?.n);
    expect(events).toBe(2);

    await analyse('01DETECT0000000000000000AB');
    expect(market.calls['/defi/history_price']).toBe(fetchedOnce); // cached windows
    expect(await db('moments').where({ wallet: WALLET }).count({ n: '*' }).first()).toMatchObject({ n: '2' });
    const eventsAfter = Number((await db('moment_events').whereIn('moment_id', rows.map((r: any) => r.id)).count({ n: '*' }).first())?.n);
    expect(eventsAfter).toBe(2); // unchanged moments publish nothing

    const child = await temporal.client.workflow.getHandle(`analysis/01DETECT0000000000000000AB/${WALLET}`).describe();
    expect(child.searchAttributes.MomentKinds).toEqual(['BHD', 'S2E']);
  });
});
