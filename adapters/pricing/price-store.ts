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

/**
 * Historical prices for a mint over a range: from price_points when a provider already filled that window, else
 * fetched from the provider once and cached (the window recorded in price_windows).
 */
export async function ensureHistory(db: Db, provider: HistoryProvider, mint: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<number> {
  const covered = await db('price_windows')
    .where({ mint, source: provider.name })
    .where('from_ts', '<=', new Date(fromMs))
    .where('to_ts', '>=', new Date(toMs))
    .first();
  if (covered) return 0;
  const points = await provider.fetch(mint, fromMs, toMs, signal);
  await db.transaction(async (trx) => {
    for (let i = 0; i < points.length; i += 1000) {
      await trx('price_points')
        .insert(points.slice(i, i + 1000).map(([ms, usd]) => ({ mint, ts: new Date(ms), usd, source: provider.name })))
        .onConflict(['mint', 'ts', 'source'])
        .merge(['usd']);
    }
    await trx('price_windows').insert({ mint, source: provider.name, from_ts: new Date(fromMs), to_ts: new Date(toMs), points: points.length }).onConflict(['mint', 'source', 'from_ts', 'to_ts']).ignore();
  });
  return points.length;
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
