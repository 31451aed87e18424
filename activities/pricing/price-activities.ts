import type { Db } from '../../lib/db';
import { mergeConfig, type DetectionConfig } from '../../domain/detection/config';
import { D } from '../../domain/money';
import { formatUnits } from '../../domain/parsing/amounts';
import type { JupiterClient } from '../../adapters/pricing/jupiter';
import { Semaphore } from '../../adapters/http/retry';
import { runBounded } from '../../lib/run-bounded';
import { crossedAlarms, dropStaleAlarms, markSignalled, watchedMints } from '../../adapters/stores/price-alarms';
import { skippedMints } from '../../adapters/stores/trade-skips';
import { WSOL_MINT } from '../../domain/parsing/constants';
import type { OofWorkflows } from '../../temporal/client';

export interface RouteQuoteRequest { signature: string; inMint: string; inAmount: string; outMint: string; inDecimals: number; outDecimals: number }

export interface PriceDeps { db: Db; jupiter?: JupiterClient; workflows?: OofWorkflows; detection?: Partial<DetectionConfig> }

export interface RefreshResult {
  mints: number;
  priced: number;
  /** Alarms the prices crossed, and the watches signalled for them. */
  crossed: number;
  signalled: number;
  at: string;
  /** Wall time and this process's CPU time of the run. */
  ms: number;
  cpuMs: number;
}

export function createPriceActivities({ db, jupiter, workflows, detection }: PriceDeps) {
  const cfg = mergeConfig(detection);
  type QuoteOutcome = { quotedOut?: string; error?: string };

  /**
   * Live BadRoute references for a batch of swaps: the best route Jupiter quotes now for each swap's exact input,
   * stored by signature. Taken once (a retry finds them stored); no quote is possible for a mint Jupiter cannot route.
   * The legs' prices now (valuing a shortfall in USD needs them, and no snapshot may be this fresh) are asked once for
   * the whole batch and the quotes taken side by side (at most `concurrency` in flight), each stored as it comes, so a
   * busy batch costs one price call and its slowest quote.
   */
  async function takeRouteQuotes(swaps: RouteQuoteRequest[], concurrency = 8): Promise<QuoteOutcome[]> {
    const existing = new Map<string, string>(swaps.length
      ? (await db('route_quotes').whereIn('signature', swaps.map((q) => q.signature)).select('signature', 'quoted_out')).map((r: any) => [r.signature, new D(r.quoted_out).toFixed()])
      : []);
    const todo = [...new Map(swaps.filter((q) => !existing.has(q.signature)).map((q) => [q.signature, q])).values()];
    const taken = new Map<string, QuoteOutcome>();
    if (todo.length && !jupiter) for (const q of todo) taken.set(q.signature, { error: 'no Jupiter client configured' });
    if (todo.length && jupiter) {
      const now = new Date();
      const live = await jupiter.prices([...new Set(todo.flatMap((q) => [q.inMint, q.outMint]))]).catch(() => new Map());
      const points = [...live].map(([mint, p]) => ({ mint, ts: now, usd: p.usd, source: 'jupiter' }));
      if (points.length) await db('price_points').insert(points).onConflict(['mint', 'ts', 'source']).ignore();
      await runBounded(todo.map((q) => async () => {
        try {
          const raw = new D(q.inAmount).mul(new D(10).pow(q.inDecimals)).toFixed(0);
          const quote = await jupiter.quote({ inputMint: q.inMint, outputMint: q.outMint, amount: raw });
          const quotedOut = formatUnits(BigInt(quote.outAmount), q.outDecimals);
          // Kept as soon as it is taken: a retry of the batch asks again only for the quotes it did not get.
          await db('route_quotes').insert({ signature: q.signature, in_mint: q.inMint, in_amount: q.inAmount, out_mint: q.outMint, quoted_out: quotedOut, provider: 'jupiter', quoted_at: new Date(), raw: JSON.stringify(quote.raw) }).onConflict('signature').ignore();
          taken.set(q.signature, { quotedOut });
        } catch (e) {
          taken.set(q.signature, { error: (e as Error).message });
        }
      }), concurrency);
    }
    return swaps.map((q) => (existing.has(q.signature) ? { quotedOut: existing.get(q.signature)! } : taken.get(q.signature)!));
  }

  return {
    /**
     * One `price-refresh` run: the current price of every watched mint (the mints of open watches' alarms, of trades
     * still waiting for a price, and SOL), ≤ 50 ids per Jupiter call, stored as points; then, with one range query
     * per mint, the watches whose trigger the price crossed are signalled. A step is signalled once: a replayed or
     * retried refresh finds it marked and signals nothing again (and a watch ignores a step it is not armed at).
     * Its cost follows the mints and the crossings, not the open watches.
     */
    async snapshotPrices(): Promise<RefreshResult> {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const ts = new Date();
      const done = (r: Omit<RefreshResult, 'ms' | 'cpuMs' | 'at'>): RefreshResult => {
        const used = process.cpuUsage(cpu);
        return { ...r, at: ts.toISOString(), ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6), cpuMs: Math.round((used.user + used.system) / 1000) };
      };
      if (!jupiter) return done({ mints: 0, priced: 0, crossed: 0, signalled: 0 });
      const stable = new Set(cfg.stablecoins);
      const watched = [...new Set([WSOL_MINT, ...(await watchedMints(db)), ...(await skippedMints(db, Date.now() - cfg.priceStalenessMs))])].filter((m) => !stable.has(m));
      const batches: string[][] = [];
      for (let i = 0; i < watched.length; i += 50) batches.push(watched.slice(i, i + 50));
      const gate = new Semaphore(4);
      const found = await Promise.all(batches.map((b) => gate.run(() => jupiter.prices(b))));
      const points = found.flatMap((m) => [...m].map(([mint, p]) => ({ mint, ts, usd: p.usd, source: 'jupiter' })));
      for (let i = 0; i < points.length; i += 1000) await db('price_points').insert(points.slice(i, i + 1000)).onConflict(['mint', 'ts', 'source']).merge(['usd']);
      // Stored before any watch hears of it: a signalled watch judges with this price in the table.
      const crossed = await crossedAlarms(db, points.map((p) => ({ mint: p.mint, usd: p.usd })));
      const signalled: Array<{ watchId: string; step: number }> = [];
      const gone: string[] = [];
      if (crossed.length && !workflows) throw new Error('this worker has no Temporal client to signal watches with');
      const signals = new Semaphore(32);
      await Promise.all(crossed.map((c) => signals.run(async () => {
        const r = await workflows!.signalPriceCrossed(c.watchId, { step: c.step, usd: c.usd });
        if (r === 'gone') gone.push(c.watchId);
        else signalled.push({ watchId: c.watchId, step: c.step });
      })));
      await markSignalled(db, signalled);
      if (gone.length) await db('price_alarms').whereIn('watch_id', gone).del();
      await dropStaleAlarms(db, Date.now() - 86_400_000);
      return done({ mints: watched.length, priced: points.length, crossed: crossed.length, signalled: signalled.length });
    },

    /** One swap's quote (the activity histories recorded before batches were quoted together still schedule). */
    async takeRouteQuote(swap: RouteQuoteRequest): Promise<QuoteOutcome> {
      return (await takeRouteQuotes([swap]))[0]!;
    },

    takeRouteQuotes,

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
