import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createWatchActivities, type WatchResult, type WatchState, type WatchTradeInput } from '../../activities/watch/watch-activities';
import type { OpenTrade } from '../../activities/detection/detect-activities';
import { JupiterClient } from '../../adapters/pricing/jupiter';
import { PriceFeed } from '../../adapters/pricing/price-feed';
import type { Db } from '../../lib/db';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { testDb } from '../helpers/env';

const MINT = 'WatchActMint111111111111111111111111111111A';

/**
 * The watch activity's own contract, run in @temporalio/testing's MockActivityEnvironment (a real activity
 * Context: heartbeats, attempt info, cancellation) against a real price feed over a local Jupiter server.
 */
describe('watchTrade in an activity context: heartbeat state, retries and cancellation', () => {
  const market = new MarketReplayServer();
  let db: Db;
  let feed: PriceFeed;
  beforeAll(async () => {
    db = testDb();
    await market.start();
    feed = new PriceFeed(new JupiterClient({ baseUrl: market.url, retryBaseMs: 50 }), undefined, 5);
  });
  afterAll(async () => {
    await market.stop();
    await db?.destroy();
  });

  function activities(judged: OpenTrade[]) {
    return createWatchActivities({ db, feed, evaluate: async (t) => { judged.push(t); return { published: true }; } });
  }
  const sell = (o: Partial<WatchTradeInput>): WatchTradeInput => ({
    wallet: 'W', signature: `sig-${Math.random()}`, mint: MINT, side: 'sell', atMs: Date.now(), tradePrice: '1', windowMs: 1500, pollMs: 150, ...o,
  });

  it('heartbeats its running state and judges again only when the extreme gets worse', async () => {
    market.setToken(MINT, { decimals: 6, live: '1.3' }); // +30 % over the sale: crossed on the first poll
    const judged: OpenTrade[] = [];
    const env = new MockActivityEnvironment({ attempt: 1 });
    const beats: WatchState[] = [];
    env.on('heartbeat', (d: WatchState) => {
      beats.push({ ...d });
      if (d.crossed && d.extreme === '1.3' && beats.filter((b) => b.crossed).length === 3) market.setLive(MINT, '1.4');
    });
    const result: WatchResult = await env.run(activities(judged).watchTrade, sell({ windowMs: 1800 }));

    expect(judged).toHaveLength(2); // the first crossing, then the new peak; the polls in between judge nothing
    expect(result).toMatchObject({ crossed: true, extreme: '1.4' });
    expect(result.polls).toBeGreaterThanOrEqual(5);
    const last = beats[beats.length - 1]!;
    expect(last).toEqual({ polls: result.polls, extreme: '1.4', extremeAt: result.extremeAt, crossed: true, lateMsMax: result.lateMsMax, lateMsSum: result.lateMsSum });
    // Every heartbeat carries the whole state, and the poll count never goes back.
    for (let i = 1; i < beats.length; i++) expect(beats[i]!.polls).toBeGreaterThanOrEqual(beats[i - 1]!.polls);
  });

  it('a retry resumes from the last heartbeat: a lower price than the saved peak publishes nothing again', async () => {
    market.setLive(MINT, '1.5');
    const judged: OpenTrade[] = [];
    const saved: WatchState = { polls: 7, extreme: '1.6', extremeAt: Date.now() - 500, crossed: true, lateMsMax: 3, lateMsSum: 9 };
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: saved });
    const result: WatchResult = await env.run(activities(judged).watchTrade, sell({ atMs: Date.now() - 500, windowMs: 1500 }));

    // Without the saved state, 1.5 (+50 %) would be a first crossing and be judged and published again.
    expect(judged).toEqual([]);
    expect(result).toMatchObject({ crossed: true, extreme: '1.6', extremeAt: saved.extremeAt });
    expect(result.polls).toBeGreaterThan(7);
    expect(result.lateMsSum).toBeGreaterThanOrEqual(9);
  });

  it('stops at once when the activity is cancelled, mid-window', async () => {
    market.setLive(MINT, '1.1');
    const env = new MockActivityEnvironment({ attempt: 1 });
    env.on('heartbeat', (d: WatchState) => { if (d.polls >= 2) env.cancel(); });
    const started = Date.now();
    await expect(env.run(activities([]).watchTrade, sell({ windowMs: 60_000, pollMs: 100 }))).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(30_000); // long before the 60 s window closes
  });
});
