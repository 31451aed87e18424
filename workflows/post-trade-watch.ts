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
  // The step the alarm is armed at; undefined while a judgement runs, so a repeated signal cannot judge twice.
  let armed: number | undefined;
  let woken = false;
  let ended = false;
  setHandler(priceCrossedSignal, (s) => {
    if (armed !== undefined && s.step === armed) woken = true;
  });
  await armWatch({ watchId, ...trade, quantity: input.quantity, endsAtMs: endMs, alarms });
  armed = 0;
  void sleep(Math.max(1, endMs - Date.now())).then(() => { ended = true; });
  let crossings = 0;
  for (;;) {
    await condition(() => woken || ended);
    if (ended) break;
    const step: number = armed!;
    armed = undefined;
    woken = false;
    crossings++;
    const judged: JudgeResult = await judgeWatch({ watchId, ...trade, windowMs: input.windowMs, step, final: false });
    armed = judged.step;
  }
  const last = await judgeWatch({ watchId, ...trade, windowMs: input.windowMs, step: armed ?? -1, final: true });
  return { crossings, final: last.status ?? 'none', ...(last.severity ? { severity: last.severity } : {}) };
}
