import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';
import { mergeConfig, type DetectionConfig } from './config';
import { badRouteScreen, detectBadRoute, detectBHD, detectS2E, passes, type DetectContext, type RouteQuote } from './detectors';
import { assetTouches, detectIdleYield } from './idle-yield';
import { lotKey, lotTimelinesFor } from './lots';
import type { Moment } from './moment';
import type { PriceSeries } from './price-series';
import { isPriced, priceLeg, tradePriceF, type Leg, type PricedLeg } from './trades';

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

/** One swap's two sides, as columns: floats to screen with, indexes back to the exact texts. */
interface Swap { k: number; a: number; atMs: number; inMint: string; outMint: string; inF: number; outF: number }

/** The leg of a candidate, as the exact detectors take it (built only for the few trades that pass the screens). */
function legOf(txs: NormalizedTx[], s: Swap, side: 'sell' | 'buy'): Leg {
  const tx = txs[s.k]!;
  const a = tx.actions[s.a]!;
  const sell = side === 'sell';
  return {
    signature: tx.signature, atMs: s.atMs, seq: s.k, side,
    mint: sell ? s.inMint : s.outMint, qty: sell ? a.sent!.amount : a.received!.amount, qtyF: sell ? s.inF : s.outF,
    otherMint: sell ? s.outMint : s.inMint, otherQty: sell ? a.received!.amount : a.sent!.amount, otherQtyF: sell ? s.outF : s.inF,
    source: a.source,
  };
}

/**
 * Design §6, all four rules, over one wallet's normalized history. Pure: same input, same moments.
 *
 * Built to run over a million actions: every trade is screened with floats (prices, window extremes from a segment
 * tree), and only the trades that could pass get the exact decimal treatment of detectors.ts, which has the last
 * word. Screens are necessary conditions of the exact rules, so they never drop a moment (the property tests and the
 * scenario tests hold both paths to the same answers).
 */
