import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';
import type { DetectContext } from './detectors';
import { toUnits18, units18ToString } from './lots';
import { feeUnits, toUnits, unitScales, unitsToString, type UnitScale } from './units';
import { D, type Dec, plain, severity, usd } from '../money';
import { iso, momentId, type Moment } from './moment';

const DAY = 86_400_000;

interface Touch { atMs: number; balance: bigint }

/** An asset's balance after each transaction that moved it: when, whether it was positive, and exactly how much. */
export interface Touches {
  atMs: number[];
  positive(k: number): boolean;
  text(k: number): string;
}

/** Balance after each transaction that moved the asset (fees alone do not count as touching SOL). */
function touches(txs: NormalizedTx[], times: Float64Array, nowMs: number, mint: string): Touch[] {
  const out: Touch[] = [];
  let balance = 0n;
  for (let k = 0; k < txs.length; k++) {
    const tx = txs[k]!;
    const atMs = times[k]!;
    if (!tx.blockTime || atMs > nowMs) continue;
    let moved = false;
    if (mint === WSOL_MINT && tx.feeLamports !== '0') balance -= BigInt(tx.feeLamports) * 10n ** 9n;
    if (!tx.failed) {
      for (const a of tx.actions) {
        if (a.sent?.mint === mint) { balance -= toUnits18(a.sent.amount); moved = true; }
        if (a.received?.mint === mint) { balance += toUnits18(a.received.amount); moved = true; }
      }
    }
    if (moved) out.push({ atMs, balance });
    else if (out.length) out[out.length - 1]!.balance = balance; // fees between touches lower the idle balance
  }
  return out;
}

interface FastAsset { mint: string; u: UnitScale; balance: number; atMs: number[]; balances: number[]; moved: boolean }

/**
 * Touches of every asset in one walk over the history, in exact integer units held in doubles (units.ts); an asset
 * whose amounts do not fit falls back to its own bigint walk. Same answer either way.
 */
export function assetTouches(txs: NormalizedTx[], times: Float64Array, nowMs: number, mints: string[]): Map<string, Touches> {
  const out = new Map<string, Touches>();
  const fast = new Map<string, FastAsset>();
  for (const [mint, u] of unitScales(txs, times, new Set(mints), { nowMs })) {
    if (u) {
      fast.set(mint, { mint, u, balance: 0, atMs: [], balances: [], moved: false });
      continue;
    }
    const ts = touches(txs, times, nowMs, mint);
    out.set(mint, { atMs: ts.map((t) => t.atMs), positive: (k) => ts[k]!.balance > 0n, text: (k) => units18ToString(ts[k]!.balance) });
  }
  if (fast.size) {
    const sol = fast.get(WSOL_MINT);
    const assets = [...fast.values()];
    for (let k = 0; k < txs.length; k++) {
      const tx = txs[k]!;
      const atMs = times[k]!;
      if (!tx.blockTime || atMs > nowMs) continue;
      if (sol && tx.feeLamports !== '0') sol.balance -= feeUnits(tx.feeLamports, sol.u);
      if (!tx.failed) {
        for (const a of tx.actions) {
          if (a.sent) {
            const s = fast.get(a.sent.mint);
            if (s) { s.balance -= toUnits(Number(a.sent.amount), s.u); s.moved = true; }
          }
          if (a.received) {
            const s = fast.get(a.received.mint);
            if (s) { s.balance += toUnits(Number(a.received.amount), s.u); s.moved = true; }
          }
        }
      }
      for (const s of assets) {
        if (s.moved) {
          s.atMs.push(atMs);
          s.balances.push(s.balance);
          s.moved = false;
        } else if (s === sol && s.balances.length) {
          s.balances[s.balances.length - 1] = s.balance; // fees between touches lower the idle balance
        }
      }
    }
    for (const s of assets) out.set(s.mint, { atMs: s.atMs, positive: (k) => s.balances[k]! > 0, text: (k) => unitsToString(s.balances[k]!, s.u) });
  }
  return out;
}

/** One idle span judged: what it would have earned. */
export interface IdleSpan { start: number; end: number; balance: string; avg: string; missed: string; days: string; ongoing: boolean }

/**
 * Where an ongoing span is measured to: whole days since it began. Its figures then move once a day, not with every
 * batch that looks at it, and its `at` (and so everything a user sees) stays put in between.
 */
