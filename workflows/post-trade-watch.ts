import { condition, defineSignal, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { JudgeResult } from '../activities/watch/watch-activities';
import { DEFAULTS } from '../temporal/config';

export interface PostTradeWatchInput {
  wallet: string;
  signature: string;
  mint: string;
  side: 'buy' | 'sell';
  atMs: number;
  /** Exact decimal text. */
  tradePrice: string;
  /** What the $ threshold is judged on when the watch starts: the quantity sold, or what is still held of the lot. */
  quantity: string;
  /** Every duration is an argument: 7 days in production, seconds in tests. */
  windowMs: number;
  /** How many times the price alarm may wake the watch (default DEFAULTS.watchAlarms). */
  alarms?: number;
}

export interface PostTradeWatchResult {
  /** Alarm wakes judged before the window's end. */
  crossings: number;
  final: 'final' | 'provisional' | 'none';
  severity?: string;
}

/** Sent by the price refresh when the price crosses the watch's trigger; `step` is the alarm's generation. */
export interface PriceCrossed { step: number; usd: string }
export const priceCrossedSignal = defineSignal<[PriceCrossed]>('priceCrossed');

/**
 * Watches one trade for its window at no cost while nothing happens: it registers its trigger price in the
 * price-alarm index, then waits on one timer for the window's end — no activity, no poll. The price refresh signals
 * it when the price crosses the trigger; it then judges this one trade, upserts its provisional moment and moves the
 * trigger a step worse. At the end it judges once more on every stored point and the moment becomes final.
 * Local activities keep each wake to 5 history events (signal, workflow task, marker).
 */
export async function postTradeWatch(input: PostTradeWatchInput): Promise<PostTradeWatchResult> {
  const { armWatch, judgeWatch } = proxyLocalActivities<Activities>({
    startToCloseTimeout: '1 minute',
    localRetryThreshold: '10 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const watchId = workflowInfo().workflowId;
  const alarms = input.alarms ?? DEFAULTS.watchAlarms;
  const endMs = input.atMs + input.windowMs;
  const trade = { wallet: input.wallet, signature: input.signature, mint: input.mint, side: input.side, atMs: input.atMs, tradePrice: input.tradePrice };
  // The step the alarm is at (or, while a judgement runs, will be at once it has moved): only a signal for that step
  // wakes the watch, so a repeated or stale signal judges nothing twice, and one for the next step that arrives while
  // the current judgement is still finishing is kept.
  let next = 0;
  let woken = false;
  let ended = false;
  setHandler(priceCrossedSignal, (s) => {
    if (s.step === next) woken = true;
  });
  await armWatch({ watchId, ...trade, quantity: input.quantity, endsAtMs: endMs, alarms });
  void sleep(Math.max(1, endMs - Date.now())).then(() => { ended = true; });
  let crossings = 0;
  for (;;) {
    await condition(() => woken || ended);
    if (ended) break;
    const step = next;
    woken = false;
    next = step + 1;
    crossings++;
    const judged: JudgeResult = await judgeWatch({ watchId, ...trade, windowMs: input.windowMs, step, final: false });
    if (judged.step !== next) {
      next = judged.step;
      woken = false;
    }
  }
  const last = await judgeWatch({ watchId, ...trade, windowMs: input.windowMs, step: next, final: true });
  return { crossings, final: last.status ?? 'none', ...(last.severity ? { severity: last.severity } : {}) };
}
