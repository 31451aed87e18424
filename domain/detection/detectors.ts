import type { DetectionConfig } from './config';
import { D, type Dec, plain, severity, usd, ZERO } from '../money';
import { iso, momentId, type Moment, type MomentKind } from './moment';
import { units18ToFloat, type LotTimeline } from './lots';
import type { PriceSeries } from './price-series';
import { exactPrice, type PricedLeg } from './trades';

export interface DetectContext {
  wallet: string;
  nowMs: number;
  cfg: DetectionConfig;
  prices: Map<string, PriceSeries>;
  priceSource(mint: string): string;
}

// Floats only decide which candidates are worth exact arithmetic: a small slack keeps a threshold met exactly
// from being screened out by rounding, and the exact check below has the last word.
const SLACK = 1e-9;
export const passes = (valueF: number, minF: number) => valueF >= minF - Math.abs(minF) * SLACK - SLACK;

function moment(ctx: DetectContext, kind: MomentKind, mint: string, signature: string | null, atMs: number, pct: Dec, missed: Dec, sev: Dec, provisional: boolean, explain: Record<string, unknown>): Moment {
  return {
    id: momentId(atMs, ctx.wallet, kind, mint, signature),
    kind,
    wallet: ctx.wallet,
    mint,
    signature,
    at: iso(atMs),
    pct: plain(pct.toDecimalPlaces(6)),
    missedUsd: usd(missed),
    severity: severity(sev),
    status: provisional ? 'provisional' : 'final',
    explain,
  };
}

function windowEnd(ctx: DetectContext, atMs: number): { endMs: number; provisional: boolean } {
  const full = atMs + ctx.cfg.windowMs;
  return { endMs: Math.min(full, ctx.nowMs), provisional: full > ctx.nowMs };
}

/** S2E: a sell at p, and within 7 days the price peaked ≥ 25 % above it, worth ≥ $25 on the quantity sold. */
export function detectS2E(ctx: DetectContext, sell: PricedLeg): Moment | undefined {
  const series = ctx.prices.get(sell.mint);
  if (!series) return undefined;
  const { endMs, provisional } = windowEnd(ctx, sell.atMs);
  const [lo, hi] = series.windowRange(sell.atMs, endMs);
  const i = series.extremeIndex(lo, hi, 'max');
  if (i === undefined) return undefined;
  const peakF = series.v[i]!;
  const c = ctx.cfg.s2e;
  if (!passes((peakF - sell.priceF) / sell.priceF, Number(c.minPct)) || !passes(sell.qtyF * (peakF - sell.priceF), Number(c.minUsd))) return undefined;
  const p = exactPrice(sell, ctx.prices);
  const peak = series.exact(i);
  const q = new D(sell.qty);
  const pct = peak.minus(p).div(p);
  const missed = q.mul(peak.minus(p));
  if (pct.lt(c.minPct) || missed.lt(c.minUsd)) return undefined;
  return moment(ctx, 'S2E', sell.mint, sell.signature, sell.atMs, pct, missed, pct.div(c.fullSeverityPct), provisional, {
    tradePrice: plain(p), priceBasis: sell.basis, peakPrice: plain(peak), peakAt: iso(series.t[i]!), quantity: sell.qty,
    receivedMint: sell.otherMint, receivedAmount: sell.otherQty, windowDays: ctx.cfg.windowMs / 86_400_000,
    windowEnd: iso(sell.atMs + ctx.cfg.windowMs), priceSource: ctx.priceSource(sell.mint),
  });
}

/**
 * BHD: a buy at p; over the 7 days, among the points s where some of this lot was still held (FIFO) and both
 * thresholds hold — the price ≥ 30 % below p and the loss on what was held, held(s)·(p − price(s)), ≥ $25 — the one
 * with the largest loss (the earliest on ties). Judging only the point of largest loss would miss a deeper fall on
 * less held when the larger loss was too shallow.
 */
