import type { OofWorkflows } from '../../temporal/client';
import type { OpenTrade } from '../detection/detect-activities';

export interface WatchPlan {
  /** Where the long polling activities run (a worker with many activity slots). */
  watchQueue: string;
  windowMs: number;
  pollMs: number;
  heartbeatTimeoutMs?: number;
}

/** Starts one postTradeWatch per open trade through the typed client; one that exists is left alone. */
export function createWatchStarter({ workflows }: { workflows?: OofWorkflows }) {
  return {
    async startWatches(trades: OpenTrade[], plan: WatchPlan): Promise<{ started: number; alreadyWatched: number; unpriced: number }> {
      if (!workflows) throw new Error('this worker has no Temporal client to start watches with');
      const out = { started: 0, alreadyWatched: 0, unpriced: 0 };
      for (const t of trades) {
        if (t.tradePrice === undefined) {
          out.unpriced++;
          continue;
        }
        const r = await workflows.startWatch({ ...t, tradePrice: t.tradePrice, windowMs: plan.windowMs, pollMs: plan.pollMs, watchQueue: plan.watchQueue, heartbeatTimeoutMs: plan.heartbeatTimeoutMs });
        if (r === 'started') out.started++;
        else out.alreadyWatched++;
      }
      return out;
    },
  };
}
