import type { NormalizedTx } from '../parsing/normalized';
import { mergeConfig, type DetectionConfig } from './config';
import { detectBadRoute, detectBHD, detectS2E, type DetectContext, type RouteQuote } from './detectors';
import { detectIdleYield } from './idle-yield';
import { fifoLots, lotKey } from './lots';
import type { Moment } from './moment';
import type { PriceSeries } from './price-series';
import { isPriced, legsOf, priceLeg } from './trades';

export interface DetectInput {
  wallet: string;
  transactions: NormalizedTx[];
  prices: Map<string, PriceSeries>;
  nowMs: number;
  /** Quotes taken at ingestion, by swap signature (BadRoute's preferred reference). */
  quotes?: Map<string, RouteQuote>;
  /** Where each mint's prices came from, for explain.priceSource. */
  priceSource?: (mint: string) => string;
  config?: Partial<DetectionConfig>;
  /** Only these kinds (default all). */
  kinds?: Array<Moment['kind']>;
}

export interface Skip { signature: string | null; mint: string; kind: Moment['kind']; reason: string }

export interface DetectOutput { moments: Moment[]; skipped: Skip[] }

/** History order: block time, then slot, then signature. Sorting is skipped when the input already is in order. */
function inOrder(input: NormalizedTx[]): { txs: NormalizedTx[]; times: Float64Array } {
  const n = input.length;
  const t = new Float64Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const bt = input[i]!.blockTime;
    t[i] = bt ? Date.parse(bt) : -Infinity;
    if (i > 0 && (t[i]! < t[i - 1]! || (t[i] === t[i - 1] && input[i]!.slot < input[i - 1]!.slot))) sorted = false;
  }
  if (sorted) return { txs: input, times: t };
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => t[a]! - t[b]! || input[a]!.slot - input[b]!.slot || (input[a]!.signature < input[b]!.signature ? -1 : 1));
  return { txs: idx.map((i) => input[i]!), times: Float64Array.from(idx, (i) => t[i]!) };
}

/** Design §6, all four rules, over one wallet's normalized history. Pure: same input, same moments. */
export function detectMoments(input: DetectInput): DetectOutput {
  const cfg = mergeConfig(input.config);
  const stable = new Set(cfg.stablecoins);
  const kinds = new Set(input.kinds ?? ['S2E', 'BHD', 'BadRoute', 'IdleYield']);
  const { txs, times } = inOrder(input.transactions);
  const ctx: DetectContext = { wallet: input.wallet, nowMs: input.nowMs, cfg, prices: input.prices, priceSource: input.priceSource ?? (() => 'given') };
  const moments: Moment[] = [];
  const skipped: Skip[] = [];
  const legs = legsOf(txs, times, input.nowMs);
  const lots = kinds.has('BHD') ? fifoLots(txs, times) : new Map();

  for (const leg of legs) {
    const kind = leg.side === 'sell' ? 'S2E' : 'BHD';
    if (!kinds.has(kind) || stable.has(leg.mint)) continue;
    const priced = priceLeg(leg, input.prices, cfg, stable);
    if (!isPriced(priced)) {
      skipped.push({ signature: leg.signature, mint: leg.mint, kind, reason: priced.reason });
      continue;
    }
    const m = kind === 'S2E' ? detectS2E(ctx, priced) : detectBHD(ctx, priced, lots.get(lotKey(leg.signature, leg.mint)));
    if (m) moments.push(m);
  }

  if (kinds.has('BadRoute')) {
    for (let k = 0; k < txs.length; k++) {
      const tx = txs[k]!;
      const atMs = times[k]!;
      if (tx.failed || !tx.blockTime || atMs > input.nowMs) continue;
      for (const a of tx.actions) {
        if (a.kind !== 'swap' || !a.sent || !a.received) continue;
        const r = detectBadRoute(ctx, { signature: tx.signature, atMs, inMint: a.sent.mint, inQty: a.sent.amount, outMint: a.received.mint, outQty: a.received.amount, source: a.source }, input.quotes?.get(tx.signature), stable);
        if (r && 'skipped' in r) skipped.push({ signature: tx.signature, mint: a.sent.mint, kind: 'BadRoute', reason: r.skipped });
        else if (r) moments.push(r);
      }
    }
  }

  if (kinds.has('IdleYield')) {
    for (const [mint, apy] of Object.entries(cfg.idleYield.apy)) {
      const r = detectIdleYield(ctx, txs, times, mint, apy, stable.has(mint));
      if (r && 'skipped' in r) skipped.push({ signature: null, mint, kind: 'IdleYield', reason: r.skipped });
      else if (r) moments.push(r);
    }
  }

  moments.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || a.mint.localeCompare(b.mint) || (a.signature ?? '').localeCompare(b.signature ?? ''));
  return { moments, skipped };
}
