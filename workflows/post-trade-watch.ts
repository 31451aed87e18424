import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DEFAULTS } from '../temporal/config';

export interface PostTradeWatchInput {
  wallet: string;
  signature: string;
  mint: string;
  side: 'buy' | 'sell';
  atMs: number;
  /** Exact decimal text. */
  tradePrice: string;
  /** Every duration is an argument: 7 days and 1 hour in production, seconds in tests. */
  windowMs: number;
  pollMs: number;
  /** The task queue of the polling activity (a worker with many slots for long, mostly sleeping activities). */
  watchQueue?: string;
  heartbeatTimeoutMs?: number;
}

export interface PostTradeWatchResult {
  polls: number;
  crossed: boolean;
  lateMsMax: number;
  /** Mean lateness of the polls after the first, in ms: how far behind schedule the watch ran. */
  lateMsAvg: number;
  final: 'final' | 'provisional' | 'none';
}

/**
 * Watches one trade for its window: the polling runs inside one heartbeating activity (no history per poll; the
 * heartbeat carries peak/trough across worker restarts) that publishes a provisional moment on the first threshold
 * crossing; at the window's end the trade is judged once more with every price seen and the moment becomes final.
 */
export async function postTradeWatch(input: PostTradeWatchInput): Promise<PostTradeWatchResult> {
  const { watchTrade } = proxyActivities<Activities>({
    taskQueue: input.watchQueue,
    startToCloseTimeout: input.windowMs + 24 * 3_600_000,
    heartbeatTimeout: input.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const { evaluateTrade } = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const watched = await watchTrade(input);
  const trade = { wallet: input.wallet, signature: input.signature, mint: input.mint, side: input.side, atMs: input.atMs };
  const { moment } = await evaluateTrade(trade, { windowMs: input.windowMs });
  const measured = Math.max(1, watched.polls - 1);
  return { polls: watched.polls, crossed: watched.crossed, lateMsMax: watched.lateMsMax, lateMsAvg: Math.round(watched.lateMsSum / measured), final: moment ? moment.status : 'none' };
}
