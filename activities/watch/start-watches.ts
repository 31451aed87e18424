import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { WALLET } from '../../workflows/search-attributes';
import type { OpenTrade } from '../detection/detect-activities';

export interface WatchPlan {
  taskQueue: string;
  /** Where the long polling activities run (a worker with many activity slots). */
  watchQueue: string;
  windowMs: number;
  pollMs: number;
  heartbeatTimeoutMs?: number;
}

export const watchId = (t: OpenTrade) => `watch/${t.signature}/${t.mint}`;

/** Starts one postTradeWatch per open trade (id `watch/<signature>/<mint>`); one that exists is left alone. */
export function createWatchStarter({ temporal }: { temporal?: Client }) {
  return {
    async startWatches(trades: OpenTrade[], plan: WatchPlan): Promise<{ started: number; alreadyWatched: number; unpriced: number }> {
      if (!temporal) throw new Error('this worker has no Temporal client to start watches with');
      const out = { started: 0, alreadyWatched: 0, unpriced: 0 };
      for (const t of trades) {
        if (t.tradePrice === undefined) {
          out.unpriced++;
          continue;
        }
        try {
          await temporal.workflow.start('postTradeWatch', {
            taskQueue: plan.taskQueue,
            workflowId: watchId(t),
            args: [{ ...t, tradePrice: t.tradePrice, windowMs: plan.windowMs, pollMs: plan.pollMs, watchQueue: plan.watchQueue, heartbeatTimeoutMs: plan.heartbeatTimeoutMs }],
            typedSearchAttributes: [{ key: WALLET, value: t.wallet }],
            // A trade is watched once, ever: a re-analysis finds the closed watch and leaves it.
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          });
          out.started++;
        } catch (e) {
          if (e instanceof WorkflowExecutionAlreadyStartedError) out.alreadyWatched++;
          else throw e;
        }
      }
      return out;
    },
  };
}
