import type { ActorIngestResult, NewSwap } from './actor-activities';
import type { NewTradesDetection } from '../detection/detect-new-trades';
import type { RouteQuoteRequest } from '../pricing/price-activities';

export interface LiveBatchDeps {
  ingest(wallet: string, signatures: string[]): Promise<ActorIngestResult>;
  quotes(swaps: RouteQuoteRequest[]): Promise<unknown>;
  detect(wallet: string, signatures: string[], nowIso?: string, opts?: { renderCards?: boolean }): Promise<NewTradesDetection>;
}

/** Where one batch's time went (wall ms per step): read back from the actor's history by the live benchmark. */
export interface LiveBatchTimings { ingestMs: number; quotesMs: number; detectMs: number; /** Epoch ms the batch began and ended in this process. */ beganAt: number; endedAt: number }

export interface LiveBatchResult extends ActorIngestResult { detection?: NewTradesDetection; timings?: LiveBatchTimings }

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
    /** With `cardsLater`, the changed moments' cards are not drawn here: their first reader has the gateway draw them. */
    async ingestAndDetect(wallet: string, signatures: string[], freshSwapMs: number, opts: { cardsLater?: boolean } = {}): Promise<LiveBatchResult> {
      const beganAt = Date.now();
      const t0 = performance.now();
      const result = await d.ingest(wallet, signatures);
      const t1 = performance.now();
      if (!result.storedSignatures.length) return result;
      const fresh = result.swaps.filter((s) => s.blockTime && Date.now() - Date.parse(s.blockTime) <= freshSwapMs);
      if (fresh.length) await d.quotes(fresh.map(quoteRequest));
      const t2 = performance.now();
      const detection = await d.detect(wallet, result.storedSignatures, undefined, { renderCards: !opts.cardsLater });
      const timings = { ingestMs: Math.round(t1 - t0), quotesMs: Math.round(t2 - t1), detectMs: Math.round(performance.now() - t2), beganAt, endedAt: Date.now() };
      return { ...result, detection, timings };
    },
  };
}
