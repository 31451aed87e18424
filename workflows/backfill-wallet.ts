import { continueAsNew, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DEFAULTS } from '../temporal/config';

const { recordWalletProgress } = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds' });

export interface BackfillTotals {
  pages: number;
  signatures: number;
  stored: number;
  alreadyKnown: number;
  missing: number;
  actions: number;
  /** False when the worker has no RPC endpoint: nothing could be read. */
  rpcConfigured: boolean;
  /** The newest signature the listing saw: where the next gap fill can stop. */
  newestSignature?: string;
}

export interface BackfillInput {
  wallet: string;
  analysisId?: string;
  /** ISO bounds on block time; transactions outside are skipped. */
  from?: string;
  to?: string;
  /** Continue from signatures strictly older than this one. */
  before?: string;
  /** Stop at this signature (exclusive): the newest one already stored, for gap fills. */
  until?: string;
  pageSize?: number;
  batchSize?: number;
  pagesPerRun?: number;
  /** How long one signature page may take, and the heartbeat timeout of a fetch batch (defaults 60 s and 30 s). */
  listTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  totals?: BackfillTotals;
}

export const backfillProgressQuery = defineQuery<BackfillTotals>('progress');

const ZERO: BackfillTotals = { pages: 0, signatures: 0, stored: 0, alreadyKnown: 0, missing: 0, actions: 0, rpcConfigured: true };

/**
 * Pages a wallet's signatures newest → oldest, fetches and stores them in parallel batches, and continues as new
 * every few pages carrying its cursor, so the history stays small however long the wallet's is.
 */
export async function backfillWallet(input: BackfillInput): Promise<BackfillTotals> {
  const pageSize = Math.min(1000, input.pageSize ?? 1000);
  const batchSize = input.batchSize ?? 250;
  const pagesPerRun = input.pagesPerRun ?? 5;
  const fromS = input.from ? Date.parse(input.from) / 1000 : undefined;
  const toS = input.to ? Date.parse(input.to) / 1000 : undefined;
  const totals: BackfillTotals = { ...ZERO, ...input.totals };
  const { listSignatures } = proxyActivities<Activities>({
    startToCloseTimeout: input.listTimeoutMs ?? 60_000,
    heartbeatTimeout: Math.min(input.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs, input.listTimeoutMs ?? 60_000),
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const { ingestSignatures } = proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: input.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  setHandler(backfillProgressQuery, () => totals);
  let before = input.before;

  for (let run = 0; run < pagesPerRun; run++) {
    const page = await listSignatures(input.wallet, { before, until: input.until, limit: pageSize });
    if (!page.configured) return { ...totals, rpcConfigured: false };
    const sigs = page.signatures;
    if (sigs.length === 0) return totals;
    totals.newestSignature ??= sigs[0]!.signature;
    const reachedFrom = fromS !== undefined && sigs.some((s) => s.blockTime !== null && s.blockTime < fromS);
    const wanted = sigs
      .filter((s) => s.blockTime === null || ((toS === undefined || s.blockTime <= toS) && (fromS === undefined || s.blockTime >= fromS)))
      .map((s) => s.signature);
    const batches: string[][] = [];
    for (let i = 0; i < wanted.length; i += batchSize) batches.push(wanted.slice(i, i + batchSize));
    const results = await Promise.all(batches.map((b) => ingestSignatures(input.wallet, b)));
    totals.pages++;
    totals.signatures += wanted.length;
    for (const r of results) {
      totals.stored += r.stored;
      totals.alreadyKnown += r.alreadyKnown;
      totals.missing += r.missing;
      totals.actions += r.actions;
    }
    if (input.analysisId) {
      await recordWalletProgress(input.analysisId, input.wallet, { stage: 'backfilling', transactions: totals.stored + totals.alreadyKnown, moments: 0 });
    }
    before = sigs[sigs.length - 1]!.signature;
    if (sigs.length < pageSize || reachedFrom) return totals;
  }
  return continueAsNew<typeof backfillWallet>({ ...input, before, totals });
}
