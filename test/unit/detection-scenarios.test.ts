import path from 'node:path';
import fc from 'fast-check';
import { detectMoments } from '../../domain/detection/detect';
import { PriceSeries } from '../../domain/detection/price-series';
import { klinePointsFromFile } from '../../lib/replay/price-csv';
import { FIXTURES } from '../helpers/fixtures';
import { DAY, H, prices, SOL, swap, T0, TOK, tx, USDC, W } from '../helpers/history';

const WIF = 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm';
const TRUMP = '6p6xgHyF7AeE6TZkSmFsko444wqoP15icUSqi2jfGiPN';
const csv = (f: string) => klinePointsFromFile(path.join(FIXTURES, 'prices', f));
// A trade "at the close of candle t" happens at open(t) + 1 h (prices/README.md).
const closeOf = (candleOpenUtc: string) => Date.parse(candleOpenUtc) + H;

describe('scenarios on real Binance price history (numbers checked by hand against prices/README.md)', () => {
  it('WIF, March 2024: selling 1,000 WIF at 2.684 before the run to 4.8199 missed $2,135.90', () => {
    const at = closeOf('2024-03-25T23:00:00Z');
    const sell = tx(at, [swap(WIF, '1000', USDC, '2684')]);
    const { moments } = detectMoments({ wallet: W, transactions: [sell], prices: new Map([[WIF, new PriceSeries(csv('WIFUSDT_1h_2024-03-05_2024-09-07.csv'))]]), nowMs: Date.parse('2024-09-01T00:00:00Z'), kinds: ['S2E'] });
    expect(moments).toHaveLength(1);
    // (4.8199 − 2.684) / 2.684 = 0.795790…; 1000 × 2.1359 = 2135.90; severity capped at 1.
    expect(moments[0]).toMatchObject({ kind: 'S2E', pct: '0.79579', missedUsd: '2135.90', severity: '1.0000', status: 'final' });
    expect(moments[0]!.explain).toMatchObject({ tradePrice: '2.684', peakPrice: '4.8199', peakAt: '2024-03-31T09:00:00Z' });
  });

  it('TRUMP, January 2025: 10 TRUMP bought at the listing-day top, 74.06, held into 26.45: $476.10', () => {
    const at = closeOf('2025-01-19T11:00:00Z');
    const buy = tx(at, [swap(USDC, '740.6', TRUMP, '10')]);
    const { moments } = detectMoments({ wallet: W, transactions: [buy], prices: new Map([[TRUMP, new PriceSeries(csv('TRUMPUSDT_1h_2025-01-19_2025-06-18.csv'))]]), nowMs: Date.parse('2025-03-01T00:00:00Z'), kinds: ['BHD'] });
    // (74.06 − 26.45) / 74.06 = 0.642857…; 10 × 47.61 = 476.10; severity 0.6429 / 0.8 = 0.8036.
    expect(moments[0]).toMatchObject({ kind: 'BHD', pct: '0.642857', missedUsd: '476.10', severity: '0.8036' });
    expect(moments[0]!.explain).toMatchObject({ troughPrice: '26.45', troughAt: '2025-01-25T11:00:00Z', heldAtTrough: '10' });
  });

  it('SOL into the FTX collapse: 5 SOL bought with USDC at 37.71, trough 12.49', () => {
    const at = closeOf('2022-11-05T16:00:00Z');
    const buy = tx(at, [swap(USDC, '188.55', SOL, '5')]);
    const { moments } = detectMoments({ wallet: W, transactions: [buy], prices: new Map([[SOL, new PriceSeries(csv('SOLUSDT_1h_2022-10-01_2022-12-31.csv'))]]), nowMs: Date.parse('2022-12-31T00:00:00Z'), kinds: ['BHD'] });
    expect(moments[0]).toMatchObject({ kind: 'BHD', mint: SOL, missedUsd: '126.10' }); // 5 × (37.71 − 12.49)
    expect(moments[0]!.explain.troughPrice).toBe('12.49');
  });

  it('the README edge cases: flags on wicks only never fire on closes', () => {
    const sol = new Map([[SOL, new PriceSeries(csv('SOLUSDT_1h_2024-01-01_2024-09-07.csv'))]]);
    const now = Date.parse('2024-09-01T00:00:00Z');
    // Sell at 82.83, closes peak at 103.25: +24.65 % < 25 %.
    const s = tx(closeOf('2024-01-23T07:00:00Z'), [swap(SOL, '100', USDC, '8283')]);
    expect(detectMoments({ wallet: W, transactions: [s], prices: sol, nowMs: now, kinds: ['S2E'] }).moments).toEqual([]);
    // Buy at 165.91, closes trough at 124.40: −25.02 % > −30 %.
    const b = tx(closeOf('2024-04-10T13:00:00Z'), [swap(USDC, '16591', SOL, '100')]);
    expect(detectMoments({ wallet: W, transactions: [b], prices: sol, nowMs: now, kinds: ['BHD'] }).moments).toEqual([]);
  });

  it('USDC/USDT never flags (negative control over the whole 2025 series)', () => {
    const usdc = csv('USDCUSDT_1h_2025-01-01_2025-06-18.csv');
    const trades = usdc.filter((_, i) => i % 24 === 0).map(([ms]) => tx(ms, [swap(USDC, '10000', SOL, '50')]));
    const { moments } = detectMoments({ wallet: W, transactions: trades, prices: new Map([[USDC, new PriceSeries(usdc)]]), nowMs: Date.parse('2025-07-01T00:00:00Z'), kinds: ['S2E'] });
    expect(moments.filter((m) => m.mint === USDC)).toEqual([]);
  });
});

