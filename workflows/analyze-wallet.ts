import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AnalyzeWalletOptions, WalletSummary } from './types';

const { recordWalletProgress } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export interface AnalyzeWalletInput {
  analysisId: string;
  wallet: string;
  from?: string;
  to?: string;
  options?: AnalyzeWalletOptions;
}

/** One wallet of an analysis: backfill, then detection on the stored actions. */
export async function analyzeWallet(input: AnalyzeWalletInput): Promise<WalletSummary> {
  const { analysisId, wallet } = input;
  await recordWalletProgress(analysisId, wallet, { stage: 'backfilling', transactions: 0, moments: 0 });
  const transactions = 0;
  const moments = 0;
  await recordWalletProgress(analysisId, wallet, { stage: 'completed', transactions, moments });
  log.info('wallet analysed', { analysisId, wallet, transactions, moments });
  return { wallet, transactions, moments };
}
