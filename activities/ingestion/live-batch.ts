import { log } from '@temporalio/activity';
import type { ActorIngestResult, NewSwap } from './actor-activities';
import type { NewTradesDetection } from '../detection/detect-new-trades';
import type { RouteQuoteRequest } from '../pricing/price-activities';

export interface LiveBatchDeps {
  ingest(wallet: string, signatures: string[]): Promise<ActorIngestResult>;
  quotes(swaps: RouteQuoteRequest[]): Promise<unknown>;
  detect(wallet: string, signatures: string[], nowIso?: string, opts?: { renderCards?: boolean }): Promise<NewTradesDetection>;
  /** The token registry's registration (absent when no registry is configured). */
  register?(mints: string[]): Promise<{ fetched: number }>;
}

/** Where one batch's time went (wall ms per step): read back from the actor's history by the live benchmark. */
export interface LiveBatchTimings { ingestMs: number; quotesMs: number; detectMs: number; /** Epoch ms the batch began and ended in this process. */ beganAt: number; endedAt: number }

export interface LiveBatchOptions {
  /** The changed moments' cards are not drawn here: their first reader has the gateway draw them. */
  cardsLater?: boolean;
  /**
   * Register the batch's mints before its moments are published, waiting at most this long (beside the quotes): a
   * moment's first reader then draws its card with the token's name and logo, and nothing is drawn twice.
   */
  tokenBudgetMs?: number;
}

export interface LiveBatchResult extends ActorIngestResult {
  detection?: NewTradesDetection;
  timings?: LiveBatchTimings;
  /**
   * With `tokenBudgetMs` and a registry: the batch's mints registered before its moments were published, and those
   * whose registration was still running (or failed) when the budget ran out.
   */
  tokens?: { registered: string[]; late: string[] };
}

export function quoteRequest(s: NewSwap): RouteQuoteRequest {
  return { signature: s.signature, inMint: s.sent.mint, inAmount: s.sent.amount, outMint: s.received.mint, inDecimals: s.sent.decimals, outDecimals: s.received.decimals };
}

/**
 * One live batch of the wallet actor in one activity: link the signatures to the wallet, quote its fresh swaps side by
 * side, judge the new transactions against the wallet's fold. Each step is idempotent, so a retry of the whole is
 * too; one activity instead of three is what keeps a busy worker's Temporal traffic per batch small.
 */
export function createLiveBatch(d: LiveBatchDeps) {
  return {
    async ingestAndDetect(wallet: string, signatures: string[], freshSwapMs: number, opts: LiveBatchOptions = {}): Promise<LiveBatchResult> {
      const beganAt = Date.now();
      const t0 = performance.now();
      const result = await d.ingest(wallet, signatures);
      const t1 = performance.now();
      if (!result.storedSignatures.length) return result;
      const tokens = opts.tokenBudgetMs !== undefined && d.register && result.mints.length ? registerWithin(d.register, result.mints, opts.tokenBudgetMs) : undefined;
      const fresh = result.swaps.filter((s) => s.blockTime && Date.now() - Date.parse(s.blockTime) <= freshSwapMs);
      if (fresh.length) await d.quotes(fresh.map(quoteRequest));
      const registered = tokens ? await tokens : undefined;
      const t2 = performance.now();
      const detection = await d.detect(wallet, result.storedSignatures, undefined, { renderCards: !opts.cardsLater });
      const timings = { ingestMs: Math.round(t1 - t0), quotesMs: Math.round(t2 - t1), detectMs: Math.round(performance.now() - t2), beganAt, endedAt: Date.now() };
      return { ...result, detection, timings, ...(registered ? { tokens: registered } : {}) };
    },
  };
}

/**
 * Which mints were registered within `budgetMs`: all or none. A registration still running then goes on (the registry
 * shares it with the actor's own call for the same mints), and a failure is the actor's to report.
 */
async function registerWithin(register: NonNullable<LiveBatchDeps['register']>, mints: string[], budgetMs: number): Promise<{ registered: string[]; late: string[] }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), budgetMs); });
  const began = Date.now();
  const work = register(mints).then(() => 'done' as const, (err: unknown) => {
    log.warn('token registration failed inside the batch; the actor asks again', { error: String(err) });
    return 'failed' as const;
  });
  try {
    const outcome = await Promise.race([work, late]);
    if (outcome === 'late') {
      void work.then((o) => {
        try { log.warn('token registration outran the batch budget', { mints: mints.length, budgetMs, ms: Date.now() - began, outcome: o }); } catch { /* no activity context left to log in */ }
      });
    }
    return outcome === 'done' ? { registered: mints, late: [] } : { registered: [], late: mints };
  } finally {
    clearTimeout(timer);
  }
}