export function detectBHD(ctx: DetectContext, buy: PricedLeg, lot: LotTimeline | undefined): Moment | undefined {
  const series = ctx.prices.get(buy.mint);
  if (!series || !lot) return undefined;
  const { endMs, provisional } = windowEnd(ctx, buy.atMs);
  const c = ctx.cfg.bhd;
  const minPctF = Number(c.minPct);
  const minUsdF = Number(c.minUsd);
  // Segments of constant holding inside (t, end]: held changes only when the lot is consumed. Within one, both the
  // fall and the loss grow as the price falls, so its lowest point qualifies whenever any of its points does.
  let best: { i: number; held: Dec; pct: Dec; missed: Dec } | undefined;
  let p: Dec | undefined;
  let segStart = buy.atMs;
  let held = lot.qty;
  let k = 0;
  while (k < lot.changes.length && lot.changes[k]!.atMs <= buy.atMs) held = lot.changes[k++]!.remaining;
  for (;;) {
    const next = k < lot.changes.length ? lot.changes[k]!.atMs : Infinity;
    const segEnd = Math.min(next - 1, endMs); // points at a change's instant count after it
    if (held > 0n && segEnd > segStart) {
      const [lo, hi] = series.windowRange(segStart, segEnd);
      const i = series.extremeIndex(lo, hi, 'min');
      // Floats screen the segment; decimals decide whether it qualifies and which qualifying loss is largest.
      if (i !== undefined && passes((buy.priceF - series.v[i]!) / buy.priceF, minPctF) && passes(units18ToFloat(held) * (buy.priceF - series.v[i]!), minUsdF)) {
        p ??= exactPrice(buy, ctx.prices);
        const trough = series.exact(i);
        const heldD = new D(held.toString()).div('1e18');
        const pct = p.minus(trough).div(p);
        const missed = heldD.mul(p.minus(trough));
        if (pct.gte(c.minPct) && missed.gte(c.minUsd) && (!best || missed.gt(best.missed))) best = { i, held: heldD, pct, missed };
      }
    }
    if (next > endMs) break;
    segStart = next - 1;
    held = lot.changes[k++]!.remaining;
  }
  if (!best) return undefined;
  const trough = series.exact(best.i);
  return moment(ctx, 'BHD', buy.mint, buy.signature, buy.atMs, best.pct, best.missed, best.pct.div(c.fullSeverityPct), provisional, {
    tradePrice: plain(p!), priceBasis: buy.basis, troughPrice: plain(trough), troughAt: iso(series.t[best.i]!), quantity: buy.qty,
    heldAtTrough: plain(best.held), paidMint: buy.otherMint, paidAmount: buy.otherQty, windowDays: ctx.cfg.windowMs / 86_400_000,
    windowEnd: iso(buy.atMs + ctx.cfg.windowMs), priceSource: ctx.priceSource(buy.mint),
  });
}

/** A mint's market price at t as a float ($1 for stablecoins), NaN when there is none within the staleness. */
export function marketPriceF(prices: Map<string, PriceSeries>, stable: Set<string>, mint: string, atMs: number, staleMs: number): number {
  if (stable.has(mint)) return 1;
  const series = prices.get(mint);
  const i = series?.indexAt(atMs, staleMs);
  return i === undefined ? NaN : series!.v[i]!;
}

/**
 * BadRoute's float screen against the market (no quote): most swaps are nowhere near a bad route, and decimals are
 * for the ones that might be. 'unpriced' when either leg has no market price within the staleness.
 */
