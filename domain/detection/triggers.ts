import Decimal from 'decimal.js';
import type { DetectionConfig } from './config';
import { D, ONE, type Dec, ZERO } from '../money';

export type AlarmDirection = 'up' | 'down';

export interface Trigger { direction: AlarmDirection; price: string }

export interface TriggerInput {
  side: 'buy' | 'sell';
  /** USD per token the trade was made at, exact decimal text. */
  tradePrice: string;
  /** What the $ threshold is judged on: the quantity sold, or what is still held of the bought lot. */
  quantity: string;
  /** The least severity the alarm should wake for (0: the rule's own thresholds). */
  minSeverity?: string;
}

/**
 * The price at which a trade's rule first holds — both its % and its $ threshold, and at least `minSeverity` — or
 * undefined when no price can get there (nothing held, a $ threshold out of reach, severity already full).
 * S2E: price ≥ p·(1 + pct) and qty·(price − p) ≥ $min. BHD: price ≤ p·(1 − pct) and held·(p − price) ≥ $min.
 * The trigger only decides when to judge, so it is rounded to the side that wakes early; the judgement decides.
 */
export function triggerPrice(t: TriggerInput, cfg: DetectionConfig): Trigger | undefined {
  const p = new D(t.tradePrice);
  const qty = new D(t.quantity);
  if (p.lte(ZERO) || qty.lte(ZERO)) return undefined;
  const sell = t.side === 'sell';
  const rule = sell ? cfg.s2e : cfg.bhd;
  const minSeverity = new D(t.minSeverity ?? 0);
  if (minSeverity.gt(ONE)) return undefined;
  const pct = D.max(new D(rule.minPct), minSeverity.mul(rule.fullSeverityPct));
  const byUsd = new D(rule.minUsd).div(qty);
  if (sell) {
    const price: Dec = D.max(p.mul(ONE.plus(pct)), p.plus(byUsd));
    return { direction: 'up', price: price.toDecimalPlaces(18, Decimal.ROUND_DOWN).toFixed() };
  }
  if (pct.gte(ONE)) return undefined;
  const price = D.min(p.mul(ONE.minus(pct)), p.minus(byUsd));
  if (price.lte(ZERO)) return undefined;
  return { direction: 'down', price: price.toDecimalPlaces(18, Decimal.ROUND_UP).toFixed() };
}

/**
 * The severity the next alarm asks for after a judgement at `severity`: at least `step` worse, and far enough that
 * the alarms left cover the way to full severity — so a moment that keeps getting worse is updated a bounded number
 * of times over its window, however it moves.
 */
export function nextSeverity(severity: string, alarmsLeft: number, step = '0.1'): string {
  const s = new D(severity);
  const spread = alarmsLeft > 0 ? ONE.minus(s).div(alarmsLeft) : ONE;
  return s.plus(D.max(new D(step), spread)).toDecimalPlaces(4, Decimal.ROUND_UP).toFixed();
}
