import type { Db } from '../../lib/db';
import type { JupiterClient } from './jupiter';

interface Cached { usd: string; atMs: number }

/**
 * Live prices for every watch on this worker, batched: concurrent requests for any mints within `batchDelayMs` become
 * one Jupiter call of ≤ 50 ids, and a price younger than the caller's maxAge is served from memory. So 1,000 watches
 * polling every second over 20 mints cost one call a second, not a thousand. Each fetched price is also kept as a
 * snapshot in price_points (source `jupiter`).
 */
export class PriceFeed {
  private readonly cache = new Map<string, Cached>();
  private pending = new Map<string, Array<(v: Cached | undefined) => void>>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly jupiter: JupiterClient, private readonly db?: Db, private readonly batchDelayMs = 25) {}

  get(mint: string, maxAgeMs: number): Promise<Cached | undefined> {
    const hit = this.cache.get(mint);
    if (hit && Date.now() - hit.atMs <= maxAgeMs) return Promise.resolve(hit);
    return new Promise((resolve) => {
      const waiters = this.pending.get(mint) ?? [];
      waiters.push(resolve);
      this.pending.set(mint, waiters);
      this.timer ??= setTimeout(() => void this.flush(), this.batchDelayMs);
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    const mints = [...batch.keys()];
    let prices = new Map<string, { usd: string }>();
    try {
      prices = await this.jupiter.prices(mints);
    } catch {
      // A failed round leaves callers without a price this poll; they poll again.
    }
    const atMs = Date.now();
    const rows: Array<{ mint: string; ts: Date; usd: string; source: string }> = [];
    for (const [mint, p] of prices) rows.push({ mint, ts: new Date(atMs), usd: p.usd, source: 'jupiter' });
    // Stored before anyone hears of it: a watch that reacts to this price judges with it in the table.
    if (this.db && rows.length) await this.db('price_points').insert(rows).onConflict(['mint', 'ts', 'source']).ignore().catch(() => undefined);
    for (const mint of mints) {
      const p = prices.get(mint);
      const v = p ? { usd: p.usd, atMs } : undefined;
      if (v) this.cache.set(mint, v);
      for (const resolve of batch.get(mint) ?? []) resolve(v);
    }
  }
}
