import { PriceSeries } from '../domain/detection/price-series';
import type { NormalizedTx } from '../domain/parsing/normalized';
import { prng } from '../lib/replay/synthetic-history';

const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const SOL = 'So11111111111111111111111111111111111111112';

export interface SyntheticReportHistory {
  transactions: NormalizedTx[];
  /** Hourly points per mint, as [ms, "usd"]. */
  points: Map<string, Array<[number, string]>>;
  prices: Map<string, PriceSeries>;
  nowMs: number;
}

export const benchMint = (m: number) => `Mint${String(m).padStart(4, '0')}`;

/**
 * A trader's year: `actions` swaps over `mints` tokens (against USDC, SOL or each other), with transfers in and out,
 * on hourly random-walk prices. Deterministic for a seed.
 */
export function syntheticReportHistory(wallet: string, opts: { actions: number; mints: number; seed?: number }): SyntheticReportHistory {
  const rand = prng(opts.seed ?? 14);
  const H = 3_600_000;
  const start = Date.parse('2024-01-01T00:00:00Z');
  const hours = 24 * 365;
  const points = new Map<string, Array<[number, string]>>();
  const walks: number[][] = [];
  for (let m = 0; m <= opts.mints; m++) {
    const mint = m === opts.mints ? SOL : benchMint(m);
    let p = m === opts.mints ? 100 : 0.01 + rand() * 10;
    const pts: Array<[number, string]> = [];
    const walk: number[] = [];
    for (let i = 0; i < hours; i++) {
      p *= Math.exp((rand() - 0.5) * 0.03);
      const text = p.toPrecision(8);
      pts.push([start + i * H, text]);
      walk.push(Number(text));
    }
    points.set(mint, pts);
    walks.push(walk);
  }
  const transactions: NormalizedTx[] = [];
  for (let i = 0; i < opts.actions; i++) {
    const m = Math.floor(rand() * opts.mints);
    const mint = benchMint(m);
    const atMs = start + Math.floor((i / opts.actions) * (hours - 1) * H);
    const hour = Math.floor((atMs - start) / H);
    const qty = (1 + Math.floor(rand() * 100000) / 100).toString();
    const usd = (Number(qty) * walks[m]![hour]!).toFixed(6);
    const r = rand();
    let action: NormalizedTx['actions'][number];
    if (r < 0.4) action = { kind: 'swap', sent: { mint: USDC, amount: usd }, received: { mint, amount: qty } };
    else if (r < 0.75) action = { kind: 'swap', sent: { mint, amount: qty }, received: { mint: USDC, amount: usd } };
    else if (r < 0.85) action = { kind: 'swap', sent: { mint: SOL, amount: (Number(usd) / walks[opts.mints]![hour]!).toFixed(9) }, received: { mint, amount: qty } };
    else if (r < 0.92) action = { kind: 'swap', sent: { mint, amount: qty }, received: { mint: benchMint((m + 1) % opts.mints), amount: (Number(usd) / walks[(m + 1) % opts.mints]![hour]!).toFixed(6) } };
    else if (r < 0.96) action = { kind: 'transfer_in', sent: null, received: { mint, amount: qty }, counterparty: 'Outside1111111111111111111111111111111111111' };
    else action = { kind: 'transfer_out', sent: { mint, amount: qty }, received: null, counterparty: 'Outside1111111111111111111111111111111111111' };
    transactions.push({ signature: `rep${String(i).padStart(7, '0')}`, slot: i, blockTime: new Date(atMs).toISOString().replace('.000Z', 'Z'), wallet, failed: false, feeLamports: '5000', feePayer: wallet, actions: [action] });
  }
  const prices = new Map<string, PriceSeries>();
  for (const [mint, pts] of points) prices.set(mint, new PriceSeries(pts));
  return { transactions, points, prices, nowMs: start + hours * H };
}