export function badRouteScreen(prices: Map<string, PriceSeries>, stable: Set<string>, cfg: DetectionConfig, inMint: string, inF: number, outMint: string, outF: number, atMs: number): 'candidate' | 'clear' | 'unpriced' {
  const inP = marketPriceF(prices, stable, inMint, atMs, cfg.priceStalenessMs);
  const outP = marketPriceF(prices, stable, outMint, atMs, cfg.priceStalenessMs);
  if (Number.isNaN(inP) || Number.isNaN(outP)) return 'unpriced';
  const valueInF = inF * inP;
  const shortF = valueInF - outF * outP;
  return valueInF > 0 && passes(shortF / valueInF, Number(cfg.badRoute.minPct)) && passes(shortF, Number(cfg.badRoute.minUsd)) ? 'candidate' : 'clear';
}

export interface SwapForRoute {
  signature: string;
  atMs: number;
  inMint: string;
  inQty: string;
  outMint: string;
  outQty: string;
  source?: string;
}

/** The best quote for the same input taken when the swap arrived, in UI units of the output mint. */
export interface RouteQuote { outAmount: string; quotedAt: string; provider: string }

/**
 * BadRoute: what the swap gave versus the reference — the quote taken at ingestion when there is one, else the
 * market value of both legs at the trade. Shortfall ≥ 1 % and ≥ $10.
 */
export function detectBadRoute(ctx: DetectContext, swap: SwapForRoute, quote: RouteQuote | undefined, stable: Set<string>): Moment | { skipped: string } | undefined {
  const c = ctx.cfg.badRoute;
  const indexOf = (mint: string): number | undefined => ctx.prices.get(mint)?.indexAt(swap.atMs, ctx.cfg.priceStalenessMs);
  if (!quote) {
    const screen = badRouteScreen(ctx.prices, stable, ctx.cfg, swap.inMint, Number(swap.inQty), swap.outMint, Number(swap.outQty), swap.atMs);
    if (screen === 'unpriced') return { skipped: 'no market price for both legs within 2 h' };
    if (screen === 'clear') return undefined;
  }
  const priceOf = (mint: string): Dec | undefined => {
    if (stable.has(mint)) return new D(1);
    const i = indexOf(mint);
    return i === undefined ? undefined : ctx.prices.get(mint)!.exact(i);
  };
  const a = new D(swap.inQty);
  const b = new D(swap.outQty);
  const pIn = priceOf(swap.inMint);
  const pOut = priceOf(swap.outMint);
  let pct: Dec;
  let shortfall: Dec;
  let explain: Record<string, unknown>;
  if (quote) {
    const quoted = new D(quote.outAmount);
    if (quoted.lte(ZERO)) return { skipped: 'quote with no output' };
    pct = quoted.minus(b).div(quoted);
    const usdPerOut = pOut ?? (pIn ? a.mul(pIn).div(quoted) : undefined);
    if (!usdPerOut) return { skipped: 'no price to value the shortfall' };
    shortfall = quoted.minus(b).mul(usdPerOut);
    explain = { reference: 'quote', quotedOut: plain(quoted), quotedAt: quote.quotedAt, quoteProvider: quote.provider, outPrice: plain(usdPerOut) };
  } else {
    if (!pIn || !pOut) return { skipped: 'no market price for both legs within 2 h' };
    const valueIn = a.mul(pIn);
    const valueOut = b.mul(pOut);
    if (valueIn.lte(ZERO)) return undefined;
    shortfall = valueIn.minus(valueOut);
    pct = shortfall.div(valueIn);
    explain = { reference: 'market', inPrice: plain(pIn), outPrice: plain(pOut), valueInUsd: usd(valueIn), valueOutUsd: usd(valueOut) };
  }
  if (pct.lt(c.minPct) || shortfall.lt(c.minUsd)) return undefined;
  return moment(ctx, 'BadRoute', swap.inMint, swap.signature, swap.atMs, pct, shortfall, pct.div(c.fullSeverityPct), false, {
    ...explain, inMint: swap.inMint, inAmount: swap.inQty, outMint: swap.outMint, outAmount: swap.outQty, route: swap.source ?? null,
    priceSource: ctx.priceSource(swap.inMint),
  });
}

