import type { Db } from '../../lib/db';
import { mergeConfig, type DetectionConfig } from '../../domain/detection/config';
import { D } from '../../domain/money';
import { formatUnits } from '../../domain/parsing/amounts';
import type { JupiterClient } from '../../adapters/pricing/jupiter';

export interface RouteQuoteRequest { signature: string; inMint: string; inAmount: string; outMint: string; inDecimals: number; outDecimals: number }

export interface PriceDeps { db: Db; jupiter?: JupiterClient; detection?: Partial<DetectionConfig> }

export function createPriceActivities({ db, jupiter, detection }: PriceDeps) {
  const cfg = mergeConfig(detection);
  /**
   * Live BadRoute reference: the best route Jupiter quotes now for the swap's exact input, stored by signature.
   * Taken once (a retry finds it stored); no quote is possible for a mint Jupiter cannot route.
   */
  async function takeRouteQuote(swap: RouteQuoteRequest): Promise<{ quotedOut?: string; error?: string }> {
    const existing = await db('route_quotes').where({ signature: swap.signature }).first();
    if (existing) return { quotedOut: new D(existing.quoted_out).toFixed() };
    if (!jupiter) return { error: 'no Jupiter client configured' };
    const raw = new D(swap.inAmount).mul(new D(10).pow(swap.inDecimals)).toFixed(0);
    try {
      // The prices of both legs now, too: valuing the shortfall in USD needs them, and no snapshot may be this fresh.
      const now = new Date();
      const live = await jupiter.prices([swap.inMint, swap.outMint]).catch(() => new Map());
      const points = [...live].map(([mint, p]) => ({ mint, ts: now, usd: p.usd, source: 'jupiter' }));
      if (points.length) await db('price_points').insert(points).onConflict(['mint', 'ts', 'source']).ignore();
      const q = await jupiter.quote({ inputMint: swap.inMint, outputMint: swap.outMint, amount: raw });
      const quotedOut = formatUnits(BigInt(q.outAmount), swap.outDecimals);
      await db('route_quotes').insert({
        signature: swap.signature, in_mint: swap.inMint, in_amount: swap.inAmount, out_mint: swap.outMint, quoted_out: quotedOut,
        provider: 'jupiter', quoted_at: new Date(), raw: JSON.stringify(q.raw),
      }).onConflict('signature').ignore();
      return { quotedOut };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  return {
    /**
     * One `price-refresh` run: snapshot the current price of every mint traded within the last window (those are
     * the mints being watched) plus SOL, ≤ 50 ids per Jupiter call. Tokens without a price are simply absent.
     */
    async snapshotPrices(): Promise<{ mints: number; priced: number; at: string }> {
      if (!jupiter) return { mints: 0, priced: 0, at: new Date().toISOString() };
      const since = new Date(Date.now() - cfg.windowMs);
      const rows = await db.raw(
        `select distinct mint from (
           select sent_mint as mint from actions where block_time > ? and sent_mint is not null
           union select received_mint from actions where block_time > ? and received_mint is not null) m`,
        [since, since],
      );
      const stable = new Set(cfg.stablecoins);
      const mints = [...new Set(['So11111111111111111111111111111111111111112', ...rows.rows.map((r: any) => r.mint as string)])].filter((m) => !stable.has(m));
      const prices = await jupiter.prices(mints);
      const ts = new Date(Math.floor(Date.now() / 1000) * 1000);
      const points = [...prices].map(([mint, p]) => ({ mint, ts, usd: p.usd, source: 'jupiter' }));
      if (points.length) await db('price_points').insert(points).onConflict(['mint', 'ts', 'source']).ignore();
      return { mints: mints.length, priced: points.length, at: ts.toISOString() };
    },

    takeRouteQuote,

    /**
     * The quotes of a batch's fresh swaps, taken side by side (at most `concurrency` in flight): a batch waits for its
     * slowest quote, not for the sum of them.
     */
    async takeRouteQuotes(swaps: RouteQuoteRequest[], concurrency = 8): Promise<Array<{ quotedOut?: string; error?: string }>> {
      const out: Array<{ quotedOut?: string; error?: string }> = new Array(swaps.length);
      let next = 0;
      const lane = async () => {
        while (next < swaps.length) {
          const i = next++;
          out[i] = await takeRouteQuote(swaps[i]!);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, swaps.length)) }, lane));
      return out;
    },

    /**
     * Maintenance: drop outbox rows older than the SSE resume horizon, thin price snapshots older than 30 days to one
     * per mint, source and hour, and record what was done.
     */
    async runMaintenance(opts: { outboxHorizonMs: number; thinAfterMs: number }): Promise<{ outboxDeleted: number; snapshotsThinned: number }> {
      const outbox = await db('moment_events').where('created_at', '<', new Date(Date.now() - opts.outboxHorizonMs)).del();
      const thinned = await db.raw(
        `delete from price_points p using (
           select mint, source, ts, row_number() over (partition by mint, source, date_trunc('hour', ts) order by ts desc) as rn
             from price_points where ts < ? and source = 'jupiter') x
          where p.mint = x.mint and p.source = x.source and p.ts = x.ts and x.rn > 1`,
        [new Date(Date.now() - opts.thinAfterMs)],
      );
      const result = { outboxDeleted: outbox, snapshotsThinned: thinned.rowCount ?? 0 };
      await db('maintenance_runs').insert({ result: JSON.stringify(result) });
      return result;
    },
  };
}
