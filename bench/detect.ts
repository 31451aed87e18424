import { detectMoments } from '../domain/detection/detect';
import { PriceSeries } from '../domain/detection/price-series';
import type { NormalizedTx } from '../domain/parsing/normalized';
import { prng } from '../lib/replay/synthetic-history';
import type { BenchResult } from './machine';

const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const WALLET = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';

/**
 * Detection over `actions` swaps and `points` price points (hourly random walks over `mints` tokens), one core:
 * the whole of detectMoments, from normalized history to sorted moments, is timed.
 */
export async function detectBench(opts: { actions?: number; points?: number; mints?: number; hourlyVol?: number; slippage?: number } = {}): Promise<BenchResult> {
  const actions = opts.actions ?? 1_000_000;
  // SOL-like hourly volatility (≈ 0.8 %) and fills within ±0.6 % of the market: what real histories look like.
  const hourlyVol = opts.hourlyVol ?? 0.008;
  const slippage = opts.slippage ?? 0.006;
  const points = opts.points ?? 1_000_000;
  const mints = opts.mints ?? 20;
  const rand = prng(2024);
  const perMint = Math.floor(points / mints);
  const start = Date.parse('2020-01-01T00:00:00Z');
  const H = 3_600_000;
  const prices = new Map<string, PriceSeries>();
  const walks: Float64Array[] = [];
  for (let m = 0; m < mints; m++) {
    const walk = new Float64Array(perMint);
    let p = 1 + rand() * 10;
    const pts: Array<[number, string]> = [];
    for (let i = 0; i < perMint; i++) {
      p *= Math.exp((rand() - 0.5) * 2 * Math.sqrt(3) * hourlyVol);
      pts.push([start + i * H, p.toPrecision(10)]);
      walk[i] = Number(p.toPrecision(10));
    }
    walks.push(walk);
    prices.set(`Mint${String(m).padStart(4, '0')}`, new PriceSeries(pts));
  }
  const txs: NormalizedTx[] = [];
  const span = perMint * H;
  for (let i = 0; i < actions; i++) {
    const m = Math.floor(rand() * mints);
    const mint = `Mint${String(m).padStart(4, '0')}`;
    const atMs = start + Math.floor((i / actions) * span);
    const px = walks[m]![Math.floor((atMs - start) / H)]!;
    const qty = (1 + Math.floor(rand() * 1000)).toString();
    const usd = (Number(qty) * px * (1 + (rand() - 0.5) * 2 * slippage)).toFixed(6);
    const buy = rand() < 0.5;
    txs.push({
      signature: `bench${i}`, slot: i, blockTime: new Date(atMs).toISOString(), wallet: WALLET, failed: false, feeLamports: '5000', feePayer: WALLET,
      actions: [buy ? { kind: 'swap', sent: { mint: USDC, amount: usd }, received: { mint, amount: qty } } : { kind: 'swap', sent: { mint, amount: qty }, received: { mint: USDC, amount: usd } }],
    });
  }
  const t = process.hrtime.bigint();
  const { moments, skipped } = detectMoments({ wallet: WALLET, transactions: txs, prices, nowMs: start + span + 10 * 24 * H });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const rate = actions / seconds;
  const byKind: Record<string, number> = {};
  for (const m of moments) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
  return {
    name: `detection (one core, hourly volatility ${hourlyVol * 100} %, fills ±${slippage * 100} %)`,
    figures: {
      'swap actions': actions,
      'price points': perMint * mints,
      mints,
      seconds: Math.round(seconds * 100) / 100,
      'actions/s': Math.round(rate),
      moments: moments.length,
      ...Object.fromEntries(Object.entries(byKind).map(([k, v]) => [`  ${k}`, v])),
      skipped: skipped.length,
      'heap MB': Math.round(process.memoryUsage().heapUsed / 1e6),
    },
    target: '≥ 500,000 actions/s over 1,000,000 actions and 1,000,000 price points',
    pass: rate >= 500_000,
  };
}
