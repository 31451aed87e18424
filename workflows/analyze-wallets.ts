import { ApplicationFailure, defineQuery, executeChild, ParentClosePolicy, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { analyzeWallet } from './analyze-wallet';
import { walletAnalysisWorkflowId, ANALYSIS_ID, WALLET } from '../temporal/config';
import type { AnalysisProgress, AnalysisSummary, AnalyzeRequest, WalletProgress } from '../temporal/types';

export const progressQuery = defineQuery<AnalysisProgress>('progress');

const { startAnalysisRecord, finishAnalysisRecord, recordWalletProgress } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Fans out one analyzeWallet child per wallet and finishes with a summary; a failed wallet does not sink the others. */
export async function analyzeWallets(req: AnalyzeRequest): Promise<AnalysisSummary> {
  if (req.wallets.length === 0) throw ApplicationFailure.nonRetryable('an analysis needs at least one wallet', 'InvalidRequest');
  const wallets = [...new Set(req.wallets)];
  const state: Record<string, WalletProgress> = Object.fromEntries(wallets.map((w) => [w, { stage: 'queued', transactions: 0, moments: 0 }]));
  setHandler(progressQuery, () => ({
    totalWallets: wallets.length,
    completedWallets: Object.values(state).filter((w) => w.stage === 'completed').length,
    failedWallets: Object.values(state).filter((w) => w.stage === 'failed').length,
    wallets: state,
  }));

  await startAnalysisRecord(req.analysisId, wallets);
  const results = await Promise.all(
    wallets.map(async (wallet) => {
      state[wallet] = { stage: 'backfilling', transactions: 0, moments: 0 };
      try {
        const summary = await executeChild(analyzeWallet, {
          workflowId: walletAnalysisWorkflowId(req.analysisId, wallet),
          args: [{ analysisId: req.analysisId, wallet, from: req.from, to: req.to, options: req.options }],
          typedSearchAttributes: [{ key: WALLET, value: wallet }, { key: ANALYSIS_ID, value: req.analysisId }],
          parentClosePolicy: ParentClosePolicy.TERMINATE,
          memo: { requestId: req.requestId ?? workflowInfo().memo?.requestId ?? null },
        });
        state[wallet] = { stage: 'completed', transactions: summary.transactions, moments: summary.moments };
        return summary;
      } catch (err) {
        const error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        state[wallet] = { stage: 'failed', transactions: 0, moments: 0, error };
        await recordWalletProgress(req.analysisId, wallet, state[wallet]!);
        return { wallet, error };
      }
    }),
  );
  const status = results.every((r) => 'error' in r) ? 'failed' : 'completed';
  await finishAnalysisRecord(req.analysisId, status);
  return { analysisId: req.analysisId, status, wallets: results };
}
