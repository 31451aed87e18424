import { asyncLocalStorage, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createDetectionActivities } from '../../activities/detection/detect-activities';
import { createHistoryProvider, type HistoryProvider } from '../../adapters/pricing/history-providers';
import { ensureHistory } from '../../adapters/pricing/price-store';
import type { Db } from '../../lib/db';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { testDb } from '../helpers/env';
import { swap, tx } from '../helpers/history';
import { storeHistory } from '../helpers/store-history';

const H = 3_600_000;
const HISTORY = '/defi/history_price';

/** A real activity context whose heartbeats are recorded: what a calling watch would have had overwritten. */
async function inActivity<T>(fn: () => Promise<T>): Promise<{ result: T; heartbeats: unknown[] }> {
  const heartbeats: unknown[] = [];
  const ctx = new (Context as any)({ heartbeatDetails: { caller: 'state' }, activityType: 'test' }, new Promise(() => undefined), new AbortController().signal, (d: unknown) => heartbeats.push(d), undefined, console, undefined);
  const result = await asyncLocalStorage.run(ctx as Context, fn);
  return { result, heartbeats };
}

describe('detection and price history (point 4 and 5 of issue #11)', () => {
  let db: Db;
  const market = new MarketReplayServer();
  let n = 0;
  beforeAll(async () => {
    db = testDb();
    await market.start();
  });
  afterAll(async () => {
    await market.stop();
    await db?.destroy();
  });

  /** A wallet that sold `mint` for `other` three days ago at $1 a token, whose price then ran to $1.60. */
  async function walletSelling(mints: string[]): Promise<{ wallet: string; sells: Array<{ signature: string; mint: string; atMs: number }> }> {
    n++;
    const wallet = `PxWallet${Date.now().toString(36)}${n}`.padEnd(44, 'w');
    const now = Date.now();
    const sells = [];
    for (const [i, mint] of mints.entries()) {
      const other = `${mint.slice(0, -1)}Z`;
      const at = now - 3 * 24 * H + i * 60_000;
      const hist: Array<[number, string]> = [];
      for (let t = at - 3 * H; t <= now; t += H) hist.push([t, t <= at ? '1' : '1.6']);
      market.setToken(mint, { decimals: 6, history: hist });
      market.setToken(other, { decimals: 6, history: hist.map(([t]) => [t, '1']) });
      const sell = { ...tx(at, [swap(mint, '100', other, '100')]), wallet };
      await storeHistory(db, [sell]);
      sells.push({ signature: sell.signature, mint, atMs: at });
    }
    return { wallet, sells };
  }

  const provider = (o: { maxRetries?: number } = {}) => createHistoryProvider('birdeye', { baseUrl: market.url, apiKey: 'k', maxRetries: o.maxRetries ?? 1, retryBaseMs: 5 })!;
  const historyCalls = () => market.calls[HISTORY] ?? 0;

  it('fetches a range once: a second detection of an open window asks the provider nothing', async () => {
    const mint = `PxCover${Date.now().toString(36)}`.padEnd(43, 'c') + 'A';
    const { wallet } = await walletSelling([mint]);
    const { detectWallet } = createDetectionActivities({ db, history: provider() });
    const first = historyCalls();
    const r1 = await detectWallet(wallet);
    expect(historyCalls()).toBeGreaterThan(first);
    expect(r1.byKind).toMatchObject({ S2E: 1 });
    const warm = historyCalls();
    await detectWallet(wallet);
    await detectWallet(wallet);
    expect(historyCalls()).toBe(warm);
  });

  it('later fetches only the new tail of an open range, once it is worth fetching', async () => {
    const mint = `PxTail${Date.now().toString(36)}`.padEnd(43, 't') + 'A';
    const now = Date.now();
    market.setToken(mint, { decimals: 6, history: Array.from({ length: 80 }, (_, i) => [now - 70 * H + i * H, '1'] as [number, string]) });
    const asked: Array<[number, number]> = [];
    const inner = provider();
    const recording: HistoryProvider = { name: inner.name, fetch: (m, a, b, s) => { asked.push([a, b]); return inner.fetch(m, a, b, s); } };
    const from = now - 48 * H;
    await ensureHistory(db, recording, mint, from, now + 7 * 24 * H, { nowMs: now });
    expect(asked).toEqual([[from, now]]);
    // 30 minutes on, the tail is not worth a call (the refresh's snapshots cover the live part).
    await ensureHistory(db, recording, mint, from, now + 7 * 24 * H, { nowMs: now + 30 * 60_000 });
    expect(asked).toHaveLength(1);
    // Three hours on, only the tail since the covered part (which stopped short of the unsettled last 15 minutes).
    expect(await ensureHistory(db, recording, mint, from, now + 7 * 24 * H, { nowMs: now + 3 * H })).toMatchObject({ fetches: 1 });
    expect(asked[1]).toEqual([now - 15 * 60_000, now + 3 * H]);
  });

  it('a provider failure is not swallowed: the skipped trade says why, the activity retries, and the moment appears once the price arrives', async () => {
    const mint = `PxFail${Date.now().toString(36)}`.padEnd(43, 'f') + 'A';
    const { wallet, sells } = await walletSelling([mint]);
    const { detectWallet } = createDetectionActivities({ db, history: provider({ maxRetries: 1 }) });
    market.rateLimitNext = 1000;
    let err: unknown;
    try {
      await detectWallet(wallet);
    } catch (e) {
      err = e;
    } finally {
      market.rateLimitNext = 0;
    }
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
    expect((err as ApplicationFailure).message).toMatch(/price history unavailable/);
    const skips = await db('trade_skips').where({ wallet, signature: sells[0]!.signature, mint, kind: 'S2E' });
    expect(skips).toHaveLength(1);
    expect(skips[0].reason).toMatch(/price history unavailable: birdeye: .*429/);
    expect(await db('moments').where({ wallet })).toHaveLength(0);
    // The retry, with the provider back:
    const again = await detectWallet(wallet);
    expect(again.byKind).toMatchObject({ S2E: 1 });
    expect(await db('moments').where({ wallet, kind: 'S2E', mint })).toHaveLength(1);
    expect(await db('trade_skips').where({ wallet, mint, kind: 'S2E' })).toHaveLength(0);
  });

  it("detection never writes its caller's heartbeat", async () => {
    const mint = `PxBeat${Date.now().toString(36)}`.padEnd(43, 'b') + 'A';
    const { wallet } = await walletSelling([mint]);
    const { detectWallet } = createDetectionActivities({ db, history: provider() });
    const { result, heartbeats } = await inActivity(() => detectWallet(wallet));
    expect(result.byKind).toMatchObject({ S2E: 1 });
    expect(heartbeats).toEqual([]);
  });

  it("a watch's judgement judges its one trade: no provider call, no other trade of the wallet", async () => {
    const a = `PxOneA${Date.now().toString(36)}`.padEnd(43, 'o') + 'A';
    const b = `PxOneB${Date.now().toString(36)}`.padEnd(43, 'o') + 'B';
    const { wallet, sells } = await walletSelling([a, b]);
    // Prices of `a` are stored (as detection or the refresh would have left them); nothing of `b` is.
    const provider_ = provider();
    await ensureHistory(db, provider_, a, sells[0]!.atMs - 2 * H, Date.now());
    await ensureHistory(db, provider_, `${a.slice(0, -1)}Z`, sells[0]!.atMs - 2 * H, Date.now());
    const { evaluateTrade } = createDetectionActivities({ db, history: provider_ });
    const before = historyCalls();
    const { result, heartbeats } = await inActivity(() => evaluateTrade({ wallet, signature: sells[0]!.signature, mint: a, side: 'sell', atMs: sells[0]!.atMs }));
    expect(historyCalls()).toBe(before);
    expect(heartbeats).toEqual([]);
    expect(result.moment).toMatchObject({ kind: 'S2E', mint: a, missedUsd: '60.00', status: 'provisional' });
    expect((await db('moments').where({ wallet })).map((m: any) => m.mint)).toEqual([a]);
  });
});
