import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';
import { mergeConfig, type DetectionConfig } from './config';
import { detectMoments, type Skip } from './detect';
import { detectBHD, type DetectContext, type RouteQuote } from './detectors';
import { betterSpan, idleYieldMoment, judgeIdleSpan, NO_IDLE_PRICE, ongoingEnd, type IdleSpan } from './idle-yield';
import { units18ToString } from './lots';
import type { Moment } from './moment';
import type { PriceSeries } from './price-series';
import { isPriced, priceLeg, type Leg } from './trades';
import { comparePositions, foldTransactions, positionOf, type Fold, type WalletDetectionState } from './wallet-state';

const DAY = 86_400_000;

/**
 * Why new transactions cannot be folded into the state (then the caller re-runs detection over the whole history):
 * one lands at or before the last folded one (it arrived late, or was folded already), or after now.
 */
export function foldBlocker(state: WalletDetectionState, txs: NormalizedTx[], nowMs: number): string | undefined {
  for (const tx of txs) {
    const p = positionOf(tx);
    if (!p) continue;
    if (p.atMs > nowMs) return `${tx.signature} is after now`;
    if (state.last && comparePositions(p, state.last) <= 0) return `${tx.signature} is not after the last transaction judged`;
  }
  return undefined;
}

/** Transactions in history order (detect.ts's order), without the ones that have no time. */
export function inHistoryOrder(txs: NormalizedTx[]): NormalizedTx[] {
  return txs.filter((t) => t.blockTime).sort((a, b) => comparePositions(positionOf(a)!, positionOf(b)!));
}

/**
 * The price ranges judging a fold needs beyond the new trades' own: the trade and window of every touched buy lot,
 * and for idle SOL the spans that could be long enough to count.
 */
export function foldRanges(fold: Fold, cfg: DetectionConfig, nowMs: number): Map<string, Array<[number, number]>> {
  const stable = new Set(cfg.stablecoins);
  const out = new Map<string, Array<[number, number]>>();
  const add = (mint: string, from: number, to: number) => {
    if (!stable.has(mint)) out.set(mint, [...(out.get(mint) ?? []), [from, to]]);
  };
  for (const t of fold.touched) {
    const range: [number, number] = [t.buy.atMs - cfg.priceStalenessMs, Math.min(nowMs, t.buy.atMs + cfg.windowMs)];
    add(t.mint, ...range);
    add(t.buy.otherMint, ...range);
    if (t.buy.otherMint === WSOL_MINT) add(WSOL_MINT, ...range);
  }
  if (!stable.has(WSOL_MINT) && cfg.idleYield.apy[WSOL_MINT]) {
    const minMs = cfg.idleYield.minDays * DAY;
    for (const s of fold.closed) if (s.mint === WSOL_MINT && s.end - s.start >= minMs) add(WSOL_MINT, s.start, s.end);
    const start = fold.state.idle[WSOL_MINT]?.spanStart;
    if (start != null && nowMs - start >= minMs) add(WSOL_MINT, start, nowMs);
  }
  return out;
}

export interface JudgeInput {
  wallet: string;
  /** The transactions folded (in history order). */
  transactions: NormalizedTx[];
  fold: Fold;
  prices: Map<string, PriceSeries>;
  nowMs: number;
  quotes?: Map<string, RouteQuote>;
  priceSource?: (mint: string) => string;
  config?: Partial<DetectionConfig>;
}

/**
 * The moments new transactions make or change, judged against the stored state: S2E and BadRoute of the new swaps
 * (each depends on its own trade only), BHD of every buy lot the new transactions opened or consumed, and IdleYield
 * of each asset from its best closed span and its ongoing one. The fold's state comes back with the closed spans'
 * verdicts in it, ready to be stored.
 */
export function judgeFold(input: JudgeInput): { moments: Moment[]; skipped: Skip[]; state: WalletDetectionState } {
  const cfg = mergeConfig(input.config);
  const stable = new Set(cfg.stablecoins);
  const ctx: DetectContext = { wallet: input.wallet, nowMs: input.nowMs, cfg, prices: input.prices, priceSource: input.priceSource ?? (() => 'given') };
  const own = detectMoments({ ...input, kinds: ['S2E', 'BadRoute'], config: cfg });
  const moments = own.moments;
  const skipped = own.skipped;

  for (const t of input.fold.touched) {
    if (t.buy.atMs > input.nowMs) continue;
    const leg: Leg = {
      signature: t.buy.signature, atMs: t.buy.atMs, seq: 0, side: 'buy', mint: t.mint, qty: t.buy.qty, qtyF: Number(t.buy.qty),
      otherMint: t.buy.otherMint, otherQty: t.buy.otherQty, otherQtyF: Number(t.buy.otherQty), ...(t.buy.source ? { source: t.buy.source } : {}),
    };
    const priced = priceLeg(leg, input.prices, cfg, stable);
    if (!isPriced(priced)) {
      skipped.push({ signature: leg.signature, mint: leg.mint, kind: 'BHD', reason: priced.reason });
      continue;
    }
    const m = detectBHD(ctx, priced, t.timeline);
    if (m) moments.push(m);
  }

  const state: WalletDetectionState = { ...input.fold.state, idle: { ...input.fold.state.idle } };
  for (const [mint, apy] of Object.entries(cfg.idleYield.apy)) {
    const isStable = stable.has(mint);
    const s = { ...state.idle[mint]! };
    for (const span of input.fold.closed) {
      if (span.mint !== mint) continue;
      const r = judgeIdleSpan(ctx, mint, apy, isStable, span.start, span.end, span.balance, span.positive, false);
      if (r === 'no-price') s.noPrice = true;
      else if (r) s.best = betterSpan(s.best, r);
    }
    state.idle[mint] = s;
    let best: IdleSpan | undefined = s.best;
    let noPrice = s.noPrice ?? false;
    if (s.spanStart !== null) {
      const balance = BigInt(s.balance);
      const r = judgeIdleSpan(ctx, mint, apy, isStable, s.spanStart, ongoingEnd(s.spanStart, input.nowMs), units18ToString(balance), balance > 0n, true);
      if (r === 'no-price') noPrice = true;
      else if (r) best = betterSpan(best, r);
    }
    if (best) {
      const m = idleYieldMoment(ctx, best, mint, apy, isStable);
      if (m) moments.push(m);
    } else if (noPrice) {
      skipped.push({ signature: null, mint, kind: 'IdleYield', reason: NO_IDLE_PRICE });
    }
  }
  moments.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || a.mint.localeCompare(b.mint) || (a.signature ?? '').localeCompare(b.signature ?? ''));
  return { moments, skipped, state };
}

/** Folds and judges in one step (what the incremental path and its property test run). */
export function detectIncrementally(before: WalletDetectionState, input: Omit<JudgeInput, 'fold'>): { moments: Moment[]; skipped: Skip[]; state: WalletDetectionState } {
  const fold = foldTransactions(before, input.transactions, mergeConfig(input.config));
  return judgeFold({ ...input, fold });
}
