import { DEFAULT_DETECTION } from '../detection/config';
import type { PriceSeries } from '../detection/price-series';
import type { Dec } from '../money';
import { X } from './exact';

/** Prices as the report reads them: design §6 price at t, and the latest price at `now` of any age. */
export class PriceBook {
  private readonly exact = new Map<PriceSeries, Array<Dec | undefined>>();

  constructor(private readonly series: Map<string, PriceSeries>, private readonly staleMs = DEFAULT_DETECTION.priceStalenessMs) {}

  private dec(s: PriceSeries, i: number): Dec {
    let cache = this.exact.get(s);
    if (!cache) this.exact.set(s, (cache = new Array(s.length)));
    return (cache[i] ??= new X(s.textAt(i)));
  }

  /** The latest point at or before t if at most 2 h old, else the earliest after t within 2 h, else undefined. */
  at(mint: string, ms: number): Dec | undefined {
    const s = this.series.get(mint);
    if (!s || !Number.isFinite(ms)) return undefined;
    const i = s.indexAt(ms, this.staleMs);
    return i === undefined ? undefined : this.dec(s, i);
  }

  /** The latest point at or before `ms`, however old: its exact text. */
  latestText(mint: string, ms: number): string | undefined {
    const s = this.series.get(mint);
    if (!s) return undefined;
    const i = s.upperBound(ms) - 1;
    return i >= 0 ? s.textAt(i) : undefined;
  }
}
