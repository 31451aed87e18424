import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Ours beside a ceiling: what the same machine does at best on the same work, measured in the same process run and
 * interleaved with ours (A B A B …), so a noisy neighbour or a slower machine moves both sides alike. Absolute figures
 * do not travel between machines; the ratio does, and the ratio is what a benchmark checks.
 *
 * Shape every benchmark follows (`npm run bench -- --json` prints it as is):
 *   figures: { 'tx/s': { ours: 4389, ceiling: 7012 }, 'p99 ms': 217, … }   ours/ceiling pairs beside plain figures
 *   ratio:   { 'tx/s': { value: 0.63, of: 'webhook ÷ bare INSERT…SELECT', target: '≥ 0.6', pass: true, pairs: […] } }
 *   pass:    every ratio's pass (and whatever correctness the benchmark also requires: zero loss, no errors)
 */

/** One figure measured both ways: medians over the interleaved pairs. */
export interface Pair { ours: number; ceiling: number }

export interface Ratio {
  /** ours ÷ ceiling: the median of the per-pair ratios (each pair ran back to back, under the same load). */
  value: number;
  /** What is divided by what, in words. */
  of: string;
  /** The ratio target, when the benchmark has one; without one the ratio is reported only. */
  target?: string;
  pass?: boolean;
  /** Each pair's own ratio in run order: their spread is the noise of this run. */
  pairs: number[];
}

/** Both sides' samples, index i of each taken back to back. */
export interface Samples { ours: number[]; ceiling: number[] }

export interface RatioTarget {
  text: string;
  check(r: { ratio: number; ours: number; ceiling: number }): boolean;
}

export const MIN_PAIRS = 3;

let gc: (() => void) | undefined;
/**
 * A full collection before an in-process measurement, so neither side pays for the other's garbage (a plain pass
 * of 0.3 s would otherwise absorb a collection of detection's gigabyte of young objects, and its ratio with it).
 */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Runs `ours` and `ceiling` alternately, `pairs` times (at least 3), each returning its measurement (a rate, a
 * duration, a percentile — the same unit on both sides). `round` is the pair's index, for inputs that must differ
 * per round (fresh signatures).
 */
export async function interleave(
  pairs: number,
  ours: (round: number) => number | Promise<number>,
  ceiling: (round: number) => number | Promise<number>,
): Promise<Samples> {
  if (pairs < MIN_PAIRS) throw new Error(`a ratio needs at least ${MIN_PAIRS} interleaved pairs, not ${pairs}`);
  const s: Samples = { ours: [], ceiling: [] };
  for (let i = 0; i < pairs; i++) {
    s.ours.push(await ours(i));
    s.ceiling.push(await ceiling(i));
  }
  return s;
}

/** Ours at least `min` × the ceiling (throughputs: "≥ 60 % of the bare insert"). */
export function atLeast(min: number): RatioTarget {
  return { text: `≥ ${min}× the ceiling`, check: ({ ratio }) => ratio >= min };
}

/** Ours at most `max` × the ceiling, plus `plus` of the unit (latencies: "≤ 3× + 5 ms"). */
export function atMost(max: number, plus = 0, unit = ''): RatioTarget {
  return {
    text: plus ? `≤ ${max}× the ceiling + ${plus}${unit ? ` ${unit}` : ''}` : `≤ ${max}× the ceiling`,
    check: ({ ratio, ours, ceiling }) => (plus ? ours <= max * ceiling + plus : ratio <= max),
  };
}

const round3 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)) : x);

/** The pair of medians and the ratio of `s`, checked against `target` when there is one. */
export function compare(s: Samples, of: string, target?: RatioTarget): { figure: Pair; ratio: Ratio } {
  const pairs = s.ours.map((o, i) => o / s.ceiling[i]!);
  const value = median(pairs);
  const figure = { ours: round3(median(s.ours)), ceiling: round3(median(s.ceiling)) };
  const ratio: Ratio = { value: round3(value), of, pairs: pairs.map(round3) };
  if (target) {
    ratio.target = target.text;
    ratio.pass = target.check({ ratio: value, ours: median(s.ours), ceiling: median(s.ceiling) });
  }
  return { figure, ratio };
}

/** A ratio from figures the benchmark measured another way (one run of each, or a ratio of its own figures). */
export function reportRatio(ours: number, ceiling: number, of: string, target?: RatioTarget): Ratio {
  return compare({ ours: [ours], ceiling: [ceiling] }, of, target).ratio;
}

/** True when every ratio that has a target meets it. */
export function ratiosPass(ratios: Record<string, Ratio>): boolean {
  return Object.values(ratios).every((r) => r.pass !== false);
}

/** One line for the text output: `0.63 (pairs 0.61 0.63 0.66), target ≥ 0.6× the ceiling: met`. */
export function formatRatio(r: Ratio): string {
  const pairs = r.pairs.length > 1 ? ` (pairs ${r.pairs.join(' ')})` : '';
  const verdict = r.target ? `, target ${r.target}: ${r.pass ? 'met' : 'MISSED'}` : '';
  return `${r.value}${pairs} — ${r.of}${verdict}`;
}

export function isPair(v: unknown): v is Pair {
  return typeof v === 'object' && v !== null && 'ours' in v && 'ceiling' in v;
}