describe('detection properties', () => {
  const pointsArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 14 * 24 }), fc.integer({ min: 1, max: 100_000 })), { minLength: 1, maxLength: 40 });
  const toPoints = (pts: Array<[number, number]>) => pts.map(([h, c]) => [T0 + h * H, (c / 1000).toString()] as [number, string]);

  it('severity is within [0, 1] and nothing fires below the thresholds', () => {
    fc.assert(fc.property(pointsArb, fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), fc.boolean(), (pts, qty, usdc, isSell) => {
      const t = tx(T0, [isSell ? swap(TOK, String(qty), USDC, String(usdc)) : swap(USDC, String(usdc), TOK, String(qty))]);
      const { moments } = detectMoments({ wallet: W, transactions: [t], prices: prices({ [TOK]: toPoints(pts) }), nowMs: T0 + 30 * DAY });
      for (const m of moments) {
        expect(Number(m.severity)).toBeGreaterThanOrEqual(0);
        expect(Number(m.severity)).toBeLessThanOrEqual(1);
        const min = { S2E: [0.25, 25], BHD: [0.3, 25], BadRoute: [0.01, 10], IdleYield: [0, 25] }[m.kind];
        expect(Number(m.pct)).toBeGreaterThanOrEqual(min[0]! - 1e-6);
        expect(Number(m.missedUsd)).toBeGreaterThanOrEqual(min[1]! - 0.005);
      }
    }), { numRuns: 300 });
  });

  it('raising a later peak never lowers S2E', () => {
    fc.assert(fc.property(pointsArb, fc.integer({ min: 0, max: 39 }), fc.integer({ min: 1, max: 50_000 }), (pts, k, bump) => {
      const sell = tx(T0, [swap(TOK, '1000', USDC, '1000')]);
      const base = toPoints(pts);
      const raised = base.map((p, i) => (i === k % base.length ? [p[0], (Number(p[1]) + bump / 1000).toString()] as [number, string] : p));
      const missed = (p: Array<[number, string]>) => Number(detectMoments({ wallet: W, transactions: [sell], prices: prices({ [TOK]: p }), nowMs: T0 + 30 * DAY, kinds: ['S2E'] }).moments[0]?.missedUsd ?? 0);
      expect(missed(raised)).toBeGreaterThanOrEqual(missed(base));
    }), { numRuns: 300 });
  });
});
