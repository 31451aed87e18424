import type { Db } from '../../lib/db';

export interface ReconcileTarget { wallet: string; until?: string }

export function createReconcileActivities({ db }: { db: Db }) {
  return {
    /** Tracked wallets, least recently reconciled first, with the cursor their gap fill stops at. */
    async listReconcileTargets(limit: number): Promise<ReconcileTarget[]> {
      const rows = await db('tracked_wallets').orderByRaw('reconciled_at asc nulls first').limit(limit).select('wallet', 'reconciled_until');
      return rows.map((r: any) => ({ wallet: r.wallet, ...(r.reconciled_until ? { until: r.reconciled_until } : {}) }));
    },

    async markReconciled(wallet: string, newestSignature: string | undefined): Promise<void> {
      await db('tracked_wallets')
        .where({ wallet })
        .update({ reconciled_at: db.fn.now(), ...(newestSignature ? { reconciled_until: newestSignature } : {}) });
    },
  };
}
