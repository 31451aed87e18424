import { computeAndStoreReport, type ReportQuery } from '../../adapters/reports/report-service';
import type { Db } from '../../lib/db';

/** The wallet report of a large history, computed on the worker and left in the cache for the gateway to read. */
export function createReportActivities(deps: { db: Db }) {
  return {
    async computeWalletReport(q: ReportQuery, o: { trades?: boolean; nowMs?: number } = {}): Promise<{ scope: string; stamp: string; actions: number }> {
      const r = await computeAndStoreReport(deps.db, q, o);
      return { scope: r.scope, stamp: r.stamp, actions: r.actions };
    },
  };
}
