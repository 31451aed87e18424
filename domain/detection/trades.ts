import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';
import type { DetectionConfig } from './config';
import { D, type Dec } from '../money';
import type { PriceSeries } from './price-series';

/**
 * One side of a swap. Quantities travel as their exact decimal text plus a float used only to search and screen;
 * whatever a moment reports is recomputed from the text (see exactPrice).
 */
export interface Leg {
  signature: string;
  atMs: number;
  /** Position in the wallet's ordered history: breaks ties between transactions in the same second. */
  seq: number;
  side: 'buy' | 'sell';
  mint: string;
  qty: string;
  qtyF: number;
  otherMint: string;
  otherQty: string;
  otherQtyF: number;
  source?: string;
}

export type PriceBasis = 'execution-vs-stablecoin' | 'execution-vs-SOL' | 'market-at-trade';

export interface PricedLeg extends Leg {
  priceF: number;
  basis: PriceBasis;
  /** The price point used (the SOL point for execution-vs-SOL, the token's for market-at-trade). */
  pointIndex?: number;
}

export interface SkippedLeg { leg: Leg; reason: string }

/** Every swap is a sell of what was sent and a buy of what was received, in history order. */
export function legsOf(txs: NormalizedTx[], times: Float64Array, nowMs: number): Leg[] {
  const legs: Leg[] = [];
  txs.forEach((tx, seq) => {
    const atMs = times[seq]!;
    if (tx.failed || !tx.blockTime || atMs > nowMs) return;
    for (const a of tx.actions) {
      if (a.kind !== 'swap' || !a.sent || !a.received) continue;
      const sentF = Number(a.sent.amount);
      const recvF = Number(a.received.amount);
      legs.push({ signature: tx.signature, atMs, seq, side: 'sell', mint: a.sent.mint, qty: a.sent.amount, qtyF: sentF, otherMint: a.received.mint, otherQty: a.received.amount, otherQtyF: recvF, source: a.source });
      legs.push({ signature: tx.signature, atMs, seq, side: 'buy', mint: a.received.mint, qty: a.received.amount, qtyF: recvF, otherMint: a.sent.mint, otherQty: a.sent.amount, otherQtyF: sentF, source: a.source });
    }
  });
  return legs;
}

/** Design §6: which price a trade of `mint` for `other` is judged at. */
export function tradeBasis(mint: string, other: string, stable: Set<string>): PriceBasis {
  if (stable.has(other)) return 'execution-vs-stablecoin';
  if (other === WSOL_MINT && mint !== WSOL_MINT) return 'execution-vs-SOL';
  return 'market-at-trade';
}

/** The trade price as a float from its basis, the two quantities and the price point it reads (none vs a stablecoin). */
function tradePriceOf(basis: PriceBasis, qtyF: number, otherF: number, pointF: number): number {
  if (basis === 'execution-vs-stablecoin') return otherF / qtyF;
  if (basis === 'execution-vs-SOL') return (otherF * pointF) / qtyF;
  return pointF;
}

/** The series a basis reads its point from: SOL's when paid in SOL, the token's own at market. */
const seriesOf = (basis: PriceBasis, series: PriceSeries | undefined, sol: PriceSeries | undefined) => (basis === 'execution-vs-SOL' ? sol : series);

/** Design §6 trade price: execution price against a stablecoin or SOL, otherwise the token's price at the trade. */
export function priceLeg(leg: Leg, prices: Map<string, PriceSeries>, cfg: DetectionConfig, stable: Set<string>): PricedLeg | SkippedLeg {
  if (!(leg.qtyF > 0)) return { leg, reason: 'zero quantity' };
  const basis = tradeBasis(leg.mint, leg.otherMint, stable);
  let i: number | undefined;
  let pointF = NaN;
  if (basis !== 'execution-vs-stablecoin') {
    const series = seriesOf(basis, prices.get(leg.mint), prices.get(WSOL_MINT));
    i = series?.indexAt(leg.atMs, cfg.priceStalenessMs);
    if (i === undefined) return { leg, reason: basis === 'execution-vs-SOL' ? 'no SOL price within 2 h of the trade' : 'no price within 2 h of the trade' };
    pointF = series!.v[i]!;
  }
  // The leg object becomes the priced leg in place: a million copies would be a million allocations.
  const priced = leg as PricedLeg;
  priced.priceF = tradePriceOf(basis, leg.qtyF, leg.otherQtyF, pointF);
  priced.basis = basis;
  if (i !== undefined) priced.pointIndex = i;
  return priced;
}

/**
 * priceLeg's trade price as a float without building the leg (NaN where priceLeg would skip), for the screens that
 * run on every leg; both go through tradeBasis and tradePriceOf, so they cannot disagree.
 */
export function tradePriceF(mint: string, qtyF: number, other: string, otherF: number, atMs: number, series: PriceSeries | undefined, sol: PriceSeries | undefined, stable: Set<string>, staleMs: number): number {
  if (!(qtyF > 0)) return NaN;
  const basis = tradeBasis(mint, other, stable);
  if (basis === 'execution-vs-stablecoin') return tradePriceOf(basis, qtyF, otherF, NaN);
  const s = seriesOf(basis, series, sol);
  const i = s?.indexAt(atMs, staleMs);
  return i === undefined ? NaN : tradePriceOf(basis, qtyF, otherF, s!.v[i]!);
}

/** The exact trade price of a priced leg, from the decimal texts. */
export function exactPrice(leg: PricedLeg, prices: Map<string, PriceSeries>): Dec {
  switch (leg.basis) {
    case 'execution-vs-stablecoin':
      return new D(leg.otherQty).div(leg.qty);
    case 'execution-vs-SOL':
      return new D(leg.otherQty).mul(prices.get(WSOL_MINT)!.exact(leg.pointIndex!)).div(leg.qty);
    case 'market-at-trade':
      return prices.get(leg.mint)!.exact(leg.pointIndex!);
  }
}

export function isPriced(x: PricedLeg | SkippedLeg): x is PricedLeg {
  return 'priceF' in x;
}