export function detectMoments(input: DetectInput): DetectOutput {
  const cfg = mergeConfig(input.config);
  const stable = new Set(cfg.stablecoins);
  const kinds = new Set(input.kinds ?? ['S2E', 'BHD', 'BadRoute', 'IdleYield']);
  const { txs, times } = inOrder(input.transactions);
  const ctx: DetectContext = { wallet: input.wallet, nowMs: input.nowMs, cfg, prices: input.prices, priceSource: input.priceSource ?? (() => 'given') };
  const moments: Moment[] = [];
  const skipped: Skip[] = [];
  const swaps = swapsOf(txs, times, input.nowMs);
  const doS2E = kinds.has('S2E');
  const doBHD = kinds.has('BHD');
  const thresholds = { sell: [Number(cfg.s2e.minPct), Number(cfg.s2e.minUsd)], buy: [Number(cfg.bhd.minPct), Number(cfg.bhd.minUsd)] } as const;
  const sol = input.prices.get(WSOL_MINT);
  /** The side of a swap, priced, when it could be a moment (S2E for sells, BHD for buys); skips are recorded. */
  const candidate = (s: Swap, side: 'sell' | 'buy'): PricedLeg | undefined => {
    const sell = side === 'sell';
    const mint = sell ? s.inMint : s.outMint;
    const qtyF = sell ? s.inF : s.outF;
    const series = input.prices.get(mint);
    const priceF = tradePriceF(mint, qtyF, sell ? s.outMint : s.inMint, sell ? s.outF : s.inF, s.atMs, series, sol, stable, cfg.priceStalenessMs);
    if (Number.isNaN(priceF)) {
      const r = priceLeg(legOf(txs, s, side), input.prices, cfg, stable);
      if (!isPriced(r)) skipped.push({ signature: r.leg.signature, mint, kind: sell ? 'S2E' : 'BHD', reason: r.reason });
      return undefined;
    }
    if (!series) return undefined;
    // A sell is judged on the window's peak; a buy on its trough, which bounds the trough of any held part of it.
    const extremeF = series.extremeValue(series.upperBound(s.atMs), series.upperBound(Math.min(s.atMs + cfg.windowMs, input.nowMs)), sell ? 'max' : 'min');
    const moveF = sell ? extremeF - priceF : priceF - extremeF;
    const [minPct, minUsd] = thresholds[side];
    if (!passes(moveF / priceF, minPct) || !passes(qtyF * moveF, minUsd)) return undefined;
    return priceLeg(legOf(txs, s, side), input.prices, cfg, stable) as PricedLeg;
  };
  const bhdCandidates: PricedLeg[] = [];
  for (const s of swaps) {
    if (doS2E && !stable.has(s.inMint)) {
      const sell = candidate(s, 'sell');
      const m = sell && detectS2E(ctx, sell);
      if (m) moments.push(m);
    }
    if (doBHD && !stable.has(s.outMint)) {
      const buy = candidate(s, 'buy');
      if (buy) bhdCandidates.push(buy);
    }
  }

  if (bhdCandidates.length) {
    const wanted = new Map<string, Set<string>>();
    for (const c of bhdCandidates) {
      let sigs = wanted.get(c.mint);
      if (!sigs) wanted.set(c.mint, (sigs = new Set()));
      sigs.add(c.signature);
    }
    const lots = lotTimelinesFor(txs, times, wanted);
    for (const c of bhdCandidates) {
      const m = detectBHD(ctx, c, lots.get(lotKey(c.signature, c.mint)));
      if (m) moments.push(m);
    }
  }

  if (kinds.has('BadRoute')) {
    for (const s of swaps) {
      const tx = txs[s.k]!;
      const a = tx.actions[s.a]!;
      const quote = input.quotes?.get(tx.signature);
      // Screened here, before the swap's decimal texts are read; an unpriced swap goes on to be recorded as skipped.
      if (!quote && badRouteScreen(input.prices, stable, cfg, s.inMint, s.inF, s.outMint, s.outF, s.atMs) === 'clear') continue;
      const r = detectBadRoute(ctx, { signature: tx.signature, atMs: s.atMs, inMint: s.inMint, inQty: a.sent!.amount, outMint: s.outMint, outQty: a.received!.amount, source: a.source }, quote, stable);
      if (r && 'skipped' in r) skipped.push({ signature: tx.signature, mint: s.inMint, kind: 'BadRoute', reason: r.skipped });
      else if (r) moments.push(r);
    }
  }

  if (kinds.has('IdleYield')) {
    const assets = Object.entries(cfg.idleYield.apy);
    const touches = assetTouches(txs, times, input.nowMs, assets.map(([mint]) => mint));
    for (const [mint, apy] of assets) {
      const r = detectIdleYield(ctx, touches.get(mint)!, mint, apy, stable.has(mint));
      if (r && 'skipped' in r) skipped.push({ signature: null, mint, kind: 'IdleYield', reason: r.skipped });
      else if (r) moments.push(r);
    }
  }

  moments.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || a.mint.localeCompare(b.mint) || (a.signature ?? '').localeCompare(b.signature ?? ''));
  return { moments, skipped };
}

/** Every swap with both sides that happened (not failed, not after now), in history order. */
function swapsOf(txs: NormalizedTx[], times: Float64Array, nowMs: number): Swap[] {
  const out: Swap[] = [];
  for (let k = 0; k < txs.length; k++) {
    const tx = txs[k]!;
    const atMs = times[k]!;
    if (tx.failed || !tx.blockTime || atMs > nowMs) continue;
    const actions = tx.actions;
    for (let a = 0; a < actions.length; a++) {
      const x = actions[a]!;
      if (x.kind !== 'swap' || !x.sent || !x.received) continue;
      out.push({ k, a, atMs, inMint: x.sent.mint, outMint: x.received.mint, inF: Number(x.sent.amount), outF: Number(x.received.amount) });
    }
  }
  return out;
}
