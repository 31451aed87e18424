import { actionCount, cachedReport, computeAndStoreReport, reportScope, reportStamp, type ReportQuery } from '../../adapters/reports/report-service';
import type { Db } from '../../lib/db';
import type { OofWorkflows } from '../../temporal/client';

export interface ResolvedReport { body: string; tradesCsv?: string; stamp: string; source: 'memory' | 'store' | 'computed' | 'worker' }

interface Entry { stamp: string; body: string; tradesCsv?: string }

/**
 * Answers a report from the cheapest place that has it for the current stamp (history versions, moments, the day of
 * now): this process' memory, the wallet_reports table (shared by every gateway and the worker), else computed —
 * inline for a small history, by the worker's activity (through the typed client) for a large one.
 */
export class ReportResolver {
  private readonly memory = new Map<string, Entry>();

  /** `denyList`: TOKEN_DENYLIST, which every report this gateway answers applies (the worker computes with it too). */
  constructor(private readonly d: { db: Db; workflows?: OofWorkflows; workerMinActions: number; memoryEntries?: number; denyList?: string[] }) {}

  async resolve(asked: ReportQuery, o: { trades?: boolean } = {}): Promise<ResolvedReport> {
    const q: ReportQuery = this.d.denyList?.length ? { ...asked, denyList: this.d.denyList } : asked;
    const nowMs = Math.min(q.toMs ?? Date.now(), Date.now());
    const scope = reportScope(q);
    const stamp = await reportStamp(this.d.db, q, nowMs);
    const mem = this.memory.get(scope);
    if (mem && mem.stamp === stamp && (!o.trades || mem.tradesCsv !== undefined)) return { ...mem, source: 'memory' };
    const row = await cachedReport(this.d.db, scope, stamp);
    if (row && (!o.trades || row.trades_csv !== null)) return this.remember(scope, { stamp, body: row.body, tradesCsv: row.trades_csv ?? undefined }, 'store');
    const large = this.d.workflows && (await actionCount(this.d.db, q.wallets)) >= this.d.workerMinActions;
    if (large) {
      const done = await this.d.workflows!.computeReport({ query: q, trades: o.trades, nowMs }, scope, stamp);
      const stored = await cachedReport(this.d.db, scope, done.stamp);
      if (!stored) throw new Error(`the worker computed report ${scope} but it is not in wallet_reports`);
      return this.remember(scope, { stamp: done.stamp, body: stored.body, tradesCsv: stored.trades_csv ?? undefined }, 'worker');
    }
    const r = await computeAndStoreReport(this.d.db, q, { trades: o.trades, nowMs });
    return this.remember(scope, { stamp: r.stamp, body: r.body, tradesCsv: r.tradesCsv }, 'computed');
  }

  private remember(scope: string, e: Entry, source: ResolvedReport['source']): ResolvedReport {
    this.memory.delete(scope);
    this.memory.set(scope, e);
    // Oldest first in a Map: drop from the front (the trades exports can be megabytes, so few are kept).
    while (this.memory.size > (this.d.memoryEntries ?? 64)) this.memory.delete(this.memory.keys().next().value!);
    return { ...e, source };
  }
}
