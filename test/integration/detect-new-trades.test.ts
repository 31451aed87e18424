import { createDetectionActivities } from '../../activities/detection/detect-activities';
import { createNewTradeDetection } from '../../activities/detection/detect-new-trades';
import { loadSeries } from '../../adapters/pricing/price-store';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { loadWalletHistory } from '../../adapters/stores/wallet-history';
import { storeTransactions } from '../../adapters/stores/transactions-store';
import { detectMoments } from '../../domain/detection/detect';
import type { Moment } from '../../domain/detection/moment';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import type { Db } from '../../lib/db';
import { DAY, H, recv, SOL, swap, T0, TOK, TOK2, tx, USDC } from '../helpers/history';
import { storeHistory } from '../helpers/store-history';
import { testDb } from '../helpers/env';
import { prng } from '../../lib/replay/synthetic-history';
import { parseDenyList } from '../../domain/tokens/spam';

const iso = (ms: number) => new Date(ms).toISOString();
const identity = (m: { kind: string; mint: string; signature: string | null }) => `${m.kind}|${m.mint}|${m.signature ?? ''}`;

describe('detectNewTrades: a batch judged against the stored fold', () => {
  let db: Db;
  beforeAll(() => { db = testDb(); });
  afterAll(async () => { await db?.destroy(); });

  const walletOf = (n: number) => `Inc${n}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`.padEnd(43, 'x');
  const priced = async (mint: string, points: Array<[number, string]>) => {
    await db('price_points').insert(points.map(([ms, usd]) => ({ mint, ts: new Date(ms), usd, source: 'birdeye' }))).onConflict(['mint', 'ts', 'source']).ignore();
  };
  const rowsOf = async (wallet: string) => (await db('moments').where({ wallet })).map((r: any) => r);
  const eventsOf = async (wallet: string) => (await db('moment_events').join('moments', 'moments.id', 'moment_events.moment_id').where('moments.wallet', wallet).select('moment_events.type', 'moment_events.payload'));

  it('folds random batches of a random history to the moments a full re-run finds, and starts watches for the batch only', async () => {
    const wallet = walletOf(1);
    const rand = prng(42);
    const mints = [TOK, TOK2, SOL, USDC];
    const start = Date.now() - 20 * DAY;
    // One price path per mint, hourly, over the whole span.
    for (const [k, mint] of [TOK, TOK2, SOL].entries()) {
      const pts: Array<[number, string]> = [];
      let p = 2 + k;
      for (let t = start - DAY; t < Date.now() + H; t += H) {
        p *= 1 + (rand() - 0.5) * 0.12;
        pts.push([Math.floor(t / 1000) * 1000, p.toPrecision(8)]);
      }
      await priced(mint, pts);
    }
    const history: NormalizedTx[] = [];
    let at = start;
    for (let i = 0; i < 120; i++) {
      at += Math.floor(rand() * 4 * H / 1000) * 1000;
      const a = mints[Math.floor(rand() * 4)]!;
      let b = mints[Math.floor(rand() * 4)]!;
      if (b === a) b = USDC === a ? TOK : USDC;
      const amount = (1 + rand() * 500).toFixed(3);
      const actions = i === 0 ? [recv(USDC, '5000'), recv(TOK, '100')] : [swap(a, amount, b, (rand() * 800).toFixed(4))];
      history.push({ ...tx(at, actions, { feeLamports: '5000' }), wallet });
    }
    const detector = createNewTradeDetection({ db });
    const cuts = [0, 1, 5, 17, 40, 41, 80, 120];
    for (let c = 0; c + 1 < cuts.length; c++) {
      const batch = history.slice(cuts[c], cuts[c + 1]);
      await storeHistory(db, batch);
      const nowMs = Date.parse(batch[batch.length - 1]!.blockTime!) + 60_000;
      const r = await detector.detectNewTrades(wallet, batch.map((t) => t.signature), iso(nowMs));
      expect(r.mode).toBe(c === 0 ? 'full' : 'incremental');
      // Watches: the batch's own open trades, nothing older.
      const sigs = new Set(batch.map((t) => t.signature));
      expect(r.openTrades.every((t) => sigs.has(t.signature))).toBe(true);
      expect(r.transactionsRead).toBe(c === 0 ? cuts[1] : batch.length);
      // The stored moments of the batch's trades, and the idle ones, are the full run's at the same now.
      const txs = await loadWalletHistory(db, wallet);
      const { series } = await loadSeries(db, new Map([TOK, TOK2, SOL].map((mint) => [mint, [[start - 2 * DAY, nowMs] as [number, number]]])), 'birdeye');
      const full = detectMoments({ wallet, transactions: txs, prices: series, nowMs, priceSource: () => 'birdeye' }).moments;
      const stored = new Map((await rowsOf(wallet)).map((row) => [identity(row), row]));
      for (const m of full.filter((x) => x.kind === 'IdleYield' || sigs.has(x.signature ?? ''))) {
        const row = stored.get(identity(m));
        expect({ id: identity(m), pct: row && String(Number(row.pct)), missed: row?.missed_usd && Number(row.missed_usd).toFixed(2) }).toEqual({ id: identity(m), pct: String(Number(m.pct)), missed: m.missedUsd });
      }
    }
  }, 60_000);

  it('re-runs the whole history when a transaction arrives older than the last one judged, or after a backfill', async () => {
    const wallet = walletOf(2);
    const detector = createNewTradeDetection({ db });
    const a = { ...tx(T0, [recv(TOK, '10')]), wallet };
    const b = { ...tx(T0 + 2 * H, [swap(TOK, '5', USDC, '5')]), wallet };
    await storeHistory(db, [b]);
    expect(await detector.detectNewTrades(wallet, [b.signature], iso(T0 + 3 * H))).toMatchObject({ mode: 'full', reason: 'no stored state' });
    await storeHistory(db, [a]);
    expect(await detector.detectNewTrades(wallet, [a.signature], iso(T0 + 3 * H))).toMatchObject({ mode: 'full', reason: expect.stringMatching(/not after the last/) });
    // A retry of a batch already folded changes nothing and re-runs instead of folding twice.
    expect(await detector.detectNewTrades(wallet, [a.signature], iso(T0 + 3 * H))).toMatchObject({ mode: 'full' });
    const c = { ...tx(T0 + 4 * H, [swap(USDC, '5', TOK, '5')]), wallet };
    await storeHistory(db, [c]);
    expect(await detector.detectNewTrades(wallet, [c.signature], iso(T0 + 5 * H))).toMatchObject({ mode: 'incremental' });
    // A backfill that links more history drops the fold in the same transaction.
    const view = { signature: `${c.signature}bf`, slot: 1, blockTime: Math.floor((T0 + 4.5 * H) / 1000), fee: 5000n, failed: false, feePayer: wallet, tokens: new Map() } as any;
    await storeTransactions(db, [{ view, raw: {}, source: 'rpc', wallets: [{ wallet, normalized: { ...tx(T0 + 4.5 * H, []), signature: view.signature, wallet } }] }]);
    expect(await db('wallet_detection_state').where({ wallet }).first()).toBeUndefined();
  });

  it('re-announces nothing when only the source of the prices changed', async () => {
    const wallet = walletOf(3);
    const m: Moment = {
      id: '01JGFJJZ000000000000000000', kind: 'S2E', wallet, mint: TOK, signature: `${wallet}s`, at: '2025-01-01T00:00:00Z', pct: '0.5', missedUsd: '50.00', severity: '0.6667', status: 'final',
      explain: { tradePrice: '1', peakPrice: '1.5', priceSource: 'birdeye' },
    };
    expect((await upsertMoments(db, [m])).eventIds).toHaveLength(1);
    const again = await upsertMoments(db, [{ ...m, explain: { ...m.explain, priceSource: 'birdeye+jupiter' } }]);
    expect(again).toMatchObject({ eventIds: [], unchanged: 1 });
    expect((await eventsOf(wallet)).map((e: any) => e.type)).toEqual(['moment.created']);
    // What a user sees does change with the peak: that one is announced.
    expect((await upsertMoments(db, [{ ...m, explain: { ...m.explain, peakPrice: '1.6' } }])).eventIds).toHaveLength(1);
  });

  it('keeps an ongoing IdleYield one provisional moment, announced once, while later batches come and go', async () => {
    const wallet = walletOf(4);
    const detection = createDetectionActivities({ db });
    const now = Date.now();
    const day0 = now - 45 * DAY;
    await priced(TOK, [[now - 3 * H, '2'], [now - 2 * H, '2'], [now - H, '2']]);
    await storeHistory(db, [{ ...tx(day0, [recv(USDC, '20000')]), wallet }, { ...tx(now - 3 * H, [recv(TOK, '100')]), wallet }]);
    await detection.detectWallet(wallet, iso(now - 2 * H));
    // Another batch an hour later, touching only TOK: the idle USDC moment is the same one, and nothing is re-sent.
    await storeHistory(db, [{ ...tx(now - H, [swap(TOK, '10', SOL, '0.1')]), wallet }]);
    await detection.detectWallet(wallet, iso(now - H + 60_000));
    const idle = (await eventsOf(wallet)).filter((e: any) => e.payload.kind === 'IdleYield');
    expect(idle.map((e: any) => [e.type, e.payload.status])).toEqual([['moment.created', 'provisional']]);
    const rows = (await rowsOf(wallet)).filter((r: any) => r.kind === 'IdleYield');
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('provisional');
  });

  it('flags moments on spam tokens as the whole-history run does: denied, or airdropped and dumped', async () => {
    const wallet = walletOf(5);
    const [denied, airdrop, clean] = [walletOf(6), walletOf(7), walletOf(8)];
    for (const mint of [denied, airdrop, clean]) {
      await priced(mint, [[T0 - H, '2'], [T0, '2'], [T0 + H, '2'], [T0 + 2 * H, '2'], [T0 + 3 * H, '4'], [T0 + 6 * H, '4'], [T0 + 10 * H, '4']]);
    }
    const detector = createNewTradeDetection({ db, denyList: parseDenyList([denied]) });
    const first = [
      { ...tx(T0, [recv(USDC, '9000'), recv(airdrop, '1000')]), wallet },
      { ...tx(T0 + H, [swap(USDC, '2000', denied, '1000')]), wallet },
      { ...tx(T0 + H + 1000, [swap(USDC, '2000', clean, '1000')]), wallet },
    ];
    await storeHistory(db, first);
    expect(await detector.detectNewTrades(wallet, first.map((t) => t.signature), iso(T0 + 2 * H))).toMatchObject({ mode: 'full' });
    const second = [denied, airdrop, clean].map((mint, i) => ({ ...tx(T0 + 2 * H + i * 1000, [swap(mint, '1000', USDC, '2000')]), wallet }));
    await storeHistory(db, second);
    expect(await detector.detectNewTrades(wallet, second.map((t) => t.signature), iso(T0 + 12 * H))).toMatchObject({ mode: 'incremental' });
    const s2e = new Map((await rowsOf(wallet)).filter((r: any) => r.kind === 'S2E').map((r: any) => [r.mint, r.spam]));
    expect(Object.fromEntries([denied, airdrop, clean].map((m) => [m, s2e.get(m)]))).toEqual({ [denied]: true, [airdrop]: true, [clean]: false });
    // The stream tells subscribers too: the event carries the flag.
    const events = (await eventsOf(wallet)).filter((e: any) => e.payload.kind === 'S2E');
    expect(Object.fromEntries(events.map((e: any) => [e.payload.mint, e.payload.spam]))).toEqual({ [denied]: true, [airdrop]: true, [clean]: false });
  });
});
