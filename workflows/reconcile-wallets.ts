import { executeChild, log, proxyActivities, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { backfillWallet, type BackfillTotals } from './backfill-wallet';
import { backfillWorkflowId, WALLET } from '../temporal/config';

const { listReconcileTargets, markReconciled } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });

export interface ReconcileInput {
  maxWallets?: number;
  concurrency?: number;
  pageSize?: number;
}

export interface ReconcileSummary { wallets: number; filled: number; skipped: number }

/**
 * Gap fill, run by the `reconcile-wallets` schedule: for each tracked wallet, list the signatures newer than the
 * last complete listing and ingest the ones missing, so a webhook Helius dropped after its retries still arrives.
 */
export async function reconcileWallets(input: ReconcileInput = {}): Promise<ReconcileSummary> {
  const targets = await listReconcileTargets(input.maxWallets ?? 500);
  const summary: ReconcileSummary = { wallets: targets.length, filled: 0, skipped: 0 };
  const concurrency = input.concurrency ?? 4;
  let next = 0;
  const lane = async () => {
    while (next < targets.length) {
      const t = targets[next++]!;
      let totals: BackfillTotals;
      try {
        totals = await executeChild(backfillWallet, {
          workflowId: backfillWorkflowId(t.wallet),
          args: [{ wallet: t.wallet, until: t.until, pageSize: input.pageSize }],
          typedSearchAttributes: [{ key: WALLET, value: t.wallet }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        });
      } catch (err) {
        // A backfill of this wallet is running already: it covers the gap too.
        log.info('reconcile skipped a wallet', { wallet: t.wallet, reason: (err as Error).message });
        summary.skipped++;
        continue;
      }
      summary.filled += totals.stored;
      await markReconciled(t.wallet, totals.newestSignature ?? t.until);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, lane));
  return summary;
}
