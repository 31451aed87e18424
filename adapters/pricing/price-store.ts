import type { Db } from '../../lib/db';
import { PriceSeries } from '../../domain/detection/price-series';
import type { HistoryProvider } from './history-providers';

/** Merges [from, to] ranges that overlap or touch. */
export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** [from, to] minus the covered ranges (merged, sorted): what is still missing. */
export function uncovered(fromMs: number, toMs: number, covered: Array<[number, number]>): Array<[number, number]> {
  const gaps: Array<[number, number]> = [];
  let at = fromMs;
  for (const [a, b] of covered) {
    if (b < at) continue;
    if (a > toMs) break;
    if (a > at) gaps.push([at, Math.min(a, toMs)]);
    at = Math.max(at, b);
    if (at >= toMs) break;
  }
  if (at < toMs) gaps.push([at, toMs]);
  return gaps;
}

export interface HistoryOptions {
  nowMs?: number;
  /** How recent a provider's points may still change or be missing (its candle in progress): never recorded as covered. */
  settleMs?: number;
  /** A range that is still open (it ends at now) has its tail fetched only once the tail is this long. */
  minTailMs?: number;
  signal?: AbortSignal;
}

/**
 * Historical prices for a mint over a range, each part fetched from the provider once: price_windows records what is
 * covered, so only the parts not covered yet are fetched — for a window still open, only the new tail, and only once
 * it has grown to `minTailMs` (the live part is what the price refresh snapshots). Provider errors propagate (the
 * HTTP client has already retried 429s and 5xx with backoff): the caller decides what a missing price means.
 * Returns the points fetched and the provider calls made (one per uncovered part).
 */
export async function ensureHistory(db: Db, provider: HistoryProvider, mint: string, fromMs: number, toMs: number, o: HistoryOptions = {}): Promise<{ points: number; fetches: number }> {
  const now = o.nowMs ?? Date.now();
  const settle = o.settleMs ?? 15 * 60_000;
  const minTail = o.minTailMs ?? 3_600_000;
  const to = Math.min(toMs, now);
  if (to <= fromMs) return { points: 0, fetches: 0 };
  const rows = await db('price_windows').where({ mint, source: provider.name }).where('from_ts', '<=', new Date(to)).where('to_ts', '>=', new Date(fromMs)).select('from_ts', 'to_ts');
  const covered = mergeRanges(rows.map((r: any) => [+new Date(r.from_ts), +new Date(r.to_ts)] as [number, number]));
  let points = 0;
  let fetches = 0;
  for (const [a, b] of uncovered(fromMs, to, covered)) {
    const open = b > now - settle;
    if (open && b - a < minTail) continue;
    const coverTo = open ? now - settle : b;
    const got = await provider.fetch(mint, a, b, o.signal);
    fetches++;
    points += got.length;
    await db.transaction(async (trx) => {
      // One writer per mint and source at a time, so merging the covered ranges never loses one.
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`price_windows:${mint}:${provider.name}`]);
      for (let i = 0; i < got.length; i += 1000) {
        await trx('price_points')
          .insert(got.slice(i, i + 1000).map(([ms, usd]) => ({ mint, ts: new Date(ms), usd, source: provider.name })))
          .onConflict(['mint', 'ts', 'source'])
          .merge(['usd']);
      }
      if (coverTo <= a) return;
      const near = await trx('price_windows').where({ mint, source: provider.name }).where('from_ts', '<=', new Date(coverTo)).where('to_ts', '>=', new Date(a)).select('from_ts', 'to_ts', 'points');
      const merged = mergeRanges([[a, coverTo], ...near.map((r: any) => [+new Date(r.from_ts), +new Date(r.to_ts)] as [number, number])]);
      const total = got.length + near.reduce((n: number, r: any) => n + Number(r.points), 0);
      for (const r of near) await trx('price_windows').where({ mint, source: provider.name, from_ts: r.from_ts, to_ts: r.to_ts }).del();
      for (const [f, t] of merged) {
        await trx('price_windows').insert({ mint, source: provider.name, from_ts: new Date(f), to_ts: new Date(t), points: total }).onConflict(['mint', 'source', 'from_ts', 'to_ts']).merge(['points', 'fetched_at']);
      }
    });
  }
  return { points, fetches };
}

/** Price series per mint from every stored source (a provider's point wins over a snapshot at the same instant). */
export async function loadSeries(db: Db, ranges: Map<string, Array<[number, number]>>, preferred?: string): Promise<{ series: Map<string, PriceSeries>; sources: Map<string, Set<string>> }> {
  const series = new Map<string, PriceSeries>();
  const sources = new Map<string, Set<string>>();
  for (const [mint, rs] of ranges) {
    const q = db('price_points').where({ mint }).where((b) => {
      for (const [from, to] of rs) b.orWhereBetween('ts', [new Date(from), new Date(to)]);
    });
    const rows = await q.select('ts', 'usd', 'source').orderBy('ts');
    if (!rows.length) continue;
    // Ordering puts the preferred source last at equal instants, and PriceSeries keeps the last one.
    rows.sort((a: any, b: any) => +a.ts - +b.ts || (a.source === preferred ? 1 : 0) - (b.source === preferred ? 1 : 0));
    series.set(mint, new PriceSeries(rows.map((r: any) => [+new Date(r.ts), r.usd as string])));
    sources.set(mint, new Set(rows.map((r: any) => r.source as string)));
  }
  return { series, sources };
}
