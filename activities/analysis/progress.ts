import type { Db } from '../../lib/db';
import type { AnalysisProgress, WalletProgress } from '../../temporal/types';

export interface AnalysisDeps { db: Db }

/** Progress lives in analyses.progress; every write is idempotent so a retried activity changes nothing. */
export function createAnalysisActivities({ db }: AnalysisDeps) {
  return {
    async startAnalysisRecord(analysisId: string, wallets: string[], requestedBy?: string): Promise<void> {
      const progress = {
        totalWallets: wallets.length,
        wallets: Object.fromEntries(wallets.map((w) => [w, { stage: 'queued', transactions: 0, moments: 0 }])),
      };
      // The gateway usually inserted the row already; a workflow started another way still gets one.
      await db.raw(
        `insert into analyses (id, wallets, requested_by, status, progress) values (?, ?, ?, 'running', ?::jsonb)
         on conflict (id) do update set status = case when analyses.status = 'pending' then 'running' else analyses.status end`,
        [analysisId, wallets, requestedBy ?? null, JSON.stringify(progress)],
      );
    },

    async recordWalletProgress(analysisId: string, wallet: string, progress: WalletProgress): Promise<void> {
      await db.raw(
        `update analyses set progress = jsonb_set(coalesce(progress, '{}'::jsonb), array['wallets', ?::text], ?::jsonb, true)
         where id = ?`,
        [wallet, JSON.stringify(progress), analysisId],
      );
    },

    async finishAnalysisRecord(analysisId: string, status: 'completed' | 'failed'): Promise<void> {
      await db.raw(`update analyses set status = ?, finished_at = coalesce(finished_at, now()) where id = ?`, [status, analysisId]);
    },
  };
}

/** Counts derived from the per-wallet map, so concurrent wallet updates never race on a shared counter. */
export function summarizeProgress(raw: { totalWallets?: number; wallets?: Record<string, WalletProgress> }): AnalysisProgress {
  const wallets = raw.wallets ?? {};
  const values = Object.values(wallets);
  return {
    totalWallets: raw.totalWallets ?? values.length,
    completedWallets: values.filter((w) => w.stage === 'completed').length,
    failedWallets: values.filter((w) => w.stage === 'failed').length,
    wallets,
  };
}
