import { D, type Dec } from '../money';

/**
 * One mint's price points, sorted by time. Searching (peaks, troughs, price-at-t) runs on float copies for speed;
 * every number a moment reports is re-read exactly from the decimal text.
 */
export class PriceSeries {
  readonly t: Float64Array;
  readonly v: Float64Array;
  private readonly text: string[];
  private maxTree?: Float64Array;
  private minTree?: Float64Array;
  private size = 1;

  constructor(points: Array<[number, string]>) {
    const sorted = points.slice().sort((a, b) => a[0] - b[0]);
    // Two points at the same instant: keep the last one given (a later source overrides).
    const dedup: Array<[number, string]> = [];
    for (const p of sorted) {
      if (dedup.length && dedup[dedup.length - 1]![0] === p[0]) dedup[dedup.length - 1] = p;
      else dedup.push(p);
    }
    this.t = new Float64Array(dedup.map((p) => p[0]));
    this.v = new Float64Array(dedup.map((p) => Number(p[1])));
    this.text = dedup.map((p) => p[1]);
  }

  get length(): number {
    return this.t.length;
  }

  exact(i: number): Dec {
    return new D(this.text[i]!);
  }

  textAt(i: number): string {
    return this.text[i]!;
  }

  /** First index with time > ms. */
  upperBound(ms: number): number {
    let lo = 0;
    let hi = this.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Design §6: the latest point at or before t if at most `staleMs` old, else the earliest after t within `staleMs`. */
  indexAt(ms: number, staleMs: number): number | undefined {
    const after = this.upperBound(ms);
    const before = after - 1;
    if (before >= 0 && ms - this.t[before]! <= staleMs) return before;
    if (after < this.t.length && this.t[after]! - ms <= staleMs) return after;
    return undefined;
  }

  /** Index range [lo, hi) of points in the window (from, to]. */
  windowRange(fromMs: number, toMs: number): [number, number] {
    return [this.upperBound(fromMs), this.upperBound(toMs)];
  }

  private build(): void {
    const n = this.t.length;
    while (this.size < n) this.size <<= 1;
    this.maxTree = new Float64Array(2 * this.size).fill(-Infinity);
    this.minTree = new Float64Array(2 * this.size).fill(Infinity);
    this.maxTree.set(this.v, this.size);
    this.minTree.set(this.v, this.size);
    for (let i = this.size - 1; i >= 1; i--) {
      this.maxTree[i] = Math.max(this.maxTree[2 * i]!, this.maxTree[2 * i + 1]!);
      this.minTree[i] = Math.min(this.minTree[2 * i]!, this.minTree[2 * i + 1]!);
    }
  }

  /**
   * The highest (or lowest) value in [lo, hi), in O(log n); NaN when empty. What screening needs: the index, which
   * costs a scan of the window, is asked for (extremeIndex) only for the few trades that pass.
   */
  extremeValue(lo: number, hi: number, kind: 'max' | 'min'): number {
    if (lo >= hi) return NaN;
    if (!this.maxTree) this.build();
    // Written without closures: this runs once per trade, a million times in a large history.
    const isMax = kind === 'max';
    const tree = isMax ? this.maxTree! : this.minTree!;
    let best = isMax ? -Infinity : Infinity;
    let l = lo + this.size;
    let r = hi + this.size;
    while (l < r) {
      if (l & 1) {
        const x = tree[l]!;
        if (isMax ? x > best : x < best) best = x;
        l++;
      }
      if (r & 1) {
        r--;
        const x = tree[r]!;
        if (isMax ? x > best : x < best) best = x;
      }
      l >>= 1;
      r >>= 1;
    }
    return best;
  }

  /** Index of the highest (or lowest) value in [lo, hi); the earliest one on ties. undefined when empty. */
  extremeIndex(lo: number, hi: number, kind: 'max' | 'min'): number | undefined {
    const best = this.extremeValue(lo, hi, kind);
    for (let i = lo; i < hi; i++) if (this.v[i] === best) return i;
    return undefined;
  }
}

/** Points as the CLI and the API take them: [ISO time or unix seconds, "usd"]. */
export function toPoints(raw: Array<[string | number, string | number]>): Array<[number, string]> {
  return raw.map(([time, value], i) => {
    const ms = typeof time === 'number' ? time * 1000 : Date.parse(time);
    if (!Number.isFinite(ms)) throw new Error(`price point ${i}: "${time}" is not an ISO time or unix seconds`);
    const text = typeof value === 'number' ? String(value) : value;
    if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(`price point ${i}: "${value}" is not a non-negative decimal`);
    return [ms, text];
  });
}
