import { executeChild, log, patched, proxyActivities, upsertSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { backfillWallet } from './backfill-wallet';
import { backfillWorkflowId, DEFAULTS, MOMENT_KINDS, WALLET } from '../temporal/config';
import type { AnalyzeWalletOptions, WalletSummary } from '../temporal/types';

const { recordWalletProgress, trackWallet, countWalletTransactions, markReconciled } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const { detectWallet, startWatches } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: DEFAULTS.heartbeatTimeoutMs,
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const { registerWalletTokens } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: DEFAULTS.heartbeatTimeoutMs, // a killed worker's registration resumes elsewhere in seconds (#17)
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 3 },
});
const { awaitWorkflowClosed } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
});

export interface AnalyzeWalletInput {
  analysisId: string;
  wallet: string;
  from?: string;
  to?: string;
  options?: AnalyzeWalletOptions;
}

function isAlreadyStarted(err: unknown): boolean {
  return err instanceof Error && (err.name === 'WorkflowExecutionAlreadyStartedError' || /already started/i.test(err.message));
}

/** One wallet of an analysis: backfill (shared with any other analysis of the same wallet), then detection. */
export async function analyzeWallet(input: AnalyzeWalletInput): Promise<WalletSummary> {
  const { analysisId, wallet } = input;
  await trackWallet(wallet);
  await recordWalletProgress(analysisId, wallet, { stage: 'backfilling', transactions: 0, moments: 0 });
  const backfillId = backfillWorkflowId(wallet);
  try {
    const totals = await executeChild(backfillWallet, {
      workflowId: backfillId,
      args: [{ wallet, analysisId, from: input.from, to: input.to, ...input.options }],
      typedSearchAttributes: [{ key: WALLET, value: wallet }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    // A listing from the newest transaction down is complete: later gap fills can stop at its top.
    if (!input.to && totals.rpcConfigured) await markReconciled(wallet, totals.newestSignature);
  } catch (err) {
    // Another analysis is backfilling this wallet right now: wait for that one instead of fetching twice.
    if (!isAlreadyStarted(err)) throw err;
    log.info('backfill already running, waiting for it', { wallet, backfillId });
    await awaitWorkflowClosed(backfillId);
  }
  const transactions = await countWalletTransactions(wallet);
  await recordWalletProgress(analysisId, wallet, { stage: 'detecting', transactions, moments: 0 });
  // New mints get their names and logos before detection, so the moments and cards it makes show them.
  if (patched('token-registry')) {
    try {
      await registerWalletTokens(wallet);
    } catch (err) {
      log.warn('token registry unavailable; moments keep short mints', { wallet, error: String(err) });
    }
  }
  const found = await detectWallet(wallet, input.options?.now);
  const moments = found.moments;
  if (Object.keys(found.byKind).length) {
    upsertSearchAttributes([{ key: MOMENT_KINDS, value: Object.keys(found.byKind).sort() }]);
  }
  // Trades still inside their window keep being watched after the analysis ends.
  const watches = await startWatches(found.openTrades, {
    windowMs: input.options?.watch?.windowMs ?? DEFAULTS.watchWindowMs,
    ...(input.options?.watch?.alarms !== undefined ? { alarms: input.options.watch.alarms } : {}),
  });
  await recordWalletProgress(analysisId, wallet, { stage: 'completed', transactions, moments });
  log.info('watches', { wallet, ...watches });
  log.info('wallet analysed', { analysisId, wallet, transactions, moments });
  return { wallet, transactions, moments };
}