export function ongoingEnd(start: number, nowMs: number): number {
  return start + Math.floor((nowMs - start) / DAY) * DAY;
}

/**
 * One span [start, end] of a balance: undefined when it cannot count (too short, not positive, under $100),
 * 'no-price' when idle SOL has no price point in it, else what it missed.
 */
export function judgeIdleSpan(ctx: DetectContext, mint: string, apy: string, stable: boolean, start: number, end: number, balance: string, positive: boolean, ongoing: boolean): IdleSpan | 'no-price' | undefined {
  const c = ctx.cfg.idleYield;
  if (end - start < c.minDays * DAY || !positive) return undefined;
  let avg: Dec;
  if (stable) avg = new D(1);
  else {
    const s = ctx.prices.get(mint);
    const [lo, hi] = s ? s.windowRange(start, end) : [0, 0];
    if (!s || hi <= lo) return 'no-price';
    let sum = new D(0);
    for (let i = lo; i < hi; i++) sum = sum.plus(s.exact(i));
    avg = sum.div(hi - lo);
  }
  const days = new D(end - start).div(DAY);
  const value = new D(balance).mul(avg);
  if (value.lt(c.minBalanceUsd)) return undefined;
  const missed = value.mul(apy).mul(days).div(365);
  return { start, end, balance, avg: avg.toString(), missed: missed.toString(), days: days.toString(), ongoing };
}

/** The better of two spans: the one that missed more; the earlier one on a tie. */
export function betterSpan(best: IdleSpan | undefined, next: IdleSpan): IdleSpan {
  return !best || new D(next.missed).gt(best.missed) ? next : best;
}

/**
 * The moment of an asset's best span. Its id comes from the span's start: an ongoing span keeps one id while it
 * grows, and keeps it when it ends.
 */
export function idleYieldMoment(ctx: DetectContext, best: IdleSpan, mint: string, apy: string, stable: boolean): Moment | undefined {
  const c = ctx.cfg.idleYield;
  const missed = new D(best.missed);
  if (missed.lt(c.minUsd)) return undefined;
  const avg = new D(best.avg);
  const days = new D(best.days);
  const pct = new D(apy).mul(days).div(365);
  return {
    id: momentId(best.start, ctx.wallet, 'IdleYield', mint, null),
    kind: 'IdleYield',
    wallet: ctx.wallet,
    mint,
    signature: null,
    at: iso(best.end),
    pct: plain(pct.toDecimalPlaces(6)),
    missedUsd: usd(missed),
    severity: severity(missed.div(c.fullSeverityUsd)),
    status: best.ongoing ? 'provisional' : 'final',
    explain: {
      balance: best.balance, avgPrice: plain(avg.toDecimalPlaces(12)), apy, days: plain(days.toDecimalPlaces(4)),
      idleFrom: iso(best.start), idleUntil: iso(best.end), balanceUsd: usd(new D(best.balance).mul(avg)),
      priceSource: stable ? 'stablecoin at $1' : ctx.priceSource(mint),
    },
  };
}

/**
 * IdleYield: a USDC/USDT or SOL balance left untouched ≥ 30 days, worth ≥ $100, that would have earned ≥ $25 at the
 * asset's APY. One moment per asset: the idle span that missed the most; an ongoing span (to now, in whole days) is
 * provisional. Balances come from the history we have: a span whose balance is not positive (history that starts
 * mid-way) is never judged.
 */
export function detectIdleYield(ctx: DetectContext, ts: Touches, mint: string, apy: string, stable: boolean): Moment | { skipped: string } | undefined {
  let best: IdleSpan | undefined;
  let skipped: string | undefined;
  const n = ts.atMs.length;
  for (let k = 0; k < n; k++) {
    const start = ts.atMs[k]!;
    const ongoing = k + 1 >= n;
    const end = ongoing ? ongoingEnd(start, ctx.nowMs) : ts.atMs[k + 1]!;
    const r = judgeIdleSpan(ctx, mint, apy, stable, start, end, ts.text(k), ts.positive(k), ongoing);
    if (r === 'no-price') skipped = NO_IDLE_PRICE;
    else if (r) best = betterSpan(best, r);
  }
  if (!best) return skipped ? { skipped } : undefined;
  return idleYieldMoment(ctx, best, mint, apy, stable);
}

export const NO_IDLE_PRICE = 'no price points in the idle span';
