import Decimal from 'decimal.js';
import { D, ZERO, type Dec } from '../money';

/** What the score reads of a moment. */
export interface ScoredMoment { at: string; missedUsd: string; severity: string }

export const SCORE_HALF_LIFE_DAYS = 30;
const DAY_MS = 86_400_000;
const MISSED_WEIGHT = new D('0.6');
const SEVERITY_WEIGHT = new D('0.4');

export interface OofScore {
  /** 0–100, higher is more OOF. */
  score: number;
  /** Σ recency · missed USD. */
  weightedMissedUsd: Dec;
  /** M / (M + volume): the missed part. */
  missedShare: Dec;
  /** Σ recency · severity / (Σ recency + 1): the severity part. */
  severityPart: Dec;
  moments: number;
}

/**
 * The OOF score of docs/detection.md ("The OOF score"): each moment counts with recency r = 0.5^(age days / 30);
 * M = Σ r·missedUsd; P = M / (M + volumeUsd) (1 when there is no volume but something was missed, 0 with neither);
 * S = Σ r·severity / (Σ r + 1); score = round(100 · (0.6·P + 0.4·S)), half up, within 0–100. Moments after `nowMs`
 * do not count. Exact decimals up to the final rounding.
 */
export function oofScore(moments: ScoredMoment[], volumeUsd: Dec | string, nowMs: number): OofScore {
  let m: Dec = ZERO;
  let rs: Dec = ZERO;
  let sev: Dec = ZERO;
  let n = 0;
  for (const x of moments) {
    const at = Date.parse(x.at);
    if (!(at <= nowMs)) continue;
    n++;
    const r = new D(0.5).pow(new D(nowMs - at).div(DAY_MS * SCORE_HALF_LIFE_DAYS));
    m = m.plus(r.times(x.missedUsd));
    rs = rs.plus(r);
    sev = sev.plus(r.times(x.severity));
  }
  const v = new D(volumeUsd);
  const p = m.plus(v).isZero() ? ZERO : m.div(m.plus(v));
  const s = sev.div(rs.plus(1));
  const raw = MISSED_WEIGHT.times(p).plus(SEVERITY_WEIGHT.times(s)).times(100);
  const score = Math.max(0, Math.min(100, raw.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber()));
  return { score, weightedMissedUsd: m, missedShare: p, severityPart: s, moments: n };
}

export interface ScoreDay { day: string; score: number; missedUsd: Dec; volumeUsd: Dec; moments: number }

/**
 * The score as it stood at the end of each UTC day from `fromMs`'s day to `nowMs`'s (at most `maxDays`, the latest):
 * moments up to then, and the volume traded up to then (`volume`: [ms, usd] steps in time order).
 */
export function dailyScores(moments: ScoredMoment[], volume: Array<[number, Dec]>, fromMs: number, nowMs: number, maxDays = 366): ScoreDay[] {
  const out: ScoreDay[] = [];
  if (!Number.isFinite(fromMs) || fromMs > nowMs) return out;
  const lastDay = Math.floor(nowMs / DAY_MS);
  const firstDay = Math.max(Math.floor(fromMs / DAY_MS), lastDay - maxDays + 1);
  const sorted = moments.slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let vi = 0;
  let vol: Dec = ZERO;
  let mi = 0;
  let missed: Dec = ZERO;
  for (let d = firstDay; d <= lastDay; d++) {
    const end = Math.min(nowMs, (d + 1) * DAY_MS - 1);
    while (vi < volume.length && volume[vi]![0] <= end) vol = vol.plus(volume[vi++]![1]);
    while (mi < sorted.length && Date.parse(sorted[mi]!.at) <= end) missed = missed.plus(sorted[mi++]!.missedUsd);
    const s = oofScore(sorted.slice(0, mi), vol, end);
    out.push({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), score: s.score, missedUsd: missed, volumeUsd: vol, moments: mi });
  }
  return out;
}
